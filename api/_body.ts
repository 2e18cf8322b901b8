/**
 * Reading answers safely: a body is read as a stream and never beyond a
 * byte limit, and a redirect is an error naming its target, never followed
 * (a redirect to another origin would otherwise carry the API key there, and
 * turn every call into a token refusal).
 *
 * @module
 */

import { fit } from "../schemas/text.ts";
import { TransportError } from "./errors.ts";

/** The default limit of one answer's body: far above any real answer. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

/** Checks a `maxResponseBytes` option. */
export function checkMaxBytes(value: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot use maxResponseBytes "${value}": must be a positive whole number of bytes`,
    );
  }
  return value;
}

/** The too-large error. */
export function tooLarge(url: URL, status: number, max: number, cause?: unknown): TransportError {
  return new TransportError(
    `Server at "${url.href}" answered ${status} with a body over ${max} bytes (maxResponseBytes); it was not read`,
    { kind: "tooLarge", url: url.href, ...(cause === undefined ? {} : { cause }) },
  );
}

/** Whether `status` is a redirect (or the opaque answer of `redirect: "manual"` in browsers). */
export function isRedirect(response: { status: number; type?: string }): boolean {
  return (response.status >= 300 && response.status < 400) || response.type === "opaqueredirect";
}

/** The error for a redirect the client did not follow. */
export function redirected(url: URL, status: number, location: string | null): TransportError {
  let target = location ?? "";
  try {
    if (location !== null) target = new URL(location, url).href;
  } catch {
    // keep the header as it came
  }
  const where = target === "" ? "another address" : `"${fit(target, 500)}"`;
  return new TransportError(
    `Server at "${url.origin}" redirected "${url.href}" (${status}) to ${where}: set TALKOMATIC_URL to the final address`,
    { kind: "redirect", url: url.href, ...(target === "" ? {} : { location: fit(target, 500) }) },
  );
}

/**
 * Reads a body as UTF-8 text, at most `max` bytes: a longer one (by its
 * `Content-Length` or as it streams) is cancelled and rejected with a
 * {@linkcode TransportError} of kind `tooLarge`.
 */
export async function readLimited(
  response: Response,
  url: URL,
  max: number,
): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > max) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(url, response.status, max);
  }
  const body = response.body;
  if (!body) return "";
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let total = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(url, response.status, max);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
