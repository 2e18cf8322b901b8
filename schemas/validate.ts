/**
 * Runtime validation of payloads against the generated validators (valibot
 * schemas, used through their Standard Schema interface),
 * turning failures into {@linkcode PayloadValidationError}. Used by the REST
 * transport for responses and by the bot for socket events.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { validate } from "./validate.ts";
 *
 * const id: string = validate(v.string(), "123456", { direction: "inbound", target: "room created" });
 * ```
 *
 * @module
 */
import type { StandardResult, Validator } from "./standard.ts";
import { type PayloadDirection, PayloadValidationError } from "./errors.ts";

/** Where a validated payload comes from, for the error's message and fields. */
export interface ValidateContext {
  /** Whether the payload came from the server (`inbound`) or is about to be sent (`outbound`). */
  readonly direction: PayloadDirection;
  /** The REST operation id or socket event name carrying the payload. */
  readonly target: string;
}

/** Dotted path of an issue (`users.0.id`), or `""` when the issue is about the payload itself. */
function issuePath(
  issue: { readonly path?: ReadonlyArray<PropertyKey | { readonly key: unknown }> | undefined },
): string {
  return issue.path?.map((item) => String(typeof item === "object" ? item.key : item)).join(".") ??
    "";
}

/**
 * Checks `value` against `schema` and returns the parsed output, or throws a
 * {@linkcode PayloadValidationError} naming the first bad field.
 *
 * @param schema The validator (any Standard Schema, e.g. a generated valibot schema).
 * @param value The payload to check.
 * @param context The direction and the operation or event carrying the payload.
 * @returns The parsed payload.
 * @throws {PayloadValidationError} When the payload does not match the schema.
 *
 * @example
 * ```ts
 * import * as v from "valibot";
 * import { validate } from "./validate.ts";
 *
 * const room = validate(v.object({ id: v.string() }), { id: "123456" }, {
 *   direction: "inbound",
 *   target: "getRoom",
 * }); // throws PayloadValidationError for { id: 123456 }, with path "id"
 * ```
 */
export function validate<T>(
  schema: Validator<T>,
  value: unknown,
  context: ValidateContext,
): T {
  const result = schema["~standard"].validate(value);
  if (result instanceof Promise) {
    throw new TypeError(`Cannot validate "${context.target}": the validator is asynchronous`);
  }
  return settle(result, value, context);
}

/**
 * {@linkcode validate} for a validator that may answer later (a lazy one of
 * `lazy.ts` while valibot loads): the parsed payload at once when the
 * validator answers at once, else a promise of it.
 *
 * @param schema The validator.
 * @param value The payload to check.
 * @param context The direction and the operation or event carrying the payload.
 * @returns The parsed payload, or a promise of it.
 * @throws {PayloadValidationError} When the payload does not match (or the promise rejects with it).
 */
export function validateSoon<T>(
  schema: Validator<T>,
  value: unknown,
  context: ValidateContext,
): T | Promise<T> {
  const result = schema["~standard"].validate(value);
  return result instanceof Promise
    ? result.then((r) => settle(r, value, context))
    : settle(result, value, context);
}

function settle<T>(result: StandardResult<T>, value: unknown, context: ValidateContext): T {
  if (result.issues === undefined) return result.value;
  const issues = result.issues;
  const first = issues[0];
  const path = issuePath(first);
  const where = path === "" ? "" : ` at "${path}"`;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : "";
  throw new PayloadValidationError(
    `Invalid ${context.direction} payload for "${context.target}"${where}: ${first.message}${more}`,
    {
      direction: context.direction,
      target: context.target,
      path,
      issues,
      payload: value,
    },
  );
}
