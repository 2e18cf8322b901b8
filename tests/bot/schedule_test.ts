// Schedules: bot.every() and bot.after() against the local server.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { makeBot, roomWith, scene, seen, startServer, until } from "./_helpers.ts";
import { FakeClock } from "../_fake_clock.ts";
import { person } from "./_helpers.ts";

Deno.test("bot.every() runs while connected, is paused while disconnected, and stop() ends it", async () => {
  await using s = await scene({}, {
    reconnect: { initialDelayMs: 500, maxDelayMs: 500, verifyAfterMs: 0 },
  });
  const { bot, alice, server } = s;
  const runs: { at: number; connected: boolean }[] = [];
  let down = 0;
  let up = 0;
  bot.on("disconnected", () => void (down = Date.now()));
  bot.on("reconnected", () => void (up = Date.now()));
  const tick = bot.every(40, async (ctx) => {
    runs.push({ at: Date.now(), connected: ctx.bot.connected });
    await ctx.reply(`tick ${runs.length}`);
  });
  await until(() => runs.length >= 3, "a few runs");
  await until(() => seen(alice, bot)?.startsWith("tick"), "the ticks in the room");
  server.disconnectUser(bot.me!.id);
  await until(() => up > 0, "the reconnection", 5000);
  const before = runs.length;
  await until(() => runs.length >= before + 3, "runs after the reconnection");
  assert(up - down >= 300, `the bot was away ${up - down} ms`);
  assertEquals(runs.filter((r) => r.at > down && r.at < up), [], "no run while disconnected");
  assert(runs.every((r) => r.connected), "every run saw a connected bot");
  tick.stop();
  assertEquals(tick.active, false);
  const stopped = runs.length;
  // A witness on the same clock with the same period, set after stop(): once it ran twice, a
  // tick still scheduled (its timer set before the witness's) would have run too.
  let witnessed = 0;
  const witness = bot.every(40, () => void witnessed++);
  await until(() => witnessed >= 2, "two runs of the witness");
  witness.stop();
  assertEquals(runs.length, stopped, "no run after stop()");
});

Deno.test("bot.every() never overlaps itself and sends its failures to the error event", async () => {
  await using s = await scene();
  const { bot } = s;
  const errors: string[] = [];
  bot.on("error", (ctx) => void errors.push(ctx.error.message));
  let active = 0;
  let most = 0;
  let runs = 0;
  let beats = 0;
  bot.every(20, () => void beats++); // a witness of elapsed periods
  bot.every(20, async () => {
    active++;
    most = Math.max(most, active);
    runs++;
    // A slow run: it lasts several periods (counted by the witness), so an overlapping
    // schedule would start the next run meanwhile.
    const at = beats;
    await until(() => beats >= at + 3, "three periods");
    active--;
    if (runs === 2) throw new Error("second run failed");
  });
  bot.every(25, () => {
    throw new Error("sync failure");
  });
  await until(() => runs >= 4 && errors.includes("second run failed"), "several slow runs", 5000);
  assertEquals(most, 1, "runs never overlapped");
  assert(errors.includes("sync failure"));
});

Deno.test("bot.after() counts connected time only; stop() ends every schedule", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const clock = new FakeClock();
  const bot = makeBot(server, { clock });
  try {
    const log: string[] = [];
    const later = bot.after(100, (ctx) => void log.push(`after ${ctx.bot.connected}`));
    const often = bot.every(50, () => void log.push("every"));
    await clock.advance(250);
    assertEquals(log, [], "nothing runs before the bot is connected");
    assertEquals(later.active, true);
    await bot.start();
    await roomWith(bot, alice);
    await clock.advance(99);
    assertEquals(log.filter((l) => l.startsWith("after")), [], "connected time only");
    await clock.advance(1);
    assert(log.includes("after true"), "the delayed run");
    await clock.advance(150);
    assertEquals(log.filter((l) => l.startsWith("after")), ["after true"], "once");
    assertEquals(later.active, false, "an after() is over once it ran");
    assert(log.includes("every"));
    await bot.stop();
    assertEquals(often.active, false, "stop() stopped it");
    const count = log.length;
    await clock.advance(150);
    assertEquals(log.length, count);
    assertEquals(bot.every(10, () => {}).active, false, "a schedule after stop() never starts");
  } finally {
    await bot.stop();
  }
});

Deno.test("bot.every() and bot.after() check their arguments", async () => {
  await using server = await startServer();
  await using bot = makeBot(server);
  assertThrows(() => bot.every(0, () => {}), RangeError, "Cannot schedule every 0 ms");
  assertThrows(() => bot.after(2 ** 31, () => {}), RangeError, "from 1 to 2147483647");
  // @ts-expect-error not a function
  assertThrows(() => bot.every(10, "tick"), TypeError, "expected a function, got string");
  {
    using task = bot.every(10, () => {});
    assertEquals(task.active, true);
  }
});
