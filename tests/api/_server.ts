/**
 * A small REST-only stand-in for the Talkomatic server (docs/protocol.md §11) on
 * 127.0.0.1:0, recording every request, for the REST client's tests. Shapes
 * follow the protocol and `/work/shared/conformance/reference-trace.json`.
 * A test can override any route with `server.override`.
 *
 * @module
 */

import { PUBLIC_API_KEY } from "../../schemas/protocol.gen.ts";

/** One request as the server saw it. */
export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly url: URL;
  readonly headers: Headers;
  readonly body: string;
}

/** A room held by the fake server. */
export interface FakeRoom {
  id: string;
  name: string;
  type: "public" | "semi-private" | "private";
  layout: "horizontal" | "vertical";
  accessCode?: string;
  users: { id: string; username: string; location: string }[];
}

const API_KEY = PUBLIC_API_KEY;

/** A 32-character user id as the real server makes them. */
export const USER_A = "k4U6vKnOosXYMktOBxqsxbSWuzTYTaZn";
/** Another user id. */
export const USER_B = "Zq0fW2p9Lx7Vb3Nc8Md1Ke4Jh5Gg6Ff_";

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

/** Variant A error body. */
export function errorA(status: number, code: string, message: string, details?: unknown): Response {
  return json(status, {
    error: { code, message, replaceDefaultText: false, ...(details ? { details } : {}) },
  });
}

/** Variant B error body. */
export function errorB(status: number, code: string, message: string): Response {
  return json(status, { error: { code, message } });
}

