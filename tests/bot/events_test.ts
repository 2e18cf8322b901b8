// Events against the local server: what handlers see and in which order.
import { FakeClock } from "../_fake_clock.ts";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { Bot, PayloadValidationError } from "../../bot/mod.ts";
import { makeBot, person, quietLogger, scene, seen, startServer, until } from "./_helpers.ts";

Deno.test("Bot.on() rejects an unknown event name with the permitted names", () => {
  const bot = new Bot({ username: "X", server: "http://127.0.0.1:1", token: "tk_0" });
  const err = assertThrows(() => bot.on("mesage" as never, () => {}), TypeError);
  assertStringIncludes(err.message, '"mesage"');
  assertStringIncludes(err.message, "message, typing, vote");
  assertThrows(() => bot.on("message", "no" as never), TypeError, "must be a function");
});

Deno.test("new Bot() checks names and options against the protocol limits", () => {
  assertThrows(() => new Bot({ username: "A".repeat(16) }), RangeError, "at most 15");
  assertThrows(
    () => new Bot({ username: "Ok", location: "L".repeat(21) }),
    RangeError,
    "at most 20",
  );
  assertThrows(() => new Bot({ username: "   " }), RangeError, "no visible characters");
  assertThrows(() => new Bot({ username: 5 as never }), TypeError);
  assertThrows(() => new Bot({ username: "Ok", prefix: "" }), RangeError);
  assertThrows(() => new Bot({ username: "Ok", pacing: { eventsPerWindow: -1 } }), RangeError);
  assertThrows(() => new Bot({ username: "Ok", server: "127.0.0.1:3000" }), TypeError, "http");
  assertThrows(
    () => new Bot({ username: "Ok", romo: "x" } as never),
    TypeError,
    'unknown option "romo"',
  );
  assertThrows(() => new Bot({ username: "Ok", room: { id: "12" } }), RangeError, "6 digits");
  assertThrows(() => new Bot({ username: "Ok", room: 5 as never }), TypeError, "first-public");
});

Deno.test("Bot emits ready, roomJoined, userJoin, message, typing and userLeave", async () => {
  await using server = await startServer();
  await using bot = makeBot(server);
  const log: string[] = [];
  bot.on("ready", (ctx) => void log.push(`ready ${ctx.me.name}`))
    .on("roomJoined", (ctx) => void log.push(`joined ${ctx.room.name}`))
    .on("userJoined", (ctx) => void log.push(`join ${ctx.user.name}`))
    .on("message", (ctx) => void log.push(`msg ${ctx.user.name} ${ctx.previous}->${ctx.text}`))
    .on("typing", (ctx) => void log.push(`typing ${ctx.user.name} ${ctx.isTyping}`))
    .on("userLeft", (ctx) => void log.push(`leave ${ctx.user.name} ${ctx.reason}`));
  const me = await bot.start();
  assertEquals(bot.me, me);
  await using alice = await person(server, "Alice");
  const id = await alice.createRoom({ name: "Events" });
  await alice.joinRoom(id);
  await bot.joinRoom(id);
  const bob = await person(server, "Bob");
  await bob.joinRoom(id);
  await until(() => bot.room?.users.some((u) => u.name === "Bob"), "Bob in the room");
  bob.typing(true);
  await bob.send("hi");
  await until(() => bot.textOf(bob.userId!) === "hi", "Bob's text");
  await bob.close();
  await until(() => log.includes("leave Bob left"), "Bob's leave");
  assertEquals(log, [
    "ready TestBot",
    "joined Events",
    "join Bob",
    "typing Bob true",
    "msg Bob ->hi",
    "leave Bob left",
  ]);
  assertEquals(bot.room?.users.map((u) => u.name).sort(), ["Alice", "TestBot"]);
});

