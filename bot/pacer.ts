/**
 * Pacing primitives that keep a bot under the server's limits (docs/protocol.md
 * §12): a sliding-window event budget (bots get 500 events per 60 s per
 * socket), cooldowns (room creation), a sliding counter (the join-attempt
 * detector) and a coalescing sender where the latest value wins. Time is
 * injectable so tests need no sleeping.
 *
 * @example
 * ```ts
 * import { EventBudget } from "./pacer.ts";
 *
 * const budget = new EventBudget({ limit: 2, windowMs: 1000 });
 * await budget.acquire();
 * await budget.acquire();
 * budget.waitMs(); // > 0: the third event must wait for the window to slide
 * ```
 *
 * @module
 */

/** Defaults derived from the protocol, with safety margins. */
export interface PacingOptions {
  /** Non-exempt events per window (server: 500 per 60 s for bots). Default 450. */
  eventsPerWindow?: number;
  /** The event window in ms. Default 60 000. */
  eventWindowMs?: number;
  /** Minimum gap between two chat sends in ms (coalescing interval). Default 150. */
  sendIntervalMs?: number;
  /** Room creation cooldown in ms (server: 10 s per user, 30 s per IP). Default 30 000. */
  createCooldownMs?: number;
  /** Join attempts allowed per window (server detector: more than 10 per 60 s). Default 8. */
  joinsPerWindow?: number;
  /** The join window in ms. Default 60 000. */
  joinWindowMs?: number;
  /** What a create or join inside a cooldown does: wait for it, or reject with the retry time. Default `"wait"`. */
  onCooldown?: "wait" | "reject";
  /** How long to stop sending after a `RATE_LIMITED` drop, in ms (server blocks bots 60 s). Default 60 000. */
  rateLimitBackoffMs?: number;
  /** Default letters per second of `bot.type()`. Default 6. */
  typingCps?: number;
}

/** {@linkcode PacingOptions} with every field filled in. */
export type ResolvedPacing = Required<PacingOptions>;

/**
 * The protocol-derived defaults.
 *
 * @example
 * ```ts
 * import { Bot, DEFAULT_PACING } from "@talkomatic/talkomatic/bot";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(DEFAULT_PACING.eventsPerWindow, 450); // under the server's 500 per 60 s
 * // Faster typing than the default, the rest unchanged:
 * const bot = new Bot({ username: "Quick", pacing: { typingCps: DEFAULT_PACING.typingCps * 2 } });
 * assertEquals(bot.options.pacing.typingCps, 12);
 * ```
 */
export const DEFAULT_PACING: Readonly<ResolvedPacing> = Object.freeze({
  eventsPerWindow: 450,
  eventWindowMs: 60_000,
  sendIntervalMs: 150,
  createCooldownMs: 30_000,
  joinsPerWindow: 8,
  joinWindowMs: 60_000,
  onCooldown: "wait",
  rateLimitBackoffMs: 60_000,
  typingCps: 6,
});

/**
 * Fills in and checks pacing options.
 *
 * @param options The user's options.
 * @returns Every field, checked.
 * @throws {RangeError} On a negative or non-finite number, or a zero budget.
 * @example
 * ```ts
 * import { resolvePacing } from "./pacer.ts";
 * resolvePacing({ createCooldownMs: 0 }).eventsPerWindow; // 450
 * ```
 */
export function resolvePacing(options: PacingOptions = {}): ResolvedPacing {
  const out = { ...DEFAULT_PACING, ...options };
  for (const [key, value] of Object.entries(out)) {
    if (key === "onCooldown") continue;
    if (typeof value !== "number" || !(value >= 0) || value === Infinity) {
      throw new RangeError(
        `Invalid pacing option "${key}": ${String(value)} is not a finite number >= 0`,
      );
    }
  }
  for (const key of ["eventsPerWindow", "joinsPerWindow", "typingCps"] as const) {
    if (!(out[key] > 0)) throw new RangeError(`Invalid pacing option "${key}": must be > 0`);
  }
  if (out.onCooldown !== "wait" && out.onCooldown !== "reject") {
    throw new RangeError(
      `Invalid pacing option "onCooldown": "${String(out.onCooldown)}" is not "wait" or "reject"`,
    );
  }
  return out;
}

