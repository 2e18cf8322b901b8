// Wire fuzzing (issue 7 §2): raw socket.io clients send thousands of random
// and malformed events to the local server while a Bot sits in a room; the
// server must answer or ignore, keep its state consistent and stay up; the
// Bot must survive and report the corrupt server events it receives.
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import fc from "fast-check";
import { io, type Socket } from "socket.io-client";
import { PayloadValidationError } from "../../api/mod.ts";
import { loadDocuments } from "../../codegen/load.ts";
import { serverEvents } from "../../schemas/mod.ts";
import { type TestServer, TestUser } from "../../testing/mod.ts";
import { aliceInRoom, makeBot, startServer, until } from "./_bots.ts";
import { pick, summary } from "./_config.ts";
import { arbitraryOf } from "./_schema_arb.ts";

const docs = await loadDocuments(new URL("../../schemas/", import.meta.url));
const CLIENTS = pick(6, 12);
const EVENTS_PER_CLIENT = pick(500, 6000);
const CORRUPT_TO_BOT = pick(150, 3000);
const RESERVED = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

/** Garbage of every kind: wrong types, huge strings, deep nesting, binary. */
const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, undefined, 0, -1, NaN, "", "123456", [], {}, true),
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => "x".repeat(n)),
  fc.integer({ min: 50, max: 400 }).map((n) => {
    let v: unknown = "deep";
    for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
    return v;
  }),
  fc.uint8Array({ maxLength: 2048 }),
  fc.record({ diff: fc.anything({ maxDepth: 2 }) }),
  fc.record({
    diff: fc.record({
      type: fc.constantFrom("add", "delete", "replace", "full-replace", "?"),
      index: fc.anything(),
      count: fc.anything(),
      text: fc.anything(),
    }),
  }),
  fc.record({ roomId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }),
  fc.record({ username: fc.anything(), location: fc.anything() }),
);

/** One fuzz event: a name and its arguments (sometimes a schema-valid payload). */
function eventArb(roomIds: () => string[]): fc.Arbitrary<[string, unknown[]]> {
  const valid = docs.clientEvents.map((e) =>
    fc.tuple(
      fc.constant(e.name),
      e.payload
        ? arbitraryOf(docs.components[e.payload], docs.components).map((p) => [p])
        : fc.constant([]),
    )
  );
  const known = [...docs.clientEvents.map((e) => e.name), ...docs.ignoredClientEvents];
  return fc.oneof(
    { weight: 3, arbitrary: fc.oneof(...valid) as fc.Arbitrary<[string, unknown[]]> },
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...known), fc.array(garbage, { maxLength: 3 })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom("join room", "get room state"), fc.constant(null)).map((
        [n],
      ) =>
        [n, [n === "join room" ? { roomId: roomIds()[0] ?? "100000" } : roomIds()[0] ?? "1"]] as [
          string,
          unknown[],
        ]
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(
        fc.string({ unit: "binary", minLength: 1 }).filter((n) => !RESERVED.has(n)),
        fc.array(garbage, { maxLength: 2 }),
      ),
    },
  );
}

/** The server's invariants (issue 7 §2). */
function checkInvariants(server: TestServer): void {
  const live = new Set(server.sockets().map((s) => s.userId).filter(Boolean));
  const seen = new Map<string, string>();
  for (const room of server.rooms()) {
    const ids = room.users.map((u) => u.id);
    assertEquals(new Set(ids).size, ids.length, `room ${room.id} lists a user twice`);
    for (const id of ids) {
      assert(live.has(id), `room ${room.id} lists ${id}, who has no socket`);
      assert(!seen.has(id), `user ${id} is in rooms ${seen.get(id)} and ${room.id}`);
      seen.set(id, room.id);
    }
    for (const [id, text] of Object.entries(room.messages)) {
      assert(ids.includes(id), `room ${room.id} keeps the buffer of ${id}, not a member`);
      assert(text.length <= 5000, `buffer of ${id} has ${text.length} chars`);
    }
    for (const [voter, target] of Object.entries(room.votes)) {
      assert(ids.includes(voter) && ids.includes(target), `stale vote ${voter} -> ${target}`);
    }
    assert(room.users.length <= 5, `room ${room.id} has ${room.users.length} users`);
  }
}

