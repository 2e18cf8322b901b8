// Cooldowns against the local server, commands typed by scripted people.
import { assertEquals, assertThrows } from "@std/assert";
import { cooldown } from "../../bot/mod.ts";
import { person, scene, seen, until } from "./_helpers.ts";
import { FakeClock } from "../_fake_clock.ts";
import { enter } from "../_support.ts";

Deno.test("cooldown() refuses a command hit twice inside its cooldown, with one reply", async () => {
  const clock = new FakeClock(1_000_000);
  await using s = await scene({}, { clock, pacing: { sendIntervalMs: 0 } });
  const { bot, alice, server, roomId } = s;
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  const replies: number[] = [];
  let rolls = 0;
  let messages = 0;
  bot.use(cooldown({
    ms: 1000,
    per: "user",
    reply: (msLeft, ctx) => (replies.push(msLeft), `${ctx.user.name}, wait a moment`),
  }));
  bot.command("roll").handle((ctx) => ctx.reply(`${ctx.user.name} rolled (${++rolls})`));
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  bot.on("message", () => void messages++);
  await until(() => bot.room?.users.length === 3, "Bob in the room");

  await enter(alice, "/roll");
  await until(() => seen(alice, bot) === "Alice rolled (1)", "the first roll");
  await enter(alice, "/roll");
  await until(() => seen(alice, bot) === "Alice, wait a moment", "the one reply");
  await enter(alice, "/roll"); // hit again: no second reply (lines are handled in order, so the
  await enter(alice, "/ping"); // answer to /ping comes after); other commands have their own cooldown
  await until(() => seen(alice, bot) === "pong", "another command");
  await enter(bob, "/roll"); // and other people theirs
  await until(() => seen(alice, bot) === "Bob rolled (2)", "Bob's roll");
  assertEquals(rolls, 2);
  assertEquals(replies.length, 1, "one reply per cooldown");
  assertEquals(replies[0] > 0 && replies[0] <= 1000, true);
  assertEquals(messages > 0, true, "message handlers are not held back");

  await clock.advance(1000); // the 1 s cooldown runs out (the bot's clock)
  await enter(alice, "/roll");
  await until(() => seen(alice, bot) === "Alice rolled (3)", "a roll after the cooldown");
});

Deno.test("cooldown() per room holds everyone back; the default reply names the command", async () => {
  await using s = await scene();
  const { bot, alice, server, roomId } = s;
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  bot.use(cooldown({ ms: 5000, per: "room" }));
  bot.command("poll").handle((ctx) => ctx.reply(`poll by ${ctx.user.name}`));
  await until(() => bot.room?.users.length === 3, "Bob in the room");
  await enter(alice, "/poll");
  await until(() => seen(alice, bot) === "poll by Alice", "Alice's poll");
  await enter(bob, "/poll");
  await until(() => seen(alice, bot) === "Wait 5 s before /poll again.", "the default reply");
});

Deno.test("cooldown() checks its options", () => {
  assertThrows(() => cooldown({ ms: 0 }), RangeError, "ms must be a positive number");
  // @ts-expect-error per is "user" or "room"
  assertThrows(() => cooldown({ ms: 10, per: "bot" }), TypeError, 'per must be "user" or "room"');
  // @ts-expect-error reply is a text, a function or false
  assertThrows(() => cooldown({ ms: 10, reply: 1 }), TypeError, "reply must be a text");
});