Deno.test("Bot reports its own leave as roomLeft, never as another user's userLeave", async () => {
  await using s = await scene();
  const { bot } = s;
  const leaves: string[] = [];
  const left: string[] = [];
  bot.on("userLeft", (ctx) => void leaves.push(ctx.user.id));
  bot.on("roomLeft", (ctx) => void left.push(ctx.reason));
  await bot.leaveRoom();
  await bot.refreshRooms(); // the fence: everything the server sent about the leave is in
  assertEquals(left, ["left"]);
  assertEquals(leaves, []);
  assertEquals(bot.room, undefined);
});

Deno.test("Bot resolves votes the right way round (voter -> target)", async () => {
  await using s = await scene();
  const { server, bot, alice, roomId } = s;
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  await until(() => bot.room?.users.length === 3, "three users");
  const votes: string[] = [];
  bot.on("vote", (ctx) => void votes.push(`${ctx.voter.name}>${ctx.target.name} ${ctx.added}`));
  alice.vote(bob.userId!);
  await until(() => votes.length === 1, "Alice's vote");
  assertEquals(bot.room?.votes.get(bob.userId!), [alice.userId!]);
  assertEquals(await bot.vote(alice.userId!), true);
  assertEquals(bot.room?.votes.get(alice.userId!), [bot.me!.id]);
  assertEquals(await bot.vote(alice.userId!), false);
  assertEquals(bot.room?.votes.has(alice.userId!), false);
  alice.vote(bob.userId!); // a real withdrawal is reported (after the leave window)
  await until(() => votes.length === 4, "Alice's withdrawal", 2000);
  assertEquals(votes, [
    "Alice>Bob true",
    "TestBot>Alice true",
    "TestBot>Alice false",
    "Alice>Bob false",
  ]);
});

Deno.test("Bot sees a vote kick of someone else as userLeave(kicked), without withdrawals", async () => {
  const clock = new FakeClock(1_000_000);
  await using s = await scene({}, { clock, pacing: { sendIntervalMs: 0 } });
  const { server, bot, alice, roomId } = s;
  await using bob = await person(server, "Bob");
  await using cat = await person(server, "Cat");
  await bob.joinRoom(roomId);
  await cat.joinRoom(roomId);
  await until(() => bot.room?.users.length === 4, "four users");
  const log: string[] = [];
  bot.on("vote", (ctx) => void log.push(`vote ${ctx.voter.name}>${ctx.target.name} ${ctx.added}`));
  bot.on("userLeft", (ctx) => void log.push(`leave ${ctx.user.name} ${ctx.reason}`));
  cat.vote(alice.userId!); // Cat's vote against Alice goes when Cat leaves: not a withdrawal
  alice.vote(cat.userId!);
  await until(() => log.length === 2, "two votes");
  await cat.leaveRoom();
  await until(() => log.includes("leave Cat left"), "Cat's leave");
  alice.vote(bob.userId!);
  await bot.vote(bob.userId!); // 2 of 3: Bob is voted out
  await until(() => log.includes("leave Bob kicked"), "Bob's kick");
  // The bot's leave window (a timer on its clock) passes, and nothing else is reported.
  await clock.advance(60_000);
  await bot.refreshRooms(); // a round trip: anything the server sent before it has arrived
  assertEquals(log, [
    "vote Cat>Alice true",
    "vote Alice>Cat true",
    "leave Cat left",
    "vote Alice>Bob true",
    "vote TestBot>Bob true",
    "leave Bob kicked",
  ]);
});

Deno.test("examples/vote_guard.ts shows who was voted out", async () => {
  await using server = await startServer();
  await using ann = await person(server, "Ann");
  await using ben = await person(server, "Ben");
  await using cat = await person(server, "Cat");
  await using dan = await person(server, "Dan");
  const id = await ann.createRoom({ name: "Guarded" });
  for (const p of [ann, ben, cat, dan]) await p.joinRoom(id);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../examples/vote_guard.ts", import.meta.url).pathname],
    env: { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.issueToken() },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    const guard = await until(
      () => server.room(id)?.users.find((u) => u.username === "Vote Guard"),
      "the guard",
      10_000,
    );
    await until(() => ann.texts[guard.id]?.startsWith("Votes:"), "the board");
    for (const p of [ann, ben, dan]) p.vote(cat.userId!); // 3 of 5
    await until(
      () => ann.texts[guard.id]?.includes("Voted out:\n  - Cat / Town"),
      "Voted out",
      5000,
    );
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel();
  }
});

