// One inbound-throughput listener (a child process of bench/throughput.ts),
// in Deno or Node: the Bot or the raw client joins a room, says
// `{"roomId":…}` on stdout, then handles the typists' chat updates until a
// line arrives on stdin, and prints what it measured as one JSON line.
//
// usage: <runtime> listen.mjs <bot|raw> <url> <token> <name> [warmupMs]
// The first `warmupMs` (default 1000; the benchmark passes 3000) of events
// after the first one are handled but not measured: a bot runs for hours, its
// code long optimised by the JIT.
// env:   BENCH_SDK = the module to import the Bot from ("talkomatic" in Node).
//
// Besides the process's CPU time, it measures the listener's own handling of
// each event inside the run: socket.io-client's `emitEvent` (which calls the
// Bot's `onAny` hook, or the raw client's handler) is wrapped with two clock
// readings, the same for both kinds, and their own cost is subtracted. On a
// shared machine a handler is now and then paused by other processes (or by
// a garbage collection), so events that took over 1 ms are left out of the
// mean and counted; the garbage collector's work shows in the CPU figure.

import process from "node:process";
import { startListener } from "./listener.mjs";
import { clockCostMs } from "./_clock.mjs";
import { socketClass } from "./_socket.mjs";

const [kind, url, token, name, warmupArg] = process.argv.slice(2);
const warmupMs = Number(warmupArg ?? "1000");

const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Handling that took longer was paused: left out of the mean. */
const PAUSED_MS = 1;
let events = 0;
let timedMs = 0;
let timed = 0;
let paused = 0;
let first = -1;
let t0 = 0;
let c0 = 0;
const proto = /** @type {any} */ ((await socketClass(kind)).prototype);
if (typeof proto.emitEvent !== "function") throw new Error("socket.io-client has no emitEvent");
const emitEvent = proto.emitEvent;
proto.emitEvent = function (/** @type {unknown[]} */ args) {
  if (args[0] !== "chat update") return emitEvent.call(this, args);
  if (t0 === 0) {
    const t = performance.now();
    if (first < 0) first = t;
    if (t - first < warmupMs) return emitEvent.call(this, args);
    t0 = t;
    c0 = cpuUs();
  }
  events++;
  const t = performance.now();
  emitEvent.call(this, args);
  const took = performance.now() - t;
  if (took > PAUSED_MS) paused++;
  else {
    timedMs += took;
    timed++;
  }
};

const { roomId, stop } = await startListener(kind, url, token, name);
const clock = clockCostMs();
console.log(JSON.stringify({ roomId }));

process.stdin.once("data", async () => {
  const wallMs = performance.now() - t0;
  const used = (cpuUs() - c0) / 1000;
  const ownUs = timed > 0 ? ((timedMs / timed) - clock) * 1000 : NaN;
  await stop();
  console.log(JSON.stringify({
    kind,
    events,
    wallMs,
    cpuMs: used,
    eventsPerSec: events / (wallMs / 1000),
    eventsPerCpuSec: events / (used / 1000),
    handlerUsPerEvent: ownUs,
    paused,
    clockUs: clock * 1000,
  }));
  process.exit(0);
});
