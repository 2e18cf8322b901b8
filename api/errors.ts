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
import { TalkomaticError } from "../schemas/errors.ts";

export {
  type PayloadDirection,
  PayloadValidationError,
  type PayloadValidationErrorInit,
  redactTokens,
  TalkomaticError,
} from "../schemas/errors.ts";

/**
 * Which error body the server sent (docs/protocol.md §11.2): `detailed`
 * (`{ error: { code, message, replaceDefaultText, details? } }`), `simple`
 * (`{ error: { code, message } }`), `rateLimited` (`simple` with a
 * `retryAfter`), `text` (`{ error: "…" }`), `notJson` (an HTML page or plain
 * text) or `unrecognised` (JSON of another shape).
 */
export type ApiErrorVariant =
  | "detailed"
  | "simple"
  | "rateLimited"
  | "text"
  | "notJson"
  | "unrecognised";

/** Fields of an {@linkcode ApiError}, as passed to its constructor. */
export type ApiErrorInit = Pick<
  ApiError,
  | "status"
  | "code"
  | "fields"
  | "retryAfterMs"
  | "replaceDefaultText"
  | "body"
  | "variant"
  | "operation"
  | "url"
>;

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
 *   variant: "detailed",
 * });
 * assertEquals(error.code, "NOT_FOUND");
 * ```
 */
export class ApiError extends TalkomaticError {
  /** HTTP status of the response. */
  readonly status: number;
  /** The server's error code (`NOT_FOUND`, `RATE_LIMITED`, …) or `HTTP_<status>` when the body had none. */
  readonly code: string;
  /** Field → message map sent with some errors (validation failures, "already in a room"): the body's `details`. */
  readonly fields?: Readonly<Record<string, string>>;
  /** Milliseconds to wait before retrying, from the body's `retryAfter` or the `Retry-After` header (both in seconds). */
  readonly retryAfterMs?: number;
  /** `replaceDefaultText` from `detailed` bodies. */
  readonly replaceDefaultText?: boolean;
  /** The parsed JSON body, or the start of the text body when it was not JSON. */
  readonly body: unknown;
  /** Which body variant the server used (docs/protocol.md §11.2). */
  readonly variant: ApiErrorVariant;
  /** The operation id (`getRoom`, …) that failed, when known. */
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
    if (init.fields !== undefined) this.fields = init.fields;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.replaceDefaultText !== undefined) this.replaceDefaultText = init.replaceDefaultText;
    if (init.operation !== undefined) this.operation = init.operation;
    if (init.url !== undefined) this.url = init.url;
  }
}

/**
 * Why a request got no (usable) answer: `network` (no connection), `timeout`
 * (no answer in time), `aborted` (the caller's signal), `tooLarge` (the answer
 * was over `maxResponseBytes`), `incomplete` (the server answered but its body
 * did not arrive whole: closed mid-body or not finished in time), `redirect`
 * (the server redirected; redirects are never followed).
 */
export type TransportErrorKind =
  | "network"
  | "timeout"
  | "aborted"
  | "tooLarge"
  | "incomplete"
  | "redirect";

/** Fields of a {@linkcode TransportError}, as passed to its constructor, and its `cause`. */
export type TransportErrorInit =
  & Pick<TransportError, "kind" | "url" | "timeoutMs" | "location">
  & ErrorOptions;

/**
 * The request got no usable answer: the network failed, the timeout elapsed,
 * the caller aborted it, the answer was too large or incomplete, or the
 * server redirected it. The original error is in `cause`.
 *
 * @example
 * ```ts
 * import { TransportError } from "./errors.ts";
 * import { assertEquals } from "@std/assert";
 *
 * const error = new TransportError('Request to "http://127.0.0.1:1/" timed out after 10ms', {
 *   kind: "timeout",
 *   url: "http://127.0.0.1:1/",
 *   timeoutMs: 10,
 * });
 * assertEquals(error.kind, "timeout");
 * ```
 */
export class TransportError extends TalkomaticError {
  /** Why the request got no answer. */
  readonly kind: TransportErrorKind;
  /** The requested URL. */
  readonly url: string;
  /** The timeout in milliseconds, for `kind: "timeout"` (and `incomplete` when it timed out). */
  readonly timeoutMs?: number;
  /** Where the server redirected to, for `kind: "redirect"`. */
  readonly location?: string;

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
    if (init.timeoutMs !== undefined) this.timeoutMs = init.timeoutMs;
    if (init.location !== undefined) this.location = init.location;
  }
}
