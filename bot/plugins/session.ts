/**
 * Sessions: `session()` middleware gives every command and `message` handler
 * `ctx.session`, kept per person in a {@linkcode SessionStorage}
 * ({@linkcode MemorySessionStorage}, {@linkcode FileSessionStorage}, or your
 * own).
 *
 * A session is read before the handler runs and saved when it finished (also
 * when it threw). Handlers that run at the same time for one key share one
 * session object, so what each of them changes is kept.
 *
 * @module
 */

import {
  dirName,
  ensureDir,
  filePath,
  readTextFile,
  removeStaleTemps,
  writeFileAtomic,
} from "../../api/_platform.ts";
import type { MiddlewareContext, NextFunction } from "../commands/composer.ts";
import type { User } from "../model.ts";
import { lockSessionFile } from "./session_file_lock.ts";
import type { SessionFlavor, SessionMiddleware, Sessions } from "./sessions.ts";

export type { SessionFlavor, SessionMiddleware, Sessions };

/**
 * Where sessions are kept. Methods may return promises. A storage that keeps
 * any value (JSON, memory) may declare generic methods, as the two of this
 * module do.
 *
 * @example
 * ```ts
 * import type { SessionStorage } from "@talkomatic/talkomatic/bot";
 *
 * // A storage in a Map of JSON texts (say, a key-value database).
 * const texts = new Map<string, string>();
 * const storage: SessionStorage<{ count: number }> = {
 *   read: (key) => {
 *     const text = texts.get(key);
 *     return text === undefined ? undefined : JSON.parse(text);
 *   },
 *   write: (key, value) => void texts.set(key, JSON.stringify(value)),
 *   delete: (key) => void texts.delete(key),
 * };
 * ```
 */
export interface SessionStorage<S = unknown> {
  /** The session of `key`, or `undefined` when there is none. */
  read(key: string): Promise<S | undefined> | S | undefined;
  /** Stores the session of `key`. */
  write(key: string, value: S): Promise<void> | void;
  /** Deletes the session of `key`. */
  delete(key: string): Promise<void> | void;
  /**
   * Optional: changes the session of `key` atomically across processes
   * (`fn` gets the stored value, returns the new one, `undefined` to delete;
   * it may run again when another process changed the value meanwhile).
   * `session().update()` uses it when no handler of the key runs in this
   * process. `DenoKvSessionStorage` and `RedisSessionStorage` have it.
   */
  update?(
    key: string,
    fn: (value: S | undefined) => S | undefined | Promise<S | undefined>,
  ): Promise<S | undefined>;
}

/** Options of {@linkcode session}. */
export interface SessionOptions<S> {
  /** A new session, for a key without one (return a new object each time). */
  readonly initial: () => S;
  /** Where sessions are kept. Default: a new {@linkcode MemorySessionStorage}. */
  readonly storage?: SessionStorage<NoInfer<S>>;
  /**
   * The key of a context's session, or `undefined` for none (reading
   * `ctx.session` then throws). Default {@linkcode sessionKey}: one session
   * per person, by name and location.
   */
  readonly key?: (ctx: MiddlewareContext) => string | undefined;
}

const ANONYMOUS = { name: "Anonymous", location: "On The Web" };

/**
 * The default session key: one per person, by name and location, each trimmed
 * and in lower case, with `%` and `/` inside them written `%25` and `%2F`,
 * joined by `/` (`"alice/paris"`; `"Ann / Lab"` from `"X"` is
 * `"ann %2F lab/x"`), so no two name+location pairs share a key. A user id changes when someone comes
 * back without their cookie (another browser, cleared cookies, the server
 * restarted), while the server lets one name and location be in one room at
 * a time (docs/protocol.md §8.6), so name and location find the same person
 * again. Anonymous people (`Anonymous` / `On The Web`) share that pair, so
 * their key is their id (`"anonymous:<id>"`). Sessions are not a login:
 * whoever takes a name and location gets their session.
 *
 * @param ctx A context with a `user`.
 * @returns The key.
 */
export function sessionKey(ctx: { readonly user: User }): string {
  const { id, name, location } = ctx.user;
  if (name === ANONYMOUS.name && location === ANONYMOUS.location) return `anonymous:${id}`;
  return `${keyPart(name)}/${keyPart(location)}`;
}

