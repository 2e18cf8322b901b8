// bot.hook(): the one public way a plugin shows the bot's answers and questions and makes stop()
// finish work first. The plugin below is written as a third party would write it: it imports
// only from @talkomatic/talkomatic/bot (the scaffolding around it uses the test helpers).
import { assert, assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { Bot, type User } from "@talkomatic/talkomatic/bot";
import { FakeClock, settle } from "../_fake_clock.ts";
import { enter, quietLogger, scene, seen, until } from "./_helpers.ts";

/** A third-party plugin: keeps a transcript of the bot's answers and questions. */
function transcript(bot: Bot, hooks: { answers?: boolean; questions?: boolean } = {}) {
  const lines: string[] = [];
  const who = (user: User | undefined) => user ? `${user.name}: ` : "";
  const unhook = bot.hook({
    answer: hooks.answers === false
      ? undefined
      : (text, user) => void lines.push(`${who(user)}${text}`),
    question: hooks.questions === false ? undefined : (text, user, signal) => {
      lines.push(`? ${user.name}: ${text}`);
      signal.addEventListener("abort", () => lines.push(`ended ${user.name}`), { once: true });
    },
  });
  return { lines, unhook };
}

Deno.test("Bot.hook(): an answer hook gets replies and built-in answers with the person; removing it restores send()", async () => {
  await using s = await scene({}, { unknownCommands: "suggest" });
  const { bot, alice, server, roomId } = s;
  const { lines, unhook } = transcript(bot, { questions: false });
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  bot.command("vote").param("n", { type: "integer" }).handle(() => {});
  bot.command("boom").handle(() => {
    throw new Error("no");
  });

  await enter(alice, "/ping");
  await until(() => lines.includes("Alice: pong"), "a command's reply, with the person");
  await enter(alice, "/vote");
  await until(
    () => lines.includes("Alice: Missing required argument <n>\nUsage: /vote <n>"),
    "the usage error, with the person",
  );
  await enter(alice, "/boom");
  await until(() => lines.includes("Alice: Sorry, /boom failed."), "the failure answer");
  await enter(alice, "/pnig");
  await until(
    () => lines.includes("Alice: Unknown command /pnig. Did you mean /ping?"),
    "the unknown command",
  );
  bot.after(1, (ctx) => ctx.reply("tick"));
  await until(() => lines.includes("tick"), "a schedule's reply, without a person");
  await bot.refreshRooms(); // after every emission of the bot: none replaced its text
  assertEquals(server.room(roomId)?.messages[bot.me!.id] ?? "", "");

  unhook();
  unhook(); // again: nothing
  const before = lines.length;
  await enter(alice, "/ping");
  await until(() => seen(alice, bot) === "pong", "the reply as the bot's whole text again");
  assertEquals(lines.length, before);
});

Deno.test("Bot.hook(): a question hook shows each question until its signal aborts; without it, questions are answers", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const { lines, unhook } = transcript(bot);
  bot.command("quiz").handle(async (ctx) => {
    const yes = await ctx.ask("Pizza?", { parse: "yes/no" });
    await ctx.reply(yes ? "Pizza it is" : "No pizza");
  });

  await enter(alice, "/quiz");
  await until(() => lines.includes("? Alice: Pizza?"), "the question");
  await enter(alice, "maybe");
  await until(() => lines.includes("? Alice: Please answer yes or no. Pizza?"), "the re-ask");
  await enter(alice, "yes");
  await until(() => lines.includes("Alice: Pizza it is"), "the reply to the answer");
  assertEquals(lines, [
    "? Alice: Pizza?",
    "ended Alice",
    "? Alice: Please answer yes or no. Pizza?",
    "ended Alice",
    "Alice: Pizza it is",
  ]);

  // Newest wins: a plugin with only an answer hook, installed later, takes the answers, and
  // the older question hook still shows the questions.
  const newer = transcript(bot, { questions: false });
  await enter(alice, "/quiz");
  await until(() => lines.at(-1) === "? Alice: Pizza?", "the question, in the older plugin");
  await enter(alice, "no");
  await until(() => newer.lines.includes("Alice: No pizza"), "the reply, in the newer plugin");
  assertEquals(lines.at(-1), "ended Alice");

  // Without any question hook, a question is an answer to its person.
  unhook();
  await enter(alice, "/quiz");
  await until(() => newer.lines.includes("Alice: Pizza?"), "the question as an answer");
  newer.unhook();
  await enter(alice, "no");
  await until(() => seen(alice, bot) === "No pizza", "the reply as the bot's text");
});

Deno.test("Bot.stop() awaits every stopping hook; one that never ends is cut after 5 s on the bot's clock", async () => {
  const clock = new FakeClock(1_000_000);
  const bot = new Bot({ username: "Keeper", clock, logger: quietLogger() });
  let release!: () => void;
  let written = false;
  bot.hook({ stopping: () => new Promise<void>((r) => release = r).then(() => written = true) });
  bot.hook({ stopping: () => new Promise(() => {}) }); // a write that never ends
  bot.hook({ answer: () => {} }); // no stopping hook: nothing to await

  let stopped = false;
  const stopping = bot.stop().then(() => stopped = true);
  await settle();
  release();
  await settle();
  assertEquals([written, stopped], [true, false]);
  await clock.advance(4999);
  assertEquals(stopped, false);
  await clock.advance(1);
  await stopping;
  assertEquals(clock.pending, 0);
});

Deno.test("Bot.stop() called twice (Ctrl+C, then the program's own stop) runs the stopping hooks once", async () => {
  const bot = new Bot({ username: "Keeper", logger: quietLogger() });
  let runs = 0;
  bot.hook({ stopping: () => void runs++ });
  const first = bot.stop();
  assertStrictEquals(bot.stop(), first);
  await first;
  await bot.stop();
  assertEquals(runs, 1);
});

Deno.test("Bot.stop() reports a failing stopping hook and waits for no removed one", async () => {
  const clock = new FakeClock(1_000_000);
  const bot = new Bot({ username: "Keeper", clock, logger: quietLogger() });
  const errors: string[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error.message));
  const unhook = bot.hook({ stopping: () => new Promise(() => {}) });
  unhook();
  bot.hook({
    stopping: () => {
      throw new Error("cannot write");
    },
  });
  bot.hook({ stopping: () => Promise.reject(new Error("disk full")) });
  await bot.stop(); // resolves without the clock moving
  assertEquals(errors.sort(), ["cannot write", "disk full"]);
  assertEquals(clock.pending, 0);
});

Deno.test("Bot.hook() rejects what is not a hook, naming the permitted ones", () => {
  const bot = new Bot({ username: "Keeper", logger: quietLogger() });
  // @ts-expect-error not an object
  assertThrows(() => bot.hook(null), TypeError, "Cannot install hooks: expected an object");
  assertThrows(
    // @ts-expect-error an unknown hook
    () => bot.hook({ answr: () => {} }),
    TypeError,
    'Cannot install hook "answr": permitted hooks are "answer", "question", "stopping"',
  );
  assertThrows(
    // @ts-expect-error not a function
    () => bot.hook({ stopping: "soon" }),
    TypeError,
    'Cannot install hook "stopping": expected a function, got string',
  );
  assert(typeof bot.hook({}) === "function");
});
