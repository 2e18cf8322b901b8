/**
 * Where bot tokens are cached between calls and between runs, keyed by server
 * URL. A server hands out at most 3 tokens per IP (docs/protocol.md §12.5), so the
 * default {@linkcode FileTokenStore} keeps them in the user's cache directory
 * (file mode 0600, directory 0700); {@linkcode MemoryTokenStore} keeps them for
 * the life of the process.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from "./token_store.ts";
 *
 * const store = new MemoryTokenStore();
 * await store.set("http://127.0.0.1:3000", { token: "tk_00", expiresAt: Date.now() + 60_000 });
 * const cached = await store.get("http://127.0.0.1:3000");
 * ```
 *
 * @module
 */
import {
  createExclusive,
  dirName,
  ensurePrivateDir,
  fileAgeMs,
  fileMode,
  getEnv,
  hasPosixModes,
  type OsFamily,
  osFamily,
  readTextFile,
  removeFile,
  writeFileAtomic,
} from "./_platform.ts";
import { redactTokens } from "./errors.ts";
import { consoleLogger, type Logger } from "./logger.ts";

/** A cached bot token. */
export interface StoredToken {
  /** The token, `tk_` + 64 hex digits. */
  readonly token: string;
  /** When the server stops accepting it, in milliseconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * A place to keep one bot token per server. Keys are server origins such as
 * `https://classic.talkomatic.co`.
 */
export interface TokenStore {
  /** The token cached for `server`, if any (expired ones included). */
  get(server: string): Promise<StoredToken | undefined>;
  /** Caches `token` for `server`, replacing any previous one. */
  set(server: string, token: StoredToken): Promise<void>;
  /** Forgets the token cached for `server`. */
  delete(server: string): Promise<void>;
  /**
   * Runs `task` while no other process holds the lock of this store (stores
   * shared between processes implement it, so that only one of them asks the
   * server for a token).
   */
  lock?<T>(task: () => Promise<T>): Promise<T>;
}

/**
 * Keeps tokens in memory for the life of the process.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from "./token_store.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const store = new MemoryTokenStore();
 * await store.set("http://localhost:3000", { token: "tk_01", expiresAt: 1 });
 * assertEquals((await store.get("http://localhost:3000"))?.token, "tk_01");
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  #tokens = new Map<string, StoredToken>();

  /**
   * Returns the token cached for `server`.
   *
   * @param server The server's base URL.
   * @returns The token, expired or not, or `undefined`.
   * @example
   * ```ts
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const store = new MemoryTokenStore();
   * assertEquals(await store.get("http://127.0.0.1:3000"), undefined);
   * await store.set("http://127.0.0.1:3000", { token: "tk_01", expiresAt: Date.now() + 60_000 });
   * assertEquals((await store.get("http://127.0.0.1:3000"))?.token, "tk_01");
   * ```
   */
  get(server: string): Promise<StoredToken | undefined> {
    return Promise.resolve(this.#tokens.get(server));
  }

  /**
   * Caches `token` for `server`.
   *
   * @param server The server's base URL.
   * @param token The token and its expiry (ms since the epoch).
   * @returns When stored.
   * @example
   * ```ts
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const store = new MemoryTokenStore();
   * await store.set("http://127.0.0.1:3000", { token: "tk_old", expiresAt: 1 });
   * await store.set("http://127.0.0.1:3000", { token: "tk_new", expiresAt: 2 }); // replaces it
   * assertEquals(await store.get("http://127.0.0.1:3000"), { token: "tk_new", expiresAt: 2 });
   * ```
   */
  set(server: string, token: StoredToken): Promise<void> {
    this.#tokens.set(server, { token: token.token, expiresAt: token.expiresAt });
    return Promise.resolve();
  }

  /**
   * Forgets the token cached for `server`.
   *
   * @param server The server's base URL.
   * @returns When forgotten.
   * @example
   * ```ts
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const store = new MemoryTokenStore();
   * await store.set("http://127.0.0.1:3000", { token: "tk_01", expiresAt: Date.now() + 60_000 });
   * await store.delete("http://127.0.0.1:3000");
   * assertEquals(await store.get("http://127.0.0.1:3000"), undefined);
   * ```
   */
  delete(server: string): Promise<void> {
    this.#tokens.delete(server);
    return Promise.resolve();
  }
}

/** Where the default token file lives on a given system. */
export interface TokenPathEnvironment {
  /** The operating system family; defaults to the current one. */
  readonly os?: OsFamily;
  /** Reads an environment variable; defaults to the real environment. */
  readonly env?: (name: string) => string | undefined;
}

/**
 * The default token file: `talkomatic/tokens.json` inside the user's cache
 * directory (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on
 * macOS, `%LOCALAPPDATA%` on Windows), or `undefined` when no cache directory
 * can be determined (for example without permission to read the environment).
 *
 * @param environment Overrides for the operating system and environment lookup.
 * @returns The path, or `undefined`.
 *
 * @example
 * ```ts
 * import { defaultTokenFilePath } from "./token_store.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const env = (name: string) => ({ HOME: "/home/ada" } as Record<string, string>)[name];
 * assertEquals(defaultTokenFilePath({ os: "linux", env }), "/home/ada/.cache/talkomatic/tokens.json");
 * ```
 */
export function defaultTokenFilePath(environment: TokenPathEnvironment = {}): string | undefined {
  const os = environment.os ?? osFamily();
  const env = environment.env ?? getEnv;
  const read = (name: string): string | undefined => {
    const value = env(name);
    return value === "" ? undefined : value;
  };
  const sep = os === "windows" ? "\\" : "/";
  const join = (...parts: string[]): string =>
    parts.map((p, i) => (i === 0 ? p.replace(/[\\/]+$/, "") : p)).join(sep);
  let base: string | undefined;
  if (os === "windows") {
    base = read("LOCALAPPDATA");
  } else if (os === "darwin") {
    const home = read("HOME");
    base = home === undefined ? undefined : join(home, "Library", "Caches");
  } else {
    const home = read("HOME");
    base = read("XDG_CACHE_HOME") ?? (home === undefined ? undefined : join(home, ".cache"));
  }
  return base === undefined ? undefined : join(base, "talkomatic", "tokens.json");
}

/** Options of {@linkcode FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** The file to use; defaults to `talkomatic/tokens.json` in the user's cache directory. */
  readonly path?: string;
  /** Receives warnings (replaced files, unusable file system); defaults to `console.warn`. */
  readonly logger?: Logger;
}

