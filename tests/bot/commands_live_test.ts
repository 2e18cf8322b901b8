// Commands against the local server, typed by scripted people.
import { assert, assertEquals, assertInstanceOf, assertStringIncludes } from "@std/assert";
import { Bot, HandlerError } from "../../bot/mod.ts";
import { botSaw, fence, makeBot, person, scene, seen, startServer, until } from "./_helpers.ts";
import { FakeClock } from "../_fake_clock.ts";

/** Bot options for a bot on fake time (no send interval, so replies need no clock move). */
function onFakeTime(clock = new FakeClock(1_000_000)) {
  return { clock, pacing: { sendIntervalMs: 0 } };
}

Deno.test("Bot.command() runs a slowly typed command once, when Enter is pressed", async () => {
  await using s = await scene({}, { commandIdleMs: 60_000 });
  const { bot, alice } = s;
  const runs: string[][] = [];
  bot.command("echo").param("words", { rest: true }).handle((ctx, args) => {
    runs.push(args.words);
    return ctx.reply(`${ctx.user.name} said: ${args.words.join(" ")}`);
  });
  await alice.type("/echo hello world", { cps: 15 });
  await alice.pressEnter();
  // The idle time is a minute: only Enter can have run the line.
  await until(() => seen(alice, bot) === "Alice said: hello world", "the echo");
  await bot.refreshRooms(); // the fence: everything the bot sent has been handled...
  await fence(alice); // ...and has reached Alice
  assertEquals(runs, [["hello", "world"]]);
});

Deno.test("Bot.command() with the default idle time: a 2 s pause never runs a half-typed line", async () => {
  assertEquals(new Bot({ username: "Defaults" }).options.commandIdleMs, 3000);
  const clock = new FakeClock(1_000_000);
  await using s = await scene({}, { commandIdleMs: 3000, ...onFakeTime(clock) });
  const { bot, alice } = s;
  const runs: string[] = [];
  bot.command("echo").param("words", { rest: true }).handle((ctx, args) => {
    runs.push(args.words.join(" "));
    return ctx.reply(`echo: ${args.words.join(" ")}`);
  });
  await alice.type("/echo hel", { cps: 20 });
  await botSaw(bot, alice, (t) => t === "/echo hel", "the half-typed line");
  await clock.advance(2999); // a person thinking mid-command, just below the 3 s idle time
  assertEquals(runs, []);
  await alice.type("lo world", { cps: 20 });
  await botSaw(bot, alice, (t) => t === "/echo hello world", "the complete line");
  await clock.advance(2999);
  assertEquals(runs, [], "the idle time counts from the last change");
  await clock.advance(1);
  await until(() => seen(alice, bot) === "echo: hello world", "the complete line to run");
  assertEquals(runs, ["hello world"]);
});

Deno.test("Bot.command() waits for Enter when the bot or the command requires it", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const clock = new FakeClock(1_000_000);
  await using strict = makeBot(server, {
    username: "Strict",
    requireEnter: true,
    ...onFakeTime(clock),
  });
  await using lax = makeBot(server, { username: "Lax", ...onFakeTime(clock) });
  const ran: string[] = [];
  strict.command("a").handle((ctx) => (ran.push("strict a"), ctx.reply("strict a")));
  lax.command("a").handle((ctx) => (ran.push("lax a"), ctx.reply("lax a")));
  lax.command("b").requireEnter().handle((ctx) => (ran.push("lax b"), ctx.reply("lax b")));
  await strict.start();
  await lax.start();
  const id = await alice.createRoom({ name: "Strict room" });
  await alice.joinRoom(id);
  await strict.joinRoom(id);
  await lax.joinRoom(id);
  await alice.type("/a", { cps: Infinity });
  await botSaw(strict, alice, (t) => t === "/a", "/a at the strict bot");
  await botSaw(lax, alice, (t) => t === "/a", "/a at the lax bot");
  await clock.advance(300); // the idle time
  await until(() => seen(alice, lax) === "lax a", "the idle run of a lax command");
  await alice.pressEnter();
  await alice.type("/b", { cps: Infinity });
  await botSaw(lax, alice, (t) => t.endsWith("\n/b"), "/b at the lax bot");
  await until(() => seen(alice, strict) === "strict a", "the strict bot's answer to Enter");
  await clock.advance(700); // well past the idle time of 300 ms, /b still waits for Enter
  await lax.refreshRooms(); // a round trip: a run started by the idle timer would show now
  assertEquals(ran.sort(), ["lax a", "strict a"], "only Enter ran /a for the strict bot; /b waits");
  await alice.pressEnter();
  await until(() => seen(alice, lax) === "lax b", "/b on Enter");
});

Deno.test("Bot.command() runs a line again only after it changed and was completed again", async () => {
  const clock = new FakeClock(1_000_000);
  await using s = await scene({}, onFakeTime(clock));
  const { bot, alice } = s;
  let runs = 0;
  bot.command("ping").handle((ctx) => ctx.reply(`Pong ${++runs}`));
  await alice.type("/ping", { cps: 40 });
  await botSaw(bot, alice, (t) => t === "/ping", "the line");
  await clock.advance(300); // the idle time
  await until(() => seen(alice, bot) === "Pong 1", "the idle run");
  await alice.pressEnter(); // completing the same line does not run it again
  await until(() => bot.room?.texts.get(alice.userId!)?.endsWith("\n"), "the bot to see Enter");
  await bot.refreshRooms(); // a round trip after it: a run would have started
  assertEquals(runs, 1);
  await alice.backspace(2, { cps: 40 }); // "/ping\n" -> "/pin"
  await alice.type("g", { cps: 40 });
  await alice.pressEnter();
  await until(() => seen(alice, bot) === "Pong 2", "the changed and completed line");
  await clock.advance(500); // past the idle time (300 ms), a completed line is not run again
  await bot.refreshRooms(); // a round trip: a run started by the idle timer would show now
  assertEquals(runs, 2);
});

