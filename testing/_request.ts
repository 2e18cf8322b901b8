// What the test server reads from a request (docs/protocol.md §1.2, §1.3, §1.5):
// the Origin allow-list, the browser heuristic, the client IP, and the body as
// express.json() and the XSS cleaner leave it.

import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

const ALLOWED_ORIGINS = new Set([
  "http://localhost:3000",
  "http://127.0.0.1:3000",
  "https://classic.talkomatic.co",
]);

/**
 * True when an Origin header value passes the allow-list (§1.2), or is one of
 * the server's own origins. The real server allows its own site
 * (`https://classic.talkomatic.co`, and `http://localhost:3000` /
 * `http://127.0.0.1:3000` when run locally on its default port); this server
 * serves its chat page on whatever port it listens on, so it allows that
 * page's origin (`http://127.0.0.1:<port>`, `http://localhost:<port>`) the
 * same way. Every other origin is still refused.
 */
export function originAllowed(
  origin: string | undefined,
  own: ReadonlySet<string> = new Set(),
): boolean {
  return origin === undefined || ALLOWED_ORIGINS.has(origin) || own.has(origin) ||
    origin.endsWith("github.io");
}

/** Browser heuristic (§1.3): score >= 3. */
export function isBrowser(h: IncomingHttpHeaders): boolean {
  let score = 0;
  if (/Mozilla|Chrome|Safari|Firefox|Edge|Opera/i.test(String(h["user-agent"] ?? ""))) score++;
  if (String(h["accept"] ?? "").includes("text/html")) score++;
  if (h["accept-language"]) score++;
  if (h["accept-encoding"]) score++;
  return score >= 3;
}

/** Client IP (§1.5). */
export function clientIp(h: IncomingHttpHeaders, remote: string | undefined): string {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const cf = first(h["cf-connecting-ip"]);
  if (cf) return cf;
  const real = first(h["x-real-ip"]);
  if (real) return real;
  const xff = first(h["x-forwarded-for"]);
  if (xff) return xff.split(",")[0].trim();
  return remote ?? "127.0.0.1";
}

/** Escapes `<` in every string of a parsed body (the XSS cleaner). */
export function xssClean(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/</g, "&lt;");
  if (Array.isArray(value)) return value.map(xssClean);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xssClean(v)]));
  }
  return value;
}

/** Reads the whole body, or `"too-large"` past `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (c: Uint8Array) => {
      size += c.length;
      if (size > limit) tooLarge = true;
      else chunks.push(c);
    });
    req.on("end", () => {
      if (tooLarge) return resolve("too-large");
      const all = new Uint8Array(size);
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      resolve(new TextDecoder().decode(all));
    });
    req.on("error", reject);
  });
}

/** True for the media type `application/json`, whatever its parameters (type-is). */
export function isJsonType(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0].trim().toLowerCase() === "application/json";
}

/** True when the request announces a body (type-is `hasBody`). */
export function hasBody(h: IncomingHttpHeaders): boolean {
  return h["transfer-encoding"] !== undefined ||
    (h["content-length"] !== undefined && !Number.isNaN(Number(h["content-length"])));
}

/**
 * body-parser's strict JSON: an empty body is `{}`; anything whose first non-blank
 * character is not `{` or `[` (e.g. `"x"`, `null`, `1`) is a SyntaxError, like malformed JSON.
 */
export function parseJsonStrict(raw: string): unknown {
  if (raw.length === 0) return {};
  const first = /^[ \t\n\r]*([^ \t\n\r])/.exec(raw)?.[1];
  if (first !== "{" && first !== "[") {
    // the same message body-parser builds: JSON.parse's error for the offending text
    const at = first === undefined ? -1 : raw.indexOf(first);
    const partial = at === -1 ? "" : raw.slice(0, at) + "#".repeat(raw.length - at);
    try {
      JSON.parse(partial);
    } catch (e) {
      return new SyntaxError(
        (e as Error).message.replace(/#+/g, (m) => raw.slice(at, at + m.length)),
      );
    }
  }
  try {
    return JSON.parse(raw);
  } catch (e) {
    return e instanceof SyntaxError ? e : new SyntaxError(String(e));
  }
}
