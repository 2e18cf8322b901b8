// The action model against the local server: typed errors, argument checks,
// timeouts and aborts that mean "not done", coalescing, pacing, fire-and-forget.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { ActionError } from "../../bot/mod.ts";
import { FakeClock, settle } from "../_fake_clock.ts";
import {
  makeBot,
  person,
  quietLogger,
  reasonOf,
  scene,
  seen,
  sleep,
  startServer,
  until,
} from "./_helpers.ts";

Deno.test("Bot.joinRoom() rejects with typed errors carrying the server's code and message", async () => {
  await using server = await startServer();
  await using bot = makeBot(server);
  await bot.start();
  const missing = await bot.joinRoom("999999").then(() => undefined, (e) => e as ActionError);
  assertEquals([missing?.reason, missing?.code, missing?.serverMessage], [
    "roomNotFound",
    "NOT_FOUND",
    "Room not found.",
  ]);
  await using alice = await person(server, "Alice");
  const secret = await alice.createRoom({
    name: "Secret",
    type: "semi-private",
    accessCode: "123456",
  });
  await alice.joinRoom(secret);
  assertEquals(await reasonOf(bot.joinRoom(secret)), "accessCodeRequired");
  assertEquals(await reasonOf(bot.joinRoom(secret, { accessCode: "654321" })), "wrongAccessCode");
  assertEquals((await bot.joinRoom(secret, { accessCode: "123456" })).name, "Secret");
  await bot.leaveRoom();
  const people = [];
  const full = await alice.createRoom({ name: "Full" }).catch(() => undefined);
  assertEquals(full, undefined, "Alice is in a room");
  const p1 = await person(server, "P1");
  people.push(p1);
  const fullId = await p1.createRoom({ name: "Full" });
  for (const name of ["P2", "P3", "P4", "P5"]) people.push(await person(server, name));
  for (const p of people) await p.joinRoom(fullId);
  assertEquals(await reasonOf(bot.joinRoom(fullId)), "roomFull");
  for (const p of people) await p.close();
});

Deno.test("Bot actions check their arguments before sending anything", async () => {
  await using s = await scene();
  const { bot } = s;
  await assertRejects(
    () => bot.joinRoom("12345"),
    RangeError,
    'Cannot join room "12345": room ids have 6 digits',
  );
  await assertRejects(() => bot.joinRoom(123456 as never), TypeError, "room ids are strings");
  await assertRejects(() => bot.createRoom({ name: "N".repeat(26) }), RangeError, "at most 25");
  await assertRejects(() => bot.createRoom({ name: "x", type: "semi-private" }), TypeError);
  await assertRejects(
    () => bot.createRoom({ name: "x", accessCode: "123456" }),
    TypeError,
    "only semi-private",
  );
  await assertRejects(() => bot.send("x".repeat(5001)), RangeError, "at most 5000");
  await assertRejects(() => bot.send("x", { signal: "no" as never }), TypeError, "AbortSignal");
  await assertRejects(() => bot.send("x", { timeoutMs: -1 }), RangeError);
  await assertRejects(() => bot.vote(bot.me!.id), ActionError, "cannot vote against itself");
  assertThrows(() => bot.textOf(42 as never), TypeError);
});

Deno.test("Bot.createRoom() waits out a cooldown within its timeout, or rejects at once", async () => {
  await using server = await startServer({
    relaxRateLimits: false,
    timing: { roomCreationCooldownMs: 300, ipRoomCreationCooldownMs: 300 },
  });
  await using bot = makeBot(server, { pacing: { createCooldownMs: 400 } });
  await bot.start();
  const created: string[] = [];
  bot.on("roomCreated", (ctx) => void created.push(ctx.roomId));
  const first = await bot.createRoom({ name: "Mine", layout: "horizontal" });
  assert(/^\d{6}$/.test(first));
  const started = Date.now();
  const tooSoon = await bot.createRoom({ name: "Second", timeoutMs: 200 }).then(
    () => undefined,
    (e) => e,
  );
  assert(tooSoon instanceof ActionError && tooSoon.reason === "rateLimited", String(tooSoon));
  // Rejected, not waited for: a wait would have ended as "timeout" after 200 ms.
  assert((tooSoon.retryAfterMs ?? 0) > 200, "the cooldown is longer than the action may wait");
  const second = await bot.createRoom({ name: "Second" }); // waits within the default 2 s
  assert(Date.now() - started >= 350);
  const room = await bot.joinRoom(first);
  assertEquals([room.name, room.layout, room.users.length], ["Mine", "horizontal", 1]);
  assertEquals(created, [first, second]);
  assertEquals(await reasonOf(bot.createRoom({ name: "Third" })), "alreadyInRoom");
});

