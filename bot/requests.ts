/**
 * Correlates actions with the server's answers. The protocol has no acks and
 * no request ids (docs/protocol.md §16.5): success and failure arrive as separate
 * events, most failures on the shared `error` channel. So requests that can
 * fail run one at a time; while one waits, the failure events belong to it;
 * a timeout rejects it.
 *
 * @example
 * ```ts
 * import { RequestQueue } from "./requests.ts";
 *
 * const queue = new RequestQueue();
 * const answer = queue.run({
 *   action: "createRoom",
 *   context: "Cannot create room \"Hi\"",
 *   timeoutMs: 1000,
 *   // The server's answer arrives later, as a separate event:
 *   send: () => queueMicrotask(() => queue.handle("room created", "123456")),
 *   match: (event, payload) => event === "room created" ? payload as string : undefined,
 * });
 * console.log(await answer); // "123456"
 * ```
 *
 * @module
 */

import { ActionError } from "./errors.ts";

/** Events that carry the failure of the pending request. */
export const FAILURE_EVENTS: ReadonlySet<string> = new Set([
  "error",
  "validation_error",
  "room not found",
  "room full",
  "access code required",
]);

/** One request. */
export interface RequestSpec<T> {
  /** Action name for errors (`"joinRoom"`). */
  readonly action: string;
  /** Message prefix for errors (`Cannot join room "123456"`). */
  readonly context: string;
  /** Milliseconds to wait for an answer. */
  readonly timeoutMs: number;
  /** Sends the request (called when it is its turn). */
  readonly send: () => void;
  /** Returns the result when `event` is the success answer, else `undefined`. */
  readonly match: (event: string, payload: unknown) => T | undefined;
}

interface Pending {
  readonly spec: RequestSpec<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Turns a failure event into an {@linkcode ActionError}.
 *
 * @param action The action.
 * @param context The message prefix.
 * @param event The failure event name.
 * @param payload Its validated payload.
 * @returns The error.
 * @example
 * ```ts
 * import { failureOf } from "./requests.ts";
 * failureOf("joinRoom", "Cannot join", "access code required", undefined).reason; // "accessCodeRequired"
 * ```
 */
export function failureOf(
  action: string,
  context: string,
  event: string,
  payload: unknown,
): ActionError {
  if (event === "access code required") {
    return new ActionError(action, `${context}: the room needs an access code`, {
      code: "ACCESS_CODE_REQUIRED",
      reason: "accessCodeRequired",
    });
  }
  if (event === "validation_error") {
    const fields = payload as Record<string, string>;
    const text = Object.values(fields).join(" ").replace(/\.$/, "");
    return new ActionError(action, `${context}: ${text}`, {
      code: "VALIDATION_ERROR",
      reason: "validation",
      serverMessage: Object.values(fields).join(" "),
      fields,
    });
  }
  const { code, message } = (payload as { error: { code: string; message: string } }).error;
  return ActionError.fromServer(action, code, message, context);
}

/**
 * A queue of requests, one outstanding at a time.
 */
export class RequestQueue {
  #current: Pending | undefined;
  #tail: Promise<unknown> = Promise.resolve();

  /** Whether a request is waiting for its answer. */
  get busy(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Queues a request; sends it when the previous ones are answered.
   *
   * @param spec The request.
   * @returns Resolves with the matched answer; rejects with an {@linkcode ActionError}.
   */
  run<T>(spec: RequestSpec<T>): Promise<T> {
    const turn = this.#tail.then(() =>
      new Promise<T>((resolve, reject) => {
        const pending: Pending = {
          spec: spec as RequestSpec<unknown>,
          resolve: resolve as (v: unknown) => void,
          reject,
        };
        this.#current = pending;
        pending.timer = setTimeout(() => {
          this.#settle(pending);
          reject(
            new ActionError(spec.action, `${spec.context}: no answer within ${spec.timeoutMs} ms`, {
              code: "TIMEOUT",
              reason: "timeout",
            }),
          );
        }, spec.timeoutMs);
        try {
          spec.send();
        } catch (err) {
          this.#settle(pending);
          reject(err);
        }
      })
    );
    this.#tail = turn.catch(() => {});
    return turn;
  }

  #settle(pending: Pending): void {
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (this.#current === pending) this.#current = undefined;
  }

  /**
   * Offers an incoming event to the waiting request.
   *
   * @param event The wire event.
   * @param payload Its validated payload.
   * @returns `true` when the event answered the request (success or failure).
   */
  handle(event: string, payload: unknown): boolean {
    const pending = this.#current;
    if (!pending) return false;
    const result = pending.spec.match(event, payload);
    if (result !== undefined) {
      this.#settle(pending);
      pending.resolve(result);
      return true;
    }
    if (FAILURE_EVENTS.has(event)) {
      this.#settle(pending);
      pending.reject(failureOf(pending.spec.action, pending.spec.context, event, payload));
      return true;
    }
    return false;
  }

  /**
   * Rejects the waiting request (disconnect, stop).
   *
   * @param make Builds the error from the request's action and context.
   */
  failCurrent(make: (action: string, context: string) => Error): void {
    const pending = this.#current;
    if (!pending) return;
    this.#settle(pending);
    pending.reject(make(pending.spec.action, pending.spec.context));
  }
}
