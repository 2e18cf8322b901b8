// Shared setup for the bot tests: a local TestServer with shrunk timers, a
// Bot with fast settings, and scripted people.
import { TestServer, type TestServerOptions, TestUser } from "../../testing/mod.ts";
import { MemoryTokenStore } from "../../api/mod.ts";
import { Bot, type BotLogger, type BotOptions } from "../../bot/mod.ts";

/** A logger that records instead of printing. */
export function quietLogger(): BotLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => void lines.push(`debug ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
  };
}

/** Starts a server with fast timers and no start-up purge. */
export function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  return TestServer.start({
    relaxRateLimits: true,
    ...options,
    timing: { startupPurgeDelayMs: false, ...(options.timing ?? {}) },
  });
}

/** A bot with fast pacing pointed at the server. */
export function makeBot(server: TestServer, options: Partial<BotOptions> = {}): Bot {
  return new Bot({
    username: "TestBot",
    location: "Lab",
    server: server.url,
    tokenStore: new MemoryTokenStore(),
    token: server.issueToken(),
    commandIdleMs: 200,
    actionTimeoutMs: 2000,
    logger: quietLogger(),
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, verifyAfterMs: 0 },
    ...options,
    pacing: { createCooldownMs: 0, sendIntervalMs: 20, ...(options.pacing ?? {}) },
  });
}

/** A signed-in person. */
export function person(server: TestServer, username: string): Promise<TestUser> {
  return TestUser.connect(server, { username, location: "Town" });
}

/** A room created and joined by `owner`, then joined by the bot. */
export async function roomWith(
  bot: Bot,
  owner: TestUser,
  name = "Test room",
): Promise<string> {
  const id = await owner.createRoom({ name, type: "public" });
  await owner.joinRoom(id);
  await bot.joinRoom(id);
  return id;
}

/** Waits until `check` returns a value that is not undefined/false. */
export async function until<T>(
  check: () => T | undefined | false | null,
  what: string,
  timeoutMs = 4000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Everything a test started, closed in reverse order. */
export class Scope {
  #items: (() => Promise<unknown> | unknown)[] = [];
  /** Registers a cleanup. */
  add<T>(item: T, close: (item: T) => Promise<unknown> | unknown): T {
    this.#items.push(() => close(item));
    return item;
  }
  /** Runs every cleanup. */
  async close(): Promise<void> {
    for (const f of this.#items.reverse()) await f();
  }
}

/** Server + bot + Alice in a room, the common start of a test. */
export async function scene(
  serverOptions: TestServerOptions = {},
  botOptions: Partial<BotOptions> = {},
): Promise<{ scope: Scope; server: TestServer; bot: Bot; alice: TestUser; roomId: string }> {
  const scope = new Scope();
  const server = scope.add(await startServer(serverOptions), (s) => s.close());
  const bot = scope.add(makeBot(server, botOptions), (b) => b.stop());
  await bot.start();
  const alice = scope.add(await person(server, "Alice"), (u) => u.close());
  const roomId = await roomWith(bot, alice);
  return { scope, server, bot, alice, roomId };
}
