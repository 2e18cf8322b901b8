// The HTTP middleware of the test server, in the real server's order (docs/protocol.md
// §1.2, §12.1, §12.2): injected faults, the JSON body parser, CORS, the global
// limiter, the XSS cleaner, the session; then the routes (_routes.ts).

import type { IncomingMessage, ServerResponse } from "node:http";
import type { World } from "./_world.ts";
import { seconds } from "./_activity.ts";
import {
  clientIp,
  hasBody,
  isJsonType,
  originAllowed,
  parseJsonStrict,
  readBody,
  xssClean,
} from "./_request.ts";
import { errA, errB, htmlError, type Reply, route } from "./_routes.ts";

/** A fault the HTTP layer serves instead of the real answer. */
export interface HttpFault {
  /**
   * Which fault: a 500 JSON error, an HTML page, a body that is not JSON, or `answer`: the
   * given `status`, `body` and `headers`, whatever the request.
   */
  kind: "500" | "html" | "invalid-json" | "answer";
  /** Only requests whose path starts with this (default: every path except /socket.io/). */
  pathPrefix?: string;
  /** How many requests to affect (default 1; `Infinity` until cleared). */
  times?: number;
  /** For `answer`: the status (default 200). */
  status?: number;
  /** For `answer`: the body, sent as is (default empty). */
  body?: string;
  /** For `answer`: the headers (default `Content-Type: application/json; charset=utf-8`). */
  headers?: Record<string, string>;
  /**
   * Answer only after this many ms (default 0): a slow server, for client timeouts. A client that
   * hangs up first gets nothing and the timer ends with the connection.
   */
  delayMs?: number;
}

/** What a fault answers. */
function faultReply(fault: HttpFault): Reply {
  if (fault.kind === "500") return errA(500, "HTTP_INTERNAL_ERROR");
  if (fault.kind === "html") return htmlError(502, "Bad Gateway");
  if (fault.kind !== "answer") {
    return { status: 200, body: '{"truncated": ', type: "application/json; charset=utf-8" };
  }
  const given = Object.entries(fault.headers ?? {});
  const type = given.find(([name]) => name.toLowerCase() === "content-type")?.[1];
  return {
    status: fault.status ?? 200,
    body: fault.body ?? "",
    type: type ?? "application/json; charset=utf-8",
    headers: Object.fromEntries(
      given.filter(([name]) => name.toLowerCase() !== "content-type"),
    ),
  };
}

/** One HTTP request as the server received it (see `recordRequests`). */
export interface RecordedRequest {
  /** The method, e.g. `GET`. */
  readonly method: string;
  /** The path as sent (still percent-encoded), without the query. */
  readonly path: string;
  /** The query with its `?`, or `""`. */
  readonly query: string;
  /** The request's headers. */
  readonly headers: Headers;
  /** The body as text (`""` when there is none or it was over 100 KiB). */
  readonly body: string;
}

/** Per-server HTTP context. */
export interface HttpContext {
  world: () => World;
  faults: HttpFault[];
  /** Where requests are logged, when `recordRequests` is on. */
  requests?: RecordedRequest[];
  /** The server's own origins (see {@linkcode originAllowed}). */
  ownOrigins: () => ReadonlySet<string>;
}

const STATIC_EXT = /\.(js|css|png|jpg|jpeg|gif|ico|svg|ttf|otf|woff|woff2|mp3|wav|ogg|json|map)$/i;

