// The Talkoboard rules of docs/protocol.md §4.12, §5.9, §6.4 and §10.1, asserted on the events
// the local server sends. Absence is asserted with the protocol's own fence (`fence()`).
import { assert, assertEquals } from "@std/assert";
import type { TestServer } from "../../testing/mod.ts";
import { createRoom, fence, join, Raw, reset, signedIn, startServer, test } from "./_helpers.ts";
import { sweepGhosts } from "../../testing/_sweeps.ts";
import type { Room, World } from "../../testing/_world.ts";

const LOTS = { socketBot: { points: 100_000, windowMs: 60_000, blockMs: 60_000 } };

/** Only the board events a client received (and errors). */
function board(c: Raw): [string, unknown][] {
  return (c.take() as [string, unknown][]).filter(([n]) => n.startsWith("board") || n === "error");
}

async function room2(server: TestServer) {
  const a = await signedIn(server, "Alice", "Amsterdam");
  const b = await signedIn(server, "Bob", "Berlin");
  const all = [a, b];
  const id = await createRoom(a);
  for (const x of all) await join(x, id, all);
  return { a, b, all, id };
}

const pt = (x: unknown, y: unknown) => ({ x, y });

test("TestServer relays a stroke start with the colour cut to 7, the size clamped to 1-50 and eraser coerced, and ignores a malformed one", async () => {
  await using server = await startServer();
  const { a, b } = await room2(server);
  a.emit("board stroke start", { color: "#ff0000ff", size: 0, point: pt(1, 2), eraser: "yes" });
  a.emit("board stroke start", { color: "#00ff00", size: 99, point: pt(3, 4) });
  a.emit("board stroke start", { color: "red", size: 7.5, point: pt(5, 6), eraser: 0 });
  a.emit("board stroke start", { color: 1, size: 3, point: pt(0, 0) });
  a.emit("board stroke start", { color: "#000", size: "3", point: pt(0, 0) });
  a.emit("board stroke start", { color: "#000", size: 3, point: { x: "1", y: 1 } });
  a.emit("board stroke start", { color: "#000", size: 3 });
  a.emit("board stroke start", null);
  await fence(a, b);
  const u = a.userId;
  assertEquals(board(b), [
    ["board stroke start", { userId: u, color: "#ff0000", size: 1, eraser: true, point: pt(1, 2) }],
    ["board stroke start", {
      userId: u,
      color: "#00ff00",
      size: 50,
      eraser: false,
      point: pt(3, 4),
    }],
    ["board stroke start", { userId: u, color: "red", size: 7.5, eraser: false, point: pt(5, 6) }],
  ]);
  assertEquals(board(a), []); // relayed to the others only
  // each start finalised the previous stroke of the same user
  a.emit("board stroke end");
  b.emit("board open");
  const state = await b.until("board state") as { strokes: { color: string }[] };
  assertEquals(state.strokes.map((s) => s.color), ["#ff0000", "#00ff00", "red"]);
  a.close();
  b.close();
});

test("TestServer ignores a move of more than 200 points or without an active stroke, drops non-numeric points and keeps 10 000 points a stroke", async () => {
  await using server = await startServer({ rateLimits: LOTS });
  const { a, b } = await room2(server);
  a.emit("board stroke move", { points: [pt(1, 1)] }); // no active stroke
  a.emit("board stroke start", { color: "#123456", size: 4, point: pt(0, 0) });
  a.emit("board stroke move", { points: Array.from({ length: 201 }, (_, i) => pt(i, i)) });
  a.emit("board stroke move", { points: [pt(1, "2"), { x: 3 }, pt(4, 5), "p", 7] });
  a.emit("board stroke move", { points: [pt(1, "x")] }); // no numeric point: ignored
  a.emit("board stroke move", { points: "nope" });
  a.emit("board stroke move", null);
  await fence(a, b);
  assertEquals(board(b), [
    ["board stroke start", {
      userId: a.userId,
      color: "#123456",
      size: 4,
      eraser: false,
      point: pt(0, 0),
    }],
    ["board stroke move", { userId: a.userId, points: [pt(4, 5)] }],
  ]);
  for (let i = 0; i < 51; i++) {
    a.emit("board stroke move", { points: Array.from({ length: 200 }, (_, j) => pt(i, j)) });
  }
  await fence(a, b);
  b.take();
  b.emit("board open");
  const state = await b.until("board state") as {
    strokes: unknown[];
    active: Record<string, { points: { x: number; y: number }[] }>;
  };
  assertEquals(state.strokes, []);
  const points = state.active[a.userId].points;
  assertEquals(points.length, 10_000);
  assertEquals(points[9_999], pt(50, 199)); // the newest kept
  assertEquals(points[0], pt(1, 0)); // 1 + 1 + 10 200 points, the oldest 202 dropped
  a.close();
  b.close();
});

