// 1. Inbound throughput: scripted typists (in the server process) stream
// chat updates into a room; the listener, the Bot or a raw socket.io-client
// doing the same job (keep every person's text, answer /echo), runs in its
// own process (`clients/listen.mjs`), in Deno or Node. The server, not the
// listener, sets the event rate, so the comparable figure is the listener's
// capacity: events handled per second of its own CPU time. The listener also
// times its own handling of each event inside the run (see listen.mjs).
// Also: the generated validators alone, payloads per second.

import { serverEvents, type Validator } from "../schemas/mod.ts";
import { Client, type Runtime } from "./_runtimes.ts";
import { alternate, median, type ServerProcess, sleep } from "./_util.ts";

/** One listener run. */
export interface StreamRun {
  events: number;
  wallMs: number;
  cpuMs: number;
  eventsPerSec: number;
  eventsPerCpuSec: number;
  /** Time in the listener's handlers per event (socket.io's parsing excluded), µs. */
  handlerUsPerEvent: number;
}

let roomCounter = 0;
/**
 * Events of the first three seconds are handled but not measured. Measured in one-second slices
 * (Node, 4 typists), the CPU per event of both clients falls for 3–4 s after the first event
 * (about 110–150 µs in the first second, 40–55 µs from the fifth on) while the JIT optimises
 * the code; a bot runs for hours. With one second of warm-up (before issue 18) the window held
 * part of that, which weighs more for the bigger program.
 */
const WARMUP_MS = 3000;

async function listen(
  server: ServerProcess,
  runtime: Runtime,
  kind: "bot" | "raw",
  typists: number,
  durationMs: number,
): Promise<StreamRun> {
  const name = `tp${kind}${roomCounter++}`;
  const client = new Client(runtime, "listen.mjs", [
    kind,
    server.url,
    server.token,
    name,
    String(WARMUP_MS),
  ]);
  try {
    const { roomId } = await client.next<{ roomId: string }>();
    await server.call({ cmd: "stream", roomId, typists, durationMs: durationMs + WARMUP_MS });
    await client.send("stop");
    return await client.next<StreamRun>();
  } finally {
    await client.close();
    await sleep(50);
  }
}

/** Results of the inbound throughput benchmark in one runtime. */
export interface ThroughputResult {
  runtime: string;
  typists: number;
  durationMs: number;
  runs: number;
  bot: StreamRun[];
  raw: StreamRun[];
  botEventsPerCpuSec: number;
  rawEventsPerCpuSec: number;
  /** Bot / raw events per CPU-second: medians of the per-pair ratios. */
  ratio: number;
  botEventsPerSec: number;
  rawEventsPerSec: number;
  /** µs per event in the Bot's handlers (validate, state, dispatch, the job), inside the run. */
  botHandlerUs: number;
  /** µs per event in the raw client's handler (the job), inside the run. */
  rawHandlerUs: number;
  /** Extra CPU per event of the Bot over raw (1/bot − 1/raw of the medians), µs. */
  extraCpuUs: number;
}

/**
 * Runs bot and raw listeners alternately, alternating which goes first.
 *
 * @param server The server process (started with a short batch interval).
 * @param runtime Deno or Node.
 * @param options Typists, duration and runs.
 * @returns Every run and the medians.
 */
export async function throughput(
  server: ServerProcess,
  runtime: Runtime,
  options: { typists: number; durationMs: number; runs: number },
): Promise<ThroughputResult> {
  // Warm-up (the server's JIT, the module caches), not counted.
  await listen(server, runtime, "raw", options.typists, 200);
  await listen(server, runtime, "bot", options.typists, 200);
  const { bot, raw } = await alternate(
    options.runs,
    (kind) => listen(server, runtime, kind, options.typists, options.durationMs),
  );
  const b = median(bot.map((r) => r.eventsPerCpuSec));
  const r = median(raw.map((r) => r.eventsPerCpuSec));
  return {
    runtime: runtime.name,
    ...options,
    bot,
    raw,
    botEventsPerCpuSec: b,
    rawEventsPerCpuSec: r,
    ratio: median(bot.map((x, i) => x.eventsPerCpuSec / raw[i].eventsPerCpuSec)),
    botEventsPerSec: median(bot.map((r) => r.eventsPerSec)),
    rawEventsPerSec: median(raw.map((r) => r.eventsPerSec)),
    botHandlerUs: median(bot.map((r) => r.handlerUsPerEvent)),
    rawHandlerUs: median(raw.map((r) => r.handlerUsPerEvent)),
    extraCpuUs: 1e6 / b - 1e6 / r,
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
