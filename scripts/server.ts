// `deno task server [flags]`: runs a TestServer until Ctrl+C or SIGTERM and prints
// its activity log. `deno task server --help` lists the flags.
import process from "node:process";
import { parseArgs } from "node:util";
import { TestServer, type TestServerOptions } from "../testing/mod.ts";

const USAGE = `usage: deno task server [flags]

Runs the local Talkomatic Classic test server (the real server's rules and limits)
until Ctrl+C, printing one line per sign-in, room, join, leave, kick, AFK removal,
rate-limit hit and refused connection or REST call.

  --port <n>             port to listen on (default 3000; 0 picks a free port)
  --host <address>       loopback address to bind: 127.0.0.1 (default), ::1 or localhost
  --no-token             do not require bot tokens (a client without one is a bot)
  --relax-limits         turn off every rate limit, cooldown and the join-attempt detector
  --afk <warning>,<timeout>
                         seconds of inactivity before "afk warning" and removal
                         (default 150,180; e.g. --afk 10,15)
  --no-startup-purge     do not empty every room 2 s after start
  --quiet                print only the address, no activity
  -h, --help             show this help`;

/** A bad command line: one line, the usage, exit status 2. */
function usageError(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string", default: "3000" },
        host: { type: "string", default: "127.0.0.1" },
        "no-token": { type: "boolean", default: false },
        "relax-limits": { type: "boolean", default: false },
        afk: { type: "string" },
        "no-startup-purge": { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (e) {
    usageError(String((e as Error).message).split("\n")[0]);
  }
}

/** `<warning>,<timeout>` in seconds, warning first. */
function afkSeconds(value: string): { afkWarningMs: number; afkTimeoutMs: number } {
  const m = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(value);
  const [warning, timeout] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(warning > 0 && timeout > warning)) {
    usageError(
      `Invalid --afk "${value}": expected <warning>,<timeout> in seconds with 0 < warning < timeout, e.g. 150,180`,
    );
  }
  return { afkWarningMs: warning * 1000, afkTimeoutMs: timeout * 1000 };
}

const flags = parse(process.argv.slice(2));
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!/^\d{1,5}$/.test(flags.port) || Number(flags.port) > 65535) {
  usageError(`Invalid --port "${flags.port}": expected an integer 0..65535`);
}
const timing: NonNullable<TestServerOptions["timing"]> = {
  ...(flags.afk === undefined ? {} : afkSeconds(flags.afk)),
  ...(flags["no-startup-purge"] ? { startupPurgeDelayMs: false } : {}),
};
const clock = () => new Date().toTimeString().slice(0, 8);
const options: TestServerOptions = {
  port: Number(flags.port),
  host: flags.host,
  requireToken: !flags["no-token"],
  relaxRateLimits: flags["relax-limits"],
  timing,
  activity: flags.quiet ? undefined : (line) => console.log(`${clock()} ${line}`),
};

let server: TestServer;
try {
  server = await TestServer.start(options);
} catch (e) {
  if (e instanceof TypeError || e instanceof RangeError) usageError(e.message);
  console.error(
    `Cannot listen on ${flags.host} port ${flags.port}: ${(e as Error).message}`,
  );
  process.exit(1);
}
console.log(`Talkomatic test server listening on ${server.url}`);
console.log(`Open ${server.url}/ in a browser to chat`);
if (!flags.quiet) {
  const t = server.options.timing;
  const purge = t.startupPurgeDelayMs === false
    ? "no start-up purge"
    : `rooms emptied ${t.startupPurgeDelayMs / 1000} s after start`;
  console.log(
    [
      flags["no-token"] ? "bot tokens not required" : "bot tokens required",
      flags["relax-limits"] ? "rate limits off" : "production rate limits",
      `AFK warning after ${t.afkWarningMs / 1000} s, removal after ${t.afkTimeoutMs / 1000} s`,
      purge,
    ].join("; ") + ". Ctrl+C stops.",
  );
}
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
