// 1. Inbound throughput: scripted typists (in the server process) stream
// chat updates into a room; the listener here is the Bot or a raw
// socket.io-client. The server, not the listener, sets the event rate, so
// the comparable figure is the listener's capacity: events handled per
// second of its own CPU time (this process does nothing else meanwhile).
// Also: the generated validators alone, payloads per second.

import { serverEvents, type Validator } from "../schemas/mod.ts";
import { benchBot, RawClient } from "./_clients.ts";
import { alternate, cpuMs, median, type ServerProcess, sleep } from "./_util.ts";

/** One listener run. */
export interface StreamRun {
  events: number;
  wallMs: number;
  cpuMs: number;
  eventsPerSec: number;
  eventsPerCpuSec: number;
}

let roomCounter = 0;

async function listen(
  server: ServerProcess,
  kind: "bot" | "raw",
  typists: number,
  durationMs: number,
): Promise<StreamRun> {
  let events = 0;
  let t0 = 0;
  let c0 = 0;
  const first = (): void => {
    t0 = performance.now();
    c0 = cpuMs();
  };
  const name = `tp${kind}${roomCounter++}`;
  let roomId: string;
  let stop: () => Promise<void> | void;
  if (kind === "bot") {
    const bot = benchBot(server.url, server.token, { username: name });
    // What a bot does with every update: the `message` handler.
    const seen = new Map<string, number>();
    bot.on("message", (ctx) => void seen.set(ctx.user.id, ctx.text.length));
    // Count wire events, as the raw listener does (a `message` fires only when a text changed).
    bot.on("raw", (ctx) => {
      if (ctx.event === "chat update" && events++ === 0) first();
    });
    await bot.start();
    roomId = await bot.createRoom({ name });
    await bot.joinRoom(roomId);
    stop = () => bot.stop();
  } else {
    const raw = await RawClient.connect(server.url, server.token, name);
    // The same work, by hand: apply each update to a map, no validation.
    const texts = new Map<string, string>();
    raw.socket.on("chat update", (p: { userId: string; diff: { text: string } }) => {
      if (events++ === 0) first();
      texts.set(p.userId, p.diff.text);
    });
    roomId = await raw.createRoom(name);
    await raw.joinRoom(roomId);
    stop = () => raw.close();
  }
  await server.call({ cmd: "stream", roomId, typists, durationMs });
  const wallMs = performance.now() - t0;
  const used = cpuMs() - c0;
  await stop();
  await sleep(50);
  return {
    events,
    wallMs,
    cpuMs: used,
    eventsPerSec: events / (wallMs / 1000),
    eventsPerCpuSec: events / (used / 1000),
  };
}

/** Results of the inbound throughput benchmark. */
export interface ThroughputResult {
  typists: number;
  durationMs: number;
  runs: number;
  bot: StreamRun[];
  raw: StreamRun[];
  botEventsPerCpuSec: number;
  rawEventsPerCpuSec: number;
  ratio: number;
  botEventsPerSec: number;
  rawEventsPerSec: number;
}

/**
 * Runs bot and raw listeners alternately, alternating which goes first.
 *
 * @param server The server process (started with a short batch interval).
 * @param options Typists, duration and runs.
 * @returns Every run and the medians.
 */
export async function throughput(
  server: ServerProcess,
  options: { typists: number; durationMs: number; runs: number },
): Promise<ThroughputResult> {
  // Warm-up (JIT, module-level caches), not counted.
  await listen(server, "raw", options.typists, 500);
  await listen(server, "bot", options.typists, 500);
  const { bot, raw } = await alternate(
    options.runs,
    (kind) => listen(server, kind, options.typists, options.durationMs),
  );
  const b = median(bot.map((r) => r.eventsPerCpuSec));
  const r = median(raw.map((r) => r.eventsPerCpuSec));
  return {
    ...options,
    bot,
    raw,
    botEventsPerCpuSec: b,
    rawEventsPerCpuSec: r,
    ratio: b / r,
    botEventsPerSec: median(bot.map((r) => r.eventsPerSec)),
    rawEventsPerSec: median(raw.map((r) => r.eventsPerSec)),
  };
}

/** Results of the validators-alone benchmark. */
export interface ValidatorResult {
  event: string;
  payloadsPerSec: number;
  runs: number;
}

function roomSnapshot(users: number): unknown {
  const list = Array.from({ length: users }, (_, i) => ({
    id: `u${String(i).padStart(31, "0")}`,
    username: `user${i}`,
    location: "somewhere",
  }));
  return {
    id: "123456",
    name: "Bench room",
    type: "public",
    layout: "vertical",
    users: list,
    votes: {},
    currentMessages: Object.fromEntries(list.map((u) => [u.id, "hello there ".repeat(5)])),
    isFull: users >= 5,
    userCount: users,
    visibleUserCount: users,
  };
}

/**
 * Validates sample payloads in a loop with the generated validators.
 *
 * @param runs Runs per payload (each about 300 ms).
 * @returns Payloads per second, median of the runs.
 */
export function validators(runs: number): ValidatorResult[] {
  const samples: [string, unknown][] = [
    ["chat update", {
      userId: "u0000000000000000000000000000001",
      username: "Alice",
      diff: { type: "full-replace", text: "the quick brown fox jumps over the lazy dog" },
    }],
    ["room update", roomSnapshot(5)],
  ];
  const out: ValidatorResult[] = [];
  for (const [event, payload] of samples) {
    const spec = (serverEvents as Record<string, { schema: unknown }>)[event];
    const validate = (spec.schema as Validator<unknown>)["~standard"].validate;
    const first = validate(payload) as { issues?: unknown };
    if (first.issues) {
      throw new Error(`Sample "${event}" is invalid: ${JSON.stringify(first.issues)}`);
    }
    const rates: number[] = [];
    for (let r = 0; r < runs + 1; r++) {
      let n = 0;
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < 300) {
        for (let i = 0; i < 1000; i++) validate(payload);
        n += 1000;
        t = performance.now();
      }
      if (r > 0) rates.push(n / ((t - t0) / 1000)); // the first run warms up
    }
    out.push({ event, payloadsPerSec: median(rates), runs });
  }
  return out;
}