test("TestServer answers a null point with SERVER_ERROR and disconnects the socket after more than 10 such failures", async () => {
  await using server = await startServer();
  const { a, b } = await room2(server);
  a.emit("board stroke start", { color: "#000000", size: 2, point: pt(0, 0) });
  for (let i = 0; i < 10; i++) a.emit("board stroke move", { points: [pt(1, 1), null] });
  await fence(a, b);
  const failure: [string, unknown] = ["error", {
    error: { code: "SERVER_ERROR", message: "Internal server error.", replaceDefaultText: false },
  }];
  assertEquals(board(a), Array(10).fill(failure));
  assertEquals(board(b).map(([n]) => n), ["board stroke start"]); // nothing relayed
  assert(a.socket.connected);
  const gone = new Promise<string>((r) => a.socket.once("disconnect", r));
  a.emit("board stroke move", { points: [null] });
  assertEquals(await gone, "io server disconnect");
  assertEquals(board(a), [failure]);
  a.close();
  b.close();
});

test("TestServer cuts board chat to 200 characters, sends it to everyone including the sender and ignores empty text", async () => {
  await using server = await startServer();
  const { a, b } = await room2(server);
  a.emit("board chat", { text: "" });
  a.emit("board chat", { text: 5 });
  a.emit("board chat", { text: "x".repeat(250) });
  await fence(a, b);
  for (const c of [a, b]) {
    const got = board(c);
    assertEquals(got.length, 1);
    const [name, p] = got[0] as [string, Record<string, unknown>];
    assertEquals(name, "board chat");
    assertEquals({ ...p, timestamp: 0 }, {
      userId: a.userId,
      username: "Alice",
      text: "x".repeat(200),
      timestamp: 0,
    });
    assertEquals(typeof p.timestamp, "number");
  }
  a.close();
  b.close();
});

test("TestServer relays cursors and clears for everyone, and keeps the newest 500 strokes", async () => {
  await using server = await startServer({ rateLimits: LOTS });
  const { a, b } = await room2(server);
  a.emit("board cursor", pt(7, 8));
  a.emit("board cursor", { x: "7", y: 8 });
  for (let i = 0; i < 501; i++) {
    a.emit("board stroke start", { color: "#000000", size: 1, point: pt(i, 0) });
    a.emit("board stroke end");
  }
  a.emit("board stroke end"); // relayed even without an active stroke
  await fence(a, b);
  const got = board(b);
  assertEquals(got[0], ["board cursor", { userId: a.userId, username: "Alice", x: 7, y: 8 }]);
  assertEquals(got.length, 1 + 501 * 2 + 1);
  assertEquals(got.at(-1), ["board stroke end", { userId: a.userId }]);
  b.emit("board open");
  const state = await b.until("board state") as { strokes: { points: unknown[] }[] };
  assertEquals(state.strokes.length, 500);
  assertEquals(state.strokes[0].points, [pt(1, 0)]);
  assertEquals(state.strokes[499].points, [pt(500, 0)]);
  a.emit("board stroke start", { color: "#000000", size: 1, point: pt(0, 0) });
  b.emit("board clear");
  await fence(b, a);
  for (const c of [a, b]) assertEquals(board(c).at(-1), ["board clear", undefined]);
  const late = await signedIn(server, "Carol", "Cairo");
  await join(late, server.rooms()[0].id, [a, b, late]);
  late.emit("board open");
  assertEquals(await late.until("board state"), { strokes: [], active: {} });
  for (const c of [a, b, late]) c.close();
});

test("TestServer gives a late joiner who opens the board the history and the active strokes, and tells the others", async () => {
  await using server = await startServer();
  const { a, b, id } = await room2(server);
  a.emit("board stroke start", { color: "#111111", size: 3, point: pt(0, 0) });
  a.emit("board stroke move", { points: [pt(1, 1)] });
  a.emit("board stroke end");
  a.emit("board stroke start", { color: "#222222", size: 5, point: pt(2, 2), eraser: 1 });
  a.emit("board stroke move", { points: [pt(3, 3)] });
  await fence(a);
  const late = await signedIn(server, "Carol", "Cairo");
  await join(late, id, [a, b, late]);
  late.emit("board open");
  assertEquals(await late.until("board state"), {
    strokes: [{ points: [pt(0, 0), pt(1, 1)], color: "#111111", size: 3, eraser: false }],
    active: {
      [a.userId]: { points: [pt(2, 2), pt(3, 3)], color: "#222222", size: 5, eraser: true },
    },
  });
  await fence(late, a, b);
  for (const c of [a, b]) {
    assertEquals(board(c), [["board user status", { userId: late.userId, open: true }]]);
  }
  late.emit("board close");
  await fence(late, a);
  assertEquals(board(a), [["board user status", { userId: late.userId, open: false }]]);
  for (const c of [a, b, late]) c.close();
});