Deno.test("Bot: an action that timed out waiting for pacing never reaches the server", async () => {
  const clock = new FakeClock(1_000_000);
  await using s = await scene({}, { clock, pacing: { eventsPerWindow: 3, eventWindowMs: 1500 } });
  const { bot, server, roomId } = s;
  await clock.advance(1600); // the join's slots are free again
  for (const text of ["one", "two", "three"]) { // then the window is full for 1.5 s
    const sent = bot.send(text);
    await clock.advance(20); // the send interval
    await sent;
  }
  const leaving = bot.leaveRoom({ timeoutMs: 200 }).then(() => undefined, (e) => e);
  await clock.advance(200);
  const err = await leaving;
  assert(err instanceof ActionError && err.reason === "timeout", String(err));
  assert(err.message.includes("will not be sent"), err.message);
  const aborted = new AbortController();
  const pending = bot.send("never", { signal: aborted.signal });
  aborted.abort();
  assertEquals(await reasonOf(pending), "aborted");
  await clock.advance(1800); // the window slid: a late emission would happen now
  await bot.refreshRooms(); // a round trip behind anything emitted before it
  assertEquals(server.room(roomId)?.users.some((u) => u.id === bot.me!.id), true);
  assertEquals(server.room(roomId)?.messages[bot.me!.id], "three");
  assertEquals(bot.room?.id, roomId);
  await bot.leaveRoom(); // the queue is not stuck
  assertEquals(bot.room, undefined);
});

Deno.test("Bot.send() coalesces a flood: replaced texts are never sent and cost nothing", async () => {
  await using s = await scene({
    rateLimits: { socketBot: { points: 12, windowMs: 2000, blockMs: 2000 } },
  }, { pacing: { eventsPerWindow: 8, eventWindowMs: 2000, sendIntervalMs: 0 } });
  const { bot, alice } = s;
  const errors: string[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error.message));
  // Real time is the subject: the server's rate-limit window (its own clock) must be clear of
  // the join's events before the flood.
  await sleep(2100);
  const updates = () => alice.events.filter((e) => e.name === "chat update").length;
  const before = updates();
  const sends = [];
  for (let i = 0; i < 300; i++) sends.push(bot.send(`count ${i}`));
  await Promise.all(sends);
  await until(() => seen(alice, bot) === "count 299", "the last text");
  // A marker after the burst: the server applies one user's texts in order, so once Alice sees
  // it, every update the burst caused has reached her (the marker adds one).
  await bot.send("marker");
  await until(() => seen(alice, bot) === "marker", "the marker");
  const burst = updates() - before - 1;
  assert(burst <= 2, `${burst} chat updates for 300 sends`);
  for (let i = 0; i < 5; i++) {
    await settle(); // each send in its own macrotask, while the previous waits for pacing
    void bot.send(`again ${i}`);
  }
  await until(() => seen(alice, bot) === "again 4", "the last text of the second burst", 5000);
  assertEquals(errors, []);
  assertEquals(bot.textOf(bot.me!), "again 4");
});

Deno.test("Bot.type() types letter by letter and the mirror matches the server", async () => {
  await using s = await scene();
  const { server, bot, alice, roomId } = s;
  await bot.send("Hello there");
  await until(() => seen(alice, bot) === "Hello there", "the first text");
  const from = alice.events.length;
  await bot.type("Hello world\r\u202e!", { cps: 10 }); // 100 ms a letter: one server batch each
  await until(() => server.room(roomId)?.messages[bot.me!.id] === "Hello world!", "the buffer");
  await until(() => seen(alice, bot) === "Hello world!", "the last frame");
  assertEquals(bot.textOf(bot.me!), "Hello world!");
  const frames = alice.events.slice(from)
    .filter((e) => e.name === "chat update")
    .map((e) => (e.args[0] as { diff: { text: string } }).diff.text);
  assertEquals(frames, [
    "Hello ther",
    "Hello the",
    "Hello th",
    "Hello t",
    "Hello ",
    "Hello w",
    "Hello wo",
    "Hello wor",
    "Hello worl",
    "Hello world",
    "Hello world!",
  ]);
});

Deno.test("Bot: replaced type() calls cost nothing, so a command after a /say flood is answered at once", async () => {
  await using server = await startServer({
    rateLimits: { socketBot: { points: 120, windowMs: 10_000, blockMs: 10_000 } },
  });
  // Typing at 8 letters a second for the whole test uses at most about 80 events.
  await using bot = makeBot(server, {
    commandIdleMs: 5000,
    pacing: { eventsPerWindow: 100, eventWindowMs: 10_000, sendIntervalMs: 0 },
  });
  bot.command("say").param("words", { rest: true })
    .handle((ctx, args) =>
      ctx.bot.type(`${ctx.user.name} asked me to say: ${args.words.join(" ")}`, { cps: 8 })
    );
  bot.command("ping").handle((ctx) => ctx.reply("Pong!"));
  const errors: string[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error.message));
  await bot.start();
  const people = [
    await person(server, "Ann"),
    await person(server, "Ben"),
    await person(server, "Cat"),
  ];
  const id = await people[0].createRoom({ name: "Flood" });
  for (const p of people) await p.joinRoom(id);
  await bot.joinRoom(id);
  const end = Date.now() + 3000;
  await Promise.all(people.map(async (p, i) => {
    for (let n = 0; Date.now() < end; n++) {
      await p.type(`/say ${p.text.length} ${i} ${n}`, { cps: Infinity });
      await p.pressEnter();
      await sleep(250); // real time is the subject: a flood kept up for 3 s against the server
    }
  }));
  await people[0].type("/ping", { cps: Infinity });
  await people[0].pressEnter();
  await until(() => seen(people[0], bot) === "Pong!", "the answer to /ping", 5000);
  assertEquals(errors, []);
  for (const p of people) await p.close();
});