Deno.test("Bot reconciles a user who vanished without a leave event (ghost sweep)", async () => {
  await using s = await scene();
  const { server, bot, alice, roomId } = s;
  const gone: string[] = [];
  bot.on("userLeft", (ctx) => void gone.push(`${ctx.user.name} ${ctx.reason}`));
  const room = server.room(roomId)!;
  // The ghost sweep sends only a room update without the user (protocol §8.3).
  server.emitRaw(bot.me!.id, "room update", {
    id: room.id,
    name: room.name,
    type: room.type,
    layout: room.layout,
    users: room.users.filter((u) => u.id !== alice.userId),
    votes: {},
    currentMessages: { [bot.me!.id]: "" },
    isFull: false,
    userCount: 1,
    visibleUserCount: 1,
  });
  await until(() => gone.length === 1, "the vanished user");
  assertEquals(gone, ["Alice vanished"]);
  assertEquals(bot.room?.users.map((u) => u.name), ["TestBot"]);
  assertEquals(bot.textOf(alice.userId!), undefined);
});

Deno.test("Bot turns a corrupt payload into an error event and keeps running", async () => {
  await using s = await scene();
  const { server, bot, alice } = s;
  const errors: Error[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error));
  server.emitRaw(bot.me!.id, "chat update", { userId: 42, diff: "nope" });
  server.emitRaw(bot.me!.id, "user left", { not: "a string" });
  await until(() => errors.length === 2, "two error events");
  assertInstanceOf(errors[0], PayloadValidationError);
  assertEquals((errors[0] as PayloadValidationError).target, "chat update");
  await bot.send("alive");
  await until(() => seen(alice, bot) === "alive", "the bot to keep working");
});

Deno.test("Bot answers AFK warnings and stays; without answering it is removed", async () => {
  const timing = { afkWarningMs: 150, afkTimeoutMs: 600 };
  {
    await using s = await scene({ timing });
    const warned: number[] = [];
    s.bot.on("afkWarning", (ctx) => void warned.push(ctx.remainingMs));
    await until(() => warned.length >= 2, "two warnings", 3000);
    // The server's "secondsRemaining: 30", in milliseconds.
    assertEquals(warned.slice(0, 2), [30_000, 30_000]);
    assert(s.bot.room !== undefined, "still in the room");
  }
  await using s = await scene({ timing }, { answerAfk: false, logger: quietLogger() });
  const left: string[] = [];
  s.bot.on("afkTimeout", (ctx) => void left.push(`timeout ${ctx.closed}`));
  s.bot.on("roomLeft", (ctx) => void left.push(`left ${ctx.reason}`));
  await until(() => left.length === 2, "the AFK removal", 3000);
  assertEquals(left, ["timeout false", "left afk"]);
});

Deno.test("Bot.once() runs once and off() removes a handler; raw sees wire events", async () => {
  await using s = await scene();
  const { server, bot, roomId } = s;
  let once = 0;
  let on = 0;
  const raw: string[] = [];
  const handler = () => void on++;
  bot.once("userJoined", () => void once++).on("userJoined", handler);
  bot.on("raw", (ctx) => {
    if (ctx.event === "user joined") raw.push(ctx.payload.username);
  });
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  await until(() => on === 1, "first join");
  bot.off("userJoined", handler);
  await bob.leaveRoom();
  await bob.joinRoom(roomId);
  await until(() => raw.length === 2, "second join");
  assertEquals([once, on], [1, 1]);
  assertEquals(raw, ["Bob", "Bob"]);
});