function keyPart(text: string): string {
  return text.trim().toLowerCase().replaceAll("%", "%25").replaceAll("/", "%2F");
}

/**
 * The default key before 0.2 (`"alice / paris"`, ambiguous) of a key of
 * {@linkcode sessionKey}: sessions saved under it are moved to the new key
 * when first read. `undefined` for keys of another form.
 */
function oldKeyOf(key: string): string | undefined {
  const parts = /^([^/]*)\/([^/]*)$/.exec(key);
  if (!parts || key.startsWith("anonymous:")) return undefined;
  const decode = (part: string) => part.replaceAll("%2F", "/").replaceAll("%25", "%");
  return `${decode(parts[1])} / ${decode(parts[2])}`;
}

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/**
 * A session value as JSON text, for storages that keep text (file, Redis).
 *
 * @throws {TypeError} When the value cannot be written as JSON.
 */
export function sessionJson(key: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`Cannot save session "${key}": ${(error as Error).message}`);
  }
  if (text === undefined) {
    throw new TypeError(`Cannot save session "${key}": ${typeName(value)} is not JSON`);
  }
  return text;
}

interface Entry {
  /** The current value; `undefined` when there is none (or it was deleted). */
  value: unknown;
  /** The storage has a value for the key. */
  stored: boolean;
  /** Handlers and calls using the entry. */
  users: number;
  /** Handlers (middleware) using the entry: `update()` then changes the live value. */
  handlers: number;
  /** Writes queued or running. */
  writes: number;
  /** A write is queued and has not started: it will take the latest value. */
  queued: boolean;
  last: Promise<void> | undefined;
  loaded: Promise<void>;
  /** The end of the last `update()` of the key: the next one starts after it. */
  updates: Promise<void>;
}

/**
 * Session middleware: `ctx.session` in every later command and `message`
 * handler, typed from `initial`. Keep the value `use()` returns: its handlers
 * know `ctx.session`. The middleware also has `read`, `update`, `delete` and
 * `keyOf` ({@linkcode Sessions}), to reach sessions outside handlers.
 *
 * @param options `initial`, and optionally `storage` and `key`.
 * @returns The middleware, with {@linkcode Sessions}'s methods.
 * @throws {TypeError} When `initial` is not a function, or `storage` or `key` are wrong.
 * @example
 * ```ts
 * import { Bot, FileSessionStorage, session } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Counter" })
 *   .use(session({ initial: () => ({ count: 0 }), storage: new FileSessionStorage("counts.json") }));
 * bot.command("count").handle((ctx) => ctx.reply(`${ctx.user.name}: ${++ctx.session.count}`));
 *
 * // Elsewhere (a schedule): the same queue and live object as the handlers.
 * const counts = session({ initial: () => ({ count: 0 }) });
 * bot.every(60_000, () => counts.update("alice/paris", (s) => void (s.count = 0)));
 * ```
 */
