/**
 * The lock of a `FileSessionStorage`: a file next to the sessions file
 * (`sessions.json.lock`) holding the owner's process id and host. A second
 * process that opens the same file fails with a clear error instead of
 * overwriting the first one's writes. A lock left by a process that is gone
 * (same host) is taken over.
 *
 * @module
 */

import { createExclusive, dirName, ensureDir, readTextFile, removeFile } from "../api/_platform.ts";
import { processAlive, processIdentity, removeOnExit } from "./_platform.ts";

interface Owner {
  readonly pid: number;
  readonly host: string;
}

function ownerOf(text: string | undefined): Owner | undefined {
  try {
    const o = JSON.parse(text ?? "") as Partial<Owner>;
    if (typeof o?.pid === "number" && typeof o.host === "string") {
      return { pid: o.pid, host: o.host };
    }
  } catch {
    // Not a lock of ours (or half written): treated as unknown.
  }
  return undefined;
}

/** Locks this process holds: storages of one process on one file share it. */
const held = new Map<string, { users: number; taken: Promise<() => Promise<void>> }>();

/**
 * Takes the lock of the sessions file `path` (shared by the storages of this
 * process); resolves with its release.
 *
 * @throws {Error} When another live process holds it.
 */
export async function lockSessionFile(path: string): Promise<() => Promise<void>> {
  let entry = held.get(path);
  if (!entry) {
    const taken = take(path);
    held.set(path, entry = { users: 0, taken });
    taken.catch(() => held.get(path) === entry && held.delete(path));
  }
  const current = entry;
  const release = await current.taken;
  current.users++;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--current.users > 0) return;
    if (held.get(path) === current) held.delete(path);
    await release();
  };
}

async function take(path: string): Promise<() => Promise<void>> {
  const lock = `${path}.lock`;
  const me = await processIdentity();
  const mine = JSON.stringify({ pid: me.pid, host: me.host, since: new Date().toISOString() });
  await ensureDir(dirName(path));
  for (let attempt = 0;; attempt++) {
    if (await createExclusive(lock, mine)) break;
    const text = await readTextFile(lock);
    const owner = ownerOf(text);
    // Left by this very process (a storage released without removing it) or by one that is gone.
    const stale = owner !== undefined && owner.host === me.host &&
      (owner.pid === me.pid || !(await processAlive(owner.pid)));
    if (!stale || attempt > 0) {
      const who = owner === undefined
        ? "another process"
        : `process ${owner.pid}${owner.host === me.host ? "" : ` on ${owner.host}`}`;
      throw new Error(
        `Cannot use session file "${path}": ${who} uses it (lock file "${lock}"). A session file belongs to one process; share sessions between processes with DenoKvSessionStorage or RedisSessionStorage, or delete the lock file if that process is gone`,
      );
    }
    await removeFile(lock); // left by a process that is gone
  }
  const forget = await removeOnExit(lock);
  return async () => {
    forget();
    if (ownerOf(await readTextFile(lock))?.pid === me.pid) await removeFile(lock);
  };
}
