// bot.board against the local server: each action as Alice sees it on the wire, the checks
// (typed error, nothing sent), pacing inside the server's limit, cancelling a drawing, the
// board state from history and live strokes, each board event, and board commands.
import { assert, assertEquals, assertRejects } from "@std/assert";
import { ActionError, type BoardStroke, type Bot } from "../../bot/mod.ts";
import type { TestUser } from "../../testing/mod.ts";
import { scene, until } from "./_helpers.ts";
import { settle } from "../_support.ts";

type Ev = { name: string; args: unknown[] };
const pt = (x: number, y: number) => ({ x, y });
const line = (n: number) => Array.from({ length: n }, (_, i) => pt(i, i % 7));

/** The board events Alice received from index `since` on. */
function boardEvents(alice: TestUser, since = 0): Ev[] {
  return alice.events.slice(since).filter((e) => e.name.startsWith("board "));
}

/** Sends a cursor move as a fence: everything the bot sent before it has reached Alice. */
async function fence(bot: Bot, alice: TestUser, x = 4242): Promise<void> {
  const since = alice.events.length;
  await bot.board.cursor(x, -x);
  await alice.waitFor<{ x: number }>("board cursor", (p) => p.x === x, { since });
}

Deno.test("bot.board.draw() sends a stroke as start, moves of at most 200 points and end", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const since = alice.events.length;
  await bot.board.draw({ points: line(450), color: "#ff0000", size: 8, eraser: false });
  await fence(bot, alice);
  const got = boardEvents(alice, since);
  assertEquals(got.map((e) => e.name), [
    "board stroke start",
    "board stroke move",
    "board stroke move",
    "board stroke move",
    "board stroke end",
    "board cursor",
  ]);
  assertEquals(got[0].args[0], {
    userId: bot.me!.id,
    color: "#ff0000",
    size: 8,
    eraser: false,
    point: pt(0, 0),
  });
  const moved = got.slice(1, 4).map((e) => (e.args[0] as { points: unknown[] }).points);
  assertEquals(moved.map((p) => p.length), [200, 200, 49]);
  assertEquals(moved.flat(), line(450).slice(1));
  alice.emit("board open");
  const state = await alice.waitFor<{ strokes: BoardStroke[] }>("board state");
  assertEquals(state.strokes.length, 1);
  assertEquals(state.strokes[0].points, line(450));
});

Deno.test("bot.board shape helpers, text, chat, cursor and clear reach the others as the server's events", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  alice.emit("board open");
  await alice.waitFor("board state");
  await bot.board.open();
  const since = alice.events.length;
  await bot.board.line(pt(0, 0), pt(10, 0), { color: "#00ff00", size: 2 });
  await bot.board.polyline([pt(0, 0), pt(5, 5), pt(10, 0)]);
  await bot.board.rect(10, 20, 30, 40, { size: 50 });
  await bot.board.circle(0, 0, 20, { color: "#0000ff", eraser: true });
  await bot.board.text("Hi!", { x: 100, y: 100, height: 60, color: "#123456" });
  await bot.board.chat("  hello board  ");
  await bot.board.cursor(7, 8);
  alice.emit("board close");
  alice.emit("board open");
  const state = await alice.waitFor<{ strokes: BoardStroke[] }>("board state", () => true, {
    since,
  });
  const [l, p, r, c, ...text] = state.strokes;
  assertEquals([l.points, l.color, l.size], [[pt(0, 0), pt(10, 0)], "#00ff00", 2]);
  assertEquals([p.points.length, p.color, p.size, p.eraser], [3, "#000000", 3, false]);
  assertEquals(r.points, [pt(10, 20), pt(40, 20), pt(40, 60), pt(10, 60), pt(10, 20)]);
  assertEquals(r.size, 50);
  assertEquals([c.eraser, c.color, c.points.length >= 9], [true, "#0000ff", true]);
  for (const q of c.points) assert(Math.abs(Math.hypot(q.x, q.y) - 20) < 1e-9);
  // H: 3 pen strokes, small-capital i: 3, "!": 2; capitals 60 tall, the brush a tenth of it
  assertEquals(text.length, 8);
  assertEquals(text.map((t) => [t.color, t.size]), Array(8).fill(["#123456", 6]));
  assertEquals(text[0].points, [pt(100, 100), pt(100, 160)]);
  const all = text.flatMap((t) => t.points);
  assert(all.every((q) => q.x >= 100 && q.x < 100 + 3 * 60 && q.y >= 100 && q.y <= 160));
  assertEquals(bot.board.strokes.length, 4 + 8, "the bot keeps its own strokes");
  const chat = boardEvents(alice, since).find((e) => e.name === "board chat")!;
  assertEquals((chat.args[0] as { text: string }).text, "hello board");
  await alice.waitFor("board cursor", (q: { x: number; y: number }) => q.x === 7 && q.y === 8, {
    since,
  });
  await bot.board.clear();
  await alice.waitFor("board clear", () => true, { since });
  assertEquals(bot.board.strokes, []);
  await bot.board.close();
  assertEquals([bot.board.isOpen, bot.board.strokes.length], [false, 0]);
  assertEquals([...bot.board.viewers], [alice.userId], "Alice still has it open");
});

