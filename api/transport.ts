/**
 * The HTTP layer under every REST operation: builds the request, applies the
 * authentication layers the operation needs (docs/protocol.md §11.1), keeps the
 * `connect.sid` session cookie, enforces timeouts and aborts, validates the
 * success body and turns everything else into typed errors.
 *
 * The generated functions in `_operations.gen.ts` describe each operation as
 * an {@linkcode OperationSpec} and hand it to a {@linkcode Transport}.
 *
 * @example
 * ```ts
 * import { HttpTransport, MemoryTokenStore } from "./mod.ts";
 *
 * const transport = new HttpTransport({
 *   baseUrl: "http://127.0.0.1:3000",
 *   tokenStore: new MemoryTokenStore(),
 * });
 * ```
 *
 * @module
 */
import type { CallOptions, OperationSpec } from "./_spec.ts";
import { getEnv, nodeGet } from "./_platform.ts";
import { requestBotToken } from "./_operations.gen.ts";
import { toApiError } from "./_error_body.ts";
import {
  checkMaxBytes,
  DEFAULT_MAX_RESPONSE_BYTES,
  isRedirect,
  readLimited,
  redirected,
} from "./_body.ts";
import { ApiError, PayloadValidationError, TransportError } from "./errors.ts";
import { consoleLogger, type Logger } from "./logger.ts";
import { SharedRequest } from "./_shared.ts";
import { TokenProvider } from "./_token_provider.ts";
import { FileTokenStore, type StoredToken, type TokenStore } from "./token_store.ts";
import { validateSoon } from "../schemas/validate.ts";
import { anyValue } from "../schemas/lazy.ts";
import { PUBLIC_API_KEY } from "../schemas/protocol.gen.ts";

export type { AuthLayer, CallOptions, OperationSpec, Transport } from "./_spec.ts";

/** The `fetch` signature the transport needs. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The public server. */
const DEFAULT_BASE_URL = "https://classic.talkomatic.co";
/** The server's default (public) `x-api-key` value (docs/protocol.md §11.1). */
export const DEFAULT_API_KEY: string = PUBLIC_API_KEY;
/** The default timeout of one HTTP request, in milliseconds. */
const DEFAULT_TIMEOUT = 10_000;
/** The name of the server's session cookie. */
const SESSION_COOKIE_NAME = "connect.sid";
/** The `User-Agent` sent; it matches none of the server's browser patterns (docs/protocol.md §1.3). */
const USER_AGENT = "talkomatic-sdk/0.1";

/** Options of {@linkcode HttpTransport}. */
export interface HttpTransportOptions {
  /** The server; defaults to `$TALKOMATIC_URL`, else `https://classic.talkomatic.co`. */
  readonly baseUrl?: string;
  /** The `fetch` to use; defaults to the global one. */
  readonly fetch?: FetchLike;
  /** Default milliseconds per HTTP request; defaults to 10 000. */
  readonly timeoutMs?: number;
  /** The `x-api-key` value; defaults to the public server's (docs/protocol.md §11.1). */
  readonly apiKey?: string;
  /** A bot token to use as is; defaults to `$TALKOMATIC_TOKEN`, else one is requested. */
  readonly token?: string;
  /** Where requested tokens are cached; defaults to a {@linkcode FileTokenStore}. */
  readonly tokenStore?: TokenStore;
  /** Receives warnings; defaults to `console.warn`. */
  readonly logger?: Logger;
  /** A session cookie to start with (`connect.sid=…` or just its value). */
  readonly sessionCookie?: string;
  /**
   * The most bytes one answer's body may have; a larger one is not read and
   * fails with a `TransportError` of kind `tooLarge`. Default 1 MiB.
   */
  readonly maxResponseBytes?: number;
}

const TOKEN_REJECTED = new Set(["INVALID_BOT_TOKEN", "BOT_TOKEN_REQUIRED"]);

/**
 * Resolves the server base URL: the given one, else `$TALKOMATIC_URL`, else
 * {@linkcode DEFAULT_BASE_URL}; without trailing slashes.
 *
 * @param baseUrl An explicit base URL.
 * @returns The normalised base URL.
 * @throws {TypeError} When the URL is not an absolute http(s) URL.
 */