interface TokenFile {
  version: 1;
  tokens: Record<string, StoredToken>;
}

const FILE_MODE = 0o600;
/** A lock file older than this was left behind by a process that died. */
const LOCK_STALE_MS = 30_000;
/** How long to wait for another process's lock before going on without it. */
const LOCK_WAIT_MS = 40_000;
const DIR_MODE = 0o700;

function isStoredToken(value: unknown): value is StoredToken {
  if (typeof value !== "object" || value === null) return false;
  const { token, expiresAt } = value as Record<string, unknown>;
  return typeof token === "string" && token.length > 0 && typeof expiresAt === "number" &&
    Number.isFinite(expiresAt);
}

function parseTokenFile(text: string): TokenFile | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const { version, tokens } = data as Record<string, unknown>;
  if (version !== 1 || typeof tokens !== "object" || tokens === null || Array.isArray(tokens)) {
    return undefined;
  }
  const entries = Object.entries(tokens);
  if (!entries.every(([, token]) => isStoredToken(token))) return undefined;
  return { version: 1, tokens: Object.fromEntries(entries) as Record<string, StoredToken> };
}

function describe(error: unknown): string {
  if (error instanceof Error) return redactTokens(`${error.name}: ${error.message}`);
  return redactTokens(String(error));
}

/**
 * Keeps tokens in a JSON file, by default `talkomatic/tokens.json` in the
 * user's cache directory (`$XDG_CACHE_HOME` or `~/.cache`, `~/Library/Caches`,
 * `%LOCALAPPDATA%`). The file is written atomically with mode 0600 in a
 * directory created with mode 0700. A file with looser permissions or
 * unreadable content is replaced (with a warning), never used. When the file
 * system cannot be used (no permission, no cache directory), the store warns
 * once and keeps tokens in memory instead.
 *
 * @example Keep the token next to the bot
 * ```ts
 * import { FileTokenStore, TalkomaticApi } from "@talkomatic/talkomatic/api";
 *
 * const api = new TalkomaticApi({ tokenStore: new FileTokenStore({ path: "./.tokens.json" }) });
 * ```
 */
