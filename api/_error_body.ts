/**
 * Turns an HTTP error response into an {@linkcode ApiError}, whatever body
 * variant the server used (docs/protocol.md §11.2): detailed, simple, rateLimited, text, notJson or unrecognised.
 *
 * @module
 */
import { fit } from "../schemas/text.ts";
import { ApiError, type ApiErrorVariant } from "./errors.ts";

/** How much of a non-JSON body is kept. */
const SNIPPET_LENGTH = 200;
/** How much of a text body the snippet reads. */
const SNIPPET_INPUT = 8192;
/** How much of a server's `message`, `code` or detail reaches errors and logs. */
const FIELD_LENGTH = 500;

/** What the transport knows about a failed response. */
export interface ErrorResponse {
  readonly status: number;
  readonly text: string;
  readonly retryAfterHeader: string | null;
  readonly operation: string;
  readonly url: string;
  readonly now?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses a `Retry-After` header (seconds or HTTP date) into seconds. */
function parseRetryAfter(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    out[fit(key, FIELD_LENGTH)] = fit(
      typeof item === "string" ? item : JSON.stringify(item) ?? String(item),
      FIELD_LENGTH,
    );
  }
  return out;
}

/** Shortens a text body to a one-line readable snippet (tags stripped, spaces collapsed). */
function snippet(text: string): string {
  // Only the start is shown: the expressions below never see more than a few KiB (a hostile
  // body of unclosed `<script` tags made the first one slow on the whole 1 MiB).
  const readable = text.slice(0, SNIPPET_INPUT)
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<br\s*\/?>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return fit(readable, SNIPPET_LENGTH + 1);
}

/** Builds the {@linkcode ApiError} for a response whose status is not a documented success. */
export function toApiError(response: ErrorResponse): ApiError {
  const { status, text, operation, url } = response;
  const headerRetry = parseRetryAfter(response.retryAfterHeader, response.now);
  const fallbackCode = `HTTP_${status}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    const shown = snippet(text);
    const kept = fit(text, SNIPPET_LENGTH + 1);
    return new ApiError(
      `Server answered ${status} to "${operation}" with a body that is not JSON${
        shown === "" ? "" : `: "${shown}"`
      }`,
      {
        status,
        code: fallbackCode,
        body: kept,
        variant: "notJson",
        operation,
        url,
        ...(headerRetry === undefined ? {} : { retryAfterMs: headerRetry * 1000 }),
      },
      { cause },
    );
  }
  const error = isRecord(body) ? body.error : undefined;
  if (typeof error === "string") {
    return new ApiError(fit(error, FIELD_LENGTH), {
      status,
      code: fallbackCode,
      body,
      variant: "text",
      operation,
      url,
      ...(headerRetry === undefined ? {} : { retryAfterMs: headerRetry * 1000 }),
    });
  }
  if (isRecord(error) && typeof error.code === "string" && typeof error.message === "string") {
    const bodyRetry = typeof error.retryAfter === "number" ? error.retryAfter : undefined;
    const retryAfter = bodyRetry ?? headerRetry;
    const fields = stringRecord(error.details);
    const variant: ApiErrorVariant = bodyRetry !== undefined
      ? "rateLimited"
      : typeof error.replaceDefaultText === "boolean"
      ? "detailed"
      : "simple";
    return new ApiError(fit(error.message, FIELD_LENGTH), {
      status,
      code: fit(error.code, FIELD_LENGTH),
      body,
      variant,
      operation,
      url,
      ...(fields === undefined ? {} : { fields }),
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter * 1000 }),
      ...(typeof error.replaceDefaultText === "boolean"
        ? { replaceDefaultText: error.replaceDefaultText }
        : {}),
    });
  }
  return new ApiError(
    `Server answered ${status} to "${operation}" with an unrecognised body`,
    {
      status,
      code: fallbackCode,
      body,
      variant: "unrecognised",
      operation,
      url,
      ...(headerRetry === undefined ? {} : { retryAfterMs: headerRetry * 1000 }),
    },
  );
}
