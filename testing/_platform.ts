// The only runtime-specific code of testing/: unreferencing timers so that
// they never keep Deno or Node alive on their own.

/** Lets a timer not keep the process alive (Deno returns numbers, Node objects). */
export function unref<T>(timer: T): T {
  const t = timer as unknown as { unref?: () => void } | number;
  if (typeof t === "object" && t !== null && typeof t.unref === "function") t.unref();
  else if (typeof t === "number") {
    const deno = (globalThis as { Deno?: { unrefTimer?: (id: number) => void } }).Deno;
    deno?.unrefTimer?.(t);
  }
  return timer;
}