export function resolveBaseUrl(baseUrl?: string): string {
  const raw = baseUrl ?? getEnv("TALKOMATIC_URL") ?? DEFAULT_BASE_URL;
  if (typeof raw !== "string" || !/^https?:\/\//i.test(raw)) {
    throw new TypeError(
      `Cannot use server URL "${raw}": it must start with http:// or https://`,
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new TypeError(`Cannot use server URL "${raw}": not an absolute URL`, { cause });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Cannot use server URL "${raw}": only http and https are supported`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function checkTimeout(timeout: number): number {
  if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout <= 0) {
    throw new RangeError(`Cannot use timeoutMs "${timeout}": must be a positive number of ms`);
  }
  return timeout;
}

function cookieValue(cookie: string): string {
  const prefix = `${SESSION_COOKIE_NAME}=`;
  return cookie.startsWith(prefix) ? cookie.slice(prefix.length) : cookie;
}

function setCookies(headers: Headers): string[] {
  const withGetter = headers as Headers & { getSetCookie?: () => string[] };
  if (typeof withGetter.getSetCookie === "function") return withGetter.getSetCookie();
  const joined = headers.get("set-cookie");
  return joined === null ? [] : [joined];
}

/** The request that gets a session cookie: the emoji list, the cheapest page that sets one. */
const COOKIE_SPEC: OperationSpec<unknown> = {
  id: "getEmojiList",
  method: "GET",
  path: "/js/emojiList.json",
  auth: "none",
  success: { 200: anyValue },
};

/**
 * The HTTP layer under {@linkcode TalkomaticApi}: one per server, holding the
 * bot token and the session cookie. Share one between clients with the
 * `transport` option of `TalkomaticApi`.
 *
 * - Endpoints behind the token layer get `Authorization: Bearer` with the bot
 *   token (explicit, cached or requested); the room routes also `x-api-key`.
 * - When the server rejects a requested token (401 `INVALID_BOT_TOKEN` or
 *   `BOT_TOKEN_REQUIRED`, e.g. after a server restart), the token is dropped, a
 *   new one is requested and the call is retried once. An explicit token
 *   (option or `TALKOMATIC_TOKEN`) is replaced the same way: tokens die with a
 *   server restart.
 * - The `connect.sid` cookie from any response is kept and sent back; the bot
 *   sends the same cookie on its socket handshake
 *   ({@linkcode HttpTransport.sessionCookie}).
 * - Only `Accept`, `User-Agent`, `Content-Type` and the auth headers are set,
 *   none browser-like, so the server treats the client as a bot.
 * - Redirects are never followed: a 3xx is a `TransportError` of kind
 *   `redirect` naming its target, so no credential reaches another origin.
 * - A body is read as it streams, up to `maxResponseBytes` (1 MiB).
 *
 * @example Two clients, one token and one session
 * ```ts
 * import { HttpTransport, TalkomaticApi } from "@talkomatic/talkomatic/api";
 *
 * const transport = new HttpTransport({ baseUrl: "http://127.0.0.1:3000" });
 * const rooms = new TalkomaticApi({ transport });
 * const admin = new TalkomaticApi({ transport });
 * ```
 */
export class HttpTransport {
  /**
   * The normalised server base URL.
   *
   * @example
   * ```ts
   * import { HttpTransport } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new HttpTransport({ baseUrl: "http://127.0.0.1:3000/" }).baseUrl, "http://127.0.0.1:3000");
   * ```
   */
  readonly baseUrl: string;
  /**
   * The default timeout of one HTTP request, in milliseconds.
   *
   * @example
   * ```ts
   * import { HttpTransport } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new HttpTransport({ baseUrl: "http://127.0.0.1:3000" }).timeoutMs, 10_000);
   * ```
   */
  readonly timeoutMs: number;
  /**
   * Provides the bot token (explicit, cached or requested); the bot drops a
   * token its socket handshake was refused with.
   *
   * @internal
   */
  readonly tokens: TokenProvider;
  /**
   * The most bytes one answer's body may have.
   *
   * @example
   * ```ts
   * import { HttpTransport } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * assertEquals(new HttpTransport({ baseUrl: "http://127.0.0.1:3000" }).maxResponseBytes, 1_048_576);
   * ```
   */
  readonly maxResponseBytes: number;
  #fetch: FetchLike;
  #ownFetch: boolean;
  #apiKey: string;
  #logger: Logger;
  #cookie: string | undefined;
  readonly #cookieRequest = new SharedRequest<string>();

  /**
   * Creates a transport.
   *
   * @param options The server, fetch, timeout, API key, token and token store.
   * @throws {TypeError} When the base URL is not an absolute http(s) URL.
   * @throws {RangeError} When the timeout or `maxResponseBytes` is not a positive number.
   */
  constructor(options?: HttpTransportOptions) {
    options ??= {};
    this.baseUrl = resolveBaseUrl(options.baseUrl);
    this.timeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT);
    this.maxResponseBytes = checkMaxBytes(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#ownFetch = options.fetch !== undefined;
    this.#apiKey = options.apiKey ?? DEFAULT_API_KEY;
    this.#logger = options.logger ?? consoleLogger;
    this.#cookie = options.sessionCookie === undefined
      ? undefined
      : cookieValue(options.sessionCookie);
    const token = options.token ?? getEnv("TALKOMATIC_TOKEN");
    this.tokens = new TokenProvider({
      server: this.baseUrl,
      store: options.tokenStore ?? new FileTokenStore({ logger: this.#logger }),
      request: (signal) => this.#requestToken(signal),
      warn: (message) => this.#logger.warn(message),
      ...(token === undefined ? {} : { token }),
    });
  }

  /**
   * The session cookie as a `Cookie` header value (`connect.sid=…`), or
   * `undefined` before any response carried one.
   *
   * @example
   * ```ts
   * import { HttpTransport } from "@talkomatic/talkomatic/api";
   * import { assertEquals } from "@std/assert";
   *
   * const transport = new HttpTransport({ sessionCookie: "s%3Aabc.def" });
   * assertEquals(transport.sessionCookie, "connect.sid=s%3Aabc.def");
   * ```
   */
  get sessionCookie(): string | undefined {
    return this.#cookie === undefined ? undefined : `${SESSION_COOKIE_NAME}=${this.#cookie}`;
  }

  /**
   * Returns the session cookie, first fetching one with the cheapest request
   * (`GET /js/emojiList.json`: no token, not rate-limited) when none is held.
   *
   * @param options Signal and timeout.
   * @returns The `Cookie` header value (`connect.sid=…`).
   * @throws {ApiError} When the server answered without setting the cookie.
   * @throws {TransportError} When the server could not be reached.
   * @example
   * ```ts
   * import type { HttpTransport } from "@talkomatic/talkomatic/api";
   *
   * async function cookie(transport: HttpTransport): Promise<string> {
   *   return await transport.ensureSessionCookie(); // one request, shared by concurrent callers
   * }
   * ```
   */
  async ensureSessionCookie(options?: CallOptions): Promise<string> {
    const held = this.sessionCookie;
    if (held !== undefined) return held;
    const signal = options?.signal;
    try {
      // Shared with concurrent callers: each gives up on its own signal; the timeout of the
      // caller that started the request applies.
      const timeoutMs = options?.timeoutMs;
      return await this.#cookieRequest.get(
        (shared) => this.#fetchCookie({ signal: shared, timeoutMs }),
        signal,
      );
    } catch (error) {
      throw this.#ownAbort(this.#url(COOKIE_SPEC), signal, error);
    }
  }

  /**
   * Returns the bot token in use: the explicit one, the cached one, or a new
   * one requested from the server.
   *
   * @param options Signal and timeout.
   * @returns The token.
   * @throws {ApiError} When the server refused to issue a token.
   * @throws {TransportError} When the server could not be reached or the call was aborted.
   * @example
   * ```ts
   * import type { HttpTransport } from "@talkomatic/talkomatic/api";
   *
   * async function token(transport: HttpTransport): Promise<string> {
   *   return await transport.botToken(); // "tk_…"; keep it secret
   * }
   * ```
   */
  botToken(options?: CallOptions): Promise<string> {
    options ??= {};
    return this.#token({
      id: "requestBotToken",
      method: "POST",
      path: "/api/v1/bot-tokens/request",
      auth: "none",
      success: {},
    }, options);
  }

  /**
   * Performs one operation of `_operations.gen.ts`: authenticates it, sends
   * it, validates the success body, and retries once with a new token when a
   * requested token was rejected.
   *
   * @param spec The operation.
   * @param options Signal and timeout.
   * @returns The validated success body.
   * @throws {ApiError} When the server answered with an error status.
   * @throws {TransportError} On network failure, timeout or abort.
   * @throws {PayloadValidationError} When the success body has the wrong shape.
   * @throws {RangeError} When `options.timeoutMs` is not a positive number (nothing is sent).
   * @internal
   */
  async call<T>(spec: OperationSpec<T>, options?: CallOptions): Promise<T> {
    options ??= {};
    if (options.timeoutMs !== undefined) checkTimeout(options.timeoutMs); // before any token request
    if (spec.auth === "none") return await this.#send(spec, undefined, options);
    const token = await this.#token(spec, options);
    try {
      return await this.#send(spec, token, options);
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      if (spec.auth === "bearer") {
        if (error.code === "INVALID_TOKEN") await this.tokens.invalidate(token);
        throw error;
      }
      if (!TOKEN_REJECTED.has(error.code) || !(await this.tokens.invalidate(token))) throw error;
      const fresh = await this.#token(spec, options);
      return await this.#send(spec, fresh, options);
    }
  }

  async #token(spec: OperationSpec<unknown>, options: CallOptions): Promise<string> {
    try {
      return await this.tokens.get(options.signal);
    } catch (error) {
      throw this.#ownAbort(this.#url(spec), options.signal, error);
    }
  }

  async #requestToken(signal: AbortSignal): Promise<StoredToken> {
    const started = Date.now();
    const body = await requestBotToken(this, { signal });
    const parsed = Date.parse(body.expiresAt);
    return {
      token: body.token,
      expiresAt: Number.isNaN(parsed) ? started + body.expiresIn : parsed,
    };
  }

  async #fetchCookie(options: CallOptions): Promise<string> {
    const spec = COOKIE_SPEC;
    // On Node, without a fetch of the caller's, the cookie comes through node:http (see nodeGet).
    const url = this.#url(spec);
    const headers = { "accept": "application/json", "user-agent": USER_AGENT };
    const answer = this.#ownFetch
      ? undefined
      : await this.#guarded(url, options, (signal) => nodeGet(url, headers, signal));
    let status: number;
    let where: string;
    if (answer) {
      if (isRedirect(answer)) throw redirected(url, answer.status, answer.location ?? null);
      this.#captureCookie(answer.setCookies);
      ({ status, url: where } = answer);
    } else {
      const { response } = await this.#exchange(spec, undefined, options, false);
      status = response.status;
      where = response.url || url.href;
    }
    const cookie = this.sessionCookie;
    if (cookie !== undefined) return cookie;
    throw new ApiError(
      `Server answered ${status} to "${spec.id}" without a session cookie`,
      {
        status,
        code: "SESSION_COOKIE_MISSING",
        body: undefined,
        variant: "unrecognised",
        operation: spec.id,
        url: where,
      },
    );
  }

  #url(spec: OperationSpec<unknown>): URL {
    const url = new URL(this.baseUrl + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  #headers(spec: OperationSpec<unknown>, token: string | undefined): Headers {
    const headers = new Headers({ "accept": "application/json", "user-agent": USER_AGENT });
    if (spec.body !== undefined) headers.set("content-type", "application/json");
    if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
    if (spec.auth === "token+key") headers.set("x-api-key", this.#apiKey);
    if (this.#cookie !== undefined) headers.set("cookie", `${SESSION_COOKIE_NAME}=${this.#cookie}`);
    return headers;
  }

  /** What a shared request rejected a caller with: its own abort as a TransportError. */
  #ownAbort(url: URL, signal: AbortSignal | undefined, error: unknown): unknown {
    return signal?.aborted && error === signal.reason ? this.#aborted(url, error) : error;
  }

  #aborted(url: URL, cause: unknown): TransportError {
    return new TransportError(`Request to "${url.href}" was aborted`, {
      kind: "aborted",
      url: url.href,
      cause,
    });
  }

  #captureCookie(lines: readonly string[]): void {
    for (const line of lines) {
      const pair = line.split(";", 1)[0].trim();
      const eq = pair.indexOf("=");
      if (eq > 0 && pair.slice(0, eq).trim() === SESSION_COOKIE_NAME) {
        this.#cookie = pair.slice(eq + 1).trim();
      }
    }
  }

  /** Sends the request and reads the whole body within the timeout. */
  async #exchange(
    spec: OperationSpec<unknown>,
    token: string | undefined,
    options: CallOptions,
    readBody: boolean,
  ): Promise<{ response: Response; text: string }> {
    const url = this.#url(spec);
    return (await this.#guarded(url, options, async (signal, answered) => {
      const response = await this.#fetch(url, {
        method: spec.method,
        headers: this.#headers(spec, token),
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        signal,
        redirect: "manual",
      });
      answered(response.status);
      if (isRedirect(response)) {
        await response.body?.cancel().catch(() => {});
        throw redirected(url, response.status, response.headers.get("location"));
      }
      this.#captureCookie(setCookies(response.headers));
      let text = "";
      if (readBody) text = await readLimited(response, url, this.maxResponseBytes);
      else await response.body?.cancel();
      return { response, text };
    }))!;
  }

  /**
   * Runs one request within the timeout and the caller's signal, turning
   * failures into {@linkcode TransportError}s.
   */
  async #guarded<T>(
    url: URL,
    options: CallOptions,
    request: (signal: AbortSignal, answered: (status: number) => void) => Promise<T> | undefined,
  ): Promise<T | undefined> {
    const timeout = checkTimeout(options.timeoutMs ?? this.timeoutMs);
    const signal = options.signal;
    if (signal?.aborted) throw this.#aborted(url, signal.reason);
    const controller = new AbortController();
    let timedOut = false;
    const timer = Number.isFinite(timeout)
      ? setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeout)
      : undefined;
    const onAbort = (): void => controller.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    let status: number | undefined;
    try {
      return await request(controller.signal, (s) => status = s);
    } catch (cause) {
      if (signal?.aborted) throw this.#aborted(url, cause);
      if (cause instanceof TransportError) throw cause;
      if (status !== undefined) {
        // The server answered; its body did not arrive whole.
        const why = timedOut
          ? `its body did not finish within ${timeout} ms`
          : `the connection closed before its body was complete (${
            cause instanceof Error ? cause.message : String(cause)
          })`;
        throw new TransportError(`Server at "${url.href}" answered ${status} but ${why}`, {
          kind: "incomplete",
          url: url.href,
          ...(timedOut ? { timeoutMs: timeout } : {}),
          cause,
        });
      }
      if (timedOut) {
        throw new TransportError(`Request to "${url.href}" timed out after ${timeout}ms`, {
          kind: "timeout",
          url: url.href,
          timeoutMs: timeout,
          cause,
        });
      }
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new TransportError(`Cannot reach "${url.href}": ${reason}`, {
        kind: "network",
        url: url.href,
        cause,
      });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  async #send<T>(
    spec: OperationSpec<T>,
    token: string | undefined,
    options: CallOptions,
  ): Promise<T> {
    const { response, text } = await this.#exchange(spec, token, options, true);
    const url = response.url || this.#url(spec).href;
    const schema = Object.hasOwn(spec.success, response.status)
      ? spec.success[response.status]
      : undefined;
    if (schema === undefined) {
      throw toApiError({
        status: response.status,
        text,
        retryAfterHeader: response.headers.get("retry-after"),
        operation: spec.id,
        url,
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new PayloadValidationError(
        `Invalid inbound payload for "${spec.id}": the ${response.status} body is not JSON`,
        { direction: "inbound", target: spec.id, path: "", issues: [], payload: text, cause },
      );
    }
    return await validateSoon(spec.success[response.status], body, {
      direction: "inbound",
      target: spec.id,
    });
  }
}
