// Bots built with this SDK share rooms without talking to each other.
import { assert, assertEquals } from "@std/assert";
import type { Bot } from "../../bot/mod.ts";
import { makeBot, person, seen, startServer, until } from "./_helpers.ts";
import { FakeClock } from "../_fake_clock.ts";

for (const count of [2, 3]) {
  Deno.test(`${count} SDK bots in one room answer /help once each and never each other`, async () => {
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    const id = await alice.createRoom({ name: "Bot party" });
    await alice.joinRoom(id);
    const bots: Bot[] = [];
    const lines: string[][] = [];
    // The bots' idle times run on one clock the test moves; texts go out at once.
    const clock = new FakeClock(1_000_000);
    try {
      for (let i = 0; i < count; i++) {
        const bot = makeBot(server, {
          username: `Bot${i}`,
          commandIdleMs: 200,
          clock,
          pacing: { sendIntervalMs: 0 },
        });
        const ran: string[] = [];
        lines.push(ran);
        bot.command("echo").description("Repeats your words").param("words", { rest: true })
          .handle((
            ctx,
            args,
          ) => (ran.push(`echo from ${ctx.user.name}`), ctx.reply(args.words.join(" "))));
        bot.command("ping").description("Answers /help - Pong").handle((ctx) => {
          ran.push(`ping from ${ctx.user.name}`);
          return ctx.reply("/help - Pong\n/echo Pong");
        });
        await bot.start();
        await bot.joinRoom(id);
        bots.push(bot);
      }
      await alice.type("/help", { cps: 30 });
      await alice.pressEnter();
      for (const bot of bots) {
        await until(
          () => seen(alice, bot)?.startsWith("Commands:"),
          `${bot.options.username}'s help`,
        );
      }
      await alice.type("/ping", { cps: 30 });
      await alice.pressEnter();
      for (const bot of bots) {
        await until(() => seen(alice, bot)?.startsWith("/help - Pong"), "pong");
      }
      // Every bot has every other bot's answer (a command line of it would run at once, or wait
      // out its idle time on the bots' clock)...
      for (const bot of bots) {
        for (const other of bots.filter((b) => b !== bot)) {
          await until(
            () => bot.room?.texts.get(other.me!.id)?.startsWith("/help - Pong"),
            `${bot.options.username} to see ${other.options.username}'s pong`,
          );
        }
      }
      // ...and many idle times pass: a bot answering another would have answered by now.
      await clock.advance(6 * 200);
      for (const ran of lines) assertEquals(ran, ["ping from Alice"]);
      for (const bot of bots) {
        assertEquals(bot.textOf(bot.me!), "/help - Pong\n/echo Pong", "nothing sent since");
        assert(seen(alice, bot)?.startsWith("/help - Pong"), "each bot still shows its own answer");
      }
    } finally {
      for (const bot of bots) await bot.stop();
    }
  });
}
