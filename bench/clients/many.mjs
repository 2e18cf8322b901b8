// Many bots in one process (a child process of bench/main.ts, fresh for each
// measurement, so the resident memory is this run's alone; the server is
// another process), in Deno or Node.
//
// usage: <runtime> many.mjs <bot|raw> <N> <url> <token> [window]
// Starts N clients, at most `window` (20) at a time; every fifth creates a
// room and joins it, the other four join that room. Prints one JSON line with
// the time until all have joined, the CPU time, the failures and the
// resident memory per client.

import process from "node:process";
import { RawClient } from "./raw.mjs";

const [kind, nArg, url, token, windowArg] = process.argv.slice(2);
const n = Number(nArg);
const windowSize = Number(windowArg ?? "20");
if ((kind !== "bot" && kind !== "raw") || !(n > 0) || !url || !token) {
  console.error("usage: many.mjs <bot|raw> <N> <url> <token> [window]");
  process.exit(2);
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc;
gc?.();
await sleep(100);
const before = process.memoryUsage();
const errors = { count: 0, last: /** @type {string | undefined} */ (undefined) };
/** @type {string[]} */
const failures = [];
/** @type {(() => unknown)[]} */
const stops = [];
/** @type {Map<number, Promise<string>>} */
const rooms = new Map();
const tag = Math.random().toString(36).slice(2, 6);
const sdk = kind === "bot" ? await import(process.env.BENCH_SDK ?? "talkomatic") : undefined;

/** @param {number} i */
async function one(i) {
  const group = Math.floor(i / 5);
  const name = `m${tag}${i}`;
  const leader = i % 5 === 0;
  /** @type {(id: string) => void} */
  let resolveRoom = () => {};
  /** @type {(e: unknown) => void} */
  let rejectRoom = () => {};
  if (leader) {
    /** @type {Promise<string>} */
    const room = new Promise((res, rej) => {
      resolveRoom = res;
      rejectRoom = rej;
    });
    room.catch(() => {}); // a follower may not be waiting yet
    rooms.set(group, room);
  }
  try {
    if (sdk) {
      const bot = new sdk.Bot({
        username: name,
        location: "bench",
        server: url,
        token,
        tokenStore: new sdk.MemoryTokenStore(),
        reconnect: false,
        help: false,
        logger: {
          debug() {},
          warn() {},
          error(/** @type {string} */ m) {
            errors.count++;
            errors.last = m;
          },
        },
      });
      stops.push(() => bot.stop());
      await bot.start();
      if (leader) {
        const id = await bot.createRoom({ name: `room${tag}${group}` });
        await bot.joinRoom(id);
        resolveRoom(id);
      } else {
        await bot.joinRoom(await rooms.get(group));
      }
    } else {
      const raw = await RawClient.connect(url, token, name);
      stops.push(() => raw.close());
      if (leader) {
        const id = await raw.createRoom(`room${tag}${group}`);
        await raw.joinRoom(id);
        resolveRoom(id);
      } else {
        await raw.joinRoom(/** @type {string} */ (await rooms.get(group)));
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
const after = process.memoryUsage();
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
process.exit(0);
