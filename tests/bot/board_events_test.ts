// bot.board's state and events against the local server: history and active strokes on open,
// live strokes, viewers, each board event, a person leaving mid-stroke, and board commands.
import { assert, assertEquals } from "@std/assert";
import type { BotEventData, BotEventName } from "../../bot/mod.ts";
import { person, scene, until } from "./_helpers.ts";

const pt = (x: number, y: number) => ({ x, y });

Deno.test("bot.board keeps the history and active strokes from open, then live strokes, and reports each board event", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const seen: [BotEventName, unknown][] = [];
  const record = <E extends BotEventName>(name: E, pick: (d: BotEventData[E]) => unknown) =>
    bot.on(name, (ctx) => void seen.push([name, pick(ctx as unknown as BotEventData[E])]));
  record("boardOpened", (d) => d.user.name);
  record("boardClosed", (d) => d.user.name);
  record("boardStroke", (d) => [d.user.name, d.stroke.points.length, d.stroke.color]);
  record("boardChat", (d) => [d.user.name, d.text]);
  record("boardCleared", (d) => d.user?.name);
  record("boardCursor", (d) => [d.user.name, d.x, d.y]);
  // Alice draws one finished stroke and leaves another one open before the bot looks.
  alice.emit("board open");
  alice.emit("board stroke start", { color: "#111111", size: 3, point: pt(0, 0) });
  alice.emit("board stroke move", { points: [pt(1, 1), pt(2, 2)] });
  alice.emit("board stroke end");
  alice.emit("board stroke start", { color: "#222222", size: 4, point: pt(5, 5) });
  await until(() => seen.length === 2, "the first stroke and Alice's open");
  assertEquals(seen.splice(0), [["boardOpened", "Alice"], ["boardStroke", [
    "Alice",
    3,
    "#111111",
  ]]]);
  assertEquals(bot.board.strokes, [], "closed: no history kept");
  await bot.board.open();
  assertEquals(bot.board.isOpen, true);
  assertEquals(bot.board.strokes.map((x) => [x.color, x.points.length, x.userId]), [
    ["#111111", 3, undefined],
  ]);
  const aliceId = alice.userId!;
  assertEquals(bot.board.active.get(aliceId)?.points, [pt(5, 5)]);
  assertEquals([...bot.board.viewers].sort(), [aliceId, bot.me!.id].sort());
  alice.emit("board stroke move", { points: [pt(6, 6)] });
  alice.emit("board stroke end");
  alice.emit("board cursor", pt(9, 10));
  alice.emit("board chat", { text: "nice" });
  await until(() => seen.length === 3, "stroke, cursor and chat");
  assertEquals(seen.splice(0), [
    ["boardStroke", ["Alice", 2, "#222222"]],
    ["boardCursor", ["Alice", 9, 10]],
    ["boardChat", ["Alice", "nice"]],
  ]);
  assertEquals(bot.board.strokes.map((x) => [x.color, x.userId]), [
    ["#111111", undefined],
    ["#222222", aliceId],
  ]);
  assertEquals(bot.board.active.size, 0);
  // the bot's own chat line is no event; clears are, with the bot as user when it was the bot
  await bot.board.chat("mine");
  alice.emit("board clear");
  await until(() => seen.length === 1, "Alice's clear");
  await bot.board.clear();
  await until(() => seen.length === 2, "the bot's clear");
  assertEquals(seen.splice(0), [["boardCleared", undefined], ["boardCleared", "TestBot"]]);
  assertEquals(bot.board.strokes, []);
  // closing the board finalises a stroke; leaving mid-stroke too (§6.4)
  alice.emit("board stroke start", { color: "#333333", size: 1, point: pt(0, 0) });
  alice.emit("board close");
  await until(() => seen.length === 2, "Alice's close");
  assertEquals(seen.splice(0), [["boardStroke", ["Alice", 1, "#333333"]], [
    "boardClosed",
    "Alice",
  ]]);
  assertEquals([...bot.board.viewers], [bot.me!.id]);
  await using bob = await person(s.server, "Bob");
  await bob.joinRoom(s.roomId);
  bob.emit("board stroke start", { color: "#444444", size: 1, point: pt(0, 0) });
  bob.emit("board stroke move", { points: [pt(1, 0)] });
  await until(() => bot.board.active.has(bob.userId!), "Bob's stroke");
  await bob.leaveRoom();
  await until(() => seen.length === 1, "Bob's stroke finished by his leaving");
  assertEquals(seen.splice(0), [["boardStroke", ["Bob", 2, "#444444"]]]);
  assertEquals(bot.board.strokes.at(-1)?.userId, bob.userId);
  // leaving the room forgets the board
  await bot.leaveRoom();
  assertEquals([bot.board.isOpen, bot.board.strokes.length, bot.board.viewers.size], [
    false,
    0,
    0,
  ]);
});

Deno.test("Bot with boardCommands runs commands typed in the board chat and answers there", async () => {
  await using s = await scene({}, { boardCommands: true });
  const { bot, alice } = s;
  bot.command("shout").param("word").handle((ctx, args) => ctx.reply(args.word.toUpperCase()));
  const since = alice.events.length;
  alice.emit("board chat", { text: "/shout hello" });
  const answer = await alice.waitFor<{ userId: string; text: string }>(
    "board chat",
    (p) => p.userId === bot.me!.id,
    { since },
  );
  assertEquals(answer.text, "HELLO");
  // /help is several lines: one board line, at most 200 characters
  alice.emit("board chat", { text: "/help" });
  const help = await alice.waitFor<{ userId: string; text: string }>(
    "board chat",
    (p) => p.userId === bot.me!.id && p.text !== "HELLO",
    { since },
  );
  assert(help.text.includes("/shout") && !help.text.includes("\n"), help.text);
  assert(help.text.length <= 200);
  // usage errors answer in the board chat too; the room text is untouched
  alice.emit("board chat", { text: "/shout" });
  const usage = await alice.waitFor<{ userId: string; text: string }>(
    "board chat",
    (p) => p.userId === bot.me!.id && p.text.includes("Usage"),
    { since },
  );
  assert(usage.text.includes("/shout <word>"), usage.text);
  assertEquals(alice.texts[bot.me!.id] ?? "", "");
});
