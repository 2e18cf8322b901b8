// Staying where the program wants to be: the room option, reconnects, server restarts.
import { assert, assertEquals } from "@std/assert";
import { makeBot, person, reasonOf, seen, startServer, until } from "./_helpers.ts";
import { FakeClock } from "../_fake_clock.ts";

Deno.test("Bot reconnects after a lost connection with the same identity, room and text", async () => {
  await using server = await startServer();
  await using bot = makeBot(server);
  const me = await bot.start();
  await using alice = await person(server, "Alice");
  const id = await alice.createRoom({ name: "Sticky" });
  await alice.joinRoom(id);
  await bot.joinRoom(id);
  await bot.send("still me");
  await until(() => alice.texts[me.id] === "still me", "the text");
  const events: string[] = [];
  bot.on("disconnected", (ctx) => void events.push(`disconnect ${ctx.willReconnect}`));
  bot.on("roomLeft", (ctx) => void events.push(`left ${ctx.reason}`));
  bot.on("roomJoined", () => void events.push("joined"));
  bot.on("reconnected", (ctx) => void events.push(`reconnect ${ctx.attempt}`));
  server.disconnectUser(me.id);
  await until(() => events.includes("reconnect 1"), "the reconnect");
  assertEquals(events, ["disconnect true", "left disconnected", "joined", "reconnect 1"]);
  assertEquals(bot.me?.id, me.id, "same identity (session cookie)");
  assertEquals(bot.room?.id, id, "same room");
  await until(() => alice.texts[me.id] === "still me", "the text re-sent");
});

Deno.test("Bot with room { name, create } creates its room, or joins the listed one", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const existing = await alice.createRoom({ name: "Lounge" });
  await alice.joinRoom(existing);
  await using joiner = makeBot(server, {
    username: "Joiner",
    room: { name: "lounge", create: true },
  });
  const ready: (string | undefined)[] = [];
  joiner.on("ready", (ctx) => void ready.push(ctx.bot.room?.id));
  await joiner.start();
  assertEquals(ready, [existing], "ready fires once the bot is where it wants to be");
  await using maker = makeBot(server, {
    username: "Maker",
    room: {
      name: "Workshop",
      type: "semi-private",
      accessCode: "424242",
      layout: "horizontal",
      create: true,
    },
  });
  await maker.start();
  const room = server.room(maker.room!.id)!;
  assertEquals([room.name, room.type, room.layout], ["Workshop", "semi-private", "horizontal"]);
  assertEquals(room.users.map((u) => u.username), ["Maker"]);
});

Deno.test('Bot with room "first-public" waits for a public room with a free seat', async () => {
  await using server = await startServer();
  await using bot = makeBot(server, { room: "first-public" });
  await bot.start();
  assertEquals(bot.room, undefined, "nothing to join yet");
  await using alice = await person(server, "Alice");
  const secret = await alice.createRoom({ name: "Hidden", type: "private" });
  await alice.joinRoom(secret);
  await alice.leaveRoom();
  const open = await alice.createRoom({ name: "Open door" });
  await alice.joinRoom(open);
  await until(() => bot.room?.id === open, "the bot in the new public room");
});

Deno.test("Bot with a room option goes back to its room after a server restart", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const id = await alice.createRoom({ name: "Cafe" });
  await alice.joinRoom(id);
  await using bot = makeBot(server, {
    room: { id },
    pacing: { createCooldownMs: 30_000 },
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, verifyAfterMs: 300 },
  });
  await bot.start();
  await bot.send("open all night");
  await until(() => seen(alice, bot) === "open all night", "the text");
  let reconnects = 0;
  bot.on("reconnected", () => void reconnects++);
  await server.restart(); // rooms, sessions and tokens are gone; people come back by name
  await using bob = await person(server, "Bob");
  const again = await bob.createRoom({ name: "Cafe" });
  await bob.joinRoom(again);
  await until(() => bot.room?.id === again, "the bot in the room of the same name", 8000);
  assert(reconnects >= 1);
  await until(() => seen(bob, bot) === "open all night", "the text shown again");
});

