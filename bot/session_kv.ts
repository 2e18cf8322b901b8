/**
 * Sessions in Deno KV: a local file (`Deno.openKv(path)`) or Deno Deploy's
 * distributed KV, shared by every process that opens it.
 *
 * @module
 */

import { openDenoKv } from "./_platform.ts";

/** The part of `Deno.Kv` the storage uses (a `Deno.Kv` fits). */
export interface KvLike {
  /** Reads an entry. */
  get(
    key: readonly unknown[],
  ): Promise<{ readonly value: unknown; readonly versionstamp: string | null }>;
  /** Writes an entry. */
  set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): Promise<unknown>;
  /** Deletes an entry. */
  delete(key: readonly unknown[]): Promise<void>;
  /** Starts an atomic operation. */
  atomic(): KvAtomicLike;
}

/** The part of `Deno.AtomicOperation` the storage uses. */
export interface KvAtomicLike {
  /** Fails the commit when the entry changed. */
  check(...checks: { key: readonly unknown[]; versionstamp: string | null }[]): KvAtomicLike;
  /** Writes an entry. */
  set(key: readonly unknown[], value: unknown, options?: { expireIn?: number }): KvAtomicLike;
  /** Deletes an entry. */
  delete(key: readonly unknown[]): KvAtomicLike;
  /** Commits: `ok` is false when a check failed. */
  commit(): Promise<{ readonly ok: boolean }>;
}

/** Options of {@linkcode DenoKvSessionStorage}: `path` or `kv`, and `prefix`, `ttlMs`. */
export interface DenoKvSessionStorageOptions {
  /** A KV file to open (`Deno.openKv(path)`; closed by `close()`). Default: Deno's default KV. */
  readonly path?: string;
  /** A KV already open (`await Deno.openKv()`), left open by `close()`. */
  readonly kv?: KvLike;
  /** The first part of every key (`[prefix, sessionKey]`). Default `"talkomatic-sessions"`. */
  readonly prefix?: string;
  /** Sessions unchanged this long expire (KV deletes them some time after). Default: never. */
  readonly ttlMs?: number;
}

/** How many times `update()` retries when another process changed the session meanwhile. */
const MAX_ATTEMPTS = 100;

/** How many times an operation is tried while another process holds a local KV file. */
const MAX_BUSY_TRIES = 200;

/** A local KV file (SQLite) another process is writing: try again shortly. */
function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked|busy/i.test(error.message);
}

/** Runs `op`, again after a short random pause while the KV file is busy. */
async function unlessBusy<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await op();
    } catch (error) {
      if (!isBusy(error) || attempt >= MAX_BUSY_TRIES) throw error;
      await new Promise((resolve) =>
        setTimeout(resolve, 2 + Math.random() * 10 * Math.min(attempt, 5))
      );
    }
  }
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function checkTtl(ttlMs: unknown, what: string): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(
      `Cannot create ${what}: ttlMs must be a positive number of milliseconds, got ${
        String(ttlMs)
      }`,
    );
  }
  return Math.ceil(ttlMs);
}

/**
 * Keeps sessions in Deno KV, so several bot processes (or machines, with
 * Deno Deploy's KV) share them. Values are stored as they are (structured
 * clone: `Date` and `Map` come back as such; at most 64 KiB each).
 * `update()` is atomic across processes (a versionstamp check, retried).
 * `Deno.openKv` needs `--unstable-kv` (or `"unstable": ["kv"]` in deno.json).
 *
 * @example
 * ```ts
 * import { Bot, DenoKvSessionStorage, session } from "@talkomatic/talkomatic/bot";
 *
 * const storage = new DenoKvSessionStorage({ path: "./sessions.kv", ttlMs: 30 * 24 * 3600_000 });
 * const bot = new Bot({ username: "Counter" })
 *   .use(session({ initial: () => ({ count: 0 }), storage }));
 * ```
 */
export class DenoKvSessionStorage<S = unknown> {
  readonly #prefix: string;
  readonly #ttlMs: number | undefined;
  readonly #own: boolean;
  readonly #path: string | undefined;
  #kv: Promise<KvLike> | undefined;

