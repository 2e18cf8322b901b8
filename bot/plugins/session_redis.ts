/**
 * Sessions in Redis, through the `ioredis` npm client (in Deno and Node),
 * shared by every process that uses the same server.
 *
 * @module
 */

import { sessionJson } from "./session.ts";

/**
 * The part of an `ioredis` client the storage uses (an `ioredis` `Redis`
 * fits; another client with these methods does too).
 */
export interface RedisClientLike {
  /** `GET key`. */
  get(key: string): Promise<string | null>;
  /** `DEL key`. */
  del(key: string): Promise<number>;
  /** `EVAL script numKeys ...keysAndArgs`. */
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** Closes the connection. */
  quit(): Promise<unknown>;
}

/** Options of {@linkcode RedisSessionStorage}: `url` or `client`, and `prefix`, `ttlMs`. */
export interface RedisSessionStorageOptions {
  /** A server to connect to (`redis://127.0.0.1:6379`), with `ioredis` (installed by you). */
  readonly url?: string;
  /** A client already made (`new Redis(...)` of `ioredis`), left open by `close()`. */
  readonly client?: RedisClientLike;
  /** Put before every session key. Default `"talkomatic:session:"`. */
  readonly prefix?: string;
  /** Sessions unchanged this long expire. Default: never. */
  readonly ttlMs?: number;
}

/** How many times `update()` retries when another process changed the session meanwhile. */
const MAX_ATTEMPTS = 100;

/** Sets (or deletes) KEYS[1] to ARGV[3] only when it still holds ARGV[2] (ARGV[1] = "1": missing). */
const COMPARE_AND_SET = `
local current = redis.call("GET", KEYS[1])
if ARGV[1] == "1" then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[4] == "1" then
  redis.call("DEL", KEYS[1])
elseif ARGV[5] ~= "" then
  redis.call("SET", KEYS[1], ARGV[3], "PX", ARGV[5])
else
  redis.call("SET", KEYS[1], ARGV[3])
end
return 1
`;

/** Sets KEYS[1] to ARGV[1], with an expiry of ARGV[2] ms when not empty. */
const SET = `
if ARGV[2] ~= "" then
  redis.call("SET", KEYS[1], ARGV[1], "PX", ARGV[2])
else
  redis.call("SET", KEYS[1], ARGV[1])
end
return 1
`;

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/**
 * Keeps sessions in Redis as JSON texts, so several bot processes (and
 * machines) share them. `update()` is atomic across processes (a
 * compare-and-set script, retried). With `{ url }` the storage connects
 * through the `ioredis` npm package, which you install (`npm install
 * ioredis`; in Deno, `"ioredis": "npm:ioredis@^5"` in your imports).
 *
 * @example
 * ```ts
 * import { Bot, RedisSessionStorage, session } from "@talkomatic/talkomatic/bot";
 *
 * const storage = new RedisSessionStorage({ url: "redis://127.0.0.1:6379", prefix: "quiz:" });
 * const bot = new Bot({ username: "Counter" })
 *   .use(session({ initial: () => ({ count: 0 }), storage }));
 * ```
 */
export class RedisSessionStorage<S = unknown> {
  readonly #prefix: string;
  readonly #ttl: string;
  readonly #url: string | undefined;
  #client: Promise<RedisClientLike> | undefined;

  /**
   * Uses a Redis server (`url`) or a client (`client`).
   *
   * @param options `url` or `client`, and optionally `prefix` and `ttlMs`.
   * @throws {TypeError} For both or neither of `url` and `client`, or a wrong one.
   * @throws {RangeError} When `ttlMs` is not a positive number.
   */
  constructor(options: RedisSessionStorageOptions) {
    if (options === null || typeof options !== "object") {
      throw new TypeError(
        `Cannot create RedisSessionStorage: expected { url } or { client }, got ${
          typeName(options)
        }`,
      );
    }
    const { url, client, prefix = "talkomatic:session:", ttlMs } = options;
    if ((url === undefined) === (client === undefined)) {
      throw new TypeError("Cannot create RedisSessionStorage: give url or client (one of them)");
    }
    if (url !== undefined && (typeof url !== "string" || !/^rediss?:\/\//.test(url))) {
      throw new TypeError(
        `Cannot create RedisSessionStorage: url must start with redis:// or rediss://, got ${
          typeof url === "string" ? JSON.stringify(url) : typeName(url)
        }`,
      );
    }
    if (client !== undefined && (client === null || typeof client.eval !== "function")) {
      throw new TypeError("Cannot create RedisSessionStorage: client must be an ioredis client");
    }
    if (typeof prefix !== "string") {
      throw new TypeError(
        `Cannot create RedisSessionStorage: prefix must be a string, got ${typeName(prefix)}`,
      );
    }
    if (
      ttlMs !== undefined && (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0)
    ) {
      throw new RangeError(
        `Cannot create RedisSessionStorage: ttlMs must be a positive number of milliseconds, got ${
          String(ttlMs)
        }`,
      );
    }
    this.#prefix = prefix;
    this.#ttl = ttlMs === undefined ? "" : String(Math.ceil(ttlMs));
    this.#url = url;
    if (client) this.#client = Promise.resolve(client);
  }

  #open(): Promise<RedisClientLike> {
    const client = this.#client ??= (async () => {
      let mod: { default?: unknown; Redis?: unknown };
      try {
        mod = await import("ioredis");
      } catch (error) {
        throw new TypeError(
          `Cannot connect to Redis: the ioredis package is missing (npm install ioredis): ${
            (error as Error).message
          }`,
        );
      }
      const Redis = (mod.Redis ?? mod.default) as new (url: string) => RedisClientLike;
      return new Redis(this.#url!);
    })();
    client.catch(() => this.#client === client && (this.#client = undefined));
    return client;
  }

  /**
   * The session of `key`, parsed from JSON.
   *
   * @param key The key.
   * @returns The value, or `undefined`.
   */
  async read<T extends S = S>(key: string): Promise<T | undefined> {
    const text = await (await this.#open()).get(this.#prefix + key);
    return text === null ? undefined : JSON.parse(text) as T;
  }

  /**
   * Stores a session as JSON.
   *
   * @param key The key.
   * @param value A JSON value.
   * @throws {TypeError} When the value cannot be written as JSON.
   */
  async write<T extends S = S>(key: string, value: T): Promise<void> {
    const text = sessionJson(key, value);
    await (await this.#open()).eval(SET, 1, this.#prefix + key, text, this.#ttl);
  }

  /**
   * Deletes a session.
   *
   * @param key The key.
   */
  async delete(key: string): Promise<void> {
    await (await this.#open()).del(this.#prefix + key);
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
    const client = await this.#open();
    const k = this.#prefix + key;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const text = await client.get(k);
      const next = await fn(text === null ? undefined : JSON.parse(text) as T);
      const nextText = next === undefined ? "" : sessionJson(key, next);
      const done = await client.eval(
        COMPARE_AND_SET,
        1,
        k,
        text === null ? "1" : "0",
        text ?? "",
        nextText,
        next === undefined ? "1" : "0",
        this.#ttl,
      );
      if (Number(done) === 1) return next === undefined ? undefined : JSON.parse(nextText) as T;
    }
    throw new Error(`Cannot update session "${key}": it kept changing (${MAX_ATTEMPTS} attempts)`);
  }

  /**
   * Closes the connection when the storage made it (`url`); a `client` given is left open.
   *
   * @returns When closed.
   */
  async close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (!client || this.#url === undefined) return;
    const opened = await client.catch(() => undefined);
    await opened?.quit();
  }
}
