/**
 * The life of one action: it ends when the caller's signal aborts, its
 * timeout passes, the connection drops or the bot stops, whichever comes
 * first. Every wait of the action (its turn, pacing, the server's answer)
 * listens to this one signal, so an action that ended is never sent.
 *
 * Built by hand rather than with `AbortSignal.any()`, whose listeners on
 * long-lived signals are only released by garbage collection.
 *
 * @module
 */

import { ActionError } from "../errors.ts";
import { type Clock, realClock } from "../clock.ts";

/** Why an action's life ended. */
export type EndKind = "timeout" | "aborted" | "stopped" | "disconnected";

/** The abort reason of a {@linkcode Life} (internal; turned into an ActionError). */
export class LifeEnded {
  constructor(readonly kind: EndKind, readonly cause?: unknown) {}
}

/** One action's signal, with its listeners removed by {@linkcode Life.end}. */
export class Life {
  readonly #controller = new AbortController();
  readonly #cleanups: (() => void)[] = [];
  readonly timeoutMs: number;
  readonly #deadline: number;
  readonly #clock: Clock;

  constructor(
    timeoutMs: number,
    sources: readonly { signal: AbortSignal | undefined; kind: EndKind }[],
    clock: Clock = realClock,
  ) {
    this.timeoutMs = timeoutMs;
    this.#clock = clock;
    this.#deadline = clock.now() + timeoutMs;
    for (const { signal, kind } of sources) {
      if (!signal) continue;
      const end = (): void => this.#end(kind, signal.reason);
      if (signal.aborted) {
        end();
        break;
      }
      signal.addEventListener("abort", end, { once: true });
      this.#cleanups.push(() => signal.removeEventListener("abort", end));
    }
    if (!this.signal.aborted && Number.isFinite(timeoutMs)) {
      const timer = clock.setTimeout(() => this.#end("timeout"), timeoutMs);
      this.#cleanups.push(() => clock.clearTimeout(timer));
    }
  }

  /** Aborts when the life ends; its reason is a {@linkcode LifeEnded}. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Ms left before the timeout. */
  remainingMs(): number {
    return this.#deadline - this.#clock.now();
  }

  /** Releases the listeners and the timer (the action settled). */
  end(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
  }

  #end(kind: EndKind, cause?: unknown): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(new LifeEnded(kind, cause));
    this.end();
  }
}

/**
 * The error an action rejects with when its life ended. `sent`: the request
 * reached the server (so only its answer is missing).
 */
export function endedError(
  action: string,
  context: string,
  reason: unknown,
  timeoutMs: number,
  sent: boolean,
): unknown {
  if (!(reason instanceof LifeEnded)) return reason;
  switch (reason.kind) {
    case "timeout":
      return new ActionError(
        action,
        sent
          ? `${context}: no answer within ${timeoutMs} ms`
          : `${context}: not sent within ${timeoutMs} ms (pacing); it will not be sent`,
        { code: "TIMEOUT", reason: "timeout" },
      );
    case "aborted":
      return new ActionError(action, `${context}: aborted`, {
        code: "ABORTED",
        reason: "aborted",
        cause: reason.cause,
      });
    case "stopped":
      return new ActionError(action, `${context}: the bot was stopped`, {
        code: "STOPPED",
        reason: "stopped",
      });
    case "disconnected":
      return new ActionError(action, `${context}: not connected`, {
        code: "NOT_CONNECTED",
        reason: "notConnected",
      });
  }
}
