// The Box's answer section against the local server: every kind of answer
// (replies of commands, events and schedules, usage errors, failures, /help,
// cooldowns, unknown commands, questions) lands there, naming the person it
// answers, and the other sections survive; answers expire.
import { assertEquals, assertThrows } from "@std/assert";
import { Box, cooldown } from "../../bot/mod.ts";
import { person, scene, seen, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test("Box: every kind of answer goes to the answer section and the other sections stay", async () => {
  await using s = await scene({}, { unknownCommands: "suggest" });
  const { bot, alice, server, roomId } = s;
  const box = new Box(bot);
  box.text("title", "Poll: Lunch?");
  const votes = box.lines("votes");
  votes.set("count", "0 votes");
  bot.command("vote").param("n", { type: "integer" }).handle((ctx, args) => {
    votes.set("count", `1 vote for ${args.n}`);
    return ctx.reply(`counted ${args.n}`);
  });
  bot.command("results").use(cooldown({ ms: 60_000 })).handle((ctx) => ctx.reply("1 vote"));
  bot.command("boom").handle(() => {
    throw new Error("no");
  });
  bot.command("quiz").handle(async (ctx) => {
    const answer = await ctx.ask("Pizza?", { parse: "yes/no" });
    await ctx.reply(answer ? "Pizza it is" : "No pizza");
  });
  bot.on("userJoined", (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`));
  bot.on("line", (ctx) => ctx.reply(`noted "${ctx.line}"`));
  const head = "Poll: Lunch?\n0 votes";
  const shows = (text: string) => () => seen(alice, bot) === text;

  await until(shows(head), "the box");
  await enter(alice, "/vote");
  await until(
    shows(`${head}\nAlice: Missing required argument <n>\nUsage: /vote <n>`),
    "the usage error, named, under the box",
  );
  await enter(alice, "/vote 2");
  await until(shows("Poll: Lunch?\n1 vote for 2\nAlice: counted 2"), "a command's reply");
  const body = "Poll: Lunch?\n1 vote for 2";
  await enter(alice, "/boom");
  await until(shows(`${body}\nAlice: Sorry, /boom failed.`), "a failure answer");
  await enter(alice, "/results");
  await until(shows(`${body}\nAlice: 1 vote`), "the first /results");
  await enter(alice, "/results");
  await until(shows(`${body}\nAlice: Wait 60 s before /results again.`), "the cooldown reply");
  await enter(alice, "/hepl");
  await until(
    shows(`${body}\nAlice: Unknown command /hepl. Did you mean /help?`),
    "the unknown command",
  );
  await enter(alice, "/help vote");
  await until(shows(`${body}\nAlice: Usage: /vote <n>\n• n (integer)`), "/help");
  await enter(alice, "/quiz");
  await until(shows(`${body}\nAlice: Pizza?`), "the question");
  await enter(alice, "maybe");
  await until(shows(`${body}\nAlice: Please answer yes or no. Pizza?`), "the re-ask");
  await enter(alice, "yes");
  await until(shows(`${body}\nAlice: Pizza it is`), "the answer to the answer");
  await enter(alice, "pizza please");
  await until(shows(`${body}\nAlice: noted "pizza please"`), "a line handler's reply, named");
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  await until(shows(`${body}\nWelcome, Bob!`), "an event's reply (names itself)");
  bot.after(1, (ctx) => ctx.reply("Poll closes soon"));
  await until(shows(`${body}\nPoll closes soon`), "a schedule's reply, not named");
  assertEquals(seen(bob, bot), `${body}\nPoll closes soon`);
});

Deno.test("Box: an answer expires after answerTtlMs; the section's name and place are options", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const box = new Box(bot, { answers: { name: "said", place: "first" }, answerTtlMs: 300 });
  box.text("title", "Helper");
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  await until(() => seen(alice, bot) === "Helper", "the box");
  await enter(alice, "/ping");
  await until(() => seen(alice, bot) === "Alice: pong\nHelper", "the answer, first");
  assertEquals(box.answers?.name, "said");
  await until(() => seen(alice, bot) === "Helper", "the answer gone after its time");
  assertEquals(box.answers?.value, "");
});

Deno.test("Box with answers: false leaves answers replacing the box; options are checked", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const box = new Box(bot, { answers: false });
  box.text("title", "Helper");
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  await until(() => seen(alice, bot) === "Helper", "the box");
  await enter(alice, "/ping");
  await until(() => seen(alice, bot) === "pong", "the whole text replaced");
  assertEquals(box.answers, undefined);
  // @ts-expect-error not a place
  assertThrows(() => new Box(bot, { answers: { place: "middle" } }), TypeError, "answers.place");
  assertThrows(() => new Box(bot, { answerTtlMs: 0 }), RangeError, "answerTtlMs must be");
  // @ts-expect-error not options
  assertThrows(() => new Box(bot, 5), TypeError, "options must be an object");
});