test("TestServer ignores board events from someone who is not in a room", async () => {
  await using server = await startServer();
  const { a, b } = await room2(server);
  const out = await signedIn(server, "Olga", "Oslo");
  const anon = new Raw(server);
  await anon.connect();
  for (const c of [out, anon]) {
    c.emit("board open");
    c.emit("board stroke start", { color: "#000000", size: 1, point: pt(0, 0) });
    c.emit("board stroke move", { points: [pt(1, 1), null] });
    c.emit("board stroke end");
    c.emit("board cursor", pt(1, 1));
    c.emit("board chat", { text: "hi" });
    c.emit("board clear");
    c.emit("board close");
  }
  await fence(out, anon, a, b);
  for (const c of [out, anon, a, b]) assertEquals(board(c), []);
  for (const c of [a, b, out, anon]) c.close();
});

/** Starts a stroke for `a`, runs `leave`, then has `b` open the board and returns its history. */
async function afterLeaving(
  server: TestServer,
  leave: (ctx: { a: Raw; b: Raw; c: Raw; id: string }) => void | Promise<void>,
): Promise<unknown> {
  const a = await signedIn(server, "Alice", "Amsterdam");
  const b = await signedIn(server, "Bob", "Berlin");
  const c = await signedIn(server, "Carol", "Cairo");
  const id = await createRoom(b);
  // Bob and Carol keep the board open, which keeps them out of reach of the AFK timers.
  for (const x of [b, c]) {
    x.emit("join room", { roomId: id });
    x.emit("board open");
    await x.until("board state");
  }
  a.emit("join room", { roomId: id });
  await a.until("room joined");
  a.emit("board stroke start", { color: "#abcdef", size: 2, point: pt(0, 0) });
  a.emit("board stroke move", { points: [pt(1, 1)] });
  await fence(a, b);
  await leave({ a, b, c, id });
  await server.waitFor(() => !server.room(id)!.users.some((u) => u.id === a.userId));
  await reset([b]);
  b.emit("board open");
  const state = await b.until("board state");
  for (const x of [a, b, c]) x.close();
  return state;
}

const FINALISED = {
  strokes: [{ points: [pt(0, 0), pt(1, 1)], color: "#abcdef", size: 2, eraser: false }],
  active: {},
};

test("TestServer finalises the active stroke of someone who leaves, is kicked or disconnects", async () => {
  await using server = await startServer();
  assertEquals(await afterLeaving(server, ({ a }) => a.emit("leave room")), FINALISED);
  await server.restart();
  const kicked = await afterLeaving(server, async ({ a, b, c }) => {
    b.emit("vote", { targetUserId: a.userId });
    c.emit("vote", { targetUserId: a.userId });
    await a.until("kicked");
  });
  assertEquals(kicked, FINALISED);
  await server.restart();
  assertEquals(await afterLeaving(server, ({ a }) => a.close()), FINALISED);
});

test("TestServer finalises the active stroke of someone removed for being AFK", async () => {
  await using server = await startServer({ timing: { afkWarningMs: 200, afkTimeoutMs: 400 } });
  const state = await afterLeaving(server, async ({ a }) => void await a.until("afk timeout"));
  assertEquals(state, FINALISED);
});

test("TestServer's ghost sweep finalises the active stroke of an occupant without a live socket", async () => {
  const stroke = { points: [pt(0, 0)], color: "#000000", size: 1, eraser: false };
  const room = {
    users: [{ id: "ghost", username: "Ghost", location: "Gone" }],
    messages: new Map(),
    votes: new Map(),
    strokes: [],
    activeStrokes: new Map([["ghost", stroke]]),
  } as unknown as Room;
  const calls: string[] = [];
  const world = {
    conns: new Map(),
    rooms: new Map([["100000", room]]),
    log: () => {},
    trackSolo: () => calls.push("trackSolo"),
    scheduleDeletion: () => calls.push("scheduleDeletion"),
    broadcastRoom: () => calls.push("broadcastRoom"),
    broadcastLobby: () => calls.push("broadcastLobby"),
  } as unknown as World;
  sweepGhosts(world);
  await Promise.resolve();
  assertEquals(room.strokes, [stroke]);
  assertEquals(room.activeStrokes.size, 0);
  assertEquals(room.users, []);
});

test("TestServer suspends the AFK timers while the board is open and restarts them on close", async () => {
  await using server = await startServer({ timing: { afkWarningMs: 60, afkTimeoutMs: 120 } });
  const a = await signedIn(server, "Alice", "Amsterdam");
  const b = await signedIn(server, "Bob", "Berlin");
  const id = await createRoom(a);
  a.emit("join room", { roomId: id });
  a.emit("board open");
  await a.until("board state");
  // Bob's timers start after Alice's would have: when Bob is removed, Alice would have been too.
  b.emit("join room", { roomId: id });
  await b.until("afk timeout", () => true, 3000);
  await fence(a);
  assert(!a.names().includes("afk warning"));
  assertEquals(server.room(id)!.users.map((u) => u.username), ["Alice"]);
  a.emit("board close");
  assert(await a.until("afk timeout", () => true, 3000));
  for (const c of [a, b]) c.close();
});
