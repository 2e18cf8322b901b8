import { assert, assertEquals } from "@std/assert";
import { makeBot, person, Scope, startServer, until } from "./_helpers.ts";

Deno.test("Bot reconnects after a lost connection with the same identity, room and text", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(await startServer(), (s) => s.close());
    const bot = scope.add(makeBot(server), (b) => b.stop());
    const me = await bot.start();
    const alice = scope.add(await person(server, "Alice"), (u) => u.close());
    const id = await alice.createRoom({ name: "Sticky" });
    await alice.joinRoom(id);
    await bot.joinRoom(id);
    await bot.send("still me");
    await until(() => alice.texts[me.id] === "still me", "the text");
    const events: string[] = [];
    bot.on("disconnect", (ctx) => void events.push(`disconnect ${ctx.willReconnect}`));
    bot.on("roomLeft", (ctx) => void events.push(`left ${ctx.reason}`));
    bot.on("roomJoined", () => void events.push("joined"));
    bot.on("reconnect", (ctx) => void events.push(`reconnect ${ctx.attempt}`));
    server.disconnectUser(me.id);
    await until(() => events.includes("reconnect 1"), "the reconnect");
    assertEquals(events, ["disconnect true", "left disconnected", "joined", "reconnect 1"]);
    assertEquals(bot.me?.id, me.id, "same identity (session cookie)");
    assertEquals(bot.room?.id, id, "same room");
    await until(() => alice.texts[me.id] === "still me", "the text re-sent");
  } finally {
    await scope.close();
  }
});

for (
  const [how, token] of [
    ["a requested token", undefined],
    ["an explicit token (as from TALKOMATIC_TOKEN)", "issued"],
  ] as const
) {
  Deno.test(`Bot with ${how} survives a server restart: new token, new session, its room recreated`, async () => {
    const scope = new Scope();
    try {
      const server = scope.add(await startServer(), (s) => s.close());
      // The restarted server rejects the token either way: the bot replaces it once.
      const bot = scope.add(
        makeBot(server, { token: token === "issued" ? server.issueToken() : undefined }),
        (b) => b.stop(),
      );
      const errors: string[] = [];
      bot.on("error", (ctx) => void errors.push(ctx.error.message));
      const before = await bot.start();
      const id = await bot.createRoom({ name: "Phoenix", layout: "horizontal" });
      await bot.joinRoom(id);
      await bot.send("back soon");
      let reconnected = false;
      bot.on("reconnect", () => void (reconnected = true));
      await server.restart();
      await until(() => reconnected, "the reconnect", 8000);
      const room = bot.room;
      assert(room, "in a room again");
      assertEquals([room.name, room.layout], ["Phoenix", "horizontal"]);
      assert(bot.me!.id !== before.id, "sessions die with the server: a new identity");
      const info = server.room(room.id);
      assert(info?.users.some((u) => u.id === bot.me!.id), "the server lists the bot");
      await until(
        () => server.room(room.id)?.messages[bot.me!.id] === "back soon",
        "the text re-sent",
      );
      // A later drop keeps the new identity (the bot fetched a fresh cookie).
      const now = bot.me!.id;
      reconnected = false;
      server.disconnectUser(now);
      await until(() => reconnected, "the second reconnect", 8000);
      assertEquals(bot.me?.id, now);
      assertEquals(bot.room?.id, room.id);
      assertEquals(errors.filter((e) => !e.includes("Room not found")), []);
    } finally {
      await scope.close();
    }
  });
}

Deno.test("Bot with reconnect: false stops when the connection is lost", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(await startServer(), (s) => s.close());
    const bot = makeBot(server, { reconnect: false });
    const running = bot.run();
    await until(() => bot.connected, "connected");
    server.disconnectAll();
    await running;
    assert(bot.stopped);
  } finally {
    await scope.close();
  }
});
