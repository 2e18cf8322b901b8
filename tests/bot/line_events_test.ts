// The `line` and `unknownCommand` events against the local server, typed by
// scripted people: finished lines of plain text (Enter or idle), never for
// commands or answers; unknown commands with a suggestion, silent by default,
// answered with `unknownCommands: "suggest"`.
import { assertEquals, assertThrows } from "@std/assert";
import { Bot, Composer, session } from "../../bot/mod.ts";
import { closestName, editDistance } from "../../bot/commands/suggest.ts";
import { makeBot, person, roomWith, scene, seen, startServer, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test('bot.on("line") gets finished plain lines (Enter or idle), not commands nor answers', async () => {
  await using s = await scene({}, { commandIdleMs: 300 });
  const { bot, alice } = s;
  const lines: string[] = [];
  bot.on("line", (ctx) => void lines.push(`${ctx.user.name}: ${ctx.line}`));
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  bot.command("quiz").handle(async (ctx) => {
    const answer = await ctx.ask("Capital of France?", { timeoutMs: 5000 });
    await ctx.reply(`answer ${answer}`);
  });
  await enter(alice, "hello there");
  await until(() => lines.length === 1, "the line on Enter");
  await enter(alice, "/ping");
  await until(() => seen(alice, bot) === "pong", "the command");
  await enter(alice, "/quiz");
  await until(() => seen(alice, bot) === "Capital of France?", "the question");
  await enter(alice, "Paris");
  await until(() => seen(alice, bot) === "answer Paris", "the answer");
  await alice.type("left alone", { cps: Infinity }); // no Enter: the idle time finishes it
  await until(() => lines.length === 2, "the line left alone");
  assertEquals(lines, ["Alice: hello there", "Alice: left alone"]);
});

Deno.test('"line" runs in composers and through middleware, with the session', async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const seenBy: string[] = [];
  const bot = makeBot(server)
    .use(session({ initial: () => ({ lines: 0 }) }))
    .use(async (ctx, next) => {
      if ("line" in ctx && !("command" in ctx) && ctx.line === "secret") return;
      seenBy.push(`mw ${"command" in ctx ? "command" : "text" in ctx ? "message" : "line"}`);
      await next();
    });
  const mod = new Composer<{ session: { lines: number } }>();
  mod.on("line", (ctx) => {
    ctx.session.lines++;
    return ctx.reply(`${ctx.user.name} wrote ${ctx.session.lines} lines, last ${ctx.line}`);
  });
  bot.use(mod);
  bot.on("line", (ctx) => void seenBy.push(`bot ${ctx.line} ${ctx.session.lines}`));
  try {
    await bot.start();
    await roomWith(bot, alice);
    await enter(alice, "one");
    await until(() => seen(alice, bot) === "Alice wrote 1 lines, last one", "the first line");
    await enter(alice, "secret"); // stopped by the middleware
    await enter(alice, "two");
    await until(() => seen(alice, bot) === "Alice wrote 2 lines, last two", "the second line");
    assertEquals(seenBy.filter((l) => !l.startsWith("mw message")), [
      "mw line",
      "bot one 0", // the bot's own handlers run first, on the same session
      "mw line",
      "bot two 1",
    ]);
  } finally {
    await bot.stop();
  }
  assertThrows(
    // @ts-expect-error composers take "message" and "line"
    () => new Composer().on("userJoined", () => {}),
    TypeError,
    'composers take "message" and "line"',
  );
});

Deno.test('"unknownCommand" names the closest command; nothing is answered by default', async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const unknown: (string | undefined)[][] = [];
  const lines: string[] = [];
  bot.on("unknownCommand", (ctx) => void unknown.push([ctx.user.name, ctx.name, ctx.suggestion]));
  bot.on("line", (ctx) => void lines.push(ctx.line));
  bot.command("vote").alias("v").param("n", { type: "integer" }).handle((ctx) => ctx.reply("ok"));
  bot.command("secret").hidden().handle((ctx) => ctx.reply("shh"));
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  await enter(alice, "/hepl");
  await enter(alice, "/vtoe 3");
  await enter(alice, "/secrte");
  await enter(alice, "/weather Paris");
  await until(() => unknown.length === 4, "four unknown commands");
  assertEquals(unknown, [
    ["Alice", "hepl", "help"],
    ["Alice", "vtoe", "vote"],
    ["Alice", "secrte", undefined], // hidden commands are not suggested
    ["Alice", "weather", undefined],
  ]);
  await enter(alice, "/ping");
  await until(() => seen(alice, bot) === "pong", "a command after them");
  const said = alice.events.filter((e) =>
    e.name === "chat update" && JSON.stringify(e.args).includes("Unknown")
  );
  assertEquals(said, [], "nothing answered");
  assertEquals(lines, [], "command lines are not plain lines");
});

Deno.test('unknownCommands: "suggest" answers "Unknown command /hepl. Did you mean /help?"', async () => {
  await using s = await scene({}, { unknownCommands: "suggest" });
  const { bot, alice } = s;
  bot.command("vote").param("n", { type: "integer" }).handle((ctx) => ctx.reply("ok"));
  await enter(alice, "/hepl");
  await until(
    () => seen(alice, bot) === "Unknown command /hepl. Did you mean /help?",
    "the suggestion",
  );
  await enter(alice, "/weather");
  await until(
    () => seen(alice, bot) === "Unknown command /weather. Type /help for the list.",
    "the answer without a suggestion",
  );
  assertThrows(
    // @ts-expect-error not a choice
    () => new Bot({ username: "X", unknownCommands: "answer" }),
    TypeError,
    'unknownCommands must be "ignore" or "suggest", got "answer"',
  );
});

Deno.test("closestName() takes one edit for short names, two for longer ones, swaps count one", () => {
  assertEquals(editDistance("hepl", "help"), 1);
  assertEquals(editDistance("kitten", "sitting"), 3);
  assertEquals(closestName("hepl", ["vote", "help"]), "help");
  assertEquals(closestName("h".repeat(5000), ["help", "hhhhhh"]), undefined);
  assertEquals(closestName("HELP", ["help"]), "help");
  assertEquals(closestName("rsults", ["results", "vote"]), "results");
  assertEquals(closestName("xy", ["help"]), undefined);
  assertEquals(closestName("vo", ["vote"]), undefined);
  assertEquals(closestName("", ["help"]), undefined);
});
