/**
 * `deno task bench`: what a bot costs, measured against a hand-written raw
 * socket.io-client doing the same work in the same run, on a local
 * TestServer (its own process, rate limits relaxed), in Deno (the sources)
 * and in Node (the npm build). Every section alternates Bot and raw runs and
 * which of them goes first. Prints a table and writes `bench/results.json`.
 *
 * Options: `--quick` (fewer runs and smaller sizes, for a smoke test),
 * `--only=throughput,latency,many,startup,size`, `--runtimes=deno,node`,
 * `--many=500,1000` (the numbers of clients of the many-clients section).
 *
 * @module
 */

import { inboundPath, type InboundPathResult } from "./inbound_path.ts";
import { latency, type LatencyResult } from "./latency.ts";
import { size, type SizeResult } from "./size.ts";
import { startup, type StartupResult } from "./startup.ts";
import {
  throughput,
  type ThroughputResult,
  type ValidatorResult,
  validators,
} from "./throughput.ts";
import { Client, denoRuntime, nodeRuntime, type Runtime } from "./_runtimes.ts";
import { alternate, machine, median, round, ServerProcess } from "./_util.ts";

const quick = Deno.args.includes("--quick");
const onlyArg = Deno.args.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice(7).split(",")) : undefined;
const want = (name: string): boolean => !only || only.has(name);
const runtimesArg = Deno.args.find((a) => a.startsWith("--runtimes="));
const wantRuntimes = new Set((runtimesArg?.slice(11) ?? "deno,node").split(","));
const manyArg = Deno.args.find((a) => a.startsWith("--many="));
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

const CONFIG = quick
  ? {
    throughput: { typists: 4, durationMs: 1500, runs: 1 },
    validatorRuns: 1,
    inboundPath: { events: 20_000, runs: 10 },
    latency: { rounds: 10, runs: 1 },
    many: { sizes: [100], runs: 1, window: 20 },
    startupRuns: 1,
  }
  : {
    throughput: { typists: 4, durationMs: 4000, runs: 5 },
    validatorRuns: 3,
    inboundPath: { events: 20_000, runs: 40 },
    latency: { rounds: 30, runs: 3 },
    many: { sizes: [500], runs: 3, window: 20 },
    startupRuns: 11,
  };

interface ManyRun {
  kind: "bot" | "raw";
  n: number;
  window: number;
  allJoinedMs: number;
  cpuPerClientMs: number;
  failures: number;
  firstFailure?: string;
  loggedErrors: number;
  rssPerClient: number;
  heapPerClient: number;
}

interface ManyResult {
  runtime: string;
  n: number;
  runs: number;
  window: number;
  bot: ManyRun[];
  raw: ManyRun[];
  botJoinedMs: number;
  rawJoinedMs: number;
  botRssPerClient: number;
  rawRssPerClient: number;
  botCpuPerClientMs: number;
  rawCpuPerClientMs: number;
  botFailures: number;
  rawFailures: number;
}

async function manyOnce(
  runtime: Runtime,
  kind: "bot" | "raw",
  n: number,
  window: number,
): Promise<ManyRun> {
  const server = await ServerProcess.start(20);
  try {
    const child = new Client(
      runtime,
      "many.mjs",
      [kind, String(n), server.url, server.token, String(window)],
      ["--expose-gc"],
    );
    try {
      return await child.next<ManyRun>();
    } finally {
      await child.close();
    }
  } finally {
    await server.close();
  }
}

async function many(
  runtime: Runtime,
  n: number,
  runs: number,
  window: number,
): Promise<ManyResult> {
  const { bot, raw } = await alternate(runs, (kind) => manyOnce(runtime, kind, n, window));
  return {
    runtime: runtime.name,
    n,
    runs,
    window,
    bot,
    raw,
    botJoinedMs: median(bot.map((r) => r.allJoinedMs)),
    rawJoinedMs: median(raw.map((r) => r.allJoinedMs)),
    botRssPerClient: median(bot.map((r) => r.rssPerClient)),
    botCpuPerClientMs: median(bot.map((r) => r.cpuPerClientMs)),
    rawCpuPerClientMs: median(raw.map((r) => r.cpuPerClientMs)),
    rawRssPerClient: median(raw.map((r) => r.rssPerClient)),
    botFailures: bot.reduce((s, r) => s + r.failures, 0),
    rawFailures: raw.reduce((s, r) => s + r.failures, 0),
  };
}

if (manyArg) CONFIG.many.sizes = manyArg.slice(7).split(",").map(Number);

const started = performance.now();
const log = (line: string): void =>
  console.error(`[bench ${Math.round((performance.now() - started) / 1000)}s] ${line}`);

