// The bot's box against the local server: sections, sends, replies and questions in the box.
import { assertEquals, assertThrows } from "@std/assert";
import { Box } from "../../bot/mod.ts";
import { makeBot, person, scene, seen, startServer, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test("Box sends its sections as one text, once for changes made together", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const sent: string[] = [];
  const send = bot.send.bind(bot);
  bot.send = (text, options) => (sent.push(text), send(text, options));
  const box = new Box(bot);
  box.text("title", "Echo Bot: /echo <words>");
  const said = box.lines("said");
  const log = box.log("log", { header: "Recently:", limit: 2 });
  said.set("a", "Ann said: hi").set({ id: "b" }, "Ben said:\nyo");
  log.add("one", "two", "three");
  await until(() => sent.length === 1, "one send");
  const expected = "Echo Bot: /echo <words>\nAnn said: hi\nBen said: yo\nRecently:\ntwo\nthree";
  assertEquals(sent, [expected]);
  await until(() => seen(alice, bot) === expected, "the box in the room");
  said.delete("a");
  log.clear();
  await until(() => seen(alice, bot) === "Echo Bot: /echo <words>\nBen said: yo", "the update");
  said.set("b", "Ben said: yo"); // unchanged: nothing sent
  await bot.refreshRooms(); // a round trip: a send scheduled by the change would be out
  assertEquals(sent.length, 2);
  assertEquals(box.section("said"), said);
  await bot.send("something else"); // a reply replaced the box...
  said.set("b", "Ben said: yo"); // ...setting a section again brings it back
  await until(() => seen(alice, bot) === "Echo Bot: /echo <words>\nBen said: yo", "the box again");
  assertEquals(sent.length, 4);
});

Deno.test("Box shows itself when the bot joins a room, and takes replies and questions", async () => {
  await using s = await scene();
  const { server, alice, roomId } = s;
  await using bot = makeBot(server, { username: "Boxer" });
  const box = new Box(bot);
  box.text("title", "Boxer: /ping, /quiz");
  const answer = box.text("answer");
  bot.use(box.replies(answer));
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  bot.command("quiz").handle(async (ctx) => {
    const reply = await ctx.ask("Capital of France?", { timeoutMs: 5000 });
    await ctx.reply(reply.toLowerCase() === "paris" ? "Right" : "No: Paris");
  });
  await bot.start();
  await bot.joinRoom(roomId);
  await until(() => seen(alice, bot) === "Boxer: /ping, /quiz", "the box on joining");
  await enter(alice, "/ping");
  await until(() => seen(alice, bot) === "Boxer: /ping, /quiz\npong", "the reply in the box");
  await enter(alice, "/quiz");
  await until(
    () => seen(alice, bot) === "Boxer: /ping, /quiz\nCapital of France?",
    "the question in the box",
  );
  await enter(alice, "Paris");
  await until(() => seen(alice, bot) === "Boxer: /ping, /quiz\nRight", "the answer in the box");
});

Deno.test("Box checks its arguments", async () => {
  await using server = await startServer();
  await using bot = makeBot(server);
  // @ts-expect-error not a bot
  assertThrows(() => new Box({}), TypeError, "Cannot create box: expected a bot, got object");
  const box = new Box(bot);
  box.text("a");
  assertThrows(() => box.text("a"), TypeError, 'Cannot add section "a": the box has one');
  assertThrows(() => box.lines(""), TypeError, "the name must be a non-empty string");
  assertThrows(() => box.log("l", { limit: 0 }), RangeError, "limit must be a positive integer");
  // @ts-expect-error not a string
  assertThrows(() => box.text("b").set(5), TypeError, "expected a string, got number");
  // @ts-expect-error not a key
  assertThrows(() => box.lines("c").set(null, "x"), TypeError, "string or a user, got null");
  const other = new Box(bot);
  assertThrows(() => other.replies(box.text("d")), TypeError, "a text section of this box");
  await using p = await person(server, "Pat");
  assertEquals(p.userId !== undefined, true);
});
