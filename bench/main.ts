/**
 * `deno task bench`: what a bot costs, measured against a hand-written raw
 * socket.io-client doing the same work in the same run, on a local
 * TestServer (its own process, rate limits relaxed). Prints a table and
 * writes `bench/results.json`.
 *
 * Options: `--quick` (fewer runs and smaller sizes, for a smoke test),
 * `--only=throughput,latency,many,startup,size`.
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
import { alternate, machine, median, round, ServerProcess } from "./_util.ts";

const quick = Deno.args.includes("--quick");
const onlyArg = Deno.args.find((a) => a.startsWith("--only="));
const only = onlyArg ? new Set(onlyArg.slice(7).split(",")) : undefined;
const want = (name: string): boolean => !only || only.has(name);
const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

const CONFIG = quick
  ? {
    throughput: { typists: 4, durationMs: 1000, runs: 1 },
    validatorRuns: 1,
    inboundPathEvents: 20_000,
    latency: { rounds: 10, runs: 1 },
    many: { sizes: [100], runs: 1, window: 20 },
    startupRuns: 1,
  }
  : {
    throughput: { typists: 4, durationMs: 3000, runs: 3 },
    validatorRuns: 3,
    inboundPathEvents: 200_000,
    latency: { rounds: 30, runs: 3 },
    many: { sizes: [100, 500, 1000], runs: 3, window: 20 },
    startupRuns: 5,
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

async function manyOnce(kind: "bot" | "raw", n: number, window: number): Promise<ManyRun> {
  const server = await ServerProcess.start(20);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--v8-flags=--expose-gc",
        new URL("./_many.ts", import.meta.url).pathname,
        kind,
        String(n),
        server.url,
        server.token,
        String(window),
      ],
      stdout: "piped",
      stderr: "inherit",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    if (!out.success || text === "") throw new Error(`_many.ts ${kind} ${n} failed`);
    return JSON.parse(text.split("\n").pop()!) as ManyRun;
  } finally {
    await server.close();
  }
}

async function many(n: number, runs: number, window: number): Promise<ManyResult> {
  const { bot, raw } = await alternate(runs, (kind) => manyOnce(kind, n, window));
  return {
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

const results: {
  machine: ReturnType<typeof machine>;
  date: string;
  quick: boolean;
  durationMs?: number;
  throughput?: ThroughputResult;
  validators?: ValidatorResult[];
  inboundPath?: InboundPathResult;
  latency?: LatencyResult;
  many?: ManyResult[];
  startup?: StartupResult;
  size?: SizeResult;
} = { machine: machine(), date: new Date().toISOString(), quick };

const started = performance.now();
const log = (line: string): void =>
  console.error(`[bench ${Math.round((performance.now() - started) / 1000)}s] ${line}`);

if (want("throughput")) {
  log("validators alone");
  results.validators = validators(CONFIG.validatorRuns);
  log("inbound path alone");
  results.inboundPath = inboundPath(CONFIG.inboundPathEvents, 3);
  log("inbound throughput");
  // A 1 ms chat batch: the listeners see about 1400 events/s instead of 200.
  const server = await ServerProcess.start(1);
  try {
    results.throughput = await throughput(server, CONFIG.throughput);
  } finally {
    await server.close();
  }
}
if (want("latency")) {
  log("reaction latency");
  const server = await ServerProcess.start(20);
  try {
    results.latency = await latency(server, CONFIG.latency);
  } finally {
    await server.close();
  }
}
if (want("many")) {
  results.many = [];
  for (const n of CONFIG.many.sizes) {
    log(`many clients: ${n}`);
    results.many.push(await many(n, CONFIG.many.runs, CONFIG.many.window));
  }
}
if (want("startup")) {
  log("start-up");
  const server = await ServerProcess.start(20);
  try {
    results.startup = await startup(server, CONFIG.startupRuns);
  } finally {
    await server.close();
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
if (results.inboundPath) {
  const p = results.inboundPath;
  rows.push([
    "Bot inbound path alone (validate, state, dispatch; no socket)",
    `${round(p.microsPerEvent, 2)} µs/event`,
    "",
    "",
    `${p.runs} × ${num(p.events)} events`,
    "the framework's own cost",
  ]);
}
if (results.throughput) {
  const t = results.throughput;
  rows.push([
    `inbound: ${t.typists} typists, events per CPU-second of the listener`,
    num(t.botEventsPerCpuSec),
    num(t.rawEventsPerCpuSec),
    `${round(t.ratio, 2)}`,
    `${t.runs} × ${t.durationMs / 1000} s`,
    `≥ 0.8: ${mark(t.ratio >= 0.8)}`,
  ]);
  rows.push([
    "inbound: events/s received (set by the server)",
    num(t.botEventsPerSec),
    num(t.rawEventsPerSec),
    `${round(t.botEventsPerSec / t.rawEventsPerSec, 2)}`,
    `${t.runs} × ${t.durationMs / 1000} s`,
    "",
  ]);
}
if (results.latency) {
  const l = results.latency;
  rows.push([
    "reaction latency p50 (Enter → reply seen)",
    ms(l.botP50),
    ms(l.rawP50),
    `${round(l.botP50 / l.rawP50, 2)}`,
    `${l.runs} × ${l.rounds} rounds`,
    `≤ ${ms(l.targetP50)}: ${mark(l.botP50 <= l.targetP50)}`,
  ]);
  rows.push([
    "reaction latency p99",
    ms(l.botP99),
    ms(l.rawP99),
    `${round(l.botP99 / l.rawP99, 2)}`,
    `${l.runs * l.rounds} rounds`,
    "",
  ]);
}
for (const r of results.many ?? []) {
  rows.push([
    `${r.n} clients, ${r.n / 5} rooms: time until all joined`,
    ms(r.botJoinedMs),
    ms(r.rawJoinedMs),
    `${round(r.botJoinedMs / r.rawJoinedMs, 2)}`,
    `${r.runs} (${r.window} starting at once)`,
    `failures ${r.botFailures} / ${r.rawFailures}`,
  ]);
  rows.push([
    `${r.n} clients: CPU time per client until joined`,
    ms(r.botCpuPerClientMs),
    ms(r.rawCpuPerClientMs),
    `${round(r.botCpuPerClientMs / r.rawCpuPerClientMs, 2)}`,
    `${r.runs}`,
    "",
  ]);
  rows.push([
    `${r.n} clients: resident memory per client`,
    kib(r.botRssPerClient),
    kib(r.rawRssPerClient),
    `${round(r.botRssPerClient / r.rawRssPerClient, 2)}`,
    `${r.runs}`,
    r.n >= 1000
      ? `< 1 MiB, 0 failures: ${mark(r.botRssPerClient < 1048576 && r.botFailures === 0)}`
      : "",
  ]);
}
if (results.startup) {
  const s = results.startup;
  rows.push([
    "start-up: spawn → first message seen",
    ms(s.botMs),
    ms(s.rawMs),
    `${round(s.ratio, 2)}`,
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
  `Machine: ${m.cores} cores, ${m.cpu}, ${m.os}, Deno ${m.deno}. Medians of the runs shown. ` +
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
