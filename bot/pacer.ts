/**
 * Pacing that keeps a bot under the server's limits (docs/protocol.md §12):
 * a sliding-window event budget (bots get 500 events per 60 s per socket),
 * cooldowns (room creation) and a sliding counter (the join detector).
 * Time is injectable so tests need no sleeping.
 *
 * @module
 */

import { RATE_LIMITS } from "../schemas/protocol.gen.ts";

/** How the bot paces itself; every field has a protocol-derived default. */
export interface PacingOptions {
  /** Non-exempt events per window (server: 500 per 60 s for bots). Default 450. */
  eventsPerWindow?: number;
  /** The event window in ms. Default 60 000. */
  eventWindowMs?: number;
  /** Minimum gap between two chat updates in ms (the latest text wins). Default 150. */
  sendIntervalMs?: number;
  /** Room creation cooldown in ms (server: 10 s per user, 30 s per IP). Default 30 000. */
  createCooldownMs?: number;
  /** Join attempts allowed per window (server detector: more than 10 per 60 s). Default 8. */
  joinsPerWindow?: number;
  /** The join window in ms. Default 60 000. */
  joinWindowMs?: number;
  /** Inside a cooldown: wait for it (within the action's timeout) or reject at once. Default `"wait"`. */
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
 * import { DEFAULT_PACING } from "@talkomatic/talkomatic/bot";
 *
 * console.log(DEFAULT_PACING.eventsPerWindow); // 450, under the server's 500 per 60 s
 * ```
 */
export const DEFAULT_PACING: Readonly<ResolvedPacing> = Object.freeze({
  // 90% of the server's per-socket budget for bots: room for the exempt-but-counted and the unexpected.
  eventsPerWindow: Math.floor(RATE_LIMITS.SOCKET_BOT.points * 0.9),
  eventWindowMs: RATE_LIMITS.SOCKET_BOT.windowMs,
  sendIntervalMs: 150,
  createCooldownMs: 30_000,
  joinsPerWindow: 8,
  joinWindowMs: 60_000,
  onCooldown: "wait",
  rateLimitBackoffMs: RATE_LIMITS.SOCKET_BOT.blockMs,
  typingCps: 6,
});

/** Fills in and checks pacing options. */
export function resolvePacing(options: PacingOptions = {}): ResolvedPacing {
  if (options === null || typeof options !== "object") {
    throw new TypeError("Invalid pacing: must be an object");
  }
  const out = { ...DEFAULT_PACING, ...options };
  for (const [key, value] of Object.entries(out)) {
    if (key === "onCooldown") continue;
    if (!(key in DEFAULT_PACING)) {
      throw new TypeError(
        `Invalid pacing option "${key}": expected one of ${Object.keys(DEFAULT_PACING).join(", ")}`,
      );
    }
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

/** A clock in ms. */
export type Clock = () => number;

/** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * A grant of one event slot: called synchronously when a slot is free. It
 * emits and returns `true`, or returns `false` when it has nothing to send
 * any more (superseded), and the slot stays free.
 */
export type Grant = () => boolean;

interface Waiter {
  readonly grant: Grant;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: () => void;
}

/**
 * A sliding-window budget of events. Slots are handed out in order through
 * {@linkcode EventBudget.take}; a waiter that is aborted or has nothing left
 * to send costs nothing.
 */
export class EventBudget {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  #stamps: number[] = [];
  #head = 0;
  #blockedUntil = 0;
  #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: { limit: number; windowMs: number; now?: Clock }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** Slots used in the current window. */
  get used(): number {
    this.#prune();
    return this.#stamps.length - this.#head;
  }

  /** How long until a slot is free (0: now). */
  waitMs(): number {
    this.#prune();
    const now = this.#now();
    const block = Math.max(0, this.#blockedUntil - now);
    const used = this.#stamps.length - this.#head;
    if (used < this.#limit) return block;
    return Math.max(block, this.#stamps[this.#stamps.length - this.#limit] + this.#windowMs - now);
  }

  /** Stops handing out slots for `ms` (the server blocked this socket). */
  block(ms: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, this.#now() + ms);
  }

  /** Forgets every slot and block: a new socket starts with a fresh server budget. */
  reset(): void {
    this.#stamps = [];
    this.#head = 0;
    this.#blockedUntil = 0;
    this.#pump();
  }

  /**
   * Resolves when `grant` was called with a free slot and used it (returned
   * `true`) or declined it (`false`, no slot used); rejects with the signal's
   * reason if it aborts first, and then `grant` is never called.
   */
  take(grant: Grant, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<boolean>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          let used: boolean;
          try {
            used = grant();
          } catch (error) {
            reject(error);
            return false;
          }
          resolve(used);
          return used;
        },
        signal,
        onAbort: () => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      if (this.#queue.length === 1) this.#pump();
    });
  }

  #prune(): void {
    const from = this.#now() - this.#windowMs;
    while (this.#head < this.#stamps.length && this.#stamps[this.#head] <= from) this.#head++;
    if (this.#head > 64 && this.#head * 2 > this.#stamps.length) {
      this.#stamps = this.#stamps.slice(this.#head);
      this.#head = 0;
    }
  }

  #pump(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#queue.length > 0) {
      const wait = this.waitMs();
      if (wait > 0) {
        this.#timer = setTimeout(() => this.#pump(), wait);
        return;
      }
      const waiter = this.#queue.shift()!;
      if (waiter.grant()) this.#stamps.push(this.#now());
    }
  }
}

/** Counts events in a sliding window (the join detector). */
export class SlidingCounter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: Clock;
  #stamps: number[] = [];

  constructor(options: { limit: number; windowMs: number; now?: Clock }) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
  }

  /** How long until one more event fits (0: now). */
  waitMs(): number {
    const now = this.#now();
    this.#stamps = this.#stamps.filter((t) => t > now - this.#windowMs);
    if (this.#stamps.length < this.#limit) return 0;
    return this.#stamps[this.#stamps.length - this.#limit] + this.#windowMs - now;
  }

  /** Records one event now. */
  record(): void {
    this.#stamps.push(this.#now());
  }

  /** Forgets every event. */
  reset(): void {
    this.#stamps = [];
  }
}

/** A cooldown that starts when something succeeded. */
export class Cooldown {
  readonly #ms: number;
  readonly #now: Clock;
  #until = 0;

  constructor(ms: number, now: Clock = Date.now) {
    this.#ms = ms;
    this.#now = now;
  }

  /** Starts (or extends) the cooldown. */
  start(ms: number = this.#ms): void {
    this.#until = Math.max(this.#until, this.#now() + ms);
  }

  /** Ms left, 0 when over. */
  remainingMs(): number {
    return Math.max(0, this.#until - this.#now());
  }

  /** Ends the cooldown. */
  reset(): void {
    this.#until = 0;
  }
}
