// `talkomatic dev <bot file>`: the local server, a token, the chat page's
// address, the activity log, and the bot restarted when a local file it
// imports changes.
//
// Restarts never trip the server's limits: the token is issued once,
// in-process, and reused (an IP gets only 3 from the REST endpoint); saves are
// debounced, the old bot has exited before the new one starts, so live
// connections never pile up (8 per IP), and two starts are at least
// MIN_RESTART_GAP_MS apart, so even an editor saving on every keystroke stays
// far below 20 connection attempts per 15 s. A bot that exits by itself is not
// restarted until a file changes (a crash loop would burn those attempts).
import { type ChildProcess, spawn } from "node:child_process";
import { type FSWatcher, statSync, watch } from "node:fs";
import { basename, dirname, relative, resolve } from "node:path";
import process from "node:process";
import { CliFailure, clock, isDeno, parseFlags, portOf, UsageError } from "./_common.ts";
import { addressInUse, loadTesting, untilSignal } from "./_local.ts";
import { moduleFiles } from "./_graph.ts";
import type { TestServer } from "../testing/mod.ts";

/** `talkomatic dev --help`. */
export const DEV_USAGE = `usage: talkomatic dev <bot file> [--port N] [--quiet] [-- bot arguments]

Starts the local Talkomatic server, runs your bot against it (with TALKOMATIC_URL
and TALKOMATIC_TOKEN set; under Deno with "deno run -A", under Node with "node"),
prints the address of the chat page where you talk to it, and restarts the bot
when a local file it imports changes. Ctrl+C stops both.

  --port <n>   port of the local server (default 3000, else a free one)
  --quiet      do not print the server's activity log (sign-ins, joins, refusals, ...)
  -h, --help   show this help`;

/** Port used when `--port` is not given. */
const DEFAULT_PORT = 3000;
/** Quiet time after the last file change before the bot restarts. */
const DEBOUNCE_MS = 200;
/** Minimum time between two starts of the bot (≤ 15 starts per 15 s, under the 20 allowed). */
const MIN_RESTART_GAP_MS = 1000;
/** How long the old bot may take to leave its room and exit before it is killed. */
const STOP_TIMEOUT_MS = 5000;

/** The Node version that runs `.ts` files without flags (type stripping). */
function nodeRunsTypeScript(): boolean {
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 18);
}

/** The bot's file, checked, and how to run it. */
function botCommand(file: string, cwd: string, botArgs: string[]) {
  const botPath = resolve(cwd, file);
  let isFile = false;
  try {
    isFile = statSync(botPath).isFile();
  } catch {
    throw new CliFailure(`Cannot run "${file}": no such file`);
  }
  if (!isFile) throw new CliFailure(`Cannot run "${file}": not a file`);
  if (!/\.(?:[cm]?js|[cm]?ts|jsx|tsx)$/.test(botPath)) {
    throw new CliFailure(`Cannot run "${file}": expected a .ts or .js file`);
  }
  if (!isDeno && /\.[cm]?tsx?$/.test(botPath) && !nodeRunsTypeScript()) {
    throw new CliFailure(
      `Cannot run "${file}" under Node ${process.versions.node}: Node runs .ts files from 22.18 on. Use a .js file, a newer Node, or Deno`,
    );
  }
  const args = isDeno ? ["run", "-A", botPath, ...botArgs] : [botPath, ...botArgs];
  return { botPath, args };
}

async function startServer(
  port: number | undefined,
  quiet: boolean,
): Promise<TestServer> {
  const { TestServer } = await loadTesting();
  // No start-up purge: the real server empties every room 2 s after it boots
  // (docs/protocol.md §8.3), which would silently drop a bot that joins at once.
  const options = {
    host: "127.0.0.1",
    timing: { startupPurgeDelayMs: false as const },
    activity: quiet ? undefined : (line: string) => console.log(`[server] ${clock()} ${line}`),
  };
  try {
    return await TestServer.start({ ...options, port: port ?? DEFAULT_PORT });
  } catch (error) {
    if (!addressInUse(error)) throw error;
    if (port !== undefined) throw new CliFailure(`Cannot listen on port ${port}: it is in use`);
    console.log(`Port ${DEFAULT_PORT} is in use; using a free port instead.`);
    return await TestServer.start({ ...options, port: 0 });
  }
}

/** What {@linkcode startDev} needs. */
export interface DevOptions {
  /** The bot file, relative to `cwd`. */
  file: string;
  /** Where the command was typed. */
  cwd: string;
  /** The server's port (default 3000, else a free one). */
  port?: number;
  /** No activity log. */
  quiet?: boolean;
  /** Arguments for the bot. */
  botArgs?: string[];
}

/** A running dev loop: the local server and the bot it restarts. */
export interface DevSession {
  /** The local server (in this process). */
  server: TestServer;
  /** Stops the bot (it leaves its room), then the server. */
  stop(): Promise<void>;
}

/** Starts the local server and the bot, prints the page's address; runs until `stop()`. */
export async function startDev(options: DevOptions): Promise<DevSession> {
  const bot = botCommand(options.file, options.cwd, options.botArgs ?? []);
  const local = await startServer(options.port, options.quiet === true);
  const loop = new DevLoop(local, bot.botPath, bot.args, options.cwd);
  console.log(`Local Talkomatic server on ${local.url}`);
  console.log(`Running ${loop.name}; it restarts when its files change. Ctrl+C stops both.`);
  console.log(`Open ${local.url}/ to talk to your bot`);
  loop.start();
  return {
    server: local,
    async stop() {
      await loop.shutdown();
      await local.close();
    },
  };
}

