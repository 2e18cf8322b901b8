// Per-command middleware (`bot.command("x").use(...)`) against the local
// server: it runs after the bot's and the composer's middleware, around that
// command alone; cooldown() works there without a wrapper.
import { assertEquals, assertThrows } from "@std/assert";
import { Composer, cooldown } from "../../bot/mod.ts";
import { scene, seen, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test("Command.use() puts cooldown() on one command; the others run as often as typed", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  let polls = 0;
  let votes = 0;
  bot.command("poll").use(cooldown({ ms: 60_000, reply: "Wait for the next poll" }))
    .handle((ctx) => ctx.reply(`Poll ${++polls}`));
  bot.command("vote").handle((ctx) => ctx.reply(`Vote ${++votes}`));
  await enter(alice, "/poll");
  await until(() => seen(alice, bot) === "Poll 1", "the first poll");
  await enter(alice, "/vote");
  await until(() => seen(alice, bot) === "Vote 1", "a vote");
  await enter(alice, "/vote"); // not limited: the cooldown belongs to /poll
  await until(() => seen(alice, bot) === "Vote 2", "a second vote");
  await enter(alice, "/poll");
  await until(() => seen(alice, bot) === "Wait for the next poll", "the refused poll");
  await enter(alice, "/vote");
  await until(() => seen(alice, bot) === "Vote 3", "a third vote");
  assertEquals(polls, 1);
});

Deno.test("Command.use() runs after the bot's and the composer's middleware, around its handler only", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const order: string[] = [];
  bot.use(async (ctx, next) => {
    order.push(`bot ${"command" in ctx ? ctx.command : "-"}`);
    await next();
  });
  const games = new Composer().use(async (_ctx, next) => {
    order.push("composer");
    await next();
  });
  games.command("roll").param("sides", { type: "integer", default: 6 })
    .use(async (ctx, next) => {
      order.push(`roll ${ctx.args.sides} ${ctx.user.name}`);
      await next();
      order.push("roll after");
    })
    .use((ctx, next) => ctx.args.sides > 100 ? ctx.reply("Too many sides") : next())
    .handle((ctx, args) => {
      order.push("handler");
      return ctx.reply(`Rolled a d${args.sides}`);
    });
  games.command("flip").handle((ctx) => (order.push("flip"), ctx.reply("Heads")));
  bot.use(games);
  await enter(alice, "/roll 20");
  await until(() => seen(alice, bot) === "Rolled a d20", "the roll");
  await enter(alice, "/flip");
  await until(() => seen(alice, bot) === "Heads", "the flip");
  await enter(alice, "/roll 1000");
  await until(() => seen(alice, bot) === "Too many sides", "the command's middleware ending it");
  assertEquals(order, [
    "bot roll",
    "composer",
    "roll 20 Alice",
    "handler",
    "roll after",
    "bot flip",
    "composer",
    "flip",
    "bot roll",
    "composer",
    "roll 1000 Alice",
    "roll after",
  ]);
  // @ts-expect-error not a middleware
  assertThrows(() => bot.command("x").use(1), TypeError, 'Cannot add middleware to "x"');
});
