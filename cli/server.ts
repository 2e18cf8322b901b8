// `talkomatic server`: the local Talkomatic server until Ctrl+C, with its
// activity log.
import { clock, type FlagSpec, parseFlags, portOf, UsageError } from "./_common.ts";
import { loadTesting, untilSignal } from "./_local.ts";
import { CliFailure } from "./_common.ts";
import type { TestServerOptions } from "../testing/mod.ts";

/** `talkomatic server --help`. */
export const SERVER_USAGE = `usage: talkomatic server [flags]

Runs the local Talkomatic Classic server (the real server's rules and limits)
until Ctrl+C, printing one line per sign-in, room, join, leave, kick, AFK removal,
rate-limit hit and refused connection or REST call. Its chat page is at its address.

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

const FLAGS: FlagSpec = {
  port: { type: "string" },
  host: { type: "string" },
  "no-token": { type: "boolean" },
  "relax-limits": { type: "boolean" },
  afk: { type: "string" },
  "no-startup-purge": { type: "boolean" },
  quiet: { type: "boolean" },
};

/** `<warning>,<timeout>` in seconds, warning first. */
function afkSeconds(value: string): { afkWarningMs: number; afkTimeoutMs: number } {
  const m = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(value);
  const [warning, timeout] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(warning > 0 && timeout > warning)) {
    throw new UsageError(
      `Invalid --afk "${value}": expected <warning>,<timeout> in seconds with 0 < warning < timeout, e.g. 150,180`,
      SERVER_USAGE,
    );
  }
  return { afkWarningMs: warning * 1000, afkTimeoutMs: timeout * 1000 };
}

/** Runs `talkomatic server` until Ctrl+C or SIGTERM; resolves with the exit code. */
export async function server(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, SERVER_USAGE);
  if (values.help) {
    console.log(SERVER_USAGE);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`Unexpected argument "${positionals[0]}"`, SERVER_USAGE);
  }
  const port = portOf(values.port, SERVER_USAGE) ?? 3000;
  const host = (values.host as string | undefined) ?? "127.0.0.1";
  const quiet = values.quiet === true;
  const timing: NonNullable<TestServerOptions["timing"]> = {
    ...(values.afk === undefined ? {} : afkSeconds(String(values.afk))),
    ...(values["no-startup-purge"] ? { startupPurgeDelayMs: false } : {}),
  };
  const { TestServer } = await loadTesting();
  const options: TestServerOptions = {
    port,
    host,
    requireToken: !values["no-token"],
    relaxRateLimits: values["relax-limits"] === true,
    timing,
    activity: quiet ? undefined : (line) => console.log(`${clock()} ${line}`),
  };
  let local;
  try {
    local = await TestServer.start(options);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) {
      throw new UsageError(e.message, SERVER_USAGE);
    }
    throw new CliFailure(`Cannot listen on ${host} port ${port}: ${(e as Error).message}`);
  }
  const signal = untilSignal();
  console.log(`Talkomatic test server listening on ${local.url}`);
  console.log(`Open ${local.url}/ in a browser to chat`);
  if (!quiet) {
    const t = local.options.timing;
    const purge = t.startupPurgeDelayMs === false
      ? "no start-up purge"
      : `rooms emptied ${t.startupPurgeDelayMs / 1000} s after start`;
    console.log(
      [
        values["no-token"] ? "bot tokens not required" : "bot tokens required",
        values["relax-limits"] ? "rate limits off" : "production rate limits",
        `AFK warning after ${t.afkWarningMs / 1000} s, removal after ${t.afkTimeoutMs / 1000} s`,
        purge,
      ].join("; ") + ". Ctrl+C stops.",
    );
  }
  await signal;
  await local.close();
  return 0;
}