/** A clock, injectable for tests. */
export type Clock = () => number;

/**
 * Waits `ms` milliseconds, or rejects with the signal's reason when aborted.
 *
 * @param ms Milliseconds.
 * @param signal Aborts the wait.
 * @returns A promise resolved after the delay.
 * @example
 * ```ts
 * import { delay } from "./pacer.ts";
 * await delay(1);
 * ```
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A sliding-window budget: at most `limit` events in any `windowMs`, plus an
 * optional block (after the server said `RATE_LIMITED`). Waiters are served
 * in order.
 *
 * @example
 * ```ts
 * import { EventBudget } from "./pacer.ts";
 * const budget = new EventBudget({ limit: 450, windowMs: 60_000 });
 * await budget.acquire();
 * ```
 */
export class EventBudget {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  #stamps: number[] = [];
  #blockedUntil = 0;
  #queue: Promise<void> = Promise.resolve();

  /**
   * Creates a budget.
   *
   * @param options `limit` events per `windowMs`; `now` for tests.
   */
  constructor(options: { limit: number; windowMs: number; now?: Clock }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Events spent in the current window.
   *
   * @example
   * ```ts
   * import { EventBudget } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * let now = 0;
   * const budget = new EventBudget({ limit: 10, windowMs: 1000, now: () => now });
   * await budget.acquire();
   * await budget.acquire();
   * assertEquals(budget.used, 2);
   * now = 1000; // the window slid past both events
   * assertEquals(budget.used, 0);
   * ```
   */
  get used(): number {
    this.#prune();
    return this.#stamps.length;
  }

  #prune(): void {
    const from = this.#now() - this.#windowMs;
    while (this.#stamps.length > 0 && this.#stamps[0] <= from) this.#stamps.shift();
  }

  /**
   * How long the next event would have to wait, in ms (0 = now).
   *
   * @returns Milliseconds.
   * @example
   * ```ts
   * import { EventBudget } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * let now = 0;
   * const budget = new EventBudget({ limit: 1, windowMs: 1000, now: () => now });
   * assertEquals(budget.waitMs(), 0);
   * await budget.acquire();
   * now = 400;
   * assertEquals(budget.waitMs(), 600); // the slot frees at t = 1000
   * ```
   */
  waitMs(): number {
    this.#prune();
    const now = this.#now();
    const block = Math.max(0, this.#blockedUntil - now);
    if (this.#stamps.length < this.#limit) return block;
    return Math.max(block, this.#stamps[this.#stamps.length - this.#limit] + this.#windowMs - now);
  }

  /**
   * Stops all events until `ms` from now (a `RATE_LIMITED` answer).
   *
   * @param ms Milliseconds.
   * @example
   * ```ts
   * import { EventBudget } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * let now = 0;
   * const budget = new EventBudget({ limit: 450, windowMs: 60_000, now: () => now });
   * budget.block(60_000); // the server answered RATE_LIMITED
   * assertEquals(budget.waitMs(), 60_000);
   * ```
   */
  block(ms: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#now() + ms);
  }

  /**
   * Whether a block is in force.
   *
   * @example
   * ```ts
   * import { EventBudget } from "@talkomatic/talkomatic/bot";
   * import { assert, assertFalse } from "@std/assert";
   *
   * let now = 0;
   * const budget = new EventBudget({ limit: 450, windowMs: 60_000, now: () => now });
   * budget.block(5000);
   * assert(budget.blocked);
   * now = 5000;
   * assertFalse(budget.blocked);
   * ```
   */
  get blocked(): boolean {
    return this.#blockedUntil > this.#now();
  }

  /**
   * Waits for a slot and spends it.
   *
   * @param signal Aborts the wait.
   * @returns When the event may be sent.
   * @example
   * ```ts
   * import { EventBudget } from "@talkomatic/talkomatic/bot";
   * import { assertEquals, assertRejects } from "@std/assert";
   *
   * const budget = new EventBudget({ limit: 1, windowMs: 60_000 });
   * await budget.acquire(); // immediate: the budget is fresh
   * assertEquals(budget.used, 1);
   * // The next slot is a minute away; give up instead of waiting.
   * const abort = new AbortController();
   * const waiting = budget.acquire(abort.signal);
   * abort.abort(new Error("shutting down"));
   * await assertRejects(() => waiting, Error, "shutting down");
   * ```
   */
  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await delay(wait, signal);
      this.#stamps.push(this.#now());
    });
    this.#queue = turn.catch(() => {});
    return turn;
  }
}

/**
 * A sliding counter: how many attempts happened in the window and how long
 * until one more is allowed (the join-attempt detector of §12.4).
 *
 * @example
 * ```ts
 * import { SlidingCounter } from "./pacer.ts";
 * const joins = new SlidingCounter({ limit: 8, windowMs: 60_000 });
 * joins.waitMs(); // 0
 * joins.record();
 * ```
 */
export class SlidingCounter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  #stamps: number[] = [];

