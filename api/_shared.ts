/**
 * One request shared by the callers that want the same thing at the same
 * time (a bot token, a session cookie): it runs once, each caller can give up
 * on its own signal, and when every caller has given up the request is
 * aborted and forgotten, so that a caller coming later starts a new one
 * instead of joining a request that is being aborted.
 *
 * @example
 * ```ts
 * import { SharedRequest } from "./_shared.ts";
 *
 * const shared = new SharedRequest<Response>();
 * const get = (signal: AbortSignal) => fetch("http://127.0.0.1:1/", { signal });
 * const twice = Promise.all([shared.get(get), shared.get(get)]); // one fetch
 * twice.catch(() => {}); // (nothing listens on that address)
 * ```
 *
 * @module
 */

interface Current<T> {
  readonly promise: Promise<T>;
  readonly controller: AbortController;
  /** Callers waiting for it. */
  count: number;
}

/** One request at a time, shared by its callers; see the module. */
export class SharedRequest<T> {
  #current: Current<T> | undefined;

  /**
   * Joins the request in flight, or starts one with `run`.
   *
   * @param run Starts the request; its `signal` aborts when every caller gave up.
   * @param signal Gives up waiting (rejects with its reason).
   * @returns The request's result.
   */
  async get(run: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw signal.reason;
    let current = this.#current;
    if (current === undefined) {
      const controller = new AbortController();
      const started: Current<T> = {
        controller,
        count: 0,
        promise: run(controller.signal).finally(() => this.#forget(started)),
      };
      // Every caller may have given up; the outcome is still consumed.
      started.promise.catch(() => {});
      this.#current = current = started;
    }
    current.count++;
    try {
      return await abortable(current.promise, signal);
    } finally {
      // The last caller gave up: the request stops too (a Ctrl+C does not wait for it).
      if (--current.count === 0 && signal?.aborted) {
        this.#forget(current);
        current.controller.abort();
      }
    }
  }

  #forget(current: Current<T>): void {
    if (this.#current === current) this.#current = undefined;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
