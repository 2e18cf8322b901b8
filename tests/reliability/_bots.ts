// Bots and servers for the reliability suites.
import { MemoryTokenStore } from "../../api/mod.ts";
import { Bot, type BotLogger, type BotOptions } from "../../bot/mod.ts";
import { type TestServer, type TestServerOptions, TestUser } from "../../testing/mod.ts";
import { startServer as startQuietServer, until as waitUntil } from "../_support.ts";

/** A logger that records every line (and prints nothing). */
export function recordingLogger(): BotLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => void lines.push(`debug ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m, e) => void lines.push(`error ${m}${e === undefined ? "" : ` ${String(e)}`}`),
  };
}

/** A local server with relaxed limits and no start-up purge. */
export function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  return startQuietServer({ relaxRateLimits: true, ...options });
}

/** Alice, signed in and alone in a new room called `name` (its id is `alice.roomId`). */
export async function aliceInRoom(server: TestServer, name: string): Promise<TestUser> {
  const alice = await TestUser.connect(server, { username: "Alice", location: "Here" });
  await alice.joinRoom(await alice.createRoom({ name }));
  return alice;
}

/** A bot with fast reconnection and pacing, its errors collected. */
export function makeBot(
  server: TestServer | string,
  options: Partial<BotOptions> = {},
): Bot & { errors: Error[]; log: string[] } {
  const logger = recordingLogger();
  const bot = new Bot({
    username: "RelBot",
    location: "Lab",
    server: typeof server === "string" ? server : server.url,
    tokenStore: new MemoryTokenStore(),
    actionTimeoutMs: 2000,
    logger,
    reconnect: { initialDelayMs: 30, maxDelayMs: 200, verifyAfterMs: 0 },
    ...options,
    pacing: { createCooldownMs: 0, sendIntervalMs: 10, ...options.pacing },
  }) as Bot & { errors: Error[]; log: string[] };
  bot.errors = [];
  bot.log = logger.lines;
  bot.on("error", (ctx) => void bot.errors.push(ctx.error));
  return bot;
}

/** Waits until `check` returns something truthy ("" included: not yet), polling. */
export function until<T>(
  check: () => T | undefined | false | null | "",
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  return waitUntil(
    () => {
      const v = check();
      return v === "" ? undefined : v;
    },
    what,
    timeoutMs,
  );
}
