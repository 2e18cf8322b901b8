/**
 * Hands out the bot token for one server: an explicit token when one was
 * given (option or `TALKOMATIC_TOKEN`), else a cached one, else a fresh one
 * requested from the server. Concurrent callers share a single request, so
 * many calls cost one token (a server gives an IP at most 3, docs/protocol.md §12.5).
 *
 * @example
 * ```ts
 * import { TokenProvider } from "./_token_provider.ts";
 * import { MemoryTokenStore } from "./token_store.ts";
 *
 * const tokens = new TokenProvider({
 *   server: "http://127.0.0.1:3000",
 *   store: new MemoryTokenStore(),
 *   request: () => Promise.resolve({ token: "tk_03", expiresAt: Date.now() + 60_000 }),
 * });
 * const token: string = await tokens.get();
 * ```
 *
 * @module
 */
import { ApiError } from "./errors.ts";
import { SharedRequest } from "./_shared.ts";
import type { StoredToken, TokenStore } from "./token_store.ts";

/** Options of {@linkcode TokenProvider}. */
export interface TokenProviderOptions {
  /** The key the token is cached under (the server's base URL). */
  readonly server: string;
  /** Where tokens are cached. */
  readonly store: TokenStore;
  /** A token to use first; replaced (once, like any token) when the server rejects it. */
  readonly token?: string;
  /** Requests a new token from the server; `signal` aborts when every waiter gave up. */
  readonly request: (signal: AbortSignal) => Promise<StoredToken>;
  /** The clock, in milliseconds since the epoch; defaults to `Date.now`. */
  readonly now?: () => number;
  /** A cached token expiring within this many milliseconds is replaced; defaults to 60 000. */
  readonly expiryMargin?: number;
  /** Told when the given token was refused and replaced (a new one spends one of the IP's tokens). */
  readonly warn?: (message: string) => void;
}

/**
 * Provides the bot token for one server, requesting and caching it as needed.
 */
export class TokenProvider {
  /**
   * The key the token is cached under.
   */
  readonly server: string;
  #store: TokenStore;
  #given: string | undefined;
  #request: (signal: AbortSignal) => Promise<StoredToken>;
  #now: () => number;
  #margin: number;
  #current: StoredToken | undefined;
  /** The request in flight, shared by concurrent callers. */
  readonly #shared = new SharedRequest<StoredToken>();
  #warn: ((message: string) => void) | undefined;
  /** The given token was refused: the next one obtained is told to `warn`. */
  #givenRefused = false;

  /**
   * Creates a provider.
   *
   * @param options The server key, store, explicit token and request function.
   */
  constructor(options: TokenProviderOptions) {
    this.server = options.server;
    this.#store = options.store;
    this.#given = options.token;
    this.#request = options.request;
    this.#now = options.now ?? Date.now;
    this.#margin = options.expiryMargin ?? 60_000;
    this.#warn = options.warn;
  }

  /**
   * Whether an explicit token is (still) in use.
   */
  get fixed(): boolean {
    return this.#given !== undefined;
  }

  /**
   * Returns a usable token: the explicit one, the cached one while it has not
   * expired, or a new one from the server.
   *
   * @param signal Aborts waiting for the token.
   * @returns The token.
   */
  async get(signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw signal.reason;
    if (this.#given !== undefined) return this.#given;
    if (this.#current !== undefined && this.#fresh(this.#current)) return this.#current.token;
    return (await this.#shared.get((shared) => this.#obtain(shared), signal)).token;
  }

  /**
   * Forgets `token` after the server rejected it, so the next
   * {@linkcode TokenProvider.get} requests a new one.
   *
   * @param token The rejected token.
   * @returns Whether a replacement can be requested (always true: a rejected
   * explicit token, e.g. one from `TALKOMATIC_TOKEN` that died with a server
   * restart, gives way to requested ones).
   */
  async invalidate(token: string): Promise<boolean> {
    if (this.#given === token) {
      this.#given = undefined;
      this.#givenRefused = true;
      return true;
    }
    if (this.#current?.token === token) this.#current = undefined;
    const stored = await this.#store.get(this.server);
    if (stored?.token === token) await this.#store.delete(this.server);
    return true;
  }

  #fresh(token: StoredToken): boolean {
    return token.expiresAt - this.#now() > this.#margin;
  }

  async #obtain(signal: AbortSignal): Promise<StoredToken> {
    const token = await this.#obtainToken(signal);
    if (this.#givenRefused) {
      this.#givenRefused = false;
      this.#warn?.(
        token.requested
          ? "The given bot token (token option or TALKOMATIC_TOKEN) was refused; a new token was requested, which spends one of the 3 tokens the server gives an IP"
          : "The given bot token (token option or TALKOMATIC_TOKEN) was refused; using a cached token instead",
      );
    }
    return token.token;
  }

  async #obtainToken(signal: AbortSignal): Promise<{ token: StoredToken; requested: boolean }> {
    const cached = await this.#cached();
    if (cached) return { token: cached, requested: false };
    // Processes sharing the store take turns: the first asks the server, the others find its token.
    const store = this.#store;
    const obtain = async (): Promise<{ token: StoredToken; requested: boolean }> => {
      const again = await this.#cached();
      if (again) return { token: again, requested: false };
      let token: StoredToken;
      try {
        token = await this.#request(signal);
      } catch (error) {
        const other = await this.#cached(); // another process may have got one meanwhile
        if (other) return { token: other, requested: false };
        throw explainRefusal(error, this.server);
      }
      await store.set(this.server, token);
      this.#current = token;
      return { token, requested: true };
    };
    return store.lock ? await store.lock(obtain) : await obtain();
  }

  async #cached(): Promise<StoredToken | undefined> {
    const stored = await this.#store.get(this.server);
    if (stored === undefined || !this.#fresh(stored)) return undefined;
    this.#current = stored;
    return stored;
  }
}

/** A refused token request, with what to do about it in the message. */
function explainRefusal(error: unknown, server: string): unknown {
  if (!(error instanceof ApiError) || error.status !== 429) return error;
  const wait = error.retryAfterMs === undefined
    ? "up to an hour"
    : `${Math.max(1, Math.ceil(error.retryAfterMs / 60_000))} minutes`;
  const why = error.code === "TOKEN_LIMIT_EXCEEDED"
    ? "this IP already holds the 3 tokens the server gives out (they live 30 days)"
    : "this IP asked for too many tokens (the server allows 3 requests per hour)";
  return new ApiError(
    `Cannot get a bot token from ${server}: ${why}. ` +
      `Set TALKOMATIC_TOKEN to a token you already have, or wait ${wait}`,
    error,
    { cause: error },
  );
}
