/**
 * The only bot file that touches `Deno.*` or `process`: shutdown signals
 * (Ctrl+C, SIGTERM) in Deno and Node.
 *
 * @module
 */

interface DenoSignals {
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
  build: { os: string };
}

interface NodeProcess {
  on(event: string, handler: () => void): unknown;
  off(event: string, handler: () => void): unknown;
  platform: string;
}

/**
 * Calls `handler` on Ctrl+C (SIGINT) or SIGTERM until the returned function
 * is called. Silently does nothing where signals are not available.
 *
 * @param handler Called with the signal name.
 * @returns Removes the listeners.
 */
export function onShutdownSignal(handler: (signal: string) => void): () => void {
  const deno = (globalThis as { Deno?: DenoSignals }).Deno;
  const proc = (globalThis as { process?: NodeProcess }).process;
  const signals = (deno?.build.os ?? proc?.platform) === "windows" ||
      proc?.platform === "win32"
    ? ["SIGINT", "SIGBREAK"]
    : ["SIGINT", "SIGTERM"];
  const removers: (() => void)[] = [];
  for (const signal of signals) {
    const listener = (): void => handler(signal);
    try {
      if (deno) {
        deno.addSignalListener(signal, listener);
        removers.push(() => deno.removeSignalListener(signal, listener));
      } else if (proc) {
        proc.on(signal, listener);
        removers.push(() => proc.off(signal, listener));
      }
    } catch {
      // Signal not supported here (e.g. restricted permissions): ignore.
    }
  }
  return () => {
    for (const remove of removers.splice(0)) {
      try {
        remove();
      } catch {
        // Already removed.
      }
    }
  };
}

/** Ends the process with `code` (Deno or Node). */
export function exitProcess(code: number): never {
  const deno = (globalThis as { Deno?: { exit(code: number): never } }).Deno;
  if (deno) deno.exit(code);
  const proc = (globalThis as { process?: { exit(code: number): never } }).process;
  if (proc) proc.exit(code);
  throw new Error(`exit ${code}`);
}

/** This process: its id and host name, for lock files. */
export async function processIdentity(): Promise<{ pid: number; host: string }> {
  const [proc, os] = await Promise.all([import("node:process"), import("node:os")]);
  return { pid: proc.default.pid, host: os.hostname() };
}

/** Whether a process of this host with id `pid` is alive (`true` when it cannot be told). */
export async function processAlive(pid: number): Promise<boolean> {
  const proc = (await import("node:process")).default;
  try {
    proc.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: unknown })?.code !== "ESRCH";
  }
}

/** Removes `path` when the process exits normally (best effort; a crash leaves it behind). */
export async function removeOnExit(path: string): Promise<() => void> {
  const [proc, fs] = await Promise.all([import("node:process"), import("node:fs")]);
  const remove = (): void => {
    try {
      fs.unlinkSync(path);
    } catch {
      // Gone already.
    }
  };
  proc.default.on("exit", remove);
  return () => void proc.default.off("exit", remove);
}

/** `Deno.openKv(path)`, or a clear error outside Deno (or without `--unstable-kv`). */
export async function openDenoKv(path: string | undefined): Promise<unknown> {
  const deno = (globalThis as { Deno?: { openKv?: (path?: string) => Promise<unknown> } }).Deno;
  if (!deno) throw new TypeError("Cannot open Deno KV: this is not Deno (pass { kv } instead)");
  if (typeof deno.openKv !== "function") {
    throw new TypeError(
      'Cannot open Deno KV: Deno.openKv is missing; run with --unstable-kv (or "unstable": ["kv"] in deno.json)',
    );
  }
  return await deno.openKv(path);
}
