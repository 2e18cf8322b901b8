// A link that stops moving (a proxy that stops forwarding while TCP stays
// open) with the server's real ping values (25 s / 60 s: Engine.IO alone
// notices after 85 s): the bot's liveness check probes a silent link, drops a
// dead one, reconnects, and runs a line a person completed meanwhile.
import { assertEquals, assertThrows } from "@std/assert";
import { resolveOptions } from "../../bot/options.ts";
import { aliceInRoom, makeBot, startServer, until } from "./_bots.ts";
import { StallProxy } from "./_proxy.ts";

Deno.test("Bot liveness: a dead link is noticed by default within 30 s; its options are checked", () => {
  const defaults = resolveOptions({ username: "Bot" }).liveness;
  assertEquals(defaults, { probeAfterMs: 26_000, deadAfterMs: 30_000 });
  assertEquals(resolveOptions({ username: "Bot", liveness: false }).liveness, false);
  assertThrows(
    () => resolveOptions({ username: "Bot", liveness: { probeAfterMs: 500, deadAfterMs: 400 } }),
    RangeError,
    "Invalid liveness.deadAfterMs: 400 must be more than probeAfterMs (500)",
  );
});

Deno.test("Bot notices a stalled link with the server's real ping values, comes back, and runs a line typed meanwhile", async () => {
  await using server = await startServer();
  const proxy = StallProxy.start(server.port, {
    realPings: true,
    pingIntervalMs: 150,
    pingTimeoutMs: 250,
  });
  await using alice = await aliceInRoom(server, "Stalled");
  const roomId = alice.roomId!;
  const bot = makeBot(proxy.url, {
    token: server.issueToken(),
    commandIdleMs: 5000,
    liveness: { probeAfterMs: 200, deadAfterMs: 700 },
  });
  bot.command("ping").handle((ctx) => ctx.reply(`pong ${ctx.user.name}`));
  const reasons: string[] = [];
  bot.on("disconnected", (ctx) => void reasons.push(ctx.reason));
  let probes = 0;
  bot.on("raw", (ctx) => void (ctx.event === "initial rooms" && probes++));
  try {
    const me = await bot.start();
    await bot.joinRoom(roomId);
    // A quiet but healthy link: probed after each silence, answered, never dropped.
    await until(() => probes >= 3, "three probes answered");
    assertEquals(reasons, []);

    proxy.stall();
    await alice.type("/ping", { cps: Infinity });
    await alice.pressEnter(); // while the bot hears nothing
    await until(() => reasons.length > 0, "the bot to notice the dead link", 5000);
    assertEquals(reasons, ["no traffic"]);
    await server.waitFor((s) => !s.room(roomId)?.users.some((u) => u.id === me.id));
    proxy.resume();
    await until(() => alice.texts[me.id] === "pong Alice", "the line typed meanwhile, run", 5000);
  } finally {
    await bot.stop();
    proxy.close();
  }
});