Deno.test("bot.board checks every argument before sending: a typed error and nothing sent", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const since = alice.events.length;
  const b = bot.board;
  const style = (x: unknown) => x as never;
  await assertRejects(() => b.draw(null as never), TypeError, "pass a stroke");
  await assertRejects(() => b.draw({ points: [] }), RangeError, "a stroke needs a point");
  await assertRejects(() => b.draw({ points: line(10_001) }), RangeError, "at most 10000");
  await assertRejects(() => b.draw({ points: [pt(0, NaN)] }), TypeError, "point 0 has y NaN");
  await assertRejects(() => b.draw({ points: [pt(0, 0), null as never] }), TypeError, "point 1");
  await assertRejects(() => b.draw({ points: [pt(0, Infinity)] }), TypeError, "finite number");
  await assertRejects(
    () => b.draw({ points: [pt(0, 0)], color: "#ff00000" }),
    RangeError,
    "7 characters",
  );
  await assertRejects(() => b.draw({ points: [pt(0, 0)], color: style(255) }), TypeError, "color");
  await assertRejects(
    () => b.draw({ points: [pt(0, 0)], size: 0 }),
    RangeError,
    "size 0 is outside 1–50",
  );
  await assertRejects(() => b.draw({ points: [pt(0, 0)], size: 51 }), RangeError, "outside 1–50");
  await assertRejects(() => b.draw({ points: [pt(0, 0)], size: NaN }), TypeError, "size");
  await assertRejects(() => b.draw({ points: [pt(0, 0)], eraser: style(1) }), TypeError, "eraser");
  await assertRejects(
    () => b.line(pt(0, 0), style({ x: 1 })),
    TypeError,
    "point 1 has y undefined",
  );
  await assertRejects(() => b.rect(0, 0, NaN, 1), TypeError, "w must be a finite number");
  await assertRejects(() => b.circle(0, 0, -1), RangeError, "radius -1 is negative");
  await assertRejects(() => b.text("", { x: 0, y: 0 }), RangeError, "the text is empty");
  await assertRejects(() => b.text("hi", { x: 0, y: style("0") }), TypeError, "y must be a finite");
  await assertRejects(() => b.text("hi", { x: 0, y: 0, height: 0 }), RangeError, "height 0");
  await assertRejects(() => b.chat("   "), RangeError, "the text is empty");
  await assertRejects(() => b.chat("x".repeat(201)), RangeError, "201 characters, at most 200");
  await assertRejects(() => b.chat(5 as never), TypeError, "text must be a string");
  await assertRejects(() => b.cursor(0, NaN), TypeError, "y must be a finite number");
  await assertRejects(
    () => b.draw({ points: [pt(0, 0)] }, { signal: style("x") }),
    TypeError,
    "signal must be an AbortSignal",
  );
  await fence(bot, alice);
  assertEquals(boardEvents(alice, since).map((e) => e.name), ["board cursor"]);
  // not in a room: ActionError notInRoom
  await bot.leaveRoom();
  const err = await bot.board.draw({ points: [pt(0, 0)] }).catch((e) => e);
  assert(err instanceof ActionError && err.reason === "notInRoom", String(err));
  await assertRejects(() => bot.board.open(), ActionError, "not in a room");
});

