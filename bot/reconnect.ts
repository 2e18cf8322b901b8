/**
 * The reconnection loop: exponential backoff with jitter, sign-in again,
 * rejoin the room the bot was in (through the paced `joinRoom`, so the
 * server's join detector is never tripped), verify the membership once the
 * server's start-up purge is past, and never run after `stop()`.
 *
 * @module
 */

import { ActionError } from "./errors.ts";
import { delay } from "./pacer.ts";
import type { Me } from "./state.ts";

/** What the loop needs from the bot. */
export interface ReconnectHooks {
  /** Opens a connection and signs in. */
  readonly connect: () => Promise<Me>;
  /** Rejoins (or recreates) the room. */
  readonly rejoin: (roomId: string) => Promise<void>;
  /** Whether the bot is (still) in the room, asked from the server. */
  readonly verify: (roomId: string) => Promise<boolean>;
}

/** The part of the bot the loop reads. */
export interface ReconnectingBot {
  /** Resolved options. */
  readonly options: {
    readonly reconnect:
      | false
      | {
        readonly initialDelayMs: number;
        readonly maxDelayMs: number;
        readonly maxAttempts: number;
        readonly verifyAfterMs: number;
      };
    readonly logger: { warn(message: string): void };
  };
  /** Aborted on stop. */
  readonly signal: AbortSignal;
  /** Whether stopped. */
  readonly stopped: boolean;
  /** The current room id, if any. */
  readonly room: { readonly id: string } | undefined;
  /** Reports an error on the `error` event. */
  reportError(error: unknown): void;
}

/**
 * Runs reconnection attempts for one bot.
 */
export class Reconnector {
  readonly #bot: ReconnectingBot;
  readonly #hooks: ReconnectHooks;
  #attempts = 0;
  #verifyTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Creates the loop.
   *
   * @param bot The bot.
   * @param hooks Connect, rejoin and verify.
   */
  constructor(bot: ReconnectingBot, hooks: ReconnectHooks) {
    this.#bot = bot;
    this.#hooks = hooks;
  }

  /** Attempts made by the last (or current) run. */
  get attempts(): number {
    return this.#attempts;
  }

  /**
   * The delay before attempt `n` (1-based): `initial * 2^(n-1)`, capped, with ±20% jitter.
   *
   * @param n The attempt.
   * @returns Milliseconds.
   */
  delayFor(n: number): number {
    const o = this.#bot.options.reconnect;
    if (!o) return 0;
    const base = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** Math.min(30, n - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /**
   * Reconnects until it works, attempts run out, or the bot stops.
   *
   * @param roomId The room to come back to.
   * @returns The identity after success, or `undefined` when it gave up or the bot stopped.
   */
  async run(roomId: string | undefined): Promise<Me | undefined> {
    const o = this.#bot.options.reconnect;
    if (!o) return undefined;
    for (this.#attempts = 1; this.#attempts <= o.maxAttempts; this.#attempts++) {
      try {
        await delay(this.delayFor(this.#attempts), this.#bot.signal);
      } catch {
        return undefined;
      }
      if (this.#bot.stopped) return undefined;
      let me: Me;
      try {
        me = await this.#hooks.connect();
      } catch (err) {
        if (this.#bot.stopped) return undefined;
        this.#bot.reportError(err);
        continue;
      }
      if (roomId !== undefined) {
        try {
          await this.#hooks.rejoin(roomId);
          this.#scheduleVerify(this.#bot.room?.id ?? roomId, o.verifyAfterMs);
        } catch (err) {
          if (this.#bot.stopped) return undefined;
          this.#bot.reportError(err);
          if (err instanceof ActionError && err.reason === "notConnected") continue;
        }
      }
      return me;
    }
    this.#bot.reportError(
      new Error(`Gave up reconnecting after ${o.maxAttempts} attempts`),
    );
    return undefined;
  }

  #scheduleVerify(roomId: string, ms: number): void {
    if (ms <= 0) return;
    clearTimeout(this.#verifyTimer);
    this.#verifyTimer = setTimeout(async () => {
      const current = this.#bot.room?.id;
      if (this.#bot.stopped || current !== roomId) return;
      try {
        if (await this.#hooks.verify(current)) return;
        this.#bot.options.logger.warn(`The server dropped the bot from room ${current}; rejoining`);
        await this.#hooks.rejoin(current);
      } catch (err) {
        if (!this.#bot.stopped) this.#bot.reportError(err);
      }
    }, ms);
  }

  /** Cancels a pending membership check. */
  cancel(): void {
    clearTimeout(this.#verifyTimer);
  }
}