const runtimes: Runtime[] = [];
const versions: Record<string, string> = {};
if (wantRuntimes.has("deno")) runtimes.push(denoRuntime());
if (wantRuntimes.has("node") && ["throughput", "many", "startup"].some(want)) {
  log("node: building and installing the npm package");
  const node = await nodeRuntime();
  if ("missing" in node) log(`node: skipped (${node.missing})`);
  else runtimes.push(node);
}
for (const r of runtimes) versions[r.name] = r.version;

const results: {
  machine: ReturnType<typeof machine>;
  runtimes: Record<string, string>;
  date: string;
  quick: boolean;
  durationMs?: number;
  throughput?: ThroughputResult[];
  validators?: ValidatorResult[];
  inboundPath?: InboundPathResult[];
  latency?: LatencyResult;
  many?: ManyResult[];
  startup?: StartupResult[];
  size?: SizeResult;
} = { machine: machine(), runtimes: versions, date: new Date().toISOString(), quick };

if (want("throughput")) {
  log("validators alone");
  results.validators = validators(CONFIG.validatorRuns);
  // A 1 ms chat batch: the listeners see about 1400 events/s instead of 200.
  const server = await ServerProcess.start(1);
  try {
    results.inboundPath = [];
    results.throughput = [];
    for (const runtime of runtimes) {
      log(`${runtime.name}: inbound path alone`);
      results.inboundPath.push(
        await inboundPath(server, runtime, CONFIG.inboundPath.events, CONFIG.inboundPath.runs),
      );
      log(`${runtime.name}: inbound throughput`);
      results.throughput.push(await throughput(server, runtime, CONFIG.throughput));
    }
  } finally {
    await server.close();
  }
}
if (want("latency")) {
  log("reaction latency (Deno)");
  const server = await ServerProcess.start(20);
  try {
    results.latency = await latency(server, CONFIG.latency);
  } finally {
    await server.close();
  }
}
if (want("many")) {
  results.many = [];
  for (const runtime of runtimes) {
    for (const n of CONFIG.many.sizes) {
      log(`${runtime.name}: many clients: ${n}`);
      results.many.push(await many(runtime, n, CONFIG.many.runs, CONFIG.many.window));
    }
  }
}
if (want("startup")) {
  results.startup = [];
  for (const runtime of runtimes) {
    log(`${runtime.name}: start-up`);
    const server = await ServerProcess.start(20);
    try {
      results.startup.push(await startup(server, runtime, CONFIG.startupRuns));
    } finally {
      await server.close();
    }
  }
}
if (want("size")) {
  log("size");
  results.size = await size(root);
}
results.durationMs = performance.now() - started;

// ------------------------------------------------------------------ table

const m = results.machine;
const rows: string[][] = [];
const kib = (b: number): string => `${round(b / 1024, 0)} KiB`;
const mib = (b: number): string => `${round(b / 1048576, 2)} MiB`;
const ms = (x: number): string => `${round(x, 1)} ms`;
const num = (x: number): string => Math.round(x).toLocaleString("en-US");
const mark = (ok: boolean): string => (ok ? "met" : "MISSED");

