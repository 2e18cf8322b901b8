/**
 * The error base class of the library and the error of a payload that does
 * not have its documented shape, which `validate` (./validate.ts) throws for
 * the REST client and the bot alike.
 *
 * @example
 * ```ts
 * import { PayloadValidationError, TalkomaticError } from "./errors.ts";
 *
 * const error = new PayloadValidationError("Invalid inbound payload", {
 *   direction: "inbound",
 *   target: "room update",
 *   path: "",
 *   issues: [],
 * });
 * console.log(error instanceof TalkomaticError); // true
 * ```
 *
 * @module
 */
import type { StandardIssue } from "./standard.ts";

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
 * @param depth How deep this call is (internal).
 * @returns The redacted copy.
 */
function redactDeep(value: unknown, depth = 0): unknown {
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

/** Whether a payload came from the server (`inbound`) or was about to be sent (`outbound`). */
export type PayloadDirection = "inbound" | "outbound";

/** Fields of a {@linkcode PayloadValidationError}, as passed to its constructor. */
export type PayloadValidationErrorInit =
  & Pick<PayloadValidationError, "direction" | "target" | "path" | "issues" | "payload">
  & ErrorOptions;

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
  /** Every issue the validator reported (empty when the payload could not be parsed at all). */
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
