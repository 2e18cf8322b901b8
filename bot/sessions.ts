/**
 * The sessions of a `session()` middleware seen from outside handlers: its
 * {@linkcode Sessions} methods.
 *
 * @module
 */

import type { ExtendingMiddleware } from "./composer.ts";
import type { SessionFlavor } from "./session.ts";
import type { User } from "./state.ts";

/**
 * The sessions of a `session()` middleware, reachable from anywhere: a
 * schedule, a REST callback, any code. `update()` and `delete()` go through
 * the same per-key queue and the same live object as the handlers of that
 * key, so nothing is lost, and nothing a handler still holds is written back
 * over them.
 */
export interface Sessions<S> {
  /**
   * The session of `key` now (the live object while handlers use it), or
   * `undefined` when there is none. Change it with `update()`, not by hand.
   *
   * @param key A session key (see `keyOf()`).
   * @returns The session, or `undefined`.
   */
  read(key: string): Promise<S | undefined>;
  /**
   * Changes the session of `key` (created with `initial()` when there is
   * none) and saves it. `fn` changes the value in place, or returns a new
   * one (handlers running at that moment then see the new one). Updates of
   * one key run one after the other. With a storage that has `update`
   * (Deno KV, Redis) and no handler of the key running in this process, the
   * change is atomic across processes (`fn` may then run more than once).
   *
   * @param key A session key.
   * @param fn Gets the session; may be async.
   * @returns The session after the change, once saved.
   */
  update(key: string, fn: (session: S) => S | void | Promise<S | void>): Promise<S>;
  /**
   * Deletes the session of `key`; a handler holding it does not bring it back.
   *
   * @param key A session key.
   * @returns When the storage no longer holds it.
   */
  delete(key: string): Promise<void>;
  /**
   * The session key of a person, as handlers get it (`sessionKey` by
   * default; a custom `key` function gets `{ user }`).
   *
   * @param user A user (`ctx.user`, `bot.users.get(id)`).
   * @returns The key, or `undefined` when the key function gives none.
   */
  keyOf(user: User): string | undefined;
}

/**
 * What `session()` returns: the middleware (`bot.use(sessions)`) and its
 * {@linkcode Sessions}.
 */
export type SessionMiddleware<S> = ExtendingMiddleware<SessionFlavor<S>> & Sessions<S>;