/** Handles one HTTP request that socket.io did not take. */
export async function handleHttp(
  ctx: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const world = ctx.world();
  const url = new URL(req.url ?? "/", "http://x");
  const path = url.pathname;
  const method = req.method ?? "GET";
  const headers: Record<string, string | string[]> = {};
  const send = (r: Reply) => {
    const text = r.json !== undefined ? JSON.stringify(r.json) : r.body ?? "";
    headers["Content-Type"] = r.json !== undefined
      ? "application/json; charset=utf-8"
      : r.type ?? "text/plain";
    Object.assign(headers, r.headers ?? {});
    res.writeHead(r.status, headers);
    res.end(text);
  };

  let raw: string | undefined;
  if (ctx.requests) {
    if (hasBody(req.headers)) raw = await readBody(req, 100 * 1024);
    const seen = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) seen.append(name, v);
    }
    const body = raw === undefined || raw === "too-large" ? "" : raw;
    ctx.requests.push({ method, path, query: url.search, headers: seen, body });
  }

  const fault = ctx.faults.find((f) => path.startsWith(f.pathPrefix ?? "/"));
  if (fault) {
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) ctx.faults.splice(ctx.faults.indexOf(fault), 1);
    req.resume();
    const reply = faultReply(fault);
    if (!fault.delayMs) return send(reply);
    // A slow server: answers after delayMs, unless the client hung up first.
    const timer = setTimeout(() => send(reply), fault.delayMs);
    res.once("close", () => clearTimeout(timer));
    return;
  }

  // JSON body parsing (express.json(): only `application/json` bodies, any method, strict)
  let body: unknown = {};
  if (isJsonType(req.headers["content-type"]) && hasBody(req.headers)) {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers["content-type"]!)?.[1];
    if (charset !== undefined && !charset.toLowerCase().startsWith("utf-")) {
      req.resume();
      return send(
        htmlError(415, `UnsupportedMediaTypeError: unsupported charset "${charset.toUpperCase()}"`),
      );
    }
    raw ??= await readBody(req, 100 * 1024);
    if (raw === "too-large") {
      return send(htmlError(413, "PayloadTooLargeError: request entity too large"));
    }
    const parsed = parseJsonStrict(raw);
    if (parsed instanceof SyntaxError) {
      return send(htmlError(400, `SyntaxError: ${parsed.message}`));
    }
    body = parsed;
  } else {
    req.resume(); // not read by the parser: discarded, as Node does after the response
  }
  // CORS
  const origin = req.headers.origin;
  if (!originAllowed(origin, ctx.ownOrigins())) {
    return send(htmlError(500, "Error: CORS blocked"));
  }
  if (origin) {
    headers["Access-Control-Allow-Origin"] = origin;
    headers["Access-Control-Allow-Credentials"] = "true";
    headers["Vary"] = "Origin";
  }
  if (method === "OPTIONS") {
    headers["Access-Control-Allow-Methods"] = "GET,POST";
    headers["Access-Control-Allow-Headers"] = "Content-Type,Authorization,x-api-key";
    return send({ status: 204, body: "" });
  }
  // global limiter
  const ip = clientIp(req.headers, req.socket.remoteAddress);
  if (!STATIC_EXT.test(path) && !path.startsWith("/socket.io/")) {
    const opts = world.opts.rateLimits.httpGlobal;
    const r = world.limiters.httpGlobal.consume(ip);
    if (opts.points !== Infinity) {
      const windowS = Math.round(opts.windowMs / 1000);
      headers["RateLimit-Policy"] = `${opts.points};w=${windowS}`;
      headers["RateLimit-Limit"] = String(opts.points);
      headers["RateLimit-Remaining"] = String(r.remaining);
      headers["RateLimit-Reset"] = String(Math.ceil(r.msBeforeNext / 1000));
    }
    if (!r.allowed) {
      headers["Retry-After"] = String(Math.ceil(r.msBeforeNext / 1000));
      world.log(
        `refused ${method} ${path} from ${ip}: 429 RATE_LIMITED Too many requests. (${opts.points} requests/${
          seconds(opts.windowMs)
        })`,
      );
      return send(errB(429, "HTTP_TOO_MANY_REQUESTS"));
    }
  }
  // XSS cleaner and parameter pollution guard
  body = xssClean(body);
  const query = new Map<string, string>();
  for (const [k, v] of url.searchParams) query.set(k, v.replace(/</g, "&lt;"));
  headers["X-Content-Type-Options"] = "nosniff";
  // session
  const sessions = world.sessions;
  const sid = sessions.idFromCookieHeader(req.headers.cookie);
  let session = sid ? sessions.load(sid) : undefined;
  const isNew = !session;
  session ??= sessions.create();
  const before = sessions.hash(session);
  const reply = route(world, { method, path, query, body, ip, headers: req.headers, session });
  if (isNew || sessions.hash(session) !== before) {
    sessions.save(session);
    headers["Set-Cookie"] = [sessions.setCookieHeader(session.id)];
  }
  world.changed();
  if (path.startsWith("/api/") && [401, 403, 429].includes(reply.status)) {
    const error = (reply.json as { error?: { code?: string; message?: string } }).error;
    world.log(
      `refused ${method} ${path} from ${ip}: ${reply.status} ${error?.code} ${error?.message}`,
    );
  }
  send(reply);
}
