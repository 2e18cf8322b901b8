/**
 * One line that says why a bot could not start and what to do, for `run()`.
 *
 * @module
 */

import { ApiError, TalkomaticError, TransportError } from "../api/errors.ts";

/** Every message along the `cause` chain. */
function messages(error: unknown): string {
  const out: string[] = [];
  for (let e = error, depth = 0; e !== undefined && depth < 5; depth++) {
    out.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return out.join(" | ");
}

/** Why the start failed, in one line. */
export function startFailureLine(error: unknown, url: string): string {
  const all = messages(error);
  if (error instanceof TransportError || /fetch failed|error sending request/i.test(all)) {
    if (/refused|ECONNREFUSED|os error 111/i.test(all)) {
      return `Cannot reach ${url}: connection refused. Is the server running?`;
    }
    if (/ENOTFOUND|EAI_AGAIN|lookup|dns|getaddrinfo|Name or service not known/i.test(all)) {
      return `Cannot reach ${url}: unknown host. Check the address (TALKOMATIC_URL or server)`;
    }
    if (error instanceof TransportError && error.kind === "timeout") {
      return `Cannot reach ${url}: no answer within ${(error.timeoutMs ?? 0) / 1000} s`;
    }
  }
  if (error instanceof ApiError && error.status >= 500) {
    return `Cannot start: ${url} answered ${error.status} (${error.message})`;
  }
  if (
    error instanceof TalkomaticError || error instanceof TypeError || error instanceof RangeError
  ) {
    return error.message;
  }
  return `Cannot start: ${error instanceof Error ? error.message : String(error)}`;
}
