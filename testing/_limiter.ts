// In-memory limiters with the semantics of the real server's
// rate-limiter-flexible instances: fixed windows, optional block.

import type { LimiterOptions } from "./_options.ts";

/** Result of a consume: allowed or not, and when the key frees up. */
export interface ConsumeResult {
  allowed: boolean;
  /** Milliseconds until the window resets or the block ends. */
  msBeforeNext: number;
  /** Points left in the window. */
  remaining: number;
}

interface Entry {
  count: number;
  resetAt: number;
  blockedUntil: number;
}

/** Points-per-window limiter keyed by strings. */
export class Limiter {
  #opts: LimiterOptions;
  #entries = new Map<string, Entry>();

  constructor(opts: LimiterOptions) {
    this.#opts = opts;
  }

  /** Consumes `points` for `key`. */
  consume(key: string, points = 1, now: number = Date.now()): ConsumeResult {
    const { points: max, windowMs, blockMs } = this.#opts;
    if (max === Infinity) return { allowed: true, msBeforeNext: 0, remaining: Infinity };
    let e = this.#entries.get(key);
    if (e && e.blockedUntil > now) {
      return { allowed: false, msBeforeNext: e.blockedUntil - now, remaining: 0 };
    }
    if (!e || now >= e.resetAt) {
      e = { count: 0, resetAt: now + windowMs, blockedUntil: 0 };
      this.#entries.set(key, e);
    }
    e.count += points;
    if (e.count > max) {
      if (blockMs > 0) {
        // the block replaces the window: when it ends, the key starts afresh
        e.blockedUntil = e.resetAt = now + blockMs;
        return { allowed: false, msBeforeNext: blockMs, remaining: 0 };
      }
      return { allowed: false, msBeforeNext: e.resetAt - now, remaining: 0 };
    }
    return { allowed: true, msBeforeNext: e.resetAt - now, remaining: max - e.count };
  }

  /** Points left for `key` without consuming. */
  remaining(key: string, now: number = Date.now()): number {
    const e = this.#entries.get(key);
    if (this.#opts.points === Infinity) return Infinity;
    if (!e || now >= e.resetAt) return this.#opts.points;
    return Math.max(0, this.#opts.points - e.count);
  }

  /** Drops every key. */
  clear(): void {
    this.#entries.clear();
  }
}

/** Sliding-window timestamp counter (join-attempt detector). */
export class SlidingCounter {
  #windowMs: number;
  #hits = new Map<string, number[]>();

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Records a hit and returns the number of hits within the window. */
  hit(key: string, now: number = Date.now()): number {
    const list = (this.#hits.get(key) ?? []).filter((t) => now - t < this.#windowMs);
    list.push(now);
    this.#hits.set(key, list);
    return list.length;
  }

  /** Drops every key. */
  clear(): void {
    this.#hits.clear();
  }
}
