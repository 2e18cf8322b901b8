// Load (issue 7 §4): N bots and N scripted users in one process against one
// local server, typing continuously: no errors, no unbounded memory growth,
// and every bot's view of its room equal to the server's at the end.
import { assert, assertEquals } from "@std/assert";
import type { Bot } from "../../bot/mod.ts";
import { TestUser } from "../../testing/mod.ts";
import { makeBot, startServer, until } from "./_bots.ts";
import { pick, summary } from "./_config.ts";

const N = pick(20, 200);
const DURATION_MS = pick(5000, 60_000);

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Deno.memoryUsage().heapUsed;
}

function viewMatches(bot: Bot, server: Awaited<ReturnType<typeof startServer>>): boolean {
  const room = bot.room;
  const info = room && server.room(room.id);
  if (!room || !info) return false;
  const ids = info.users.map((u) => u.id).sort();
  if (ids.join() !== room.users.map((u) => u.id).sort().join()) return false;
  return ids.every((id) => bot.textOf(id) === (info.messages[id] ?? ""));
}

Deno.test(`${N} bots and ${N} users typing for ${DURATION_MS / 1000} s: no errors, bounded memory, consistent views`, async () => {
  await using server = await startServer({
    limits: { baseMaxRooms: 10_000, hardMaxRooms: 10_000 },
  });
  const users: TestUser[] = [];
  const bots: ReturnType<typeof makeBot>[] = [];
  const userErrors: string[] = [];
  try {
    // One room per pair: a person creates it, the bot joins.
    for (let i = 0; i < N; i++) {
      const u = await TestUser.connect(server, {
        username: `User${i}`,
        location: "Load",
        timeoutMs: 20_000,
      });
      const id = await u.createRoom({ name: `Load room ${i}` });
      await u.joinRoom(id);
      users.push(u);
      const bot = makeBot(server, {
        username: `Bot${i}`,
        token: server.issueToken(),
        actionTimeoutMs: 20_000,
        pacing: { sendIntervalMs: 100 },
      });
      await bot.start();
      await bot.joinRoom(id);
      bots.push(bot);
    }
    const heapStart = heapUsed();
    const end = Date.now() + DURATION_MS;
    let rounds = 0;
    let words = 0;
    const type = async (i: number): Promise<void> => {
      for (let n = 0; Date.now() < end; n++) {
        const text = `${n % 7 === 0 ? "" : "line " + n}\nlorem ipsum ${n} ${"ä😀".repeat(n % 5)}`;
        await Promise.all([
          bots[i].send(`bot ${i} says ${n}: ${text}`),
          users[i].type(` w${n}`, { cps: 200 }).catch((e) => void userErrors.push(String(e))),
        ]);
        words += 2;
        if (n % 20 === 19) await users[i].send(""); // clear, keep buffers bounded
      }
    };
    const heapMid: number[] = [];
    const sampler = setInterval(() => heapMid.push(Deno.memoryUsage().heapUsed), 1000);
    await Promise.all(bots.map((_, i) => type(i)));
    clearInterval(sampler);
    rounds = words / 2;
    // Let the last batches land, then compare every bot with the server.
    for (const [i, bot] of bots.entries()) {
      await until(() => viewMatches(bot, server), `bot ${i}'s view to match the server`, 20_000);
    }
    const heapEnd = heapUsed();
    const errors = bots.flatMap((b) => b.errors.map((e) => e.message));
    assertEquals(errors, []);
    assertEquals(userErrors, []);
    for (const bot of bots) assert(bot.connected, "every bot still connected");
    // Bounded memory: the heap after the run is within a fixed margin of the heap at start
    // (growth with the duration would be a leak; 64 MB covers buffers and GC timing).
    const growth = heapEnd - heapStart;
    assert(growth < 64 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MB`);
    summary("load", {
      "bots × duration": `${N} bots + ${N} users × ${DURATION_MS / 1000} s`,
      "text updates": words,
      rounds,
      "heap start/end MB": `${(heapStart / 1048576).toFixed(1)}/${(heapEnd / 1048576).toFixed(1)}`,
      "heap max MB": (Math.max(heapStart, ...heapMid) / 1048576).toFixed(1),
      errors: errors.length + userErrors.length,
    });
  } finally {
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(users.map((u) => u.close()));
  }
});
