// Shared setup for the bot tests: a local TestServer with shrunk timers, a
// Bot with fast settings, and scripted people.
import { TestServer, type TestServerOptions, TestUser } from "../../testing/mod.ts";
import { MemoryTokenStore } from "../../api/mod.ts";
import { ActionError, Bot, type BotLogger, type BotOptions } from "../../bot/mod.ts";
import { assert } from "@std/assert";

export { botSaw, enter, fence, sleep, until } from "../_support.ts";

export function quietLogger(): BotLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => void lines.push(`debug ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
  };
}

export function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  return TestServer.start({
    relaxRateLimits: true,
    ...options,
    timing: { startupPurgeDelayMs: false, ...(options.timing ?? {}) },
  });
}

export function makeBot(server: TestServer, options: Partial<BotOptions> = {}): Bot {
  return new Bot({
    username: "TestBot",
    location: "Lab",
    server: server.url,
    tokenStore: new MemoryTokenStore(),
    token: server.issueToken(),
    commandIdleMs: 300,
    actionTimeoutMs: 2000,
    logger: quietLogger(),
    reconnect: { initialDelayMs: 50, maxDelayMs: 200, verifyAfterMs: 0 },
    ...options,
    pacing: { createCooldownMs: 0, sendIntervalMs: 20, ...(options.pacing ?? {}) },
  });
}

export function person(server: TestServer, username: string): Promise<TestUser> {
  return TestUser.connect(server, { username, location: "Town" });
}

/** `owner` creates and joins a public room; the bot joins it. */
export async function roomWith(bot: Bot, owner: TestUser, name = "Test room"): Promise<string> {
  const id = await owner.createRoom({ name, type: "public" });
  await owner.joinRoom(id);
  await bot.joinRoom(id);
  return id;
}

/** The reason of the ActionError `p` rejects with. */
export async function reasonOf(p: Promise<unknown>): Promise<string> {
  const err = await p.then(() => undefined, (e) => e);
  assert(err instanceof ActionError, `expected an ActionError, got ${err}`);
  return err.reason;
}

/** A server, a started bot, Alice, and a room they are both in. */
export async function scene(
  serverOptions: TestServerOptions = {},
  botOptions: Partial<BotOptions> = {},
): Promise<
  AsyncDisposable & { server: TestServer; bot: Bot; alice: TestUser; roomId: string }
> {
  const server = await startServer(serverOptions);
  const bot = makeBot(server, botOptions);
  const alice = await person(server, "Alice");
  await bot.start();
  const roomId = await roomWith(bot, alice);
  return {
    server,
    bot,
    alice,
    roomId,
    async [Symbol.asyncDispose]() {
      await bot.stop();
      await alice.close();
      await server.close();
    },
  };
}

/** What `user` currently sees as `bot`'s text. */
export function seen(user: TestUser, bot: Bot): string | undefined {
  return user.texts[bot.me!.id];
}
