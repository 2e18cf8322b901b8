// No person can crash a bot: random asks, leaves, replacements, timeouts,
// aborts, reconnects and stops against the local server, while recording
// every unhandled rejection the process sees.
import { assertEquals } from "@std/assert";
import { type AskError, Box } from "../../bot/mod.ts";
import { botSaw, makeBot, person, roomWith, startServer, until } from "../bot/_helpers.ts";
import { pick } from "./_config.ts";

/**
 * Records unhandled rejections (and keeps them from ending the test run). `fence()` is their
 * fence: it leaves one rejection of its own unhandled and waits for its report. Deno reports
 * unhandled rejections in the order they happened, so once that one is in, every rejection left
 * unhandled before it has been reported too.
 */
function recordUnhandled(): { seen: unknown[]; fence(): Promise<void>; [Symbol.dispose](): void } {
  const seen: unknown[] = [];
  const fences = new Set<unknown>();
  const listener = (event: PromiseRejectionEvent) => {
    event.preventDefault();
    if (fences.delete(event.reason)) return;
    seen.push(event.reason);
  };
  globalThis.addEventListener("unhandledrejection", listener);
  return {
    seen,
    async fence() {
      const marker = new Error("the fence");
      fences.add(marker);
      void Promise.reject(marker);
      await until(() => !fences.has(marker), "the fence's own rejection to be reported");
    },
    [Symbol.dispose]: () => globalThis.removeEventListener("unhandledrejection", listener),
  };
}

Deno.test("bot.ask() three times to one person, each caught, leaves no unhandled rejection", async () => {
  using unhandled = recordUnhandled();
  const server = await startServer();
  const bot = makeBot(server);
  const alice = await person(server, "Alice");
  try {
    await bot.start();
    await roomWith(bot, alice);
    const reasons = await Promise.all(
      [1, 2, 3].map((n) =>
        bot.ask(alice.userId!, `Question ${n}?`, { timeoutMs: 200 }).catch((e: AskError) =>
          e.reason
        )
      ),
    );
    assertEquals(reasons, ["replaced", "replaced", "timeout"]);
    await unhandled.fence();
  } finally {
    await bot.stop();
    await alice.close();
    await server.close();
  }
  assertEquals(unhandled.seen.map(String), []);
});

Deno.test("ctx.ask() when the person leaves right after the command: caught, no unhandled rejection", async () => {
  using unhandled = recordUnhandled();
  const server = await startServer();
  const bot = makeBot(server, { commandIdleMs: 100, pacing: { sendIntervalMs: 1000 } });
  const alice = await person(server, "Alice");
  const mallory = await person(server, "Mallory");
  try {
    await bot.start();
    const roomId = await roomWith(bot, alice);
    await mallory.joinRoom(roomId);
    const reasons: string[] = [];
    bot.command("quiz").handle(async (ctx) => {
      await ctx.ask("2 + 2?", { timeoutMs: 5000 }).catch((e: AskError) => reasons.push(e.reason));
    });
    // A text just sent: the question waits for its turn (sendIntervalMs).
    await bot.send("Hello");
    await mallory.type("/quiz", { cps: Infinity });
    await mallory.pressEnter();
    // The server drops a leaving person's chat still in its batch: the bot must have the line
    // (and its command started) before Mallory leaves, with the question still waiting its turn.
    await botSaw(bot, mallory, (t) => t.endsWith("/quiz\n"), "the /quiz line at the bot");
    await mallory.leaveRoom();
    await until(() => reasons.length === 1, "the question's end");
    assertEquals(reasons, ["left"]);
    await unhandled.fence();
  } finally {
    await bot.stop();
    await alice.close();
    await mallory.close();
    await server.close();
  }
  assertEquals(unhandled.seen.map(String), []);
});

/** A small seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("random asks, leaves, replacements, timeouts, aborts, reconnects and stops: no unhandled rejection", async () => {
  using unhandled = recordUnhandled();
  const seeds = pick(3, 12);
  for (let seed = 1; seed <= seeds; seed++) {
    const rand = random(seed);
    const server = await startServer();
    const bot = makeBot(server, { commandIdleMs: 50, actionTimeoutMs: 500 });
    const people = [await person(server, "Ann"), await person(server, "Bob")];
    const outcomes: string[] = [];
    try {
      await bot.start();
      const roomId = await roomWith(bot, people[0]);
      await people[1].joinRoom(roomId);
      if (seed % 2 === 0) {
        // Questions shown as lines of a box rather than as the whole text.
        const box = new Box(bot);
        box.text("title", "Stress");
        bot.use(box.replies(box.text("answer")));
      }
      bot.command("quiz").handle(async (ctx) => {
        outcomes.push(await ctx.ask("Quiz?", { timeoutMs: 20 + rand() * 200 }).catch(String));
      });
      for (let step = 0; step < 30; step++) {
        const who = people[Math.floor(rand() * people.length)];
        const r = rand();
        if (r < 0.3 && who.userId && who.roomId) {
          const controller = new AbortController();
          const asked = bot.ask(who.userId, `Step ${step}?`, {
            timeoutMs: 10 + rand() * 300,
            signal: controller.signal,
          });
          asked.then((a) => outcomes.push(a), (e) => outcomes.push(String(e)));
          if (rand() < 0.3) controller.abort();
        } else if (r < 0.45 && who.roomId) {
          await who.type("/quiz", { cps: Infinity });
          await who.pressEnter();
        } else if (r < 0.6) {
          if (who.roomId) await who.leaveRoom();
          else await who.joinRoom(roomId);
        } else if (r < 0.7 && bot.me) {
          server.disconnectUser(bot.me.id);
        } else if (r < 0.8 && who.roomId) {
          await who.type(`answer ${step}`, { cps: Infinity });
          await who.pressEnter();
        } else if (r < 0.85) {
          void bot.type(`typing ${step}`, { cps: 200, timeoutMs: 10 + rand() * 200 });
        } else if (r < 0.9) {
          bot.after(1 + rand() * 30, (ctx) => ctx.reply(`scheduled ${step}`));
        } else {
          void bot.send(`status ${step}`, { timeoutMs: 5 + rand() * 100 });
        }
        if (rand() < 0.5) await new Promise((r) => setTimeout(r, rand() * 40)); // jitter
      }
      await bot.stop();
      await unhandled.fence();
    } finally {
      await bot.stop();
      for (const p of people) await p.close();
      await server.close();
    }
    assertEquals(unhandled.seen.map(String), [], `seed ${seed}`);
    assertEquals(outcomes.length > 0, true, `seed ${seed}: something was asked`);
  }
});