/** Express's default HTML error page. */
export function htmlError(status: number, text: string): Response {
  return new Response(
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${text}</pre>\n</body>\n</html>\n`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

function statistics(rooms: FakeRoom[]): Record<string, unknown> {
  const count = (type: string) => rooms.filter((room) => room.type === type).length;
  return {
    totalRooms: rooms.length,
    totalUsers: rooms.reduce((n, room) => n + room.users.length, 0),
    currentLimit: 15,
    healthyRooms: rooms.length,
    soloRooms: rooms.filter((room) => room.users.length === 1).length,
    roomsWithUsers: rooms.filter((room) => room.users.length > 0).length,
    emptyRooms: rooms.filter((room) => room.users.length === 0).length,
    roomTypes: {
      public: count("public"),
      "semi-private": count("semi-private"),
      private: count("private"),
    },
    currentSoloTTL: 1200,
    hardCap: 50,
    utilizationPercentage: Math.round((rooms.length / 15) * 100),
  };
}

const LIMITS = {
  BASE_MAX_ROOMS: 15,
  BATCH_SIZE_LIMIT: 50,
  BOT_DETECTION_JOIN_THRESHOLD: 10,
  BOT_DETECTION_WINDOW: 60000,
  BOT_TOKEN_REQUEST_COOLDOWN: 300000,
  CHAT_UPDATE_RATE_LIMIT: 500,
  CONNECTION_DELAY: 100,
  HARD_MAX_ROOMS: 50,
  HEALTHY_ROOM_AGE_MS: 300000,
  IP_ROOM_CREATION_COOLDOWN: 30000,
  IP_USER_CLEANUP_INTERVAL: 3600000,
  MAX_AFK_TIME: 180000,
  MAX_BOT_REQUESTS_PER_MINUTE: 500,
  MAX_BOT_TOKENS_PER_IP: 3,
  MAX_COMBINING_MARKS: 2,
  MAX_CONNECTIONS_PER_IP: 8,
  MAX_ID_GEN_ATTEMPTS: 100,
  MAX_LOCATION_LENGTH: 20,
  MAX_MESSAGE_LENGTH: 5000,
  MAX_REQUESTS_PER_MINUTE: 100,
  MAX_ROOMS_PER_IP: 2,
  MAX_ROOMS_PER_USER: 1,
  MAX_ROOM_CAPACITY: 5,
  MAX_ROOM_NAME_LENGTH: 25,
  MAX_USERNAME_LENGTH: 15,
  MIN_USERS_FOR_VOTING: 3,
  PRESSURE_CLEANUP_INTERVAL: 30000,
  PRESSURE_TIERS: [
    { threshold: 0, ttl: 1200000 },
    { threshold: 15, ttl: 600000 },
    { threshold: 30, ttl: 180000 },
    { threshold: 40, ttl: 60000 },
  ],
  ROOM_SCALING_INCREMENT: 5,
  SOCKET_MAX_REQUESTS_PER_WINDOW: 75,
  SOCKET_MAX_REQUESTS_WINDOW: 1,
  TYPING_RATE_LIMIT: 60,
};

const FEATURES = {
  ENABLE_BOT_PROTECTION: true,
  ENABLE_BOT_TOKENS: true,
  ENABLE_DYNAMIC_SCALING: true,
  ENABLE_IP_BASED_USERS: false,
  ENABLE_STRICT_ANTIBOT: true,
  ENABLE_WORD_FILTER: true,
  LOAD_ROOMS_ON_STARTUP: false,
  REQUIRE_USER_AGENT: true,
};

/** The browser score of docs/protocol.md §1.3 for a request's headers. */
export function browserScore(headers: Headers): number {
  let score = 0;
  if (/Mozilla|Chrome|Safari|Firefox|Edge|Opera/i.test(headers.get("user-agent") ?? "")) score++;
  if ((headers.get("accept") ?? "").includes("text/html")) score++;
  if ((headers.get("accept-language") ?? "") !== "") score++;
  if ((headers.get("accept-encoding") ?? "") !== "") score++;
  return score;
}

interface Session {
  username?: string;
  location?: string;
  userId?: string;
  validatedRooms: Record<string, string>;
}

/** The fake server. Start with {@linkcode FakeTalkomatic.start}, stop with `close()`. */
export class FakeTalkomatic {
  readonly url: string;
  readonly seen: Seen[] = [];
  readonly rooms = new Map<string, FakeRoom>();
  readonly sessions = new Map<string, Session>();
  /** Token → expiry; cleared by `restart()`. */
  readonly tokens = new Map<string, { createdAt: number; uses: number }>();
  tokensIssued = 0;
  /** Answer a request before the normal routes (return undefined to fall through). */
  override:
    | ((request: Request, seen: Seen) => Response | undefined | Promise<Response | undefined>)
    | undefined;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #nextSession = 0;

  private constructor(server: Deno.HttpServer<Deno.NetAddr>, url: string) {
    this.#server = server;
    this.url = url;
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  static start(): Promise<FakeTalkomatic> {
    let fake: FakeTalkomatic | undefined;
    return new Promise((resolve) => {
      const server = Deno.serve({
        hostname: "127.0.0.1",
        port: 0,
        onListen: () => {},
      }, (request) => fake!.handle(request));
      fake = new FakeTalkomatic(server, `http://127.0.0.1:${server.addr.port}`);
      resolve(fake);
    });
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await this.#server.shutdown();
  }

  /** Forgets every token, like a server restart. */
  restart(): void {
    this.tokens.clear();
  }

  /** Requests whose path is `path`. */
  requests(path: string): Seen[] {
    return this.seen.filter((seen) => seen.path === path);
  }

  /** Issues a token directly (as if requested earlier). */
  issueToken(): string {
    const token = "tk_" + Array.from(crypto.getRandomValues(new Uint8Array(32)))
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    this.tokens.set(token, { createdAt: Date.now(), uses: 0 });
    this.tokensIssued++;
    return token;
  }

  /** Adds a room. */
  addRoom(room: FakeRoom): FakeRoom {
    this.rooms.set(room.id, room);
    return room;
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const seen: Seen = {
      method: request.method,
      path: url.pathname,
      url,
      headers: request.headers,
      body: await request.text(),
    };
    this.seen.push(seen);
    const context = this.#session(seen);
    const overridden = await this.override?.(request, seen);
    const response = overridden ?? this.#route(seen, context.session);
    return this.#withSession(context, response);
  }

  #session(seen: Seen): { id: string; session: Session; isNew: boolean } {
    const cookie = seen.headers.get("cookie") ?? "";
    const match = /(?:^|;\s*)connect\.sid=([^;]+)/.exec(cookie);
    const id = match ? decodeURIComponent(match[1]).replace(/^s:/, "").split(".")[0] : undefined;
    if (id !== undefined && this.sessions.has(id)) {
      return { id, session: this.sessions.get(id)!, isNew: false };
    }
    const fresh = `sess${String(++this.#nextSession).padStart(28, "0")}`;
    const session: Session = { validatedRooms: {} };
    this.sessions.set(fresh, session);
    return { id: fresh, session, isNew: true };
  }

  #withSession(context: { id: string; isNew: boolean }, response: Response): Response {
    const { id, isNew } = context;
    if (isNew && !response.headers.has("set-cookie")) {
      const headers = new Headers(response.headers);
      headers.append(
        "set-cookie",
        `connect.sid=${encodeURIComponent(`s:${id}.signature`)}; Path=/; Expires=${
          new Date(Date.now() + 14 * 864e5).toUTCString()
        }; HttpOnly; SameSite=Lax`,
      );
      return new Response(response.body, { status: response.status, headers });
    }
    return response;
  }

  #token(seen: Seen): string | undefined {
    const auth = seen.headers.get("authorization");
    if (auth?.startsWith("Bearer ")) return auth.slice(7);
    return seen.url.searchParams.get("token") ?? undefined;
  }

  #route(seen: Seen, session: Session): Response {
    const { method, path } = seen;
    if (method === "GET" && path === "/js/emojiList.json") {
      return json(200, {
        smile: "/images/emoticons/smile.png",
        cool: "https://example.test/cool.gif",
      });
    }
    if (method === "GET" && path === "/js/offensive_words.json") {
      return json(200, {
        offensive_words: ["badword", "worse"],
        whitelisted_words: ["badwordless"],
      });
    }
    if (method === "GET" && path === "/js/character_substitutions.json") {
      return json(200, { "@": "a", "3": "e", "0": "o" });
    }
    if (method === "POST" && path === "/api/v1/bot-tokens/request") {
      if (browserScore(seen.headers) >= 3) {
        return errorB(
          403,
          "BROWSER_TOKEN_REQUEST_BLOCKED",
          "Bot tokens cannot be requested from browsers",
        );
      }
      if (this.tokensIssued >= 3) return errorB(429, "TOKEN_LIMIT_EXCEEDED", "Max 3 tokens per IP");
      const token = this.issueToken();
      const expiresIn = 2592000000;
      return json(201, {
        token,
        expiresIn,
        expiresAt: new Date(Date.now() + expiresIn).toISOString(),
        usage: { rateLimit: "500 req/min", headers: "Authorization: Bearer {token}" },
      });
    }
    if (method === "GET" && path === "/api/v1/bot-tokens/info") {
      const token = this.#token(seen);
      if (token === undefined) return errorB(400, "TOKEN_REQUIRED", "Bot token required");
      const info = this.tokens.get(token);
      if (info === undefined) return errorB(401, "INVALID_TOKEN", "Invalid or expired bot token");
      const iso = (ms: number) => new Date(ms).toISOString();
      return json(200, {
        valid: true,
        createdAt: iso(info.createdAt),
        lastUsed: iso(Date.now()),
        expiresAt: iso(info.createdAt + 2592000000),
        uses: info.uses,
      });
    }
    if (!path.startsWith("/api/")) return htmlError(404, `Cannot ${method} ${path}`);
    // Token layer.
    const token = this.#token(seen);
    if (token === undefined) {
      return errorB(401, "BOT_TOKEN_REQUIRED", "Bot token required for automated access.");
    }
    const info = this.tokens.get(token);
    if (info === undefined || !token.startsWith("tk_")) {
      return errorB(401, "INVALID_BOT_TOKEN", "Invalid or expired bot token");
    }
    info.uses++;
    if (method === "GET" && path === "/api/v1/health") {
      return json(200, {
        status: "ok",
        uptime: 12.5,
        timestamp: Date.now(),
        version: "2.3.0",
        roomStatistics: statistics([...this.rooms.values()]),
        botTokens: { active: this.tokens.size },
      });
    }
    if (method === "GET" && path === "/api/v1/config") {
      return json(200, {
        limits: LIMITS,
        features: FEATURES,
        versions: { API: "v1", SERVER: "2.3.0" },
        roomStatistics: statistics([...this.rooms.values()]),
      });
    }
    if (method === "GET" && path === "/api/v1/me") {
      if (session.userId === undefined) return json(200, { isSignedIn: false, isBot: true });
      return json(200, {
        isSignedIn: true,
        username: session.username,
        location: session.location,
        userId: session.userId,
        isIPBased: false,
        isBot: true,
      });
    }
    if (!path.startsWith("/api/v1/rooms")) return htmlError(404, `Cannot ${method} ${path}`);
    if (seen.headers.get("x-api-key") !== API_KEY) {
      return errorA(403, "UNAUTHORIZED", "Forbidden: invalid or missing x-api-key.");
    }
    const view = (room: FakeRoom) => ({
      id: room.id,
      name: room.name,
      type: room.type,
      users: room.users,
      isFull: room.users.length >= 5,
    });
    if (method === "GET" && path === "/api/v1/rooms") {
      return json(
        200,
        [...this.rooms.values()].filter((room) => room.type !== "private").map(view),
      );
    }
    if (method === "POST" && path === "/api/v1/rooms") return this.#create(seen);
    const match = /^\/api\/v1\/rooms\/([^/]+)(\/join)?$/.exec(path);
    if (match === null) return htmlError(404, `Cannot ${method} ${path}`);
    const room = this.rooms.get(decodeURIComponent(match[1]));
    if (method === "GET" && match[2] === undefined) {
      return room ? json(200, view(room)) : errorA(404, "NOT_FOUND", "Room not found");
    }
    if (method === "POST" && match[2] === "/join") {
      if (room === undefined) return errorA(404, "NOT_FOUND", "Room not found");
      if (room.users.length >= 5) return errorA(400, "ROOM_FULL", "Full");
      if (room.type === "semi-private") {
        const code = (JSON.parse(seen.body || "{}") as { accessCode?: string }).accessCode;
        if (code === undefined) return errorA(403, "FORBIDDEN", "Access code required");
        if (code !== room.accessCode) return errorA(403, "FORBIDDEN", "Wrong code");
        session.validatedRooms[room.id] = code;
      }
      return json(200, { success: true, message: "Access granted. Connect via Socket.IO." });
    }
    return htmlError(404, `Cannot ${method} ${path}`);
  }

  #create(seen: Seen): Response {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(seen.body);
    } catch {
      return htmlError(400, "SyntaxError: Unexpected token in JSON");
    }
    const details: Record<string, string> = {};
    const { name, type, layout, accessCode } = body;
    if (typeof name !== "string") details.name = "Room name is required and must be a string.";
    else if (name.trim() === "") details.name = "Room name cannot be empty.";
    else if (name.length > 25) details.name = "Room name must be at most 25 characters.";
    if (!["public", "semi-private", "private"].includes(type as string)) {
      details.type = "Room type must be public, semi-private, or private.";
    }
    if (!["horizontal", "vertical"].includes(layout as string)) {
      details.layout = "Room layout must be horizontal or vertical.";
    }
    if (type === "semi-private" && !/^\d{6}$/.test(String(accessCode ?? ""))) {
      details.accessCode = "Access code must be a 6-digit number.";
    }
    if (Object.keys(details).length > 0) {
      return errorA(400, "VALIDATION_ERROR", "Validation failed", details);
    }
    const clean = (name as string).replace(/</g, "&lt;");
    if (
      [...this.rooms.values()].some((room) =>
        room.name.toLowerCase() === clean.trim().toLowerCase()
      )
    ) {
      return errorA(409, "ROOM_NAME_EXISTS", "Room name exists");
    }
    let id: string;
    do id = String(100000 + Math.floor(Math.random() * 900000)); while (this.rooms.has(id));
    this.addRoom({
      id,
      name: clean,
      type: type as FakeRoom["type"],
      layout: layout as FakeRoom["layout"],
      users: [],
      ...(type === "semi-private" ? { accessCode: accessCode as string } : {}),
    });
    return json(201, {
      success: true,
      roomId: id,
      currentStatistics: statistics([...this.rooms.values()]),
    });
  }
}
