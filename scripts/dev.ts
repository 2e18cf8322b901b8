/**
 * `deno task dev [--port N] <bot file> [bot arguments]`: talk to your bot.
 *
 * Starts the local Talkomatic server (default port 3000, the port the real
 * server's origin allow-list names; a free port when 3000 is busy and no
 * `--port` was given), runs the bot file as `deno run -A <file>` with
 * `TALKOMATIC_URL` and `TALKOMATIC_TOKEN` set, and prints
 * `Open http://127.0.0.1:<port>/ to talk to your bot`: the server's chat page,
 * where you sign in, join the bot's room and type to it.
 *
 * When a local file the bot imports changes, the bot is stopped (SIGTERM, so
 * it leaves its room and disconnects) and started again. Restarts never trip
 * the server's limits: the token is issued once, in-process, and reused (an IP
 * gets only 3 from the REST endpoint); saves are debounced, the old bot has
 * exited before the new one starts, so live connections never pile up (8 per
 * IP), and two starts are at least {@linkcode MIN_RESTART_GAP_MS} apart, so
 * even an editor saving on every keystroke stays far below 20 connection
 * attempts per 15 s. A bot that exits by itself is not restarted until a file
 * changes (a crash loop would burn those attempts).
 *
 * Ctrl+C (or SIGTERM) stops the bot, then the server.
 *
 * @module
 */
import { dirname, relative, resolve } from "node:path";
import { TestServer } from "../testing/mod.ts";

/** Port used when `--port` is not given. */
const DEFAULT_PORT = 3000;
/** Quiet time after the last file change before the bot restarts. */
const DEBOUNCE_MS = 200;
/** Minimum time between two starts of the bot (≤ 15 starts per 15 s, under the 20 allowed). */
const MIN_RESTART_GAP_MS = 1000;
/** How long the old bot may take to leave its room and exit before it is killed. */
const STOP_TIMEOUT_MS = 5000;

const USAGE = "usage: deno task dev [--port N] [--quiet] <bot file> [bot arguments]\n\n" +
  "  --port <n>   port of the local server (default 3000, else a free one)\n" +
  "  --quiet      do not print the server's activity log (sign-ins, joins, refusals, ...)";

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  Deno.exit(2);
}

// ------------------------------------------------------------ arguments

let port: number | undefined;
let quiet = false;
let file: string | undefined;
const botArgs: string[] = [];
const args = [...Deno.args];
while (args.length > 0) {
  const a = args.shift()!;
  if (file !== undefined) botArgs.push(a);
  else if (a === "--help" || a === "-h") {
    console.log(USAGE);
    Deno.exit(0);
  } else if (a === "--quiet") quiet = true;
  else if (a === "--port" || a.startsWith("--port=")) {
    const value = a === "--port" ? args.shift() : a.slice("--port=".length);
    if (value === undefined) usage("Missing value after --port");
    port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      usage(`Cannot listen on port "${value}": expected an integer 0..65535`);
    }
  } else if (a.startsWith("-")) usage(`Unknown option "${a}"`);
  else file = a;
}
if (file === undefined) usage("Missing the bot file to run");

// `deno task` runs in the folder of deno.json; INIT_CWD is where it was typed.
const cwd = Deno.env.get("INIT_CWD") ?? Deno.cwd();
const botPath = resolve(cwd, file);
try {
  if (!(await Deno.stat(botPath)).isFile) usage(`Cannot run "${file}": not a file`);
} catch {
  usage(`Cannot run "${file}": no such file`);
}
const botName = relative(cwd, botPath) || botPath;

// ------------------------------------------------------------ the server

async function startServer(): Promise<TestServer> {
  // No start-up purge: the real server empties every room 2 s after it boots
  // (docs/protocol.md §8.3), which would silently drop a bot that joins at once.
  const clock = () => new Date().toTimeString().slice(0, 8);
  const options = {
    host: "127.0.0.1",
    timing: { startupPurgeDelayMs: false as const },
    // Why the bot was refused, who joined: the same log as `deno task server`.
    activity: quiet ? undefined : (line: string) => console.log(`[server] ${clock()} ${line}`),
  };
  try {
    return await TestServer.start({ ...options, port: port ?? DEFAULT_PORT });
  } catch (error) {
    const inUse = error instanceof Deno.errors.AddrInUse ||
      (error as { code?: string }).code === "EADDRINUSE";
    if (!inUse) throw error;
    if (port !== undefined) usage(`Cannot listen on port ${port}: it is in use`);
    console.log(`Port ${DEFAULT_PORT} is in use; using a free port instead.`);
    return await TestServer.start({ ...options, port: 0 });
  }
}