if (results.validators) {
  for (const v of results.validators) {
    rows.push([
      `validator alone: "${v.event}"`,
      `${num(v.payloadsPerSec)} payloads/s`,
      "",
      "",
      `${v.runs} × 300 ms`,
      "",
    ]);
  }
}
const us = (x: number): string => `${round(x, 2)} µs`;
const ratio = (x: number): string => `${round(x, 2)}`;
for (const runtime of runtimes.map((r) => r.name)) {
  const t = results.throughput?.find((x) => x.runtime === runtime);
  const p = results.inboundPath?.find((x) => x.runtime === runtime);
  if (t) {
    rows.push([
      `${runtime}: inbound events per CPU-second (${t.typists} typists)`,
      num(t.botEventsPerCpuSec),
      num(t.rawEventsPerCpuSec),
      ratio(t.ratio),
      `${t.runs} × ${t.durationMs / 1000} s`,
      runtime === "Node" ? `≥ 0.9: ${mark(t.ratio >= 0.9)}` : `≥ 0.92: ${mark(t.ratio >= 0.92)}`,
    ]);
    rows.push([
      `${runtime}: time in the handlers per event, inside the run`,
      us(t.botHandlerUs),
      us(t.rawHandlerUs),
      "",
      `${t.runs} × ${t.durationMs / 1000} s`,
      `Bot's own: ${us(t.botHandlerUs - t.rawHandlerUs)}, ≤ 3 µs: ${
        mark(t.botHandlerUs - t.rawHandlerUs <= 3)
      }`,
    ]);
    rows.push([
      `${runtime}: CPU per event, inside the run`,
      us(1e6 / t.botEventsPerCpuSec),
      us(1e6 / t.rawEventsPerCpuSec),
      "",
      `${t.runs} × ${t.durationMs / 1000} s`,
      `Bot's extra: ${us(t.extraCpuUs)}`,
    ]);
  }
  if (p) {
    rows.push([
      `${runtime}: inbound path alone (no socket), per event`,
      us(p.botUs),
      us(p.rawUs),
      "",
      `2 × ${p.runs} × ${num(p.events)}`,
      `Bot's own: ${us(p.botUs - p.rawUs)}`,
    ]);
    rows.push([
      `${runtime}: the same, caches cold (${p.coldKiB / 1024} MiB written between events)`,
      us(p.botColdUs),
      us(p.rawColdUs),
      "",
      "2 × 5 × 3,000",
      `Bot's own: ${us(p.botColdUs - p.rawColdUs)}`,
    ]);
  }
}
if (results.latency) {
  const l = results.latency;
  rows.push([
    "Deno: reaction latency p50 (Enter → reply seen)",
    ms(l.botP50),
    ms(l.rawP50),
    ratio(l.botP50 / l.rawP50),
    `${l.runs} × ${l.rounds} rounds`,
    `≤ ${ms(l.targetP50)}: ${mark(l.botP50 <= l.targetP50)}`,
  ]);
  rows.push([
    "Deno: reaction latency p99",
    ms(l.botP99),
    ms(l.rawP99),
    ratio(l.botP99 / l.rawP99),
    `${l.runs * l.rounds} rounds`,
    "",
  ]);
}
for (const r of results.many ?? []) {
  const joined = r.botJoinedMs / r.rawJoinedMs;
  const memory = r.botRssPerClient / r.rawRssPerClient;
  const goal = r.n === 500;
  rows.push([
    `${r.runtime}: ${r.n} clients, ${r.n / 5} rooms: time until all joined`,
    ms(r.botJoinedMs),
    ms(r.rawJoinedMs),
    ratio(joined),
    `${r.runs} (${r.window} starting at once)`,
    `failures ${r.botFailures} / ${r.rawFailures}${goal ? `; ≤ 1.2: ${mark(joined <= 1.2)}` : ""}`,
  ]);
  rows.push([
    `${r.runtime}: ${r.n} clients: CPU time per client until joined`,
    ms(r.botCpuPerClientMs),
    ms(r.rawCpuPerClientMs),
    ratio(r.botCpuPerClientMs / r.rawCpuPerClientMs),
    `${r.runs}`,
    "",
  ]);
  rows.push([
    `${r.runtime}: ${r.n} clients: resident memory per client`,
    kib(r.botRssPerClient),
    kib(r.rawRssPerClient),
    ratio(memory),
    `${r.runs}`,
    goal ? `≤ 1.5: ${mark(memory <= 1.5)}` : "",
  ]);
}
for (const s of results.startup ?? []) {
  rows.push([
    `${s.runtime}: start-up, spawn → first message seen`,
    ms(s.botMs),
    ms(s.rawMs),
    ratio(s.ratio),
    `${s.runs}`,
    s.runtime === "Node" ? `≤ 1.1: ${mark(s.ratio <= 1.1)}` : "",
  ]);
  rows.push([
    `${s.runtime}: start-up, CPU time until then`,
    ms(s.botCpuMs),
    ms(s.rawCpuMs),
    ratio(s.cpuRatio),
    `${s.runs}`,
    "",
  ]);
}
if (results.size) {
  const s = results.size;
  rows.push([
    "npm tarball",
    s.tarball === "not built" ? "not built" : `${kib(s.tarball.bytes)} (${s.tarball.file})`,
    "",
    "",
    "1",
    "",
  ]);
  for (const g of s.graphs) {
    rows.push([
      `Deno download: ${g.entry} (${g.localModules} modules + ${
        g.npmPackages.filter((p) => !p.optionalPeer).length
      } npm packages)`,
      `${mib(g.totalBytes)} (${kib(g.localBytes)} local)`,
      "",
      "",
      "1",
      g.optionalPeerBytes > 0 ? `+ ${mib(g.optionalPeerBytes)} optional peer (typescript)` : "",
    ]);
  }
}

const header = ["measured", "Bot", "raw", "Bot/raw", "runs", "target / note"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]): string =>
  `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
const table = [
  `Machine: ${m.cores} cores, ${m.cpu}, ${m.os}, ${
    Object.entries(versions).map(([k, v]) => `${k} ${v}`).join(", ")
  }. Medians of the runs shown. ` +
  `Total ${round(results.durationMs / 1000, 0)} s.`,
  "",
  line(header),
  `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
  ...rows.map(line),
].join("\n");
console.log(table);
await Deno.writeTextFile(
  new URL("./results.json", import.meta.url),
  JSON.stringify({ ...results, table }, null, 2) + "\n",
);
