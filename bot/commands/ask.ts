/**
 * Conversations: `ctx.ask(question)` shows a question and resolves with the
 * next line the person completes (Enter, or left unchanged for
 * `commandIdleMs`). While a question waits, that person's lines are answers,
 * never commands.
 *
 * @module
 */

import { AskError, type AskErrorReason } from "../errors.ts";
import type { AskParse } from "./prompt.ts";
import type { User, UserId } from "../model.ts";
import { type Clock, realClock } from "../clock.ts";

/** Options of `ctx.ask()`. */
export interface AskOptions {
  /** How long to wait for the answer, in milliseconds. Default 60 000 (one minute). */
  readonly timeoutMs?: number;
  /** Ends the question (rejects with reason `aborted`). */
  readonly signal?: AbortSignal;
  /**
   * How to read the answer (the result is typed from it): `"integer"`,
   * `"number"`, `"yes/no"`, a list of choices, or a function of the text
   * (throwing re-asks with its message). Default: the text.
   */
  readonly parse?: AskParse;
  /** How many times an answer that does not parse is asked again, with the reason. Default 2. */
  readonly retries?: number;
}

/** The default time to wait for an answer. */
const DEFAULT_ASK_TIMEOUT_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One question. Its outcome is kept, not held in a promise: the promise of
 * the answer is made only by {@linkcode Question.outcome}, which the asker
 * awaits at once, so a question that ends while nobody waits for it (it was
 * still being shown) can never become an unhandled rejection.
 */
class Question {
  readonly user: User;
  /** Aborts when the question ends: a question not shown yet is not shown. */
  readonly #ended = new AbortController();
  #result: { ok: true; value: string } | { ok: false; error: unknown } | undefined;
  #waiter: { resolve: (v: string) => void; reject: (e: unknown) => void } | undefined;
  readonly #onEnd: () => boolean;

  /** @param onEnd Removes it from the table; `false` when it was not there any more. */
  constructor(user: User, onEnd: (q: Question) => boolean) {
    this.user = user;
    this.#onEnd = () => onEnd(this);
  }

  get signal(): AbortSignal {
    return this.#ended.signal;
  }

  resolve(answer: string): void {
    this.#settle({ ok: true, value: answer });
  }

  reject(error: unknown): void {
    this.#settle({ ok: false, error });
  }

  /** The answer, or the reason there is none (made when the asker awaits it). */
  outcome(): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const r = this.#result;
      if (!r) this.#waiter = { resolve, reject };
      else if (r.ok) resolve(r.value);
      else reject(r.error);
    });
  }

  #settle(result: { ok: true; value: string } | { ok: false; error: unknown }): void {
    if (this.#result || !this.#onEnd()) return;
    this.#result = result;
    this.#ended.abort();
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (!waiter) return;
    if (result.ok) waiter.resolve(result.value);
    else waiter.reject(result.error);
  }
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** The questions waiting for an answer, one per person. */
export class Asks {
  readonly #pending = new Map<UserId, Question>();
  readonly #stopped: () => boolean;
  readonly #clock: Clock;

  /**
   * People leaving end their questions through {@linkcode Asks.left}, called
   * by whoever learns of it.
   *
   * @param stopped Whether the bot was stopped.
   * @param clock The clock question timeouts run on.
   */
  constructor(stopped: () => boolean, clock: Clock = realClock) {
    this.#stopped = stopped;
    this.#clock = clock;
  }

  /** Whether a question waits for `userId`'s answer. */
  waiting(userId: string): boolean {
    return this.#pending.has(userId);
  }

  /**
   * Asks `user`: shows the question with `show` (its signal aborts when the
   * question ends first), resolves with their next completed line (trimmed).
   */
  async ask(
    user: User,
    question: string,
    options: AskOptions | undefined,
    show: (text: string, signal: AbortSignal) => Promise<unknown>,
  ): Promise<string> {
    if (typeof question !== "string") {
      throw new TypeError(`Cannot ask: the question must be a string, got ${typeName(question)}`);
    }
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError(`Cannot ask: options must be an object, got ${typeName(options)}`);
    }
    const { timeoutMs = DEFAULT_ASK_TIMEOUT_MS, signal } = options ?? {};
    if (
      typeof timeoutMs !== "number" || !(timeoutMs > 0) || timeoutMs > MAX_TIMER_MS
    ) {
      throw new RangeError(
        `Cannot ask: timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, got ${
          String(timeoutMs)
        }`,
      );
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError("Cannot ask: signal must be an AbortSignal");
    }
    const who = JSON.stringify(user.name);
    const error = (reason: AskErrorReason, why: string) =>
      new AskError(`Cannot get an answer from ${who}: ${why}`, reason, user.id);
    if (this.#stopped()) throw error("stopped", "the bot was stopped");
    if (signal?.aborted) throw error("aborted", "the question was aborted");
    this.#pending.get(user.id)?.reject(error("replaced", "a newer question replaced this one"));

    const timer = this.#clock.setTimeout(
      () => entry.reject(error("timeout", `no answer within ${Math.ceil(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    const onAbort = () => entry.reject(error("aborted", "the question was aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    const entry = new Question(user, (q) => {
      if (this.#pending.get(user.id) !== q) return false;
      this.#pending.delete(user.id);
      this.#clock.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      return true;
    });
    this.#pending.set(user.id, entry);
    try {
      // Ends (and is not sent, if still waiting for its turn) when the question does.
      await show(question, entry.signal);
    } catch (failure) {
      entry.reject(failure); // no effect when the question had already ended
    }
    return await entry.outcome();
  }

  /** A completed line of `userId`: the answer, when a question waits. */
  deliver(userId: string, line: string): boolean {
    const entry = this.#pending.get(userId);
    if (!entry) return false;
    entry.resolve(line.trim());
    return true;
  }

  /** `userId` left the room (or, without an id, the bot did). */
  left(userId?: string): void {
    for (const [id, entry] of [...this.#pending]) {
      if (userId !== undefined && id !== userId) continue;
      const who = JSON.stringify(entry.user.name);
      const why = userId === undefined ? "the bot left the room" : "they left the room";
      entry.reject(new AskError(`Cannot get an answer from ${who}: ${why}`, "left", id));
    }
  }

  /** The bot stopped: every question ends. */
  stop(): void {
    for (const [id, entry] of [...this.#pending]) {
      const who = JSON.stringify(entry.user.name);
      entry.reject(
        new AskError(`Cannot get an answer from ${who}: the bot was stopped`, "stopped", id),
      );
    }
  }
}