const server = await startServer();
const token = server.issueToken();
console.log(`Local Talkomatic server on ${server.url}`);
console.log(`Running ${botName}; it restarts when its files change. Ctrl+C stops both.`);
console.log(`Open ${server.url}/ to talk to your bot`);

// ------------------------------------------------------------ the bot

interface Run {
  process: Deno.ChildProcess;
  status: Promise<Deno.CommandStatus>;
  stopping: boolean;
}

let bot: Run | undefined;
let lastStart = 0;
let shuttingDown = false;

function startBot(): void {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", botPath, ...botArgs],
    cwd,
    env: { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: token },
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  const run: Run = { process, status: process.status, stopping: false };
  bot = run;
  lastStart = Date.now();
  console.log(`[dev] started ${botName} (pid ${process.pid})`);
  run.status.then((status) => {
    if (run.stopping) return;
    if (bot === run) bot = undefined;
    console.log(
      `[dev] ${botName} exited (code ${status.code}); save one of its files to start it again`,
    );
  });
}

async function stopBot(): Promise<void> {
  const run = bot;
  bot = undefined;
  if (!run) return;
  run.stopping = true;
  try {
    run.process.kill("SIGTERM");
  } catch {
    // It has exited already.
  }
  const timer = new Promise<undefined>((r) =>
    timeouts.add(setTimeout(() => r(undefined), STOP_TIMEOUT_MS))
  );
  if (!(await Promise.race([run.status, timer]))) {
    try {
      run.process.kill("SIGKILL");
    } catch {
      // It has exited meanwhile.
    }
    await run.status;
  }
  console.log(`[dev] stopped ${botName} (pid ${run.process.pid})`);
}

const timeouts = new Set<ReturnType<typeof setTimeout>>();
const sleep = (ms: number) => new Promise<void>((r) => timeouts.add(setTimeout(r, ms)));

// ------------------------------------------------------------ restarts

let debounce: ReturnType<typeof setTimeout> | undefined;
let restarting = false;
let pending: string | undefined;

/** Restarts the bot once no change arrived for DEBOUNCE_MS. */
function changed(path: string): void {
  pending = path;
  clearTimeout(debounce);
  debounce = setTimeout(() => void restart(), DEBOUNCE_MS);
}

/** Stop, wait out the minimum gap, start; changes meanwhile make one more round. */
async function restart(): Promise<void> {
  if (restarting) return;
  restarting = true;
  try {
    while (pending !== undefined && !shuttingDown) {
      console.log(`\n[dev] ${relative(cwd, pending) || pending} changed: restarting ${botName}`);
      pending = undefined;
      await stopBot();
      const wait = lastStart + MIN_RESTART_GAP_MS - Date.now();
      if (wait > 0) await sleep(wait);
      if (shuttingDown) return;
      if (pending === undefined) {
        startBot();
        await watchGraph();
      }
    }
  } finally {
    restarting = false;
  }
}

// ------------------------------------------------------------ watching the bot's files

let watcher: Deno.FsWatcher | undefined;
let watchedDirs = "";
let watchedFiles = new Set<string>();

/** The local files of the bot's module graph (`deno info --json`), or just the bot file. */
async function moduleFiles(): Promise<Set<string>> {
  const files = new Set([botPath]);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", botPath],
      cwd,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return files;
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
      modules?: { specifier?: string }[];
    };
    for (const m of info.modules ?? []) {
      if (m.specifier?.startsWith("file://")) {
        files.add(decodeURIComponent(new URL(m.specifier).pathname));
      }
    }
  } catch {
    // Only the bot file, then.
  }
  return files;
}

/** Watches the folders of the bot's files (editors often save by renaming, so not the files themselves). */
async function watchGraph(): Promise<void> {
  const files = await moduleFiles();
  if (shuttingDown) return;
  watchedFiles = files;
  const dirs = [...new Set([...files].map((f) => dirname(f)))].sort();
  if (dirs.join("\n") === watchedDirs) return;
  watchedDirs = dirs.join("\n");
  watcher?.close();
  const current = Deno.watchFs(dirs, { recursive: false });
  watcher = current;
  (async () => {
    try {
      for await (const event of current) {
        if (event.kind === "access" || event.kind === "other") continue;
        const hit = event.paths.find((p) => watchedFiles.has(p));
        if (hit) changed(hit);
      }
    } catch {
      // Closed.
    }
  })();
}

// ------------------------------------------------------------ Ctrl+C

async function shutdown(): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  clearTimeout(debounce);
  watcher?.close();
  await stopBot();
  for (const t of timeouts) clearTimeout(t);
  await server.close();
  Deno.exit(0);
}

for (const signal of Deno.build.os === "windows" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"]) {
  Deno.addSignalListener(signal as Deno.Signal, () => void shutdown());
}

startBot();
await watchGraph();
