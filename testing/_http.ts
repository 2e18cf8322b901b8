// HTTP side of the test server (docs/protocol.md §1.2, §1.3, §1.5, §11, §12.1,
// §12.2, §12.5): middleware order, both auth layers, routes, static JSON.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { Session } from "./_session.ts";
import type { Room, World } from "./_world.ts";
import { CHARACTER_SUBSTITUTIONS, emojiList, sanitizeName, validateRoom } from "./_text.ts";
import { roomName, seconds } from "./_activity.ts";
import {
  MAX_LOCATION_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_USERNAME_LENGTH,
} from "../schemas/limits.gen.ts";
import { pageAsset } from "./_page.ts";

/** A fault the HTTP layer serves instead of the real answer. */
export interface HttpFault {
  /** Which fault: a 500 JSON error, an HTML page, or a body that is not JSON. */
  kind: "500" | "html" | "invalid-json";
  /** Only requests whose path starts with this (default: every path except /socket.io/). */
  pathPrefix?: string;
  /** How many requests to affect (default 1; `Infinity` until cleared). */
  times?: number;
}

/** Per-server HTTP context. */
export interface HttpContext {
  world: () => World;
  faults: HttpFault[];
  /** The server's own origins (see {@linkcode originAllowed}). */
  ownOrigins: () => ReadonlySet<string>;
}

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

const STATIC_EXT = /\.(js|css|png|jpg|jpeg|gif|ico|svg|ttf|otf|woff|woff2|mp3|wav|ogg|json|map)$/i;

