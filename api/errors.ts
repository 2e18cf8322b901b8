/**
 * Error classes, one per failure origin, shared by the REST client and the
 * bot:
 *
 * - {@linkcode ApiError}: the server answered with an error (status, code,
 *   message).
 * - {@linkcode TransportError}: the request never got an answer (network
 *   failure, timeout, abort).
 * - {@linkcode PayloadValidationError}: a payload did not have the documented
 *   shape (inbound from the server, or outbound before sending).
 *
 * All of them extend {@linkcode TalkomaticError}, so one `instanceof` check
 * catches every error this library raises on purpose.
 *
 * @example Telling failures apart
 * ```ts
 * import { ApiError, TalkomaticError, TransportError } from "./errors.ts";
 *
 * function describe(error: unknown): string {
 *   if (error instanceof ApiError) return `server said ${error.status} ${error.code}`;
 *   if (error instanceof TransportError) return `no answer (${error.kind})`;
 *   if (error instanceof TalkomaticError) return error.message;
 *   throw error;
 * }
 * describe(new TransportError("Cannot reach the server", { kind: "network", url: "http://x/" }));
 * ```
 *
 * @module
 */
import type { StandardIssue } from "../schemas/standard.ts";

/** Matches bot tokens (`tk_` + hex) so they can be kept out of messages and logs. */
const TOKEN_PATTERN = /tk_[0-9A-Za-z]+/g;

/**
 * Replaces every bot token (`tk_…`) in a string by `tk_…`, so tokens never
 * end up in error messages or logs.
 *
 * @param text Any text that may contain a token.
 * @returns The text with each token's secret part removed.
 *
 * @example
 * ```ts
 * import { redactTokens } from "./errors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * assertEquals(redactTokens("Bearer tk_0123abcd"), "Bearer tk_…");
 * ```
 */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_PATTERN, "tk_…");
}

/**
 * A copy of `value` with every bot token in its strings redacted (plain
 * objects and arrays are copied, up to a depth of 20).
 *
 * @param value Any value.
 * @returns The redacted copy.
 * @example
 * ```ts
 * import { redactDeep } from "./errors.ts";
 *
 * console.log(redactDeep({ token: "tk_0123abcd" })); // { token: "tk_…" }
 * ```
 */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactTokens(value);
  if (depth > 20 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}

/**
 * Base class of every error this library throws on purpose.
 *
 * @example
 * ```ts
 * import { TalkomaticError } from "./errors.ts";
 *
 * try {
 *   throw new TalkomaticError("Something went wrong");
 * } catch (error) {
 *   if (!(error instanceof TalkomaticError)) throw error;
 * }
 * ```
 */
export class TalkomaticError extends Error {
  /**
   * Creates an error; the message has any bot token redacted.
   *
   * @param message What went wrong, in sentence case without a trailing period.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(redactTokens(message), options);
    this.name = "TalkomaticError";
  }
}

/** Keys of the documented error body variants (PROTOCOL §11.2), plus the fallbacks. */
export type ApiErrorVariant = "A" | "B" | "B'" | "C" | "non-json" | "unrecognised";

/** Fields of an {@linkcode ApiError}, as passed to its constructor. */
export interface ApiErrorInit {
  /** HTTP status of the response. */
  readonly status: number;
  /** The server's error code (`NOT_FOUND`, `RATE_LIMITED`, …) or `HTTP_<status>` when the body had none. */
  readonly code: string;
  /** Field → message map sent with some errors (validation failures, "already in a room"). */
  readonly details?: Readonly<Record<string, string>>;
  /** Seconds to wait before retrying, from the body (`retryAfter`) or the `Retry-After` header. */
  readonly retryAfter?: number;
  /** `replaceDefaultText` from variant-A bodies. */
  readonly replaceDefaultText?: boolean;
  /** The parsed JSON body, or the start of the text body when it was not JSON. */
  readonly body: unknown;
  /** Which body variant the server used. */
  readonly variant: ApiErrorVariant;
  /** The operation id (`getRoom`, …) that failed, when known. */
  readonly operation?: string;
  /** The requested URL. */
  readonly url?: string;
}

/**
 * The server answered with an error status. `message` is the server's own
 * message (use it to tell apart errors sharing a code, such as `FORBIDDEN`
 * "Wrong code" and "Access code required"); `code` is the server's code, or
 * `HTTP_<status>` when the body carried none (HTML error pages, plain text).
 *
 * @example
 * ```ts
 * import { ApiError } from "./errors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const error = new ApiError("Room not found", {
 *   status: 404,
 *   code: "NOT_FOUND",
 *   body: { error: { code: "NOT_FOUND", message: "Room not found", replaceDefaultText: false } },
 *   variant: "A",
 * });
 * assertEquals(error.code, "NOT_FOUND");
 * ```
 */
export class ApiError extends TalkomaticError {
  /** HTTP status of the response. */
  readonly status: number;
  /** The server's error code, or `HTTP_<status>` when the body had none. */
  readonly code: string;
  /** Field → message map sent with some errors. */
  readonly details?: Readonly<Record<string, string>>;
  /** Seconds to wait before retrying, when the server said so. */
  readonly retryAfter?: number;
  /** `replaceDefaultText` from variant-A bodies. */
  readonly replaceDefaultText?: boolean;
  /** The parsed JSON body, or the start of the text body when it was not JSON. */
  readonly body: unknown;
  /** Which body variant the server used (PROTOCOL §11.2). */
  readonly variant: ApiErrorVariant;
  /** The operation id that failed, when known. */
  readonly operation?: string;
  /** The requested URL. */
  readonly url?: string;

