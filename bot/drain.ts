/**
 * Work a bot's `stop()` waits for: writes that must not be lost when the
 * program stops right after a handler answered (a session save). Parts
 * register a promise with {@linkcode holdStop}; `stop()` waits for those in
 * flight, up to a grace period, after the link is down.
 *
 * @module
 */

const pending = new WeakMap<object, Set<Promise<unknown>>>();

/** How long `stop()` waits for held work at most. */
export const STOP_GRACE_MS = 5000;

/** Makes `bot.stop()` wait for `work` (its failure is the caller's to report). */
export function holdStop(bot: object, work: Promise<unknown>): void {
  let set = pending.get(bot);
  if (!set) pending.set(bot, set = new Set());
  const held = work.then(() => {}, () => {});
  set.add(held);
  void held.then(() => set.delete(held));
}

/** Resolves when the work held for `bot` has ended, or after `graceMs`. */
export async function drain(bot: object, graceMs: number = STOP_GRACE_MS): Promise<void> {
  const set = pending.get(bot);
  if (!set || set.size === 0) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((resolve) => timer = setTimeout(resolve, graceMs));
  try {
    await Promise.race([Promise.all(set), grace]);
  } finally {
    clearTimeout(timer);
  }
}