function htmlError(status: number, text: string): Reply {
  const page =
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n` +
    `</head>\n<body>\n<pre>${
      text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    }</pre>\n</body>\n</html>\n`;
  return { status, body: page, type: "text/html; charset=utf-8" };
}

function errA(
  status: number,
  code: string,
  message: string,
  details?: Record<string, string>,
): Reply {
  const error: Record<string, unknown> = { code, message, replaceDefaultText: false };
  if (details) error.details = details;
  return { status, json: { error } };
}

function errB(status: number, code: string, message: string): Reply {
  return { status, json: { error: { code, message } } };
}

interface Reply {
  status: number;
  json?: unknown;
  body?: string;
  type?: string;
  headers?: Record<string, string>;
}

function xssClean(value: unknown): unknown {
  if (typeof value === "string") return value.replace(/</g, "&lt;");
  if (Array.isArray(value)) return value.map(xssClean);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xssClean(v)]));
  }
  return value;
}

function readBody(req: IncomingMessage, limit: number): Promise<string | "too-large"> {
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
function isJsonType(contentType: string | undefined): boolean {
  return (contentType ?? "").split(";")[0].trim().toLowerCase() === "application/json";
}

/** True when the request announces a body (type-is `hasBody`). */
function hasBody(h: IncomingHttpHeaders): boolean {
  return h["transfer-encoding"] !== undefined ||
    (h["content-length"] !== undefined && !Number.isNaN(Number(h["content-length"])));
}

/**
 * body-parser's strict JSON: an empty body is `{}`; anything whose first non-blank
 * character is not `{` or `[` (e.g. `"x"`, `null`, `1`) is a SyntaxError, like malformed JSON.
 */
function parseJsonStrict(raw: string): unknown {
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

  const fault = ctx.faults.find((f) => path.startsWith(f.pathPrefix ?? "/"));
  if (fault) {
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) ctx.faults.splice(ctx.faults.indexOf(fault), 1);
    req.resume();
    if (fault.kind === "500") return send(errA(500, "SERVER_ERROR", "Internal error"));
    if (fault.kind === "html") return send(htmlError(502, "Bad Gateway"));
    return send({ status: 200, body: '{"truncated": ', type: "application/json; charset=utf-8" });
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
    const raw = await readBody(req, 100 * 1024);
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
      return send(errB(429, "RATE_LIMITED", "Too many requests."));
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

interface Request {
  method: string;
  path: string;
  query: Map<string, string>;
  body: unknown;
  ip: string;
  headers: IncomingHttpHeaders;
  session: Session;
}

/**
 * The bot token of a REST request (§11.1): the whole Authorization header with its first
 * `Bearer ` removed (`Token x`, `bearer x` and `Bearer` are tokens as they stand); `?token=`
 * only when that leaves nothing.
 */
function bearer(r: Request): string | undefined {
  const auth = r.headers.authorization;
  return (typeof auth === "string" ? auth.replace("Bearer ", "") : "") ||
    r.query.get("token") || undefined;
}

function route(world: World, r: Request): Reply {
  const { method, path } = r;
  if (path === "/js/emojiList.json" && method === "GET") return { status: 200, json: emojiList() };
  if (path === "/js/offensive_words.json" && method === "GET") {
    const f = world.opts.wordFilter;
    return {
      status: 200,
      json: {
        offensive_words: f ? f.offensiveWords : [],
        whitelisted_words: f ? f.whitelistedWords : [],
      },
    };
  }
  if (path === "/js/character_substitutions.json" && method === "GET") {
    return { status: 200, json: CHARACTER_SUBSTITUTIONS };
  }
  // The chat page of our own (the real server serves its site here).
  const page = method === "GET" ? pageAsset(path) : undefined;
  if (page) return { status: 200, type: page.type, body: page.body };
  if (path === "/api/v1/bot-tokens/request" && method === "POST") return requestToken(world, r);
  if (path === "/api/v1/bot-tokens/info" && method === "GET") return tokenInfo(world, r);
  if (path.startsWith("/api/") || path === "/api") {
    const denied = tokenLayer(world, r);
    if (denied) return denied;
    return api(world, r) ?? htmlError(404, `Cannot ${method} ${path}`);
  }
  return htmlError(404, `Cannot ${method} ${path}`);
}

function requestToken(world: World, r: Request): Reply {
  if (isBrowser(r.headers)) {
    return errB(
      403,
      "BROWSER_TOKEN_REQUEST_BLOCKED",
      "Bot tokens cannot be requested from browsers",
    );
  }
  if (!world.limiters.tokenRequests.consume(r.ip).allowed) {
    return errB(429, "RATE_LIMITED", "Too many token requests.");
  }
  const max = world.opts.rateLimits.maxTokensPerIp;
  if (world.tokens.countForIp(r.ip) >= max) {
    return errB(429, "TOKEN_LIMIT_EXCEEDED", `Max ${max} tokens per IP`);
  }
  const rec = world.tokens.issue(r.ip);
  return {
    status: 201,
    json: {
      token: rec.token,
      expiresIn: world.opts.timing.tokenExpiryMs,
      expiresAt: new Date(rec.expiresAt).toISOString(),
      usage: { rateLimit: "500 req/min", headers: "Authorization: Bearer {token}" },
    },
  };
}

function tokenInfo(world: World, r: Request): Reply {
  const token = bearer(r);
  if (!token) return errB(400, "TOKEN_REQUIRED", "Bot token required");
  const rec = world.tokens.get(token);
  if (!rec) return errB(401, "INVALID_TOKEN", "Invalid or expired bot token");
  return {
    status: 200,
    json: {
      valid: true,
      createdAt: new Date(rec.createdAt).toISOString(),
      lastUsed: new Date(rec.lastUsed).toISOString(),
      expiresAt: new Date(rec.expiresAt).toISOString(),
      uses: rec.uses,
    },
  };
}

const botRequests = new WeakMap<Request, boolean>();

function tokenLayer(world: World, r: Request): Reply | undefined {
  const token = bearer(r);
  const browser = isBrowser(r.headers);
  if (browser && token) {
    return errB(403, "TOKEN_NOT_ALLOWED_IN_BROWSER", "Bot tokens cannot be used in web browsers.");
  }
  if (!browser) {
    if (!token && world.opts.requireToken) {
      return errB(401, "BOT_TOKEN_REQUIRED", "Bot token required for automated access.");
    }
    if (token) {
      const rec = world.tokens.get(token);
      if (!rec) return errB(401, "INVALID_BOT_TOKEN", "Invalid or expired bot token");
      rec.uses++;
      rec.lastUsed = Date.now();
    }
  }
  botRequests.set(r, !browser);
  const limiter = browser ? world.limiters.apiHuman : world.limiters.apiBot;
  const res = limiter.consume(r.ip);
  if (!res.allowed) {
    const seconds = Math.ceil(res.msBeforeNext / 1000);
    return {
      status: 429,
      json: {
        error: {
          code: "RATE_LIMITED",
          message: `Rate limit exceeded. Try again in ${seconds} seconds.`,
          retryAfter: seconds,
        },
      },
      headers: { "Retry-After": String(seconds) },
    };
  }
  return undefined;
}

function cached(world: World, key: string, make: () => unknown): unknown {
  const hit = world.cache.get(key);
  const now = Date.now();
  if (hit && now - hit.at < world.opts.timing.apiCacheTtlMs) return hit.value;
  const value = make();
  world.cache.set(key, { at: now, value });
  return value;
}

function restRoom(world: World, room: Room): Record<string, unknown> {
  return {
    id: room.id,
    name: room.name,
    type: room.type,
    users: room.users.map((u) => ({ id: u.id, username: u.username, location: u.location })),
    isFull: room.users.length >= world.opts.limits.roomCapacity,
  };
}

function api(world: World, r: Request): Reply | undefined {
  const { method, path } = r;
  if (path === "/api/v1/health" && method === "GET") {
    return {
      status: 200,
      json: {
        status: "ok",
        uptime: (Date.now() - world.startedAt) / 1000,
        timestamp: Date.now(),
        version: "2.3.0",
        roomStatistics: world.statistics(),
        botTokens: { active: world.tokens.active() },
      },
    };
  }
  if (path === "/api/v1/config" && method === "GET") {
    return { status: 200, json: cached(world, "config", () => configBody(world)) };
  }
  if (path === "/api/v1/me" && method === "GET") {
    const d = r.session.data;
    const isBot = botRequests.get(r) ?? false;
    if (d.username && d.location && d.userId) {
      return {
        status: 200,
        json: {
          isSignedIn: true,
          username: d.username,
          location: d.location,
          userId: d.userId,
          isIPBased: !!d.isIPBased,
          isBot,
        },
      };
    }
    return { status: 200, json: { isSignedIn: false, isBot } };
  }
  if (path === "/api/v1/wc/games" && method === "GET") {
    return { status: 502, json: { error: "World Cup data unavailable" } };
  }
  const roomsPath = /^\/api\/v1\/rooms(?:\/([^/]+)(\/join)?)?$/.exec(path);
  if (!roomsPath) return undefined;
  const [, id, join] = roomsPath;
  const isRoute = (method === "GET" && !join) || (method === "POST" && (!id || join));
  if (!isRoute) return undefined;
  if (r.headers["x-api-key"] !== world.opts.apiKey) {
    return errA(403, "UNAUTHORIZED", "Forbidden: invalid or missing x-api-key.");
  }
  if (method === "GET" && !id) {
    return {
      status: 200,
      json: cached(
        world,
        "rooms",
        () =>
          [...world.rooms.values()].filter((room) => room.type !== "private").map((room) =>
            restRoom(world, room)
          ),
      ),
    };
  }
  if (method === "GET") {
    const room = world.rooms.get(decodeURIComponent(id));
    return room
      ? { status: 200, json: restRoom(world, room) }
      : errA(404, "NOT_FOUND", "Room not found");
  }
  if (!id) return createRoom(world, r);
  return joinCheck(world, r, decodeURIComponent(id));
}

function createRoom(world: World, r: Request): Reply {
  const data = (r.body && typeof r.body === "object" ? r.body : {}) as Record<string, unknown>;
  const errors = validateRoom(data);
  if (Object.keys(errors).length > 0) {
    return errA(400, "VALIDATION_ERROR", "Validation failed", errors);
  }
  const limit = world.currentLimit();
  if (world.rooms.size >= limit) {
    return errA(429, "ROOM_LIMIT_REACHED", `Room limit (${limit}) reached`);
  }
  const now = Date.now();
  const last = world.lastRestCreateByIp.get(r.ip);
  if (last !== undefined && now - last < world.opts.timing.roomCreationCooldownMs) {
    return errA(429, "RATE_LIMITED", "Creating rooms too fast");
  }
  const name = sanitizeName(data.name as string, MAX_ROOM_NAME_LENGTH);
  if (name === "") return errA(400, "VALIDATION_ERROR", "Room name contains no valid characters");
  if (world.nameTaken(name)) return errA(409, "ROOM_NAME_EXISTS", "Room name exists");
  const id = world.newRoomId();
  if (!id) return errA(500, "SERVER_ERROR", "Could not generate ID");
  const room = world.createRoom(id, name, data, { lastActiveTime: now });
  const { type } = room;
  world.log(`REST client ${r.ip} created ${type} room ${roomName(room)}`);
  world.lastRestCreateByIp.set(r.ip, now);
  if (type === "semi-private") r.session.data.validatedRooms[id] = data.accessCode as string;
  world.broadcastLobby();
  return {
    status: 201,
    json: { success: true, roomId: id, currentStatistics: world.statistics() },
  };
}

function joinCheck(world: World, r: Request, id: string): Reply {
  const room = world.rooms.get(id);
  if (!room) return errA(404, "NOT_FOUND", "Room not found");
  if (room.users.length >= world.opts.limits.roomCapacity) return errA(400, "ROOM_FULL", "Full");
  if (room.type === "semi-private") {
    // without a code, one this session already holds (e.g. from its own REST create) counts
    const code = (r.body as Record<string, unknown> | null)?.accessCode ||
      r.session.data.validatedRooms[id];
    if (!code) return errA(403, "FORBIDDEN", "Access code required");
    if (code !== room.accessCode) return errA(403, "FORBIDDEN", "Wrong code");
    r.session.data.validatedRooms[id] = room.accessCode;
  }
  return {
    status: 200,
    json: { success: true, message: "Access granted. Connect via Socket.IO." },
  };
}

function configBody(world: World): unknown {
  const { timing: t, rateLimits: rl, limits: l } = world.opts;
  return {
    limits: {
      MAX_USERNAME_LENGTH,
      MAX_AFK_TIME: t.afkTimeoutMs,
      MAX_LOCATION_LENGTH,
      MAX_ROOM_NAME_LENGTH,
      MAX_MESSAGE_LENGTH,
      MAX_ROOM_CAPACITY: l.roomCapacity,
      BASE_MAX_ROOMS: l.baseMaxRooms,
      ROOM_SCALING_INCREMENT: l.roomScalingIncrement,
      MAX_CONNECTIONS_PER_IP: rl.maxConnectionsPerIp,
      SOCKET_MAX_REQUESTS_WINDOW: rl.socketHuman.windowMs / 1000,
      SOCKET_MAX_REQUESTS_PER_WINDOW: rl.socketHuman.points,
      CHAT_UPDATE_RATE_LIMIT: rl.chatBatch.points,
      TYPING_RATE_LIMIT: 60,
      CONNECTION_DELAY: 100,
      MAX_ID_GEN_ATTEMPTS: 100,
      BATCH_SIZE_LIMIT: 50,
      MAX_ROOMS_PER_USER: 1,
      BOT_DETECTION_JOIN_THRESHOLD: rl.joinAttemptThreshold,
      BOT_DETECTION_WINDOW: rl.joinAttemptWindowMs,
      MAX_REQUESTS_PER_MINUTE: rl.apiHuman.points,
      MAX_BOT_REQUESTS_PER_MINUTE: rl.apiBot.points,
      MAX_BOT_TOKENS_PER_IP: rl.maxTokensPerIp,
      BOT_TOKEN_REQUEST_COOLDOWN: 300000,
      IP_USER_CLEANUP_INTERVAL: 3600000,
      MIN_USERS_FOR_VOTING: l.minUsersForVoting,
      MAX_COMBINING_MARKS: 2,
      MAX_ROOMS_PER_IP: rl.maxRoomsPerIp,
      IP_ROOM_CREATION_COOLDOWN: t.ipRoomCreationCooldownMs,
      HARD_MAX_ROOMS: l.hardMaxRooms,
      PRESSURE_TIERS: t.pressureTiers.map((p) => ({ threshold: p.threshold, ttl: p.ttlMs })),
      HEALTHY_ROOM_AGE_MS: t.healthyRoomAgeMs,
      PRESSURE_CLEANUP_INTERVAL: t.pressureIntervalMs,
    },
    features: {
      ENABLE_WORD_FILTER: world.filter !== undefined,
      LOAD_ROOMS_ON_STARTUP: false,
      ENABLE_BOT_PROTECTION: rl.joinAttemptThreshold !== Infinity,
      ENABLE_DYNAMIC_SCALING: true,
      ENABLE_STRICT_ANTIBOT: world.opts.requireToken,
      ENABLE_BOT_TOKENS: true,
      ENABLE_IP_BASED_USERS: false,
      REQUIRE_USER_AGENT: true,
    },
    versions: { API: "v1", SERVER: "2.3.0" },
    roomStatistics: world.statistics(),
  };
}
