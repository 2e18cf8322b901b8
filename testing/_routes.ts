// The test server's routes (docs/protocol.md §11, §12.5): static JSON, the
// chat page, bot tokens, the token layer and the API key, and the REST API.

import type { IncomingHttpHeaders } from "node:http";
import type { Session } from "./_session.ts";
import type { Room, World } from "./_world.ts";
import { CHARACTER_SUBSTITUTIONS, emojiList, sanitizeName, validateRoom } from "./_text.ts";
import { roomName } from "./_activity.ts";
import { isBrowser } from "./_request.ts";
import {
  MAX_LOCATION_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_USERNAME_LENGTH,
} from "../schemas/limits.gen.ts";
import { pageAsset } from "./_page.ts";
import { messageText, SERVER_MESSAGES, type ServerMessageName } from "../schemas/messages.ts";

/** An HTML error page, as Express sends one. */
export function htmlError(status: number, text: string): Reply {
  const page =
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n` +
    `</head>\n<body>\n<pre>${
      text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&#39;")
    }</pre>\n</body>\n</html>\n`;
  return { status, body: page, type: "text/html; charset=utf-8" };
}

/** A `detailed` error body (docs/protocol.md §11.2). */
export function errA(
  status: number,
  name: ServerMessageName,
  values?: Readonly<Record<string, string | number>>,
  details?: Record<string, string>,
): Reply {
  const { code } = SERVER_MESSAGES[name];
  const message = messageText(name, values);
  const error: Record<string, unknown> = { code, message, replaceDefaultText: false };
  if (details) error.details = details;
  return { status, json: { error } };
}

/** A `simple` error body (docs/protocol.md §11.2). */
export function errB(
  status: number,
  name: ServerMessageName,
  values?: Readonly<Record<string, string | number>>,
): Reply {
  return {
    status,
    json: { error: { code: SERVER_MESSAGES[name].code, message: messageText(name, values) } },
  };
}

/** What a route answers. */
export interface Reply {
  status: number;
  json?: unknown;
  body?: string;
  type?: string;
  headers?: Record<string, string>;
}

/** A request as the routes see it, after the middleware. */
export interface Request {
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

/** Answers a request that passed the middleware. */
export function route(world: World, r: Request): Reply {
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
    return errB(403, "HTTP_BROWSER_TOKEN_REQUEST");
  }
  if (!world.limiters.tokenRequests.consume(r.ip).allowed) {
    return errB(429, "HTTP_TOO_MANY_TOKEN_REQUESTS");
  }
  const max = world.opts.rateLimits.maxTokensPerIp;
  if (world.tokens.countForIp(r.ip) >= max) {
    return errB(429, "HTTP_TOKEN_LIMIT", { max });
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
  if (!token) return errB(400, "HTTP_TOKEN_REQUIRED");
  const rec = world.tokens.get(token);
  if (!rec) return errB(401, "HTTP_INVALID_TOKEN");
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
    return errB(403, "HTTP_TOKEN_IN_BROWSER");
  }
  if (!browser) {
    if (!token && world.opts.requireToken) {
      return errB(401, "HTTP_BOT_TOKEN_REQUIRED");
    }
    if (token) {
      const rec = world.tokens.get(token);
      if (!rec) return errB(401, "HTTP_INVALID_BOT_TOKEN");
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
          code: SERVER_MESSAGES.HTTP_API_RATE_LIMITED.code,
          message: messageText("HTTP_API_RATE_LIMITED", { seconds }),
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
    return errA(403, "HTTP_API_KEY");
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
    return room ? { status: 200, json: restRoom(world, room) } : errA(404, "HTTP_ROOM_NOT_FOUND");
  }
  if (!id) return createRoom(world, r);
  return joinCheck(world, r, decodeURIComponent(id));
}

function createRoom(world: World, r: Request): Reply {
  const data = (r.body && typeof r.body === "object" ? r.body : {}) as Record<string, unknown>;
  const errors = validateRoom(data);
  if (Object.keys(errors).length > 0) {
    return errA(400, "HTTP_VALIDATION_FAILED", {}, errors);
  }
  const limit = world.currentLimit();
  if (world.rooms.size >= limit) {
    return errA(429, "HTTP_ROOM_LIMIT", { limit });
  }
  const now = Date.now();
  const last = world.lastRestCreateByIp.get(r.ip);
  if (last !== undefined && now - last < world.opts.timing.roomCreationCooldownMs) {
    return errA(429, "HTTP_CREATING_ROOMS_TOO_FAST");
  }
  const name = sanitizeName(data.name as string, MAX_ROOM_NAME_LENGTH);
  if (name === "") return errA(400, "HTTP_ROOM_NAME_NO_VALID_CHARACTERS");
  if (world.nameTaken(name)) return errA(409, "HTTP_ROOM_NAME_EXISTS");
  const id = world.newRoomId();
  if (!id) return errA(500, "HTTP_COULD_NOT_GENERATE_ID");
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
  if (!room) return errA(404, "HTTP_ROOM_NOT_FOUND");
  if (room.users.length >= world.opts.limits.roomCapacity) return errA(400, "HTTP_ROOM_FULL");
  if (room.type === "semi-private") {
    // without a code, one this session already holds (e.g. from its own REST create) counts
    const code = (r.body as Record<string, unknown> | null)?.accessCode ||
      r.session.data.validatedRooms[id];
    if (!code) return errA(403, "HTTP_ACCESS_CODE_REQUIRED");
    if (code !== room.accessCode) return errA(403, "HTTP_WRONG_CODE");
    r.session.data.validatedRooms[id] = room.accessCode;
  }
  return {
    status: 200,
    json: { success: true, message: messageText("HTTP_ACCESS_GRANTED") },
  };
}

/** JSON has no Infinity: a limiter switched off (`relaxRateLimits`) shows as the largest safe number. */
function finite(n: number): number {
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
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
      MAX_CONNECTIONS_PER_IP: finite(rl.maxConnectionsPerIp),
      SOCKET_MAX_REQUESTS_WINDOW: finite(rl.socketHuman.windowMs / 1000),
      SOCKET_MAX_REQUESTS_PER_WINDOW: finite(rl.socketHuman.points),
      CHAT_UPDATE_RATE_LIMIT: finite(rl.chatBatch.points),
      TYPING_RATE_LIMIT: 60,
      CONNECTION_DELAY: 100,
      MAX_ID_GEN_ATTEMPTS: 100,
      BATCH_SIZE_LIMIT: 50,
      MAX_ROOMS_PER_USER: 1,
      BOT_DETECTION_JOIN_THRESHOLD: finite(rl.joinAttemptThreshold),
      BOT_DETECTION_WINDOW: finite(rl.joinAttemptWindowMs),
      MAX_REQUESTS_PER_MINUTE: finite(rl.apiHuman.points),
      MAX_BOT_REQUESTS_PER_MINUTE: finite(rl.apiBot.points),
      MAX_BOT_TOKENS_PER_IP: finite(rl.maxTokensPerIp),
      BOT_TOKEN_REQUEST_COOLDOWN: 300000,
      IP_USER_CLEANUP_INTERVAL: 3600000,
      MIN_USERS_FOR_VOTING: l.minUsersForVoting,
      MAX_COMBINING_MARKS: 2,
      MAX_ROOMS_PER_IP: finite(rl.maxRoomsPerIp),
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
