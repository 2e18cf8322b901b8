// Shared pieces of the benchmarks: the server child process, statistics,
// quiet loggers and the machine description.

import process from "node:process";
import type { BotLogger } from "../bot/mod.ts";

/** A TestServer running in its own process (see `_server.ts`). */
export class ServerProcess {
  readonly url: string;
  readonly token: string;
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #lines: AsyncIterator<string>;

  private constructor(
    child: Deno.ChildProcess,
    lines: AsyncIterator<string>,
    url: string,
    token: string,
  ) {
    this.#child = child;
    this.#lines = lines;
    this.#writer = child.stdin.getWriter();
    this.url = url;
    this.token = token;
  }

  /**
   * Starts the server process.
   *
   * @param batchMs The server's chat batching interval (20 in production).
   * @returns The running server.
   */
  static async start(batchMs = 20): Promise<ServerProcess> {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./_server.ts", import.meta.url).pathname],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
      env: { BENCH_BATCH_MS: String(batchMs) },
    }).spawn();
    const lines = readLines(child.stdout);
    const first = await lines.next();
    if (first.done) throw new Error("The bench server exited before printing its address");
    const { url, token } = JSON.parse(first.value);
    return new ServerProcess(child, lines, url, token);
  }

  /**
   * Sends one command and waits for its answer.
   *
   * @param msg The command.
   * @returns The answer.
   */
  async call<T>(msg: Record<string, unknown>): Promise<T> {
    await this.#writer.write(new TextEncoder().encode(JSON.stringify(msg) + "\n"));
    const next = await this.#lines.next();
    if (next.done) throw new Error("The bench server exited");
    const out = JSON.parse(next.value);
    if (out.error) throw new Error(out.error);
    return out as T;
  }

  /** Stops the process. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 3000);
    await this.#child.status;
    clearTimeout(timer);
  }
}

/** Splits a byte stream into lines. */
export async function* readLines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      yield buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
    }
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Median of a list (NaN when empty). */
export function median(xs: number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile (NaN when empty). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** CPU time (user + system) of this process, in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** A logger that drops everything but errors (which are counted). */
export function quietLogger(errors: { count: number; last?: string } = { count: 0 }): BotLogger {
  return {
    debug: () => {},
    warn: () => {},
    error: (message) => {
      errors.count++;
      errors.last = message;
    },
  };
}

/** The machine, for every row. */
export function machine(): { cores: number; cpu: string; os: string; deno: string } {
  let cpu = "unknown";
  try {
    const info = Deno.readTextFileSync("/proc/cpuinfo");
    cpu = /model name\s*:\s*(.*)/.exec(info)?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux.
  }
  return {
    cores: navigator.hardwareConcurrency,
    cpu,
    os: `${Deno.build.os}-${Deno.build.arch}`,
    deno: Deno.version.deno,
  };
}

/** Rounds to `digits` significant decimals for display. */
export function round(x: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Measures the Bot and the raw client `runs` times each, alternating which
 * goes first (raw-bot, bot-raw, raw-bot, ...), so drift in the machine's
 * state (caches, heat, other load) favours neither.
 *
 * @param runs Measurements of each kind.
 * @param measure One measurement of `kind`; `i` is the run number.
 * @returns The measurements of each kind, in run order.
 */
export async function alternate<T>(
  runs: number,
  measure: (kind: "bot" | "raw", i: number) => Promise<T>,
): Promise<{ bot: T[]; raw: T[] }> {
  const out = { bot: [] as T[], raw: [] as T[] };
  for (let i = 0; i < runs; i++) {
    const order = i % 2 === 0 ? (["raw", "bot"] as const) : (["bot", "raw"] as const);
    for (const kind of order) out[kind].push(await measure(kind, i));
  }
  return out;
}
