// Bots built with this SDK share rooms without talking to each other.
import { assert, assertEquals } from "@std/assert";
import type { Bot } from "../../bot/mod.ts";
import { makeBot, person, seen, sleep, startServer, until } from "./_helpers.ts";

for (const count of [2, 3]) {
  Deno.test(`${count} SDK bots in one room answer /help once each and never each other`, async () => {
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    const id = await alice.createRoom({ name: "Bot party" });
    await alice.joinRoom(id);
    const bots: Bot[] = [];
    const lines: string[][] = [];
    try {
      for (let i = 0; i < count; i++) {
        const bot = makeBot(server, { username: `Bot${i}`, commandIdleMs: 200 });
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
      const before = alice.events.filter((e) => e.name === "chat update").length;
      // Real time is the subject: many idle times of the bots pass; a loop would show by now.
      await sleep(1200);
      assertEquals(alice.events.filter((e) => e.name === "chat update").length, before);
      for (const ran of lines) assertEquals(ran, ["ping from Alice"]);
      for (const bot of bots) {
        assert(seen(alice, bot)?.startsWith("/help - Pong"), "each bot still shows its own answer");
      }
    } finally {
      for (const bot of bots) await bot.stop();
    }
  });
}