export class FileTokenStore implements TokenStore {
  /**
   * The token file, or `undefined` when no cache directory could be determined.
   *
   * @example
   * ```ts
   * import { FileTokenStore } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const store = new FileTokenStore({ path: "/tmp/talkomatic-example/tokens.json" }); // nothing written yet
   * assertEquals(store.path, "/tmp/talkomatic-example/tokens.json");
   * ```
   */
  readonly path: string | undefined;
  #logger: Logger;
  #ownDir: boolean;
  #memory: MemoryTokenStore | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Creates a file store.
   *
   * @param options The file path and logger.
   */
  constructor(options?: FileTokenStoreOptions) {
    options ??= {};
    this.path = options.path ?? defaultTokenFilePath();
    this.#ownDir = options.path === undefined;
    const logger = options.logger ?? consoleLogger;
    this.#logger = { warn: (message) => logger.warn(redactTokens(message)) };
  }

  /**
   * Returns the token cached for `server`.
   *
   * @param server The server's base URL.
   * @returns The token, expired or not, or `undefined`.
   * @example
   * ```ts
   * import { FileTokenStore } from "@talkomatic/talkomatic/api";
   *
   * const store = new FileTokenStore(); // the file in the user's cache directory
   * async function hasFreshToken(): Promise<boolean> {
   *   const cached = await store.get("https://classic.talkomatic.co");
   *   return cached !== undefined && cached.expiresAt > Date.now();
   * }
   * ```
   */
  get(server: string): Promise<StoredToken | undefined> {
    return this.#exclusive(async () => {
      if (this.#memory) return this.#memory.get(server);
      const file = await this.#load();
      const memory = this.#memory as MemoryTokenStore | undefined;
      return memory ? memory.get(server) : file.tokens[server];
    });
  }

  /**
   * Caches `token` for `server` and writes the file.
   *
   * @param server The server's base URL.
   * @param token The token and its expiry (ms since the epoch).
   * @returns When the file is written.
   * @example
   * ```ts
   * import { FileTokenStore } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const dir = await Deno.makeTempDir();
   * const store = new FileTokenStore({ path: `${dir}/tokens.json` });
   * await store.set("http://127.0.0.1:3000", { token: "tk_01", expiresAt: 2e12 });
   * assertEquals((await Deno.stat(`${dir}/tokens.json`)).mode! & 0o777, 0o600); // owner only
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  set(server: string, token: StoredToken): Promise<void> {
    return this.#exclusive(async () => {
      const file = this.#memory ? undefined : await this.#load();
      const memory = this.#memory as MemoryTokenStore | undefined;
      if (file === undefined || memory) return (memory as MemoryTokenStore).set(server, token);
      file.tokens[server] = { token: token.token, expiresAt: token.expiresAt };
      await this.#save(file);
    });
  }

  /**
   * Forgets the token cached for `server` and writes the file.
   *
   * @param server The server's base URL.
   * @returns When the file is written.
   * @example
   * ```ts
   * import type { FileTokenStore } from "@talkomatic/talkomatic/api";
   *
   * async function forgetPublicToken(store: FileTokenStore): Promise<void> {
   *   await store.delete("https://classic.talkomatic.co"); // the next run requests a new one
   * }
   * ```
   */
  delete(server: string): Promise<void> {
    return this.#exclusive(async () => {
      const file = this.#memory ? undefined : await this.#load();
      const memory = this.#memory as MemoryTokenStore | undefined;
      if (file === undefined || memory) return (memory as MemoryTokenStore).delete(server);
      if (!(server in file.tokens)) return;
      delete file.tokens[server];
      await this.#save(file);
    });
  }

  /**
   * Runs `task` holding a lock file next to the token file (`tokens.json.lock`),
   * so that processes sharing the file ask the server for one token, not one
   * each. A lock older than 30 s is taken as left behind by a dead process.
   *
   * @param task The work to do under the lock.
   * @returns What `task` returns.
   * @example
   * ```ts
   * import { FileTokenStore } from "./token_store.ts";
   *
   * const store = new FileTokenStore({ path: await Deno.makeTempFile() });
   * await store.lock(async () => await store.get("http://127.0.0.1:3000"));
   * ```
   */
  async lock<T>(task: () => Promise<T>): Promise<T> {
    const path = this.path === undefined ? undefined : `${this.path}.lock`;
    let held = false;
    if (path !== undefined && !this.#memory) {
      try {
        const dir = dirName(path);
        if ((await fileMode(dir)) === undefined) await ensurePrivateDir(dir, DIR_MODE);
        for (let waited = 0; !(held = await createExclusive(path, `${Date.now()}`)); waited += 50) {
          const age = await fileAgeMs(path);
          if (age !== undefined && age > LOCK_STALE_MS) await removeFile(path);
          else if (waited > LOCK_WAIT_MS) break; // give up waiting, go on unlocked
          else await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } catch (error) {
        this.#logger.warn(`Cannot lock token file "${path}" (${describe(error)})`);
      }
    }
    try {
      return await task();
    } finally {
      if (held) await removeFile(path!).catch(() => {});
    }
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => {});
    return run;
  }

  #fallBack(reason: string): void {
    if (this.#memory) return;
    this.#memory = new MemoryTokenStore();
    this.#logger.warn(`Keeping bot tokens in memory only: ${reason}`);
  }

  async #load(): Promise<TokenFile> {
    const empty: TokenFile = { version: 1, tokens: {} };
    const path = this.path;
    if (path === undefined) {
      this.#fallBack("no cache directory could be determined");
      return empty;
    }
    try {
      const mode = await fileMode(path);
      if (mode === undefined) return empty;
      if (hasPosixModes() && mode !== FILE_MODE) {
        this.#logger.warn(
          `Replacing token file "${path}": its permissions are 0${mode.toString(8)}, expected 0600`,
        );
        await this.#save(empty);
        return empty;
      }
      const text = await readTextFile(path);
      const file = text === undefined ? empty : parseTokenFile(text);
      if (file === undefined) {
        this.#logger.warn(`Replacing token file "${path}": its content is not a token cache`);
        await this.#save(empty);
        return empty;
      }
      return file;
    } catch (error) {
      this.#fallBack(`cannot use token file "${path}" (${describe(error)})`);
      return empty;
    }
  }

  async #save(file: TokenFile): Promise<void> {
    const path = this.path as string;
    try {
      const dir = dirName(path);
      if (this.#ownDir) await ensurePrivateDir(dir, DIR_MODE);
      else if ((await fileMode(dir)) === undefined) await ensurePrivateDir(dir, DIR_MODE);
      await writeFileAtomic(path, JSON.stringify(file, null, 2) + "\n", FILE_MODE);
    } catch (error) {
      this.#fallBack(`cannot write token file "${path}" (${describe(error)})`);
      for (const [server, token] of Object.entries(file.tokens)) {
        await (this.#memory as MemoryTokenStore | undefined)?.set(server, token);
      }
    }
  }
}