async function rawClient(server: TestServer, n: number): Promise<Socket> {
  const socket = io(server.url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth: { token: server.issueToken() },
    extraHeaders: { "X-Forwarded-For": `10.77.0.${n + 1}` },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return socket;
}

Deno.test("Server and Bot survive thousands of random and malformed events from raw clients", async () => {
  await using server = await startServer({
    relaxRateLimits: true,
    wordFilter: false,
    limits: { baseMaxRooms: 10_000, hardMaxRooms: 10_000 },
  });
  await using alice = await aliceInRoom(server, "Fuzzed");
  const roomId = alice.roomId!;
  const bot = makeBot(server);
  const sockets: Socket[] = [];
  let sent = 0;
  let answers = 0;
  try {
    const me = await bot.start();
    await bot.joinRoom(roomId);
    await bot.send("I stay calm");
    for (let i = 0; i < CLIENTS; i++) {
      const s = await rawClient(server, i);
      s.onAny(() => void answers++);
      sockets.push(s);
      // Half of them sit in the bot's room (anonymously) to reach the chat and vote paths.
      if (i % 2 === 0) s.emit("join room", { roomId });
    }
    const arb = eventArb(() => [roomId, ...server.rooms().map((r) => r.id)]);
    for (let burst = 0; burst < EVENTS_PER_CLIENT / 50; burst++) {
      for (const [k, s] of sockets.entries()) {
        if (!s.connected) {
          // The server may drop a socket after > 10 handler errors (§1.7): reconnect it.
          sockets[k] = await rawClient(server, k);
          sockets[k].onAny(() => void answers++);
          continue;
        }
        for (const [name, args] of fc.sample(arb, { numRuns: 50, seed: burst * 1000 + k })) {
          // Never vote against the bot: a kick is the protocol working, not a crash.
          if (name === "vote") continue;
          s.emit(name, ...args);
          sent++;
        }
      }
      // A barrier per client: "get rooms" is answered after everything sent before it.
      await Promise.all(
        sockets.filter((s) => s.connected).map((s) =>
          new Promise<void>((resolve, reject) => {
            // guard: fires only when the server stopped answering
            const timer = setTimeout(
              () => reject(new Error("The server stopped answering")),
              30_000,
            );
            s.once("initial rooms", () => {
              clearTimeout(timer);
              resolve();
            });
            s.emit("get rooms");
          })
        ),
      );
      checkInvariants(server);
    }
    // Everything processed: a fresh user can still do everything.
    await using probe = await TestUser.connect(server, {
      username: "Probe",
      location: "After",
      timeoutMs: 10_000,
    });
    const probeRoom = await probe.createRoom({ name: "After the storm" });
    await probe.joinRoom(probeRoom);
    await probe.send("still works");
    await server.waitFor((s) => s.room(probeRoom)?.messages[probe.userId!] === "still works");
    const health = await fetch(`${server.url}/api/v1/health`, {
      headers: { Authorization: `Bearer ${server.issueToken()}` },
    });
    assertEquals(health.status, 200);
    await health.body?.cancel();
    checkInvariants(server);
    // The bot is still in its room, connected, and sees what the server has.
    assert(bot.connected, "bot connected");
    assertEquals(bot.room?.id, roomId);
    await server.waitFor((s) => s.room(roomId)?.messages[me.id] === "I stay calm");
    await until(() => sameView(server, bot, roomId), "the bot's view to match the server", 5000);
    assert(answers > 0);
    summary("wire fuzz (server)", {
      "events fuzzed": sent,
      "answers received": answers,
      clients: CLIENTS,
      crashes: 0,
    });
  } finally {
    for (const s of sockets) s.close();
    await bot.stop();
  }
});

/** The bot's room equals the server's: same users, same texts. */
function sameView(server: TestServer, bot: ReturnType<typeof makeBot>, roomId: string): boolean {
  const info = server.room(roomId);
  const room = bot.room;
  if (!info || !room) return false;
  const a = info.users.map((u) => u.id).sort().join();
  const b = room.users.map((u) => u.id).sort().join();
  if (a !== b) return false;
  return info.users.every((u) => bot.textOf(u.id) === (info.messages[u.id] ?? ""));
}

Deno.test("Bot reports every corrupt server event through error and keeps its room", async () => {
  await using server = await startServer();
  await using alice = await aliceInRoom(server, "Corrupt");
  const roomId = alice.roomId!;
  const bot = makeBot(server);
  try {
    const me = await bot.start();
    await bot.joinRoom(roomId);
    await alice.send("hello bot");
    await until(() => bot.textOf(alice.userId!) === "hello bot", "alice's text");
    const withPayload = Object.values(serverEvents).filter((e) => e.payload !== "none");
    const samples = fc.sample(fc.tuple(fc.constantFrom(...withPayload), garbage), {
      numRuns: CORRUPT_TO_BOT,
      seed: 7,
    });
    let expected = 0;
    for (const [spec, payload] of samples) {
      const r = spec.schema["~standard"].validate(payload);
      if (!(r instanceof Promise) && r.issues === undefined) continue; // a valid payload is not corrupt
      server.emitRaw(me.id, spec.name, payload);
      expected++;
    }
    // Unknown events are ignored without an error.
    server.emitRaw(me.id, "no such event", { x: 1 });
    await until(() => bot.errors.length >= expected, `${expected} errors`, 10_000);
    assertEquals(bot.errors.length, expected);
    for (const e of bot.errors) {
      assertInstanceOf(e, PayloadValidationError);
      assertEquals(e.direction, "inbound");
    }
    assert(bot.connected && bot.room?.id === roomId, "still in the room");
    await alice.send("still hearing you?");
    await until(() => bot.textOf(alice.userId!) === "still hearing you?", "a later message");
    assert(sameView(server, bot, roomId), "the bot's view matches the server");
    summary("wire fuzz (bot)", {
      "corrupt events to the bot": expected,
      "reported through error": bot.errors.length,
    });
  } finally {
    await bot.stop();
  }
});