  /**
   * Uses a KV file (`path`) or an open KV (`kv`).
   *
   * @param options `path` or `kv`, and optionally `prefix` and `ttlMs`.
   * @throws {TypeError} For both `path` and `kv`, or a wrong one.
   * @throws {RangeError} When `ttlMs` is not a positive number.
   */
  constructor(options?: DenoKvSessionStorageOptions) {
    options ??= {};
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `Cannot create DenoKvSessionStorage: expected options, got ${typeName(options)}`,
      );
    }
    const { path, kv, prefix = "talkomatic-sessions" } = options;
    if (path !== undefined && kv !== undefined) {
      throw new TypeError("Cannot create DenoKvSessionStorage: give path or kv, not both");
    }
    if (path !== undefined && (typeof path !== "string" || path === "")) {
      throw new TypeError(
        `Cannot create DenoKvSessionStorage: path must be a file path, got ${typeName(path)}`,
      );
    }
    if (kv !== undefined && (kv === null || typeof kv.atomic !== "function")) {
      throw new TypeError("Cannot create DenoKvSessionStorage: kv must be a Deno.Kv");
    }
    if (typeof prefix !== "string") {
      throw new TypeError(
        `Cannot create DenoKvSessionStorage: prefix must be a string, got ${typeName(prefix)}`,
      );
    }
    this.#prefix = prefix;
    this.#ttlMs = checkTtl(options.ttlMs, "DenoKvSessionStorage");
    this.#own = kv === undefined;
    this.#path = path;
    if (kv) this.#kv = Promise.resolve(kv);
  }

  #open(): Promise<KvLike> {
    const kv = this.#kv ??= openDenoKv(this.#path) as Promise<KvLike>;
    kv.catch(() => this.#kv === kv && (this.#kv = undefined)); // the next use tries again
    return kv;
  }

  #key(key: string): readonly unknown[] {
    return [this.#prefix, key];
  }

  #options(): { expireIn?: number } | undefined {
    return this.#ttlMs === undefined ? undefined : { expireIn: this.#ttlMs };
  }

  /**
   * The session of `key`.
   *
   * @param key The key.
   * @returns The value, or `undefined`.
   */
  async read<T extends S = S>(key: string): Promise<T | undefined> {
    const kv = await this.#open();
    const entry = await unlessBusy(() => kv.get(this.#key(key)));
    return (entry.value ?? undefined) as T | undefined;
  }

  /**
   * Stores a session.
   *
   * @param key The key.
   * @param value The value.
   */
  async write<T extends S = S>(key: string, value: T): Promise<void> {
    const kv = await this.#open();
    await unlessBusy(() => kv.set(this.#key(key), value, this.#options()));
  }

  /**
   * Deletes a session.
   *
   * @param key The key.
   */
  async delete(key: string): Promise<void> {
    const kv = await this.#open();
    await unlessBusy(() => kv.delete(this.#key(key)));
  }

  /**
   * Changes a session atomically across processes: `fn` gets the stored
   * value and returns the new one (`undefined` deletes it); when another
   * process changed it meanwhile, `fn` runs again on the newer value.
   *
   * @param key The key.
   * @param fn The change.
   * @returns The value stored.
   * @throws {Error} When the session kept changing for 100 attempts.
   */
  async update<T extends S = S>(
    key: string,
    fn: (value: T | undefined) => T | undefined | Promise<T | undefined>,
  ): Promise<T | undefined> {
    const kv = await this.#open();
    const k = this.#key(key);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const entry = await unlessBusy(() => kv.get(k));
      const next = await fn((entry.value ?? undefined) as T | undefined);
      const committed = await unlessBusy(() => {
        const op = kv.atomic().check({ key: k, versionstamp: entry.versionstamp });
        if (next === undefined) op.delete(k);
        else op.set(k, next, this.#options());
        return op.commit();
      });
      if (committed.ok) return next;
    }
    throw new Error(`Cannot update session "${key}": it kept changing (${MAX_ATTEMPTS} attempts)`);
  }

  /**
   * Closes the KV when the storage opened it (`path`); an open `kv` given is left open.
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    const kv = this.#kv;
    this.#kv = undefined;
    if (!kv || !this.#own) return;
    const opened = await kv.catch(() => undefined);
    (opened as { close?: () => void } | undefined)?.close?.();
  }
}
