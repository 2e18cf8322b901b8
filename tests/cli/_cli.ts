// Runs the `talkomatic` command (cli.ts) as a subprocess under Deno, as a user would.
import { fileURLToPath } from "node:url";
import { until as poll } from "../_support.ts";

/** The checkout's root folder. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));
/** cli.ts. */
export const CLI: string = `${ROOT}cli.ts`;

/** What a finished run printed. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Options of a run. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/** Runs `deno run -A cli.ts <args>` to its end. */
export async function talkomatic(args: string[], options: RunOptions = {}): Promise<Ran> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "-q", CLI, ...args],
    cwd: options.cwd ?? ROOT,
    // `deno task test` sets INIT_CWD (where the task was run), which the command prefers to its
    // working directory, as it must for users' tasks: here the run's folder is the one meant.
    env: { NO_COLOR: "", INIT_CWD: options.cwd ?? ROOT, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Collects a child's output and waits for patterns. */
export class Output {
  text = "";
  #waiters = new Set<() => void>();
  /** Reads `stream` to its end; `other` is shown too when a wait fails. */
  constructor(stream: ReadableStream<Uint8Array>, readonly other?: Output) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text += chunk;
        for (const w of this.#waiters) w();
      }
    })();
  }
  /** Resolves when the stream ended. */
  readonly done: Promise<void>;
  /** Waits for `pattern` (the n-th match with `times`). */
  wait(pattern: RegExp, timeout = 60_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.text.match(pattern);
        if (!m) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(m);
      };
      const timer = setTimeout(() => { // guard
        this.#waiters.delete(check);
        reject(
          new Error(
            `No ${pattern} within ${timeout} ms; output:\n${this.text}${
              this.other ? `\nother stream:\n${this.other.text}` : ""
            }`,
          ),
        );
      }, timeout);
      this.#waiters.add(check);
      check();
    });
  }
}

/** A long-running command (dev, server, a generated project's task). */
export class Running {
  readonly child: Deno.ChildProcess;
  readonly err: Output;
  readonly out: Output;
  /** Spawns `command args` with stdout and stderr collected. */
  constructor(command: string, args: string[], options: RunOptions = {}) {
    this.child = new Deno.Command(command, {
      args,
      cwd: options.cwd ?? ROOT,
      env: { NO_COLOR: "", ...options.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.err = new Output(this.child.stderr);
    this.out = new Output(this.child.stdout, this.err);
  }
  /** Sends `signal` (when still running) and waits for the exit code. */
  async stop(signal: Deno.Signal = "SIGINT"): Promise<number> {
    try {
      this.child.kill(signal);
    } catch {
      // Exited.
    }
    const status = await this.child.status;
    // A killed `deno task` leaves its children holding the pipes: wait a little, not forever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all([this.out.done, this.err.done]),
      new Promise((r) => timer = setTimeout(r, 5000)), // guard
    ]);
    clearTimeout(timer);
    return status.code;
  }
}

/** Polls `fn` until it returns a truthy value, or throws after `timeout` (the tests' one `until`). */
export function until<T>(
  fn: () => T | undefined | false,
  what: string,
  timeout = 20_000,
): Promise<T> {
  return poll(fn, what, timeout);
}

/** Whether process `pid` is alive (not a zombie). */
export function alive(pid: number): boolean {
  try {
    return !Deno.readTextFileSync(`/proc/${pid}/stat`).split(") ")[1]?.startsWith("Z");
  } catch {
    return false;
  }
}