export function session<S>(options: SessionOptions<S>): SessionMiddleware<S> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot create session: expected options, got ${typeName(options)}`);
  }
  const { initial, key = sessionKey } = options;
  const storage = (options.storage ?? new MemorySessionStorage()) as SessionStorage<unknown>;
  if (typeof initial !== "function") {
    throw new TypeError(
      `Cannot create session: initial must be a function that returns a new session, got ${
        typeName(initial)
      }`,
    );
  }
  if (typeof key !== "function") {
    throw new TypeError(`Cannot create session: key must be a function, got ${typeName(key)}`);
  }
  for (const method of ["read", "write", "delete"] as const) {
    if (typeof storage?.[method] !== "function") {
      throw new TypeError(`Cannot create session: storage has no ${method}() method`);
    }
  }
  if (storage.update !== undefined && typeof storage.update !== "function") {
    throw new TypeError("Cannot create session: storage.update must be a function");
  }
  const entries = new Map<string, Entry>();
  /** Keys whose old-key session was looked for (the default key only; once per key). */
  const moved = key === sessionKey ? new Set<string>() : undefined;

  const release = (k: string, entry: Entry): void => {
    if (entry.users === 0 && entry.writes === 0 && entries.get(k) === entry) entries.delete(k);
  };

  const save = (k: string, entry: Entry): Promise<void> => {
    if (entry.queued) return entry.last!;
    entry.queued = true;
    entry.writes++;
    const run = async (): Promise<void> => {
      entry.queued = false;
      const value = entry.value;
      if (value !== undefined) {
        await storage.write(k, value);
        entry.stored = true;
      } else if (entry.stored) {
        await storage.delete(k);
        entry.stored = false;
      }
    };
    const p = (entry.last ?? Promise.resolve()).then(run, run);
    entry.last = p;
    const done = (): void => {
      entry.writes--;
      release(k, entry);
    };
    p.then(done, done);
    return p;
  };

  /** The entry of `k`, loaded, counted as used (call `done` after). */
  const acquire = async (k: string): Promise<Entry> => {
    let entry = entries.get(k);
    if (!entry) {
      const e: Entry = {
        value: undefined,
        stored: false,
        users: 0,
        handlers: 0,
        writes: 0,
        queued: false,
        last: undefined,
        loaded: Promise.resolve(),
        updates: Promise.resolve(),
      };
      e.loaded = (async () => {
        e.value = await storage.read(k);
        // A session saved under the old default key is moved to the new one, once.
        const old = moved && !moved.has(k) ? oldKeyOf(k) : undefined;
        if (e.value === undefined && old !== undefined) {
          const value = await storage.read(old);
          if (value !== undefined) {
            await storage.write(k, value);
            await storage.delete(old);
            e.value = value;
          }
        }
        moved?.add(k);
        e.stored = e.value !== undefined;
      })();
      entries.set(k, entry = e);
    }
    const current = entry;
    current.users++;
    try {
      await current.loaded;
    } catch (error) {
      current.users--;
      if (entries.get(k) === current) entries.delete(k); // the next use tries again
      throw error;
    }
    return current;
  };

  /** Ends a use of `entry`: saves it (when `write`), lets it go when nobody uses it. */
  const done = async (k: string, entry: Entry, write: boolean): Promise<void> => {
    entry.users--;
    try {
      if (write) await save(k, entry);
    } finally {
      release(k, entry);
    }
  };

  const middleware = async (ctx: MiddlewareContext, next: NextFunction): Promise<void> => {
    const k = key(ctx);
    if (k === undefined) {
      Object.defineProperty(ctx, "session", {
        get() {
          throw new TypeError("Cannot read session: the session key of this context is undefined");
        },
        set() {
          throw new TypeError("Cannot set session: the session key of this context is undefined");
        },
        configurable: true,
      });
      return await next();
    }
    if (typeof k !== "string") {
      throw new TypeError(`Cannot read session: the key must be a string, got ${typeName(k)}`);
    }
    const current = await acquire(k);
    current.handlers++;
    Object.defineProperty(ctx, "session", {
      get: () => current.value ??= initial(),
      set: (value: unknown) => void (current.value = value ?? undefined),
      configurable: true,
      enumerable: true,
    });
    let failure: { error: unknown } | undefined;
    try {
      await next();
    } catch (error) {
      failure = { error };
    }
    current.handlers--;
    try {
      const saving = done(k, current, true);
      // A stop right after the answer still saves: stop() awaits this hook (its failure is thrown
      // below, to the handler's caller, so the hook does not report it again).
      const unhook = ctx.bot.hook({ stopping: () => saving.catch(() => {}) });
      try {
        await saving;
      } finally {
        unhook();
      }
    } catch (error) {
      failure ??= { error };
    }
    if (failure) throw failure.error;
  };

  const checkKey = (k: unknown, what: string): string => {
    if (typeof k !== "string") {
      throw new TypeError(`Cannot ${what} session: the key must be a string, got ${typeName(k)}`);
    }
    return k;
  };

  const sessions: Sessions<unknown> = {
    async read(k) {
      const entry = await acquire(checkKey(k, "read"));
      await done(k, entry, false);
      return entry.value;
    },
    async update(k, fn) {
      checkKey(k, "update");
      if (typeof fn !== "function") {
        throw new TypeError(
          `Cannot update session "${k}": expected a function, got ${typeName(fn)}`,
        );
      }
      const entry = await acquire(k);
      let saved = false;
      // Updates of one key run one after the other, on the live value handlers share.
      const run = entry.updates.then(async () => {
        if (storage.update && entry.handlers === 0) {
          // No handler holds it here: an update atomic across processes.
          await entry.last?.catch(() => {}); // writes still in flight go first
          const result = await storage.update(k, async (stored) => {
            const value = stored ?? initial();
            const changed = await fn(value);
            return changed === undefined ? value : changed;
          });
          entry.value = result;
          entry.stored = result !== undefined;
          saved = true;
          return result;
        }
        const value = entry.value ?? initial();
        const result = await fn(value);
        entry.value = result === undefined ? value : result;
        return entry.value;
      });
      entry.updates = run.then(() => {}, () => {});
      let failure: { error: unknown } | undefined;
      let value: unknown;
      try {
        value = await run;
      } catch (error) {
        failure = { error };
      }
      try {
        await done(k, entry, !saved);
      } catch (error) {
        failure ??= { error };
      }
      if (failure) throw failure.error;
      return value;
    },
    async delete(k) {
      const entry = await acquire(checkKey(k, "delete"));
      entry.value = undefined;
      await done(k, entry, true);
    },
    keyOf(user) {
      if (user === null || typeof user !== "object" || typeof user.id !== "string") {
        throw new TypeError(`Cannot find a session key: expected a user, got ${typeName(user)}`);
      }
      const k = options.key === undefined ? sessionKey({ user }) : key({ user } as never);
      return k === undefined ? undefined : checkKey(k, "find the key of a");
    },
  };
  return Object.assign(middleware, sessions) as unknown as SessionMiddleware<S>;
}

/**
 * Keeps sessions in memory (lost when the process ends): the default storage.
 *
 * @example
 * ```ts
 * import { Bot, MemorySessionStorage, session } from "@talkomatic/talkomatic/bot";
 *
 * const storage = new MemorySessionStorage();
 * const bot = new Bot({ username: "Counter" })
 *   .use(session({ initial: () => ({ count: 0 }), storage }));
 * ```
 */
export class MemorySessionStorage<S = unknown> {
  readonly #values = new Map<string, unknown>();

  /**
   * The session of `key`.
   *
   * @param key The key.
   * @returns The value (the same object that was written), or `undefined`.
   */
  read<T extends S = S>(key: string): T | undefined {
    return this.#values.get(key) as T | undefined;
  }

  /**
   * Stores a session.
   *
   * @param key The key.
   * @param value The value.
   */
  write<T extends S = S>(key: string, value: T): void {
    this.#values.set(key, value);
  }

  /**
   * Deletes a session.
   *
   * @param key The key.
   */
  delete(key: string): void {
    this.#values.delete(key);
  }

  /** The keys of the stored sessions. */
  keys(): string[] {
    return [...this.#values.keys()];
  }
}

/** A temporary file older than this is a crashed write's (a write takes milliseconds). */
const STALE_TEMP_MS = 60_000;

/**
 * Keeps sessions in one JSON file (`{ "<key>": <session>, ... }`), so they
 * survive a restart of the bot. The file is read once, on first use; every
 * change rewrites it atomically (a temporary file renamed over it: a crash
 * never leaves half a file; the temporary files of a write killed midway are
 * removed when the file is first read), changes made together in one write.
 * A file that cannot be read (say, not JSON) fails the uses that need it and
 * is read again on the next use, so fixing it needs no restart; a UTF-8 BOM is
 * accepted. Values must
 * be JSON (no `Map`, `Date` comes back as a string). The file belongs to one
 * process at a time: a lock file next to it (`sessions.json.lock`) makes a
 * second process fail with a clear error instead of losing writes (to share
 * sessions between processes, use `DenoKvSessionStorage` or
 * `RedisSessionStorage`). Its directory is created when missing.
 *
 * @example
 * ```ts
 * import { Bot, FileSessionStorage, session } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Notes" }).use(session({
 *   initial: () => ({ notes: [] as string[] }),
 *   storage: new FileSessionStorage("sessions.json"),
 * }));
 * ```
 */
export class FileSessionStorage<S = unknown> {
  readonly #path: string | URL;
  #texts: Promise<Map<string, string>> | undefined;
  /** The write that will include the latest change (queued, not started). */
  #next: Promise<void> | undefined;
  #last: Promise<void> | undefined;
  /** The last write failed: the file may be behind the memory. */
  #behind = false;
  /** The lock of the file (against a second process), taken on first use. */
  #lock: Promise<() => Promise<void>> | undefined;

  /**
   * Uses the file at `path` (created on the first write).
   *
   * @param path A file path, or a `file:` URL.
   * @throws {TypeError} When `path` is neither.
   */
  constructor(path: string | URL) {
    const ok = (typeof path === "string" && path !== "") ||
      (path instanceof URL && path.protocol === "file:");
    if (!ok) {
      throw new TypeError(
        `Cannot use session file: expected a path or a file: URL, got ${
          path instanceof URL ? path.href : typeName(path)
        }`,
      );
    }
    this.#path = path;
  }

  /** The file's path or URL, as given. */
  get path(): string | URL {
    return this.#path;
  }

  /**
   * The session of `key`, as a fresh copy parsed from JSON.
   *
   * @param key The key.
   * @returns The value, or `undefined`.
   * @throws {SyntaxError} When the file is not a JSON object (it is left as it is, and read again on the next use).
   */
  async read<T extends S = S>(key: string): Promise<T | undefined> {
    await this.#claim();
    const text = (await this.#load()).get(key);
    return text === undefined ? undefined : JSON.parse(text) as T;
  }

  /**
   * Stores a session; resolves when the file holds it.
   *
   * @param key The key.
   * @param value A JSON value.
   * @throws {TypeError} When the value cannot be written as JSON.
   */
  async write<T extends S = S>(key: string, value: T): Promise<void> {
    const text = sessionJson(key, value);
    await this.#claim();
    const texts = await this.#load();
    if (texts.get(key) === text && !this.#behind) return;
    texts.set(key, text);
    await this.#flush();
  }

  /**
   * Deletes a session; resolves when the file no longer holds it.
   *
   * @param key The key.
   */
  async delete(key: string): Promise<void> {
    await this.#claim();
    if ((await this.#load()).delete(key)) await this.#flush();
  }

  /**
   * Lets the file go: waits for the writes in flight and removes the lock
   * file (`<file>.lock`, which keeps a second process off the file; it goes
   * with the process too). The storage can be used again afterwards.
   *
   * @returns When released.
   */
  async close(): Promise<void> {
    const lock = this.#lock;
    if (!lock) return;
    await this.#last?.catch(() => {});
    this.#lock = undefined;
    this.#texts = undefined; // another process may change the file meanwhile
    await (await lock.catch(() => async () => {}))();
  }

  /** Takes the file's lock on first use; throws when another process holds it. */
  async #claim(): Promise<void> {
    const lock = this.#lock ??= filePath(this.#path).then(lockSessionFile);
    try {
      await lock;
    } catch (error) {
      if (this.#lock === lock) this.#lock = undefined; // the next use tries again
      throw error;
    }
  }

  #load(): Promise<Map<string, string>> {
    if (this.#texts) return this.#texts;
    const loading = (async () => {
      const path = await filePath(this.#path);
      // Temporary files of a write that crashed (kill -9) are left behind: remove them.
      await removeStaleTemps(path, STALE_TEMP_MS);
      const raw = await readTextFile(path);
      const text = raw?.startsWith("\uFEFF") ? raw.slice(1) : raw; // a UTF-8 BOM
      const texts = new Map<string, string>();
      if (text === undefined || text.trim() === "") return texts;
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (error) {
        throw new SyntaxError(`Cannot read sessions from "${path}": ${(error as Error).message}`);
      }
      if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new SyntaxError(`Cannot read sessions from "${path}": expected a JSON object`);
      }
      for (const [key, value] of Object.entries(data)) texts.set(key, JSON.stringify(value));
      return texts;
    })();
    // A failed load is not kept: the next use reads the file again (it may be fixed by then).
    loading.catch(() => {
      if (this.#texts === loading) this.#texts = undefined;
    });
    return this.#texts = loading;
  }

  #flush(): Promise<void> {
    if (this.#next) return this.#next;
    const run = async (): Promise<void> => {
      this.#next = undefined;
      const texts = await this.#load();
      const body = [...texts].map(([k, v]) => `  ${JSON.stringify(k)}: ${v}`).join(",\n");
      const path = await filePath(this.#path);
      try {
        await ensureDir(dirName(path));
        await writeFileAtomic(path, texts.size === 0 ? "{}\n" : `{\n${body}\n}\n`, 0o600);
        this.#behind = false;
      } catch (error) {
        this.#behind = true;
        throw error;
      }
    };
    const p = (this.#last ?? Promise.resolve()).then(run, run);
    this.#next = this.#last = p;
    return p;
  }
}