  /**
   * Creates a counter.
   *
   * @param options `limit` attempts per `windowMs`; `now` for tests.
   */
  constructor(options: { limit: number; windowMs: number; now?: Clock }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Milliseconds until one more attempt stays within the limit.
   *
   * @returns 0 when allowed now.
   * @example
   * ```ts
   * import { SlidingCounter } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * let now = 0;
   * const joins = new SlidingCounter({ limit: 8, windowMs: 60_000, now: () => now });
   * for (let i = 0; i < 8; i++) joins.record();
   * assertEquals(joins.waitMs(), 60_000); // a 9th join now would trip the detector
   * now = 60_000;
   * assertEquals(joins.waitMs(), 0);
   * ```
   */
  waitMs(): number {
    const now = this.#now();
    this.#stamps = this.#stamps.filter((t) => t > now - this.#windowMs);
    if (this.#stamps.length < this.#limit) return 0;
    return this.#stamps[this.#stamps.length - this.#limit] + this.#windowMs - now;
  }

  /**
   * Records one attempt now.
   *
   * @example
   * ```ts
   * import { SlidingCounter } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * let now = 0;
   * const joins = new SlidingCounter({ limit: 2, windowMs: 60_000, now: () => now });
   * joins.record();
   * joins.record();
   * now = 10_000;
   * assertEquals(joins.waitMs(), 50_000); // the first attempt leaves the window at 60 s
   * ```
   */
  record(): void {
    this.#stamps.push(this.#now());
  }
}

/**
 * A cooldown: after {@linkcode Cooldown.start}, {@linkcode Cooldown.remainingMs}
 * is positive for `ms` milliseconds.
 *
 * @example
 * ```ts
 * import { Cooldown } from "./pacer.ts";
 * const c = new Cooldown(10_000);
 * c.start();
 * c.remainingMs() > 0; // true
 * ```
 */
export class Cooldown {
  readonly #ms: number;
  readonly #now: Clock;
  #until = 0;

  /**
   * Creates a cooldown.
   *
   * @param ms Its length.
   * @param now Clock for tests.
   */
  constructor(ms: number, now: Clock = Date.now) {
    this.#ms = ms;
    this.#now = now;
  }

  /**
   * Starts (or extends) the cooldown.
   *
   * @param ms Length, default the configured one.
   * @example
   * ```ts
   * import { Cooldown } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * let now = 0;
   * const create = new Cooldown(30_000, () => now);
   * create.start(); // the configured 30 s
   * create.start(10_000); // a shorter start never shortens it
   * assertEquals(create.remainingMs(), 30_000);
   * ```
   */
  start(ms: number = this.#ms): void {
    this.#until = Math.max(this.#until, this.#now() + ms);
  }

  /**
   * Milliseconds left.
   *
   * @returns 0 when over.
   * @example
   * ```ts
   * import { Cooldown } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * let now = 0;
   * const create = new Cooldown(30_000, () => now);
   * assertEquals(create.remainingMs(), 0); // never started
   * create.start();
   * now = 12_000;
   * assertEquals(create.remainingMs(), 18_000);
   * ```
   */
  remainingMs(): number {
    return Math.max(0, this.#until - this.#now());
  }
}

/**
 * Sends values where only the latest matters (a user's whole text): values
 * pushed while a send waits for its slot replace each other, so a flood of
 * pushes produces few sends and the last value always goes out.
 *
 * @example
 * ```ts
 * import { Coalescer } from "./pacer.ts";
 * const sent: string[] = [];
 * const c = new Coalescer<string>(async () => {}, (text) => sent.push(text));
 * await Promise.all([c.push("a"), c.push("ab"), c.push("abc")]);
 * // sent is ["abc"], or ["a", "abc"]: never a stale value last
 * ```
 */
export class Coalescer<T> {
  readonly #wait: () => Promise<void>;
  readonly #send: (value: T) => void;
  #pending:
    | { value: T; waiters: { resolve: () => void; reject: (e: unknown) => void }[] }
    | undefined;
  #running = false;

  /**
   * Creates a coalescer.
   *
   * @param wait Resolves when the next send may happen (pacing).
   * @param send Sends one value.
   */
  constructor(wait: () => Promise<void>, send: (value: T) => void) {
    this.#wait = wait;
    this.#send = send;
  }

  /**
   * Whether a value is waiting to be sent.
   *
   * @example
   * ```ts
   * import { Coalescer } from "@talkomatic/talkomatic/bot";
   * import { assert, assertFalse } from "@std/assert";
   *
   * const sent: string[] = [];
   * const texts = new Coalescer<string>(() => Promise.resolve(), (text) => sent.push(text));
   * const done = texts.push("hello");
   * assert(texts.busy); // waiting for its slot
   * await done;
   * assertFalse(texts.busy);
   * ```
   */
  get busy(): boolean {
    return this.#running;
  }

  /**
   * Queues a value; it replaces any value not yet sent.
   *
   * @param value The value.
   * @returns Resolves once this value, or a newer one, has been sent.
   * @example
   * ```ts
   * import { Coalescer } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const sent: string[] = [];
   * const texts = new Coalescer<string>(() => new Promise((r) => setTimeout(r, 10)), (text) => sent.push(text));
   * await Promise.all([texts.push("h"), texts.push("he"), texts.push("hey")]);
   * assertEquals(sent, ["hey"]); // the three pushes waited for one slot
   * ```
   */
  push(value: T): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#pending) {
        this.#pending.value = value;
        this.#pending.waiters.push({ resolve, reject });
      } else {
        this.#pending = { value, waiters: [{ resolve, reject }] };
      }
      if (!this.#running) void this.#run();
    });
  }

