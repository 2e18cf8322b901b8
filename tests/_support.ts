// What every test folder shares: the local server started for tests, a person entering a line,
// waiting on a condition, the protocol's fence for asserting that something did NOT happen, and
// the one `sleep` (for the few tests whose subject is real time).
import type { Bot } from "../bot/mod.ts";
import { TestServer, type TestServerOptions, type TestUser } from "../testing/mod.ts";

/** A local server with the start-up purge off (no unsolicited lobby update). */
export function startServer(options: TestServerOptions = {}): Promise<TestServer> {
  return TestServer.start({
    ...options,
    timing: { startupPurgeDelayMs: false, ...options.timing },
  });
}

/** `user` types `line` at once and presses Enter. */
export async function enter(user: TestUser, line: string): Promise<void> {
  await user.type(line, { cps: Infinity });
  await user.pressEnter();
}

/**
 * Resolves with `check()`'s first truthy result (awaited when it is a promise), polling every
 * 10 ms; rejects naming `what` after `timeoutMs` (a guard against hanging, never an assertion on
 * speed). The one poll loop of the Deno tests.
 */
export async function until<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  what: string,
  timeoutMs = 4000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Lets every promise job already queued (and the ones they queue) run, and the timers already due
 * fire: one macrotask turn (a `setTimeout` of 0 runs after the zero-delay timers set before it).
 * Not a wait on real time.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** A socket that can ask for the lobby and wait for the answer. */
export interface Fenceable {
  emit(event: string): void;
  waitFor(
    event: string,
    predicate?: (payload: unknown) => boolean,
    options?: { since?: number },
  ): Promise<unknown>;
  readonly events: readonly unknown[];
}

/**
 * The protocol's fence: each socket sends `get rooms` and waits for its `initial rooms`. The
 * server handles one socket's events in order and socket.io keeps per-socket order, so once the
 * answer is in, everything the server sent that socket before it has arrived too. Assert that
 * something did not happen after the fence, never after a sleep.
 */
export async function fence(...sockets: Fenceable[]): Promise<void> {
  for (const socket of sockets) {
    const since = socket.events.length;
    socket.emit("get rooms");
    await socket.waitFor("initial rooms", undefined, { since });
  }
}

/**
 * The fence for what a bot does with a person's text: waits until the bot's state shows `user`'s
 * text passing `check` (chat reaches others after the server's batch), then makes a round trip
 * (`get rooms`), after which whatever that text starts in the bot has started.
 */
export async function botSaw(
  bot: Bot,
  user: TestUser,
  check: (text: string) => boolean,
  what: string,
): Promise<void> {
  await until(() => check(bot.room?.texts.get(user.userId!) ?? ""), what);
  await bot.refreshRooms();
}

/**
 * Waits `ms` of real time. Only for tests whose subject is real time (a timer of the server or of
 * the bot that tests cannot inject); each use says why in a comment, and tests/sleeps_test.ts
 * counts them.
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
