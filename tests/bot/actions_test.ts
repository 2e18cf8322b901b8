import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { ActionError } from "../../bot/mod.ts";
import { makeBot, person, quietLogger, scene, Scope, startServer, until } from "./_helpers.ts";

async function reasonOf(p: Promise<unknown>): Promise<string | undefined> {
  const err = await p.then(() => undefined, (e) => e);
  assert(err instanceof ActionError, `expected an ActionError, got ${err}`);
  return err.reason;
}

Deno.test("Bot.joinRoom() rejects with typed errors carrying the server's code and message", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(await startServer(), (s) => s.close());
    const bot = scope.add(makeBot(server), (b) => b.stop());
    await bot.start();
    const missing = await bot.joinRoom("999999").then(() => undefined, (e) => e as ActionError);
    assertEquals([missing?.reason, missing?.code, missing?.serverMessage], [
      "roomNotFound",
      "NOT_FOUND",
      "Room not found.",
    ]);
    const alice = scope.add(await person(server, "Alice"), (u) => u.close());
    const secret = await alice.createRoom({
      name: "Secret",
      type: "semi-private",
      accessCode: "123456",
    });
    await alice.joinRoom(secret);
    assertEquals(await reasonOf(bot.joinRoom(secret)), "accessCodeRequired");
    assertEquals(await reasonOf(bot.joinRoom(secret, { accessCode: "654321" })), "wrongAccessCode");
    const room = await bot.joinRoom(secret, { accessCode: "123456" });
    assertEquals(room.name, "Secret");
    await bot.leaveRoom();
    const p1 = scope.add(await person(server, "P1"), (u) => u.close());
    const full = await p1.createRoom({ name: "Full" });
    await p1.joinRoom(full);
    for (const name of ["P2", "P3", "P4", "P5"]) {
      const p = scope.add(await person(server, name), (u) => u.close());
      await p.joinRoom(full);
    }
    assertEquals(await reasonOf(bot.joinRoom(full)), "roomFull");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot actions check their arguments before sending anything", async () => {
  const { scope, bot } = await scene();
  try {
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
    await assertRejects(() => bot.vote(bot.me!.id), ActionError, "cannot vote against itself");
    assertThrows(() => bot.textOf(42 as never), TypeError);
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.createRoom() resolves with the id; create and join work with cooldowns", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(
      await startServer({
        relaxRateLimits: false,
        timing: { roomCreationCooldownMs: 300, ipRoomCreationCooldownMs: 300 },
      }),
      (s) => s.close(),
    );
    const bot = scope.add(
      makeBot(server, { pacing: { createCooldownMs: 300, onCooldown: "reject" } }),
      (b) => b.stop(),
    );
    await bot.start();
    const created: string[] = [];
    bot.on("roomCreated", (ctx) => void created.push(ctx.roomId));
    const id = await bot.createRoom({ name: "Mine", layout: "horizontal" });
    assert(/^\d{6}$/.test(id));
    const err = await bot.createRoom({ name: "Second" }).then(
      () => undefined,
      (e) => e as ActionError,
    );
    assertEquals(err?.reason, "rateLimited");
    assert((err?.retryAfterMs ?? 0) > 0);
    const room = await bot.joinRoom(id);
    assertEquals([room.name, room.layout, room.users.length], ["Mine", "horizontal", 1]);
    assertEquals(created, [id]);
    assertEquals(await reasonOf(bot.createRoom({ name: "Third" })), "alreadyInRoom");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.send() paces a flood of sends: no RATE_LIMITED from the server, the last text wins", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(
      await startServer({
        relaxRateLimits: true,
        rateLimits: { socketBot: { points: 12, windowMs: 2000, blockMs: 2000 } },
      }),
      (s) => s.close(),
    );
    const bot = scope.add(
      makeBot(server, { pacing: { eventsPerWindow: 8, eventWindowMs: 2000, sendIntervalMs: 0 } }),
      (b) => b.stop(),
    );
    const errors: string[] = [];
    bot.on("error", (ctx) => void errors.push(ctx.error.message));
    await bot.start();
    const alice = scope.add(await person(server, "Alice"), (u) => u.close());
    const id = await alice.createRoom({ name: "Flood" });
    await alice.joinRoom(id);
    await bot.joinRoom(id);
    const sends = [];
    for (let i = 0; i < 300; i++) sends.push(bot.send(`count ${i}`));
    await Promise.all(sends);
    await until(() => alice.texts[bot.me!.id] === "count 299", "the last text");
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 30));
      void bot.send(`again ${i}`);
    }
    await until(
      () => alice.texts[bot.me!.id] === "again 4",
      "the last text of the second burst",
      5000,
    );
    assertEquals(errors, []);
    assertEquals(bot.textOf(bot.me!), "again 4");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.type() types letter by letter and the mirror matches the server", async () => {
  const { scope, server, bot, alice, roomId } = await scene();
  try {
    const seen = new Set<string>();
    const timer = setInterval(() => seen.add(alice.texts[bot.me!.id] ?? ""), 5);
    await bot.send("Hello there");
    await until(() => alice.texts[bot.me!.id] === "Hello there", "the first text");
    await bot.type("Hello world\r\u202e!", { cps: 40 });
    clearInterval(timer);
    await until(
      () => server.room(roomId)?.messages[bot.me!.id] === "Hello world!",
      "the server buffer",
    );
    assertEquals(bot.textOf(bot.me!), "Hello world!");
    assert(seen.has("Hello "), "backspaced to the common prefix");
    assert(seen.size > 4, "several intermediate frames were shown");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.stop() ends run(), never reconnects, and rejects later actions", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(await startServer(), (s) => s.close());
    const bot = makeBot(server);
    const running = bot.run();
    await until(() => bot.connected, "connected");
    const disconnects: boolean[] = [];
    bot.on("disconnect", (ctx) => void disconnects.push(ctx.willReconnect));
    await bot.stop();
    await running;
    assertEquals(disconnects, [false]);
    assertEquals(await reasonOf(bot.joinRoom("123456")), "stopped");
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(server.sockets().length, 0);
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.stop() during a cooldown wait rejects the action as stopped and reports no handler failure", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(await startServer(), (s) => s.close());
    const logger = quietLogger();
    const bot = makeBot(server, {
      logger,
      pacing: { createCooldownMs: 60_000, onCooldown: "wait" },
    });
    const caught: unknown[] = [];
    bot.catch((e) => void caught.push(e));
    await bot.start();
    await bot.createRoom({ name: "First" });
    // A handler still waiting on an action when the bot stops (Ctrl+C).
    bot.on("roomCreated", () => bot.createRoom({ name: "Second" }));
    const waiting = bot.createRoom({ name: "Third" }).then(
      () => undefined,
      (e) => e as ActionError,
    );
    await new Promise((r) => setTimeout(r, 50));
    await bot.stop();
    const err = await waiting;
    assertEquals(err?.reason, "stopped");
    assertEquals(err?.message, "Cannot createRoom: the bot was stopped");
    assertEquals(caught, []);
    assertEquals(logger.lines.filter((l) => l.startsWith("error")), []);
  } finally {
    await scope.close();
  }
});