  /**
   * Rejects every waiting push and drops the pending value.
   *
   * @param reason The rejection reason.
   * @example
   * ```ts
   * import { Coalescer } from "@talkomatic/talkomatic/bot";
   * import { assertEquals, assertRejects } from "@std/assert";
   *
   * const sent: string[] = [];
   * let slot = (): void => {}; // set below: resolves when pacing allows the next send
   * const texts = new Coalescer<string>(() => new Promise((r) => (slot = r)), (t) => sent.push(t));
   * const pending = texts.push("never sent");
   * texts.cancel(new Error("stopped"));
   * await assertRejects(() => pending, Error, "stopped");
   * slot(); // the slot comes, but nothing is left to send
   * assertEquals(sent, []);
   * ```
   */
  cancel(reason: unknown): void {
    const pending = this.#pending;
    this.#pending = undefined;
    for (const w of pending?.waiters ?? []) w.reject(reason);
  }

  async #run(): Promise<void> {
    this.#running = true;
    try {
      while (this.#pending) {
        try {
          await this.#wait();
        } catch (err) {
          this.cancel(err);
          break;
        }
        const batch = this.#pending;
        this.#pending = undefined;
        if (!batch) break;
        try {
          this.#send(batch.value);
          for (const w of batch.waiters) w.resolve();
        } catch (err) {
          for (const w of batch.waiters) w.reject(err);
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
