import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { Bot, PayloadValidationError } from "../../bot/mod.ts";
import { makeBot, person, quietLogger, scene, Scope, startServer, until } from "./_helpers.ts";

Deno.test("Bot.on() rejects an unknown event name with the permitted names", () => {
  const bot = new Bot({ username: "X", server: "http://127.0.0.1:1", token: "tk_0" });
  const err = assertThrows(() => bot.on("mesage" as never, () => {}), TypeError);
  assertStringIncludes(err.message, '"mesage"');
  assertStringIncludes(err.message, "message, typing, vote");
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
});

Deno.test("Bot emits ready, roomJoined, userJoin, message, typing and userLeave", async () => {
  const scope = new Scope();
  try {
    const server = scope.add(await startServer(), (s) => s.close());
    const bot = scope.add(makeBot(server), (b) => b.stop());
    const log: string[] = [];
    bot.on("ready", (ctx) => void log.push(`ready ${ctx.me.name}`))
      .on("roomJoined", (ctx) => void log.push(`joined ${ctx.room.name}`))
      .on("userJoin", (ctx) => void log.push(`join ${ctx.user.name}`))
      .on("message", (ctx) => void log.push(`msg ${ctx.user.name} ${ctx.previous}->${ctx.text}`))
      .on("typing", (ctx) => void log.push(`typing ${ctx.user.name} ${ctx.isTyping}`))
      .on("userLeave", (ctx) => void log.push(`leave ${ctx.user.name} ${ctx.reason}`));
    const me = await bot.start();
    assertEquals(bot.me, me);
    const alice = scope.add(await person(server, "Alice"), (u) => u.close());
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
    assert(bot.users.has(bob.userId!));
  } finally {
    await scope.close();
  }
});

Deno.test("Bot reports its own leave as roomLeft, never as another user's userLeave", async () => {
  const { scope, bot } = await scene();
  try {
    const leaves: string[] = [];
    const left: string[] = [];
    bot.on("userLeave", (ctx) => void leaves.push(ctx.user.id));
    bot.on("roomLeft", (ctx) => void left.push(ctx.reason));
    await bot.leaveRoom();
    await new Promise((r) => setTimeout(r, 100));
    assertEquals(left, ["left"]);
    assertEquals(leaves, []);
    assertEquals(bot.room, undefined);
  } finally {
    await scope.close();
  }
});

Deno.test("Bot resolves votes the right way round (voter -> target)", async () => {
  const { scope, server, bot, alice, roomId } = await scene();
  try {
    const bob = scope.add(await person(server, "Bob"), (u) => u.close());
    await bob.joinRoom(roomId);
    await until(() => bot.room?.users.length === 3, "three users");
    const votes: string[] = [];
    bot.on("vote", (ctx) => void votes.push(`${ctx.voter.name}>${ctx.target.name} ${ctx.added}`));
    alice.vote(bob.userId!);
    await until(() => votes.length === 1, "Alice's vote");
    assertEquals(votes, ["Alice>Bob true"]);
    assertEquals(bot.room?.votes.get(bob.userId!), [alice.userId!]);
    assertEquals(await bot.vote(alice.userId!), true);
    assertEquals(bot.room?.votes.get(alice.userId!), [bot.me!.id]);
    assertEquals(await bot.vote(alice.userId!), false);
    assertEquals(bot.room?.votes.has(alice.userId!), false);
    assertEquals(votes.slice(1), ["TestBot>Alice true", "TestBot>Alice false"]);
  } finally {
    await scope.close();
  }
});

Deno.test("Bot is kicked by votes: kicked, roomLeft(kicked), then banned on rejoin", async () => {
  const { scope, server, bot, alice, roomId } = await scene();
  try {
    const bob = scope.add(await person(server, "Bob"), (u) => u.close());
    await bob.joinRoom(roomId);
    await until(() => bot.room?.users.length === 3, "three users");
    const events: string[] = [];
    bot.on("kicked", () => void events.push("kicked"));
    bot.on("roomLeft", (ctx) => void events.push(`left ${ctx.reason}`));
    bot.on("userLeave", () => void events.push("userLeave"));
    alice.vote(bot.me!.id);
    bob.vote(bot.me!.id);
    await until(() => events.includes("left kicked"), "the kick");
    assertEquals(events, ["kicked", "left kicked"]);
    const err = await bot.joinRoom(roomId).then(() => undefined, (e) => e);
    assertEquals(err?.reason, "banned");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot reconciles a user who vanished without a leave event (ghost sweep)", async () => {
  const { scope, server, bot, alice, roomId } = await scene();
  try {
    const gone: string[] = [];
    bot.on("userLeave", (ctx) => void gone.push(`${ctx.user.name} ${ctx.reason}`));
    const room = server.room(roomId)!;
    // The ghost sweep sends only a room update without the user (PROTOCOL §8.3).
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
  } finally {
    await scope.close();
  }
});

Deno.test("Bot turns a corrupt payload into an error event and keeps running", async () => {
  const { scope, server, bot, alice } = await scene();
  try {
    const errors: Error[] = [];
    bot.on("error", (ctx) => void errors.push(ctx.error));
    server.emitRaw(bot.me!.id, "chat update", { userId: 42, diff: "nope" });
    server.emitRaw(bot.me!.id, "user left", { not: "a string" });
    await until(() => errors.length === 2, "two error events");
    assertInstanceOf(errors[0], PayloadValidationError);
    assertEquals((errors[0] as PayloadValidationError).target, "chat update");
    await bot.send("alive");
    await until(() => alice.texts[bot.me!.id] === "alive", "the bot to keep working");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot answers AFK warnings and stays; without answering it is removed", async () => {
  const timing = { afkWarningMs: 150, afkTimeoutMs: 600 };
  const first = await scene({ timing });
  try {
    const warned: number[] = [];
    first.bot.on("afkWarning", (ctx) => void warned.push(ctx.secondsRemaining));
    await until(() => warned.length >= 2, "two warnings", 3000);
    assert(first.bot.room !== undefined, "still in the room");
  } finally {
    await first.scope.close();
  }
  const second = await scene({ timing }, { answerAfk: false, logger: quietLogger() });
  try {
    const left: string[] = [];
    second.bot.on("afkTimeout", (ctx) => void left.push(`timeout ${ctx.closed}`));
    second.bot.on("roomLeft", (ctx) => void left.push(`left ${ctx.reason}`));
    await until(() => left.length === 2, "the AFK removal", 3000);
    assertEquals(left, ["timeout false", "left afk"]);
  } finally {
    await second.scope.close();
  }
});

Deno.test("Bot.once() runs once and off() removes a handler; raw sees wire events", async () => {
  const { scope, server, bot, roomId } = await scene();
  try {
    let once = 0;
    let on = 0;
    const raw: string[] = [];
    const handler = () => void on++;
    bot.once("userJoin", () => void once++).on("userJoin", handler);
    bot.on("raw", (ctx) => {
      if (ctx.event === "user joined") raw.push(ctx.payload.username);
    });
    const bob = scope.add(await person(server, "Bob"), (u) => u.close());
    await bob.joinRoom(roomId);
    await until(() => on === 1, "first join");
    bot.off("userJoin", handler);
    await bob.leaveRoom();
    await bob.joinRoom(roomId);
    await until(() => raw.length === 2, "second join");
    assertEquals([once, on], [1, 1]);
    assertEquals(raw, ["Bob", "Bob"]);
  } finally {
    await scope.close();
  }
});
