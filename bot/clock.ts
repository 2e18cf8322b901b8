/**
 * The bot's one clock: every part that waits (the line watcher, the outbox and
 * its pacing, action lives, questions, schedules, placement retries, the
 * state's leave window) reads the time and sets its timers through it, so a
 * test can pass a fake one and move time itself.
 *
 * @module
 */

/**
 * The time and the timers the bot uses. The real one is {@linkcode realClock};
 * tests pass a fake one through the `clock` option of `Bot`.
 */
export interface Clock {
  /** The time in ms since the epoch. */
  now(): number;
  /** Calls `fn` after `ms`; returns a handle for {@linkcode Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a timer (an `undefined` handle does nothing). */
  clearTimeout(timer: unknown): void;
}

/** The real clock: `Date.now()` and the runtime's timers. */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (timer) => clearTimeout(timer as number | undefined),
};