/** Runs `talkomatic dev` until Ctrl+C or SIGTERM; resolves with the exit code. */
export async function dev(args: string[]): Promise<number> {
  const split = args.indexOf("--");
  const own = split < 0 ? args : args.slice(0, split);
  const botArgs = split < 0 ? [] : args.slice(split + 1);
  const { values, positionals } = parseFlags(own, {
    port: { type: "string" },
    quiet: { type: "boolean" },
  }, DEV_USAGE);
  if (values.help) {
    console.log(DEV_USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("Missing the bot file to run", DEV_USAGE);
  // A bot's own arguments may follow its file without "--" (as `deno task dev bot.ts x`).
  const [file, ...extra] = positionals;
  const port = portOf(values.port, DEV_USAGE);
  // `deno task` and `npm run` run in the folder of their config; INIT_CWD is where it was typed.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const signal = untilSignal();
  const session = await startDev({
    file,
    cwd,
    port,
    quiet: values.quiet === true,
    botArgs: [...extra, ...botArgs],
  });
  await signal;
  await session.stop();
  return 0;
}

interface Run {
  child: ChildProcess;
  exited: Promise<number | null>;
  stopping: boolean;
}

/** The bot process, its restarts and the watchers of its files. */
class DevLoop {
  readonly name: string;
  #token: string;
  #bot: Run | undefined;
  #lastStart = 0;
  #closed = false;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #restarting = false;
  #pending: string | undefined;
  #watchers = new Map<string, FSWatcher>();
  #files = new Set<string>();
  #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    readonly server: TestServer,
    readonly botPath: string,
    readonly args: string[],
    readonly cwd: string,
  ) {
    this.name = relative(cwd, botPath) || basename(botPath);
    this.#token = server.issueToken();
  }

  start(): void {
    this.#startBot();
    void this.#watchGraph();
  }

  #startBot(): void {
    const child = spawn(process.execPath, this.args, {
      cwd: this.cwd,
      env: { ...process.env, TALKOMATIC_URL: this.server.url, TALKOMATIC_TOKEN: this.#token },
      stdio: ["ignore", "inherit", "inherit"],
    });
    const exited = new Promise<number | null>((done) => {
      child.once("exit", (code) => done(code));
      child.once("error", (error) => {
        console.log(`[dev] cannot start ${this.name}: ${error.message}`);
        done(null);
      });
    });
    const run: Run = { child, exited, stopping: false };
    this.#bot = run;
    this.#lastStart = Date.now();
    console.log(`[dev] started ${this.name} (pid ${child.pid})`);
    void exited.then((code) => {
      if (run.stopping) return;
      if (this.#bot === run) this.#bot = undefined;
      console.log(
        `[dev] ${this.name} exited (code ${code}); save one of its files to start it again`,
      );
    });
  }

  async #stopBot(): Promise<void> {
    const run = this.#bot;
    this.#bot = undefined;
    if (!run) return;
    run.stopping = true;
    run.child.kill("SIGTERM");
    const timer = new Promise<"timeout">((r) =>
      this.#timers.add(setTimeout(() => r("timeout"), STOP_TIMEOUT_MS))
    );
    if (await Promise.race([run.exited.then(() => "exited"), timer]) === "timeout") {
      run.child.kill("SIGKILL");
      await run.exited;
    }
    console.log(`[dev] stopped ${this.name} (pid ${run.child.pid})`);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((r) => this.#timers.add(setTimeout(r, ms)));
  }

  /** Restarts the bot once no change arrived for DEBOUNCE_MS. */
  #changed(path: string): void {
    this.#pending = path;
    clearTimeout(this.#debounce);
    this.#debounce = setTimeout(() => void this.#restart(), DEBOUNCE_MS);
  }

  /** Stop, wait out the minimum gap, start; changes meanwhile make one more round. */
  async #restart(): Promise<void> {
    if (this.#restarting) return;
    this.#restarting = true;
    try {
      while (this.#pending !== undefined && !this.#closed) {
        const changed = relative(this.cwd, this.#pending) || this.#pending;
        console.log(`\n[dev] ${changed} changed: restarting ${this.name}`);
        this.#pending = undefined;
        await this.#stopBot();
        const wait = this.#lastStart + MIN_RESTART_GAP_MS - Date.now();
        if (wait > 0) await this.#sleep(wait);
        if (this.#closed) return;
        if (this.#pending === undefined) {
          this.#startBot();
          await this.#watchGraph();
        }
      }
    } finally {
      this.#restarting = false;
    }
  }

  /** Watches the folders of the bot's files (editors often save by renaming, so not the files). */
  async #watchGraph(): Promise<void> {
    const files = await moduleFiles(this.botPath, this.cwd);
    if (this.#closed) return;
    this.#files = files;
    const dirs = new Set([...files].map((f) => dirname(f)));
    for (const [dir, watcher] of this.#watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        this.#watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.#watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: true }, (_event, name) => {
          if (name === null) return;
          const path = resolve(dir, String(name));
          if (this.#files.has(path)) this.#changed(path);
        });
        watcher.on("error", () => this.#watchers.delete(dir));
        this.#watchers.set(dir, watcher);
      } catch {
        // A folder that vanished: its files no longer matter.
      }
    }
  }

  /** Ctrl+C: the bot first (it leaves its room), then the watchers. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#debounce);
    for (const watcher of this.#watchers.values()) watcher.close();
    await this.#stopBot();
    for (const t of this.#timers) clearTimeout(t);
  }
}