Deno.test("bot.board paces a 10 000-point drawing inside the server's per-socket limit, with its typing", async () => {
  // The server allows 60 events per 2 s here; the bot keeps to 50 per 2 s.
  await using s = await scene(
    { rateLimits: { socketBot: { points: 60, windowMs: 2000, blockMs: 60_000 } } },
    { pacing: { eventsPerWindow: 50, eventWindowMs: 2000 } },
  );
  const { bot, alice } = s;
  const errors: unknown[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error));
  const since = alice.events.length;
  await Promise.all([
    bot.board.draw({ points: line(3000) }),
    bot.type("drawing", { cps: 50 }),
    bot.board.draw({ points: line(10_000), color: "#ff0000" }),
  ]);
  await fence(bot, alice);
  const got = boardEvents(alice, since).map((e) => e.name);
  const count = (name: string) => got.filter((n) => n === name).length;
  // 3000 points: start, 15 moves, end (17 events); 10 000 points: start, 50 moves, end
  assertEquals([count("board stroke start"), count("board stroke move")], [2, 15 + 50]);
  assertEquals(count("board stroke end"), 2);
  await until(() => alice.texts[bot.me!.id] === "drawing", "the typed text");
  assertEquals(errors, [], "no RATE_LIMITED drop reached the bot");
});

Deno.test("bot.board.draw() stops between moves when aborted and still ends the stroke", async () => {
  await using s = await scene({}, { pacing: { eventsPerWindow: 10, eventWindowMs: 1000 } });
  const { bot, alice } = s;
  const since = alice.events.length;
  const stop = new AbortController();
  const drawing = bot.board.draw({ points: line(10_000) }, { signal: stop.signal });
  await until(
    () => boardEvents(alice, since).filter((e) => e.name === "board stroke move").length >= 3,
    "three moves",
  );
  stop.abort();
  const err = await drawing.catch((e) => e);
  assert(err instanceof ActionError && err.reason === "aborted", String(err));
  await alice.waitFor("board stroke end", () => true, { since });
  await fence(bot, alice);
  const moves = boardEvents(alice, since).filter((e) => e.name === "board stroke move").length;
  assert(moves < 50, `${moves} moves sent`);
  // the next drawing starts a fresh stroke
  await bot.board.line(pt(0, 0), pt(1, 1));
  alice.emit("board open");
  const state = await alice.waitFor<{ strokes: BoardStroke[] }>("board state");
  assertEquals(state.strokes.length, 2);
  assertEquals(state.strokes[0].points.length, 1 + moves * 200);
});

Deno.test("bot.board actions nobody awaits report their failure on the error event, not the process", async () => {
  await using s = await scene();
  const { bot } = s;
  const errors: string[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error.message));
  await bot.leaveRoom();
  bot.board.draw({ points: [pt(0, 0)] }); // not awaited: rejects with notInRoom
  bot.board.chat(""); // not awaited: a RangeError
  bot.board.circle(0, 0, -1); // not awaited: a RangeError
  await until(() => errors.length === 3, "three reported failures");
  assertEquals(errors, [
    "Cannot draw on the board: the bot is not in a room",
    "Cannot chat on the board: the text is empty",
    "Cannot draw a circle: radius -1 is negative",
  ]);
  const awaited = await bot.board.open().then(() => undefined, (e) => e);
  assert(awaited instanceof ActionError && awaited.reason === "notInRoom");
  await bot.board.cursor(1, 2).catch(() => {});
  await settle(); // a turn: the tracker looks after the current macrotask (its own 0 ms timer)
  assertEquals(errors.length, 3, "awaited failures are not reported again");
});
