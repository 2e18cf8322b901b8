// 3. Many bots in one process (run in a fresh process per measurement, so
// the resident memory is this run's alone; the server is another process).
//
// usage: deno run -A bench/_many.ts <bot|raw> <N> <url> <token> [window]
// Starts N clients, at most `window` (20) at a time; every fifth creates a room and joins it, the
// other four join that room. Prints one JSON line with the time until all
// have joined, the failures and the resident memory per client.

import { benchBot, RawClient } from "./_clients.ts";
import { cpuMs, sleep } from "./_util.ts";

const [kind, nArg, url, token, windowArg] = Deno.args;
const n = Number(nArg);
const windowSize = Number(windowArg ?? "20");
if ((kind !== "bot" && kind !== "raw") || !(n > 0) || !url || !token) {
  console.error("usage: deno run -A bench/_many.ts <bot|raw> <N> <url> <token> [window]");
  Deno.exit(2);
}

const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
await sleep(100);
const before = Deno.memoryUsage();
const errors = { count: 0, last: undefined as string | undefined };
const failures: string[] = [];
const stops: (() => unknown)[] = [];
const rooms = new Map<number, Promise<string>>();
const tag = Math.random().toString(36).slice(2, 6);

async function one(i: number): Promise<void> {
  const group = Math.floor(i / 5);
  const name = `m${tag}${i}`;
  const leader = i % 5 === 0;
  let resolveRoom: (id: string) => void = () => {};
  let rejectRoom: (e: unknown) => void = () => {};
  if (leader) {
    const room = new Promise<string>((res, rej) => {
      resolveRoom = res;
      rejectRoom = rej;
    });
    room.catch(() => {}); // a follower may not be waiting yet
    rooms.set(group, room);
  }
  try {
    if (kind === "bot") {
      const bot = benchBot(url, token, { username: name }, errors);
      stops.push(() => bot.stop());
      await bot.start();
      if (leader) {
        const id = await bot.createRoom({ name: `room${tag}${group}` });
        await bot.joinRoom(id);
        resolveRoom(id);
      } else {
        await bot.joinRoom(await rooms.get(group)!);
      }
    } else {
      const raw = await RawClient.connect(url, token, name);
      stops.push(() => raw.close());
      if (leader) {
        const id = await raw.createRoom(`room${tag}${group}`);
        await raw.joinRoom(id);
        resolveRoom(id);
      } else {
        await raw.joinRoom(await rooms.get(group)!);
      }
    }
  } catch (e) {
    rejectRoom(e);
    failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

const t0 = performance.now();
const c0 = cpuMs();
// At most `window` clients are between connecting and joining at any time:
// every sign-in and join sends the whole lobby to every signed-in client not
// yet in a room, so starting all N at once costs O(N²) lobby traffic (for
// the Bot and the raw sockets alike). Clients start in order, so each
// group's leader (which creates the room) starts before its four followers.
let next = 0;
await Promise.all(Array.from({ length: Math.min(windowSize, n) }, async () => {
  while (next < n) await one(next++);
}));
const allJoinedMs = performance.now() - t0;
const cpuPerClientMs = (cpuMs() - c0) / n;
await sleep(500);
gc?.();
await sleep(200);
const after = Deno.memoryUsage();
console.log(JSON.stringify({
  kind,
  n,
  window: windowSize,
  allJoinedMs,
  cpuPerClientMs,
  failures: failures.length,
  firstFailure: failures[0],
  loggedErrors: errors.count,
  lastError: errors.last,
  rssBefore: before.rss,
  rssAfter: after.rss,
  rssPerClient: (after.rss - before.rss) / n,
  heapPerClient: (after.heapUsed - before.heapUsed) / n,
}));
await Promise.all(stops.map((s) => s()));
Deno.exit(0);