Deno.test("Bot: a failing action nobody awaits reaches the error event, not the process", async () => {
  await using server = await startServer();
  await using bot = makeBot(server);
  const errors: string[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error.message));
  await bot.start();
  bot.send("before joining"); // not awaited: rejects with notInRoom
  await using alice = await person(server, "Alice");
  const id = await alice.createRoom({ name: "Timer" });
  await alice.joinRoom(id);
  await bot.joinRoom(id);
  const timer = setInterval(() => void bot.send(`tick ${Date.now()}`), 20);
  await until(() => alice.texts[bot.me!.id]?.startsWith("tick"), "a tick in the room");
  await bot.leaveRoom();
  await until(() => errors.length >= 2, "ticks after leaving to fail, unawaited");
  clearInterval(timer);
  assert(errors[0]?.startsWith("Cannot send: the bot is not in a room"), errors[0]);
  assert(errors.length >= 2, `${errors.length} errors`);
  await settle(); // the last ticks' failures are reported before counting
  const before = errors.length;
  const awaited = await bot.send("awaited").then(() => undefined, (e) => e);
  assert(awaited instanceof ActionError && awaited.reason === "notInRoom");
  await settle(); // a turn: the tracker looks after the current macrotask (its own 0 ms timer)
  assertEquals(errors.length, before, "an awaited failure is not reported again");
});

Deno.test("Bot.stop() ends run(), never reconnects, and rejects later actions", async () => {
  await using server = await startServer();
  const clock = new FakeClock(1_000_000);
  const bot = makeBot(server, { clock });
  const running = bot.run();
  await until(() => bot.connected, "connected");
  const disconnects: boolean[] = [];
  bot.on("disconnected", (ctx) => void disconnects.push(ctx.willReconnect));
  await bot.stop();
  await running;
  assertEquals(disconnects, [false]);
  assertEquals(await reasonOf(bot.joinRoom("123456")), "stopped");
  // The reconnect delays (50–200 ms) run on the bot's clock: nothing is left on it to bring a
  // socket back, and time passing far beyond them brings none.
  assertEquals(clock.pending, 0);
  await clock.advance(60_000);
  assertEquals(clock.pending, 0);
  assertEquals(server.sockets().length, 0);
});

Deno.test("Bot.stop() during a cooldown wait: the waiting handler ends quietly as stopped", async () => {
  await using server = await startServer();
  const logger = quietLogger();
  const clock = new FakeClock(1_000_000);
  await using bot = makeBot(server, { logger, clock, pacing: { createCooldownMs: 60_000 } });
  const caught: unknown[] = [];
  bot.catch((e) => void caught.push(e));
  await bot.start();
  await bot.createRoom({ name: "First", timeoutMs: 120_000 });
  let handlerRan = false;
  let handlerError: unknown;
  bot.on("roomJoined", async () => {
    handlerRan = true;
    await bot.leaveRoom();
    await bot.createRoom({ name: "Second", timeoutMs: 120_000 }).catch((e) => {
      handlerError = e;
      throw e;
    });
  });
  await bot.joinRoom((await bot.refreshRooms())[0].id);
  // The handler's createRoom() waits out the cooldown on the bot's clock (time stands still).
  await until(
    () => handlerRan && !bot.room && clock.delays().includes(60_000),
    "the handler to wait for the cooldown",
  );
  await bot.stop();
  await until(() => handlerError !== undefined, "the waiting handler to end");
  assert(
    handlerError instanceof ActionError && handlerError.reason === "stopped",
    String(handlerError),
  );
  assertEquals(handlerError.message, 'Cannot create room "Second": the bot was stopped');
  assertEquals(caught, []);
  assertEquals(logger.lines.filter((l) => l.startsWith("error")), []);
});

Deno.test("Bot.stop() while run() is still starting ends run() quietly, not as a failed start", async () => {
  await using server = await startServer();
  const bot = makeBot(server);
  const running = bot.run(); // a failed start would print a line and exit the process
  await settle(); // run() is under way, not yet connected
  await bot.stop();
  await running;
  assert(bot.stopped);
});
