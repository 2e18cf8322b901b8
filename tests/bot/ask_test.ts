// Conversations: ctx.ask() against the local server, answered by scripted people.
import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { AskError, type HandlerError } from "../../bot/mod.ts";
import { botSaw, person, scene, seen, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test("ctx.ask() resolves with the person's next completed line, never run as a command", async () => {
  await using s = await scene({}, { commandIdleMs: 300 });
  const { bot, alice } = s;
  let pings = 0;
  bot.command("ping").handle((ctx) => (pings++, ctx.reply("pong")));
  bot.command("quiz").handle(async (ctx) => {
    const answer = await ctx.ask("What is 6 × 7?", { timeoutMs: 5000 });
    await ctx.reply(`${ctx.user.name} answered ${JSON.stringify(answer)}`);
  });
  await enter(alice, "/quiz");
  await until(() => seen(alice, bot) === "What is 6 × 7?", "the question");
  await enter(alice, "/ping"); // an answer, not a command
  await until(() => seen(alice, bot) === 'Alice answered "/ping"', "the answer on Enter");
  assertEquals(pings, 0);

  await enter(alice, "/quiz");
  await until(() => seen(alice, bot) === "What is 6 × 7?", "the second question");
  await alice.type("  42 ", { cps: Infinity }); // no Enter: left alone for commandIdleMs
  await until(() => seen(alice, bot) === 'Alice answered "42"', "the answer left alone");
  await alice.pressEnter();
  await enter(alice, "/ping"); // questions over: commands run again
  await until(() => seen(alice, bot) === "pong", "a command after the conversation");
});

Deno.test("ctx.ask() rejects with a typed timeout error when nobody answers", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const errors: unknown[] = [];
  bot.command("quiz").handle(async (ctx) => {
    try {
      await ctx.ask("Quick: 2 + 2?", { timeoutMs: 300 });
    } catch (error) {
      errors.push(error);
      await ctx.reply("Time's up");
    }
  });
  const start = Date.now();
  await enter(alice, "/quiz");
  await until(() => seen(alice, bot) === "Time's up", "the timeout");
  assert(Date.now() - start >= 300);
  assertEquals(errors.length, 1);
  assertInstanceOf(errors[0], AskError);
  assertEquals((errors[0] as AskError).reason, "timeout");
  assertEquals((errors[0] as AskError).userId, alice.userId);
  assertEquals(
    (errors[0] as AskError).message,
    'Cannot get an answer from "Alice": no answer within 1 s',
  );
});

Deno.test("ctx.ask() ends with reason left when the person leaves; an uncaught one reaches catch()", async () => {
  await using s = await scene();
  const { bot, alice, server, roomId } = s;
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  const caught: HandlerError[] = [];
  bot.catch((e) => void caught.push(e));
  const reasons: string[] = [];
  bot.command("quiz").handle(async (ctx) => {
    try {
      await ctx.ask(`${ctx.user.name}, your favourite colour?`, { timeoutMs: 5000 });
    } catch (error) {
      reasons.push(`${ctx.user.name} ${(error as AskError).reason}`);
      throw error;
    }
  });
  await enter(bob, "/quiz");
  await until(() => seen(alice, bot) === "Bob, your favourite colour?", "the question to Bob");
  await enter(alice, "red"); // Alice's lines are not Bob's answer
  await botSaw(bot, alice, (text) => text.includes("red"), "the bot to see Alice's line");
  assertEquals(reasons, []);
  await bob.leaveRoom();
  await until(() => reasons.length === 1, "the end of the question");
  assertEquals(reasons, ["Bob left"]);
  await until(() => caught.length === 1, "the uncaught AskError in catch()");
  assertInstanceOf(caught[0].error, AskError);
  await until(() => seen(alice, bot) === "Sorry, /quiz failed.", "the neutral answer");
});

Deno.test("bot.ask() checks its arguments; a newer question replaces one; stop() ends the rest", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  // @ts-expect-error not a user
  await assertRejects(() => bot.ask(42, "?"), TypeError, "Cannot ask: pass a user");
  const absent = await bot.ask("nobody", "?").catch((e) => e);
  assertInstanceOf(absent, AskError);
  assertEquals([absent.reason, absent.message], [
    "left",
    `Cannot get an answer from "nobody": they are not in the bot's room`,
  ]);
  await assertRejects(
    () => bot.ask(alice.userId!, "?", { timeoutMs: 0 }),
    RangeError,
    "timeoutMs must be a number of milliseconds",
  );
  const first = bot.ask(alice.userId!, "First?");
  const firstFailed = first.catch((e) => e);
  await until(() => seen(alice, bot) === "First?", "the first question");
  const second = bot.ask(alice.userId!, "Second?").catch((e) => e);
  assertEquals(((await firstFailed) as AskError).reason, "replaced");
  await until(() => seen(alice, bot) === "Second?", "the second question");
  const controller = new AbortController();
  const third = bot.ask(alice.userId!, "Third?", { signal: controller.signal }).catch((e) => e);
  assertEquals(((await second) as AskError).reason, "replaced");
  controller.abort();
  assertEquals(((await third) as AskError).reason, "aborted");
  const fourth = bot.ask(alice.userId!, "Fourth?").catch((e) => e);
  await bot.stop();
  assertEquals(((await fourth) as AskError).reason, "stopped");
});