Deno.test("Bot.command() answers usage errors with the usage line and never runs the handler", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  let runs = 0;
  bot.command("roll").param("times", { type: "integer", flag: true, default: 1 })
    .handle(() => void runs++);
  await alice.type("/roll --times many", { cps: Infinity });
  await alice.pressEnter();
  const text = await until(() => seen(alice, bot) || undefined, "the usage reply");
  assertStringIncludes(text, 'Invalid value "many" for --times');
  assertStringIncludes(text, "Usage: /roll [--times <integer>]");
  assertEquals(runs, 0);
});

Deno.test("Bot.command() answers a failed handler with a neutral line; catch() gets the error", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const caught: HandlerError[] = [];
  bot.catch((e) => void caught.push(e));
  bot.command("boom").handle(() => {
    throw new Error("database exploded");
  });
  bot.command("ok").handle((ctx) => ctx.reply("still here"));
  await alice.type("/boom", { cps: Infinity });
  await alice.pressEnter();
  await until(() => seen(alice, bot) === "Sorry, /boom failed.", "the neutral reply");
  assertEquals(caught.length, 1);
  assertInstanceOf(caught[0], HandlerError);
  assertEquals([caught[0].event, (caught[0].error as Error).message], [
    "/boom",
    "database exploded",
  ]);
  await alice.type("/ok", { cps: Infinity });
  await alice.pressEnter();
  await until(() => seen(alice, bot) === "still here", "the bot to keep working");
});

Deno.test("Bot with showErrors answers a failed handler with its message", async () => {
  await using s = await scene({}, { showErrors: true });
  const { bot, alice } = s;
  bot.catch(() => {});
  bot.command("boom").handle(() => Promise.reject(new Error("database exploded")));
  await alice.type("/boom", { cps: Infinity });
  await alice.pressEnter();
  await until(() => seen(alice, bot) === "Sorry, /boom failed: database exploded.", "the reply");
});

Deno.test("Bot /help lists visible commands, explains one, and every answer fits the box", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  bot.command("echo").description("Repeats").alias("e").param("words", { rest: true })
    .handle(() => {});
  bot.command("secret").hidden().handle(() => {});
  for (let i = 0; i < 80; i++) bot.command(`c${i}`).description("x".repeat(80)).handle(() => {});
  const errors: string[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error.message));
  await alice.type("/help", { cps: Infinity });
  await alice.pressEnter();
  const list = await until(
    () => seen(alice, bot)?.startsWith("Commands:") && seen(alice, bot),
    "help",
  );
  assertStringIncludes(list, "• /echo, /e - Repeats");
  assert(!list.includes("secret"));
  assert(list.length <= 5000, `help has ${list.length} characters`);
  await alice.type("/help echo", { cps: Infinity });
  await alice.pressEnter();
  const one = await until(() => seen(alice, bot)?.startsWith("Usage:") && seen(alice, bot), "one");
  assertStringIncludes(one, "Usage: /echo <words...>");
  await alice.type("/help secret", { cps: Infinity });
  await alice.pressEnter();
  await until(() => seen(alice, bot)?.startsWith('Unknown command "/secret"'), "hidden = unknown");
  await alice.send(`/help ${"z".repeat(4990)}\n`);
  const unknown = await until(
    () => seen(alice, bot)?.startsWith('Unknown command "/zzz') && seen(alice, bot),
    "the answer to a huge argument",
  );
  assert(unknown.length < 200, unknown);
  assertEquals(errors, []);
});

Deno.test("Bot ignores command lines people had before it came, and honours prefix and aliases", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const id = await alice.createRoom({ name: "Old lines" });
  await alice.joinRoom(id);
  await alice.type("!hello\n!hello", { cps: 40 });
  const clock = new FakeClock(1_000_000);
  await using bot = makeBot(server, { prefix: "!", ...onFakeTime(clock) });
  let runs = 0;
  bot.command("hi").alias("hello").handle((ctx) => ctx.reply(`hi ${ctx.user.name} ${++runs}`));
  await bot.start();
  await bot.joinRoom(id);
  await clock.advance(700); // past the idle time, the old lines, complete or not, do not run
  await bot.refreshRooms(); // a round trip: a run started by the idle timer would show now
  assertEquals(runs, 0);
  await alice.pressEnter(); // completes the old last line: Enter on a line seen before the bot came
  await alice.type("/hello", { cps: Infinity });
  await alice.pressEnter();
  await alice.type("!hello", { cps: Infinity });
  await alice.pressEnter();
  await until(() => seen(alice, bot) === "hi Alice 1", "the alias reply");
  await bot.refreshRooms(); // the fence: the lines before it were handled in order
  assertEquals(runs, 1);
});