  /**
   * Creates an API error.
   *
   * @param message The server's message (or a description when it sent none).
   * @param init The response's status, code and body.
   * @param options Standard error options (`cause`).
   */
  constructor(message: string, init: ApiErrorInit, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.body = init.body;
    this.variant = init.variant;
    if (init.details !== undefined) this.details = init.details;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
    if (init.replaceDefaultText !== undefined) this.replaceDefaultText = init.replaceDefaultText;
    if (init.operation !== undefined) this.operation = init.operation;
    if (init.url !== undefined) this.url = init.url;
  }
}

/** Why a request got no answer. */
export type TransportErrorKind = "network" | "timeout" | "aborted";

/** Fields of a {@linkcode TransportError}, as passed to its constructor. */
export interface TransportErrorInit extends ErrorOptions {
  /** Why the request got no answer. */
  readonly kind: TransportErrorKind;
  /** The requested URL. */
  readonly url: string;
  /** The timeout in milliseconds, for `kind: "timeout"`. */
  readonly timeout?: number;
}

/**
 * The request got no answer: the network failed, the timeout elapsed or the
 * caller aborted it. The original error is in `cause`.
 *
 * @example
 * ```ts
 * import { TransportError } from "./errors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const error = new TransportError('Request to "http://127.0.0.1:1/" timed out after 10ms', {
 *   kind: "timeout",
 *   url: "http://127.0.0.1:1/",
 *   timeout: 10,
 * });
 * assertEquals(error.kind, "timeout");
 * ```
 */
export class TransportError extends TalkomaticError {
  /** Why the request got no answer. */
  readonly kind: TransportErrorKind;
  /** The requested URL. */
  readonly url: string;
  /** The timeout in milliseconds, for `kind: "timeout"`. */
  readonly timeout?: number;

  /**
   * Creates a transport error.
   *
   * @param message What failed, naming the URL.
   * @param init The kind of failure, the URL and the `cause`.
   */
  constructor(message: string, init: TransportErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "TransportError";
    this.kind = init.kind;
    this.url = init.url;
    if (init.timeout !== undefined) this.timeout = init.timeout;
  }
}

/** Whether a payload came from the server (`inbound`) or was about to be sent (`outbound`). */
export type PayloadDirection = "inbound" | "outbound";

/** Fields of a {@linkcode PayloadValidationError}, as passed to its constructor. */
export interface PayloadValidationErrorInit extends ErrorOptions {
  /** Whether the payload came from the server or was about to be sent. */
  readonly direction: PayloadDirection;
  /** What carried the payload: a REST operation id or a socket event name. */
  readonly target: string;
  /** Dotted path to the first bad field (`users.0.id`), `""` for the payload itself. */
  readonly path: string;
  /** Every issue the validator reported (empty when the payload could not be parsed at all). */
  readonly issues: readonly StandardIssue[];
  /** The payload that failed. */
  readonly payload?: unknown;
}

/**
 * A payload did not have the documented shape. Used for REST responses and
 * for socket events alike; `target` names the operation or event and `path`
 * the first bad field.
 *
 * @example
 * ```ts
 * import { PayloadValidationError } from "./errors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const error = new PayloadValidationError('Invalid "room update" payload at "users.0.id": expected string', {
 *   direction: "inbound",
 *   target: "room update",
 *   path: "users.0.id",
 *   issues: [],
 * });
 * assertEquals(error.path, "users.0.id");
 * ```
 */
export class PayloadValidationError extends TalkomaticError {
  /** Whether the payload came from the server or was about to be sent. */
  readonly direction: PayloadDirection;
  /** The REST operation id or socket event name that carried the payload. */
  readonly target: string;
  /** Dotted path to the first bad field, `""` for the payload itself. */
  readonly path: string;
  /** Every issue the validator reported. */
  readonly issues: readonly StandardIssue[];
  /** The payload that failed. */
  readonly payload?: unknown;

  /**
   * Creates a payload validation error.
   *
   * @param message Which payload failed and where.
   * @param init The direction, target, path and issues.
   */
  constructor(message: string, init: PayloadValidationErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "PayloadValidationError";
    this.direction = init.direction;
    this.target = init.target;
    this.path = init.path;
    this.issues = redactDeep(init.issues) as readonly StandardIssue[];
    if ("payload" in init) this.payload = redactDeep(init.payload);
  }
}
