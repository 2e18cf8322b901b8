/**
 * Action promises that are safe to ignore: when nobody awaits (or attaches
 * `then`/`catch`/`finally` to) an action that fails, the failure is handed
 * to the bot (its `error` event) instead of becoming an unhandled rejection
 * that ends the process. An awaited action rejects as usual.
 *
 * @module
 */

const then = Promise.prototype.then;

/** A promise that records whether anyone observed it. */
class ActionPromise<T> extends Promise<T> {
  #observed = false;

  // Derived promises (then/catch/finally) are plain promises.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  get observed(): boolean {
    return this.#observed;
  }

  override then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    this.#observed = true;
    return super.then(onFulfilled, onRejected);
  }
}

/**
 * Runs `work` and returns its promise. If it rejects and nobody had observed
 * the promise by the end of the current macrotask, `unobserved` receives the
 * error (and no unhandled rejection happens).
 */
export function tracked<T>(work: Promise<T>, unobserved: (error: unknown) => void): Promise<T> {
  const promise = new ActionPromise<T>((resolve, reject) => void work.then(resolve, reject));
  then.call(promise, undefined, (error: unknown) => {
    // `await p` calls p.then() in a later microtask: look after they all ran.
    setTimeout(() => {
      if (!promise.observed) unobserved(error);
    }, 0);
  });
  return promise;
}