Deno.test("Bot that created its room creates it again after a restart, without waiting out old cooldowns", async () => {
  await using server = await startServer({
    relaxRateLimits: false,
    timing: { roomCreationCooldownMs: 10_000, ipRoomCreationCooldownMs: 30_000 },
  });
  for (const token of [undefined, "explicit"]) {
    // The restarted server refuses the token either way: the bot replaces it once.
    await using bot = makeBot(server, {
      username: token ? "Explicit" : "Requested",
      token: token ? server.issueToken() : undefined,
      room: { name: token ? "Phoenix B" : "Phoenix A", layout: "horizontal", create: true },
      pacing: { createCooldownMs: 30_000 },
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, verifyAfterMs: 300 },
    });
    const errors: string[] = [];
    bot.on("error", (ctx) => void errors.push(ctx.error.message));
    const before = await bot.start();
    await bot.send("back soon");
    let reconnected = false;
    bot.on("reconnected", () => void (reconnected = true));
    await server.restart();
    // A 30 s cooldown of the old session would outlast this wait.
    await until(() => reconnected && bot.room, "back in a room", 8000);
    const room = bot.room!;
    assertEquals([room.name, room.layout], [token ? "Phoenix B" : "Phoenix A", "horizontal"]);
    assert(bot.me!.id !== before.id, "sessions die with the server: a new identity");
    await until(
      () => server.room(room.id)?.messages[bot.me!.id] === "back soon",
      "the text re-sent",
    );
    // A later drop keeps the new identity (the bot fetched a fresh cookie).
    const now = bot.me!.id;
    reconnected = false;
    server.disconnectUser(now);
    await until(() => reconnected, "the second reconnect", 8000);
    assertEquals([bot.me?.id, bot.room?.id], [now, room.id]);
    assertEquals(errors, []);
    await bot.stop();
    await server.restart(); // a fresh server (and fresh IP cooldowns) for the next round
  }
});

Deno.test("Bot goes back after the server dropped it silently (start-up purge)", async () => {
  await using server = await startServer({ timing: { startupPurgeDelayMs: 400 } });
  await using alice = await person(server, "Alice");
  const id = await alice.createRoom({ name: "Early" });
  await alice.joinRoom(id);
  await using bot = makeBot(server, {
    room: { id },
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, verifyAfterMs: 600 },
  });
  const left: string[] = [];
  bot.on("roomLeft", (ctx) => void left.push(ctx.reason));
  await bot.start(); // joined before the purge: the server drops it without telling
  await server.waitFor((s) => s.room(id)?.users.length === 0); // the purge emptied the room
  await alice.joinRoom(id);
  await until(() => left.includes("removed"), "the bot to notice", 3000);
  await until(
    () => server.room(id)?.users.some((u) => u.id === bot.me!.id),
    "the bot back in the room",
    5000,
  );
});

Deno.test("Bot voted out does not go back; an explicit leave ends the wish too", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  await using bob = await person(server, "Bob");
  const id = await alice.createRoom({ name: "Strict" });
  await alice.joinRoom(id);
  await bob.joinRoom(id);
  const clock = new FakeClock(1_000_000);
  await using bot = makeBot(server, { room: { id }, clock, pacing: { sendIntervalMs: 0 } });
  await bot.start();
  const left: string[] = [];
  bot.on("roomLeft", (ctx) => void left.push(ctx.reason));
  alice.vote(bot.me!.id);
  bob.vote(bot.me!.id);
  await until(() => left.includes("kicked"), "the kick");
  await clock.advance(60_000); // far past every placement retry (they wait on the bot's clock)
  await bot.refreshRooms(); // a round trip behind any join a retry sent
  assertEquals(bot.room, undefined);
  assertEquals(await reasonOf(bot.joinRoom(id)), "banned");
});

Deno.test("Bot with reconnect: false stops when the connection is lost", async () => {
  await using server = await startServer();
  const bot = makeBot(server, { reconnect: false });
  const running = bot.run();
  await until(() => bot.connected, "connected");
  server.disconnectAll();
  await running;
  assert(bot.stopped);
});
