// TestServer: a local Talkomatic Classic server (node:http + socket.io).

import { createServer, type IncomingMessage, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as IoServer, type Socket } from "socket.io";
import { type ResolvedOptions, resolveOptions, type TestServerOptions } from "./_options.ts";
import { SessionStore } from "./_session.ts";
import { type Conn, World } from "./_world.ts";
import {
  clientIp,
  handleHttp,
  type HttpContext,
  type HttpFault,
  isBrowser,
  originAllowed,
} from "./_http.ts";
import { envelope, HANDLERS, LIMITER_EXEMPT } from "./_socket.ts";
import { BOARD_HANDLERS } from "./_board.ts";
import { roomName, seconds, socketName, userName } from "./_activity.ts";

export type { HttpFault } from "./_http.ts";

/** A room as seen by {@linkcode TestServer.rooms}. */
export interface RoomInfo {
  /** 6-digit room id. */
  id: string;
  /** Sanitised room name. */
  name: string;
  /** Room type. */
  type: "public" | "semi-private" | "private";
  /** Layout. */
  layout: "horizontal" | "vertical";
  /** Access code of a semi-private room. */
  accessCode: string | undefined;
  /** Occupants as listed by the server (names as at join time). */
  users: { id: string; username: string; location: string }[];
  /** Votes, voter -> target. */
  votes: Record<string, string>;
  /** Chat buffers of the occupants. */
  messages: Record<string, string>;
  /** Banned user ids. */
  banned: string[];
  /** Creation time (undefined for REST-created rooms). */
  createdAt: number | undefined;
  /** Time of the last processed chat batch, 0 if none. */
  lastChatActivity: number;
}

/** A live socket as seen by {@linkcode TestServer.sockets}. */
export interface SocketInfo {
  /** socket.io socket id. */
  id: string;
  /** Client IP as derived by the server. */
  ip: string;
  /** True for token (non-browser) connections. */
  isBot: boolean;
  /** Session id (the future user id). */
  sessionId: string;
  /** Session user id once signed in or joined. */
  userId: string | undefined;
  /** Session username. */
  username: string | undefined;
  /** Session location. */
  location: string | undefined;
  /** Room the socket is in. */
  roomId: string | null;
  /** Whether the socket receives `lobby update`. */
  lobby: boolean;
}

/** Options of {@linkcode TestServer.waitFor}. */
export interface WaitForOptions {
  /** Milliseconds before rejecting (default 5000). */
  timeout?: number;
}

/**
 * A local Talkomatic Classic server that behaves like the real one
 * (docs/protocol.md §1–13), on 127.0.0.1, with every timing constant and limit as an
 * option, inspection helpers and fault hooks for tests.
 *
 * @example Start, use and stop a server
 * ```ts
 * import { TestServer } from "@talkomatic/talkomatic/testing";
 *
 * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
 * const token = server.issueToken();
 * const res = await fetch(`${server.url}/api/v1/health`, {
 *   headers: { Authorization: `Bearer ${token}` },
 * });
 * console.log(res.status, (await res.json()).status); // 200 "ok"
 * ```
 */
export class TestServer {
  #opts: ResolvedOptions;
  #activity: ((line: string) => void) | undefined;
  #http: HttpServer | undefined;
  #io: IoServer | undefined;
  #world!: World;
  #port = 0;
  #faults: HttpFault[] = [];
  #waiters = new Set<() => void>();
  #closed = false;

  private constructor(opts: ResolvedOptions, activity?: (line: string) => void) {
    this.#opts = opts;
    this.#activity = activity;
  }

  /**
   * Starts a server. Rejects bad options with a TypeError or RangeError.
   *
   * @param options Port, host (loopback only), timing, limits, rate limits, word filter, token requirement.
   * @returns The listening server.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * const server = await TestServer.start({ relaxRateLimits: true, requireToken: false });
   * await server.close();
   * ```
   */
  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const server = new TestServer(resolveOptions(options), options.activity);
    await server.#listen(server.#opts.port);
    return server;
  }

  /**
   * Base URL, e.g. `http://127.0.0.1:41234`.
   *
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * const res = await fetch(`${server.url}/js/emojiList.json`);
   * assertEquals(res.status, 200);
   * await res.body?.cancel();
   * ```
   */
  get url(): string {
    const host = this.#opts.host.includes(":") ? `[${this.#opts.host}]` : this.#opts.host;
    return `http://${host}:${this.#port}`;
  }

  /**
   * Listening port.
   *
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assert, assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } }); // port 0: any free one
   * assert(server.port > 0);
   * assertEquals(server.url, `http://127.0.0.1:${server.port}`);
   * ```
   */
  get port(): number {
    return this.#port;
  }

  /**
   * The value required in `x-api-key`.
   *
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({
   *   apiKey: "tK_test_key",
   *   timing: { startupPurgeDelayMs: false },
   * });
   * assertEquals(server.apiKey, "tK_test_key"); // pass it as the client's `apiKey` option
   * ```
   */
  get apiKey(): string {
    return this.#opts.apiKey;
  }

  /**
   * The resolved options (a copy).
   *
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({
   *   requireToken: false,
   *   timing: { startupPurgeDelayMs: false },
   * });
   * assertEquals(server.options.requireToken, false);
   * assertEquals(server.options.host, "127.0.0.1"); // defaults filled in
   * ```
   */
  get options(): ResolvedOptions {
    return structuredClone(this.#opts);
  }

  async #listen(port: number): Promise<void> {
    const sessions = new SessionStore(this.#opts.sessionSecret, this.#opts.timing.sessionMaxAgeMs);
    const activity = this.#activity;
    const log = activity
      ? (line: string) => {
        try {
          activity(line);
        } catch { /* a failing log callback must not break the protocol */ }
      }
      : undefined;
    this.#world = new World(this.#opts, sessions, () => this.#notify(), log);
    const ownOrigins = () => this.#ownOrigins();
    const ctx: HttpContext = { world: () => this.#world, faults: this.#faults, ownOrigins };
    const http = createServer((req, res) => {
      handleHttp(ctx, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
        res.end("Internal Server Error");
      });
    });
    const io = new IoServer(http, {
      pingInterval: 25_000,
      pingTimeout: 60_000,
      connectTimeout: 45_000,
      maxHttpBufferSize: 2_000_000,
      cors: {
        origin: (origin: string | undefined, cb: (err: Error | null, ok?: boolean) => void) =>
          originAllowed(origin, ownOrigins()) ? cb(null, true) : cb(new Error("CORS blocked")),
        credentials: true,
        methods: ["GET", "POST"],
      },
    });
    io.use((socket, next) => {
      let error: string | undefined;
      try {
        error = this.#handshake(socket);
      } catch {
        error = "Connection setup failed";
      }
      if (error) {
        const ip = clientIp(socket.handshake.headers, socket.handshake.address);
        this.#world.log(`refused connection from ${ip}: ${error}`);
      }
      next(error ? new Error(error) : undefined);
    });
    io.on("connection", (socket) => this.#onConnection(socket));
    io.engine.on("connection_error", (e: { req: IncomingMessage; message: string }) => {
      const origin = e.req.headers.origin;
      const why = origin !== undefined && !originAllowed(origin, ownOrigins())
        ? `Origin ${origin} is not allowed (CORS)`
        : e.message;
      this.#world.log(
        `refused connection from ${clientIp(e.req.headers, e.req.socket?.remoteAddress)}: ${why}`,
      );
    });
    this.#http = http;
    this.#io = io;
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(port, this.#opts.host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    this.#port = (http.address() as AddressInfo).port;
  }

  /** The origins of the chat page this server serves: its own URL, by IP and as localhost. */
  #ownOrigins(): ReadonlySet<string> {
    return new Set([this.url, `http://localhost:${this.#port}`]);
  }

  #handshake(socket: Socket): string | undefined {
    const world = this.#world;
    const hs = socket.handshake;
    const sid = world.sessions.idFromCookieHeader(hs.headers.cookie);
    const session = (sid ? world.sessions.load(sid) : undefined) ?? world.sessions.create();
    const browser = isBrowser(hs.headers);
    const auth = (hs.auth ?? {}) as Record<string, unknown>;
    const token = auth.token || hs.query.token;
    if (token && typeof token !== "string") throw new TypeError("token is not a string");
    if (!browser && !token && this.#opts.requireToken) return "Bot token required";
    if (!browser && token && !world.tokens.get(token)) return "Invalid bot token";
    if (browser && token) return "Bot tokens not allowed in browsers";
    const ip = clientIp(hs.headers, hs.address);
    if (!world.limiters.connectionAttempts.consume(ip).allowed) return "IP rate limit exceeded";
    if ((world.connectionsPerIp.get(ip) ?? 0) >= this.#opts.rateLimits.maxConnectionsPerIp) {
      return "Too many connections";
    }
    socket.data = { ip, isBot: !browser, session };
    return undefined;
  }

  #onConnection(socket: Socket): void {
    const world = this.#world;
    const { ip, isBot, session } = socket.data as Pick<Conn, "ip" | "isBot" | "session">;
    const conn: Conn = {
      socket,
      ip,
      isBot,
      session,
      roomId: null,
      lobby: false,
      boardOpen: false,
      handlerErrors: 0,
    };
    world.conns.set(socket.id, conn);
    world.connectionsPerIp.set(ip, (world.connectionsPerIp.get(ip) ?? 0) + 1);
    const limiter = isBot ? world.limiters.socketBot : world.limiters.socketHuman;
    const limit = isBot ? this.#opts.rateLimits.socketBot : this.#opts.rateLimits.socketHuman;
    const handlers = { ...HANDLERS, ...BOARD_HANDLERS };
    // The limiter comes first, as the real server's socket middleware: a packet over the
    // limit gets one RATE_LIMITED error and reaches no handler (§1.6). (onAny listeners would
    // run before any middleware.) Handlers run here, in arrival order.
    socket.use(([event, data], _next) => {
      if (!LIMITER_EXEMPT.has(event) && !limiter.consume(socket.id).allowed) {
        world.log(
          `RATE_LIMITED: ${socketName(conn)} over ${limit.points} events/${
            seconds(limit.windowMs)
          }, event ${JSON.stringify(event)} dropped`,
        );
        return world.send(conn, "error", envelope("RATE_LIMITED", "Rate limit exceeded."));
      }
      const handler = Object.hasOwn(handlers, event) ? handlers[event] : undefined;
      if (!handler || world !== this.#world) return;
      try {
        handler(world, conn, data);
      } catch {
        world.send(conn, "error", envelope("SERVER_ERROR", "Internal server error."));
        if (++conn.handlerErrors > 10) socket.disconnect(true);
      }
      world.changed();
    });
    socket.on("disconnect", () => {
      world.conns.delete(socket.id);
      world.connectionsPerIp.set(ip, Math.max(0, (world.connectionsPerIp.get(ip) ?? 1) - 1));
      world.clearAfk(conn);
      const room = conn.roomId ? world.rooms.get(conn.roomId) : undefined;
      const userId = conn.session.data.userId;
      // Every disconnect deletes the session user's chat buffer, even when another socket
      // of the same session is still in the room (§2.1).
      if (userId) world.dropBuffer(userId);
      if (room && userId) {
        world.log(`${userName(conn)} left room ${roomName(room)}: disconnected`);
        world.removeUser(room, userId, undefined);
      }
      world.changed();
    });
    world.changed();
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  // ------------------------------------------------------------ inspection

  /**
   * Every room, in creation order.
   *
   * @returns Copies of the rooms' state.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.rooms().length); // 0
   * ```
   */
  rooms(): RoomInfo[] {
    return [...this.#world.rooms.values()].map((r) => ({
      id: r.id,
      name: r.name,
      type: r.type,
      layout: r.layout,
      accessCode: r.accessCode,
      users: r.users.map((u) => ({ ...u })),
      votes: Object.fromEntries(r.votes),
      messages: this.#world.messagesOf(r),
      banned: [...r.banned],
      createdAt: r.createdAt,
      lastChatActivity: r.lastChatActivity,
    }));
  }

  /**
   * One room by id.
   *
   * @param id 6-digit room id.
   * @returns The room, or undefined.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.room("123456")); // undefined
   * ```
   */
  room(id: string): RoomInfo | undefined {
    return this.rooms().find((r) => r.id === id);
  }

  /**
   * Live sockets.
   *
   * @returns One entry per connected socket.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.sockets().length); // 0
   * ```
   */
  sockets(): SocketInfo[] {
    return [...this.#world.conns.values()].map((c) => ({
      id: c.socket.id,
      ip: c.ip,
      isBot: c.isBot,
      sessionId: c.session.id,
      userId: c.session.data.userId,
      username: c.session.data.username,
      location: c.session.data.location,
      roomId: c.roomId,
      lobby: c.lobby,
    }));
  }

  /**
   * Connected users (signed in or joined), one entry per user id.
   *
   * @returns Users with their socket ids.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.users()); // []
   * ```
   */
  users(): {
    id: string;
    username: string | undefined;
    location: string | undefined;
    roomId: string | null;
    socketIds: string[];
  }[] {
    const byId = new Map<
      string,
      {
        id: string;
        username: string | undefined;
        location: string | undefined;
        roomId: string | null;
        socketIds: string[];
      }
    >();
    for (const s of this.sockets()) {
      if (!s.userId) continue;
      const entry = byId.get(s.userId) ??
        { id: s.userId, username: s.username, location: s.location, roomId: null, socketIds: [] };
      entry.socketIds.push(s.id);
      entry.roomId ??= s.roomId;
      byId.set(s.userId, entry);
    }
    return [...byId.values()];
  }

  /**
   * Resolves with the first truthy value of `predicate(this)`, re-evaluated on
   * every server event and state change.
   *
   * @param predicate Condition on the server.
   * @param options `timeout` in ms (default 5000).
   * @returns The truthy value.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await server.waitFor((s) => s.rooms().length === 0, { timeout: 100 });
   * ```
   */
  waitFor<T>(
    predicate: (server: TestServer) => T,
    options: WaitForOptions = {},
  ): Promise<NonNullable<T>> {
    if (typeof predicate !== "function") {
      return Promise.reject(
        new TypeError(`Cannot wait for ${String(predicate)}: expected a function`),
      );
    }
    const timeout = options.timeout ?? 5000;
    if (typeof timeout !== "number" || !(timeout >= 0)) {
      return Promise.reject(
        new RangeError(`Cannot wait with timeout ${String(timeout)}: expected a number >= 0`),
      );
    }
    return new Promise((resolve, reject) => {
      // deno-lint-ignore prefer-const
      let poll: ReturnType<typeof setInterval> | undefined;
      // deno-lint-ignore prefer-const
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        this.#waiters.delete(check);
        clearInterval(poll);
        clearTimeout(timer);
      };
      const check = () => {
        try {
          const value = predicate(this);
          if (value) {
            done();
            resolve(value as NonNullable<T>);
          }
        } catch (e) {
          done();
          reject(e);
        }
      };
      this.#waiters.add(check);
      poll = setInterval(check, 50);
      timer = setTimeout(() => {
        done();
        reject(new Error(`Timed out after ${timeout} ms waiting for the server condition`));
      }, timeout);
      queueMicrotask(check);
    });
  }

  // ------------------------------------------------------------ helpers and faults

  /**
   * Issues a bot token directly (no HTTP, no per-IP limits).
   *
   * @param ip IP the token is counted for (default `127.0.0.1`).
   * @returns The token (`tk_` + 64 hex).
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.issueToken().startsWith("tk_")); // true
   * ```
   */
  issueToken(ip = "127.0.0.1"): string {
    if (typeof ip !== "string" || ip === "") {
      throw new TypeError(
        `Cannot issue a token for ip ${JSON.stringify(ip)}: expected a non-empty string`,
      );
    }
    return this.#world.tokens.issue(ip).token;
  }

  /**
   * Revokes a token: later handshakes and REST calls with it fail (live sockets stay, as on the real server).
   *
   * @param token The token.
   * @returns Whether the token existed.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.revokeToken(server.issueToken())); // true
   * ```
   */
  revokeToken(token: string): boolean {
    if (typeof token !== "string") {
      throw new TypeError(`Cannot revoke token ${JSON.stringify(token)}: expected a string`);
    }
    return this.#world.tokens.revoke(token);
  }

  /**
   * Closes, server-side, every socket of a user (by user id or session id), like `io server disconnect`.
   *
   * @param id User id (= session id).
   * @returns Number of sockets closed.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.disconnectUser("nobody")); // 0
   * ```
   */
  disconnectUser(id: string): number {
    if (typeof id !== "string") {
      throw new TypeError(`Cannot disconnect user ${JSON.stringify(id)}: expected a string`);
    }
    const conns = [...this.#world.conns.values()].filter((c) =>
      c.session.data.userId === id || c.session.id === id
    );
    for (const c of conns) c.socket.disconnect(true);
    return conns.length;
  }

  /**
   * Closes every socket server-side.
   *
   * @returns Number of sockets closed.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.disconnectAll()); // 0
   * ```
   */
  disconnectAll(): number {
    const conns = [...this.#world.conns.values()];
    for (const c of conns) c.socket.disconnect(true);
    return conns.length;
  }

  /**
   * Emits a raw event (any arguments, even corrupt ones) to every socket of a user.
   *
   * @param userId User id or session id.
   * @param event Event name.
   * @param args Payload arguments, sent as given.
   * @returns Number of sockets reached.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * console.log(server.emitRaw("nobody", "room update", null)); // 0
   * ```
   */
  emitRaw(userId: string, event: string, ...args: unknown[]): number {
    if (typeof userId !== "string" || typeof event !== "string" || event === "") {
      throw new TypeError(
        `Cannot emit ${JSON.stringify(event)} to ${JSON.stringify(userId)}: expected strings`,
      );
    }
    const conns = [...this.#world.conns.values()].filter((c) =>
      c.session.data.userId === userId || c.session.id === userId
    );
    for (const c of conns) c.socket.emit(event, ...args);
    return conns.length;
  }

  /**
   * Makes the next matching HTTP requests fail: `"500"` (JSON 500), `"html"` (HTML 502) or
   * `"invalid-json"` (200 with a truncated JSON body).
   *
   * @param fault Kind, optional `pathPrefix`, optional `times` (default 1, `Infinity` until cleared).
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * server.injectHttpFault({ kind: "500", pathPrefix: "/api/v1/health" });
   * const res = await fetch(`${server.url}/api/v1/health`);
   * console.log(res.status); // 500
   * await res.body?.cancel();
   * ```
   */
  injectHttpFault(fault: HttpFault): void {
    if (!fault || !["500", "html", "invalid-json"].includes(fault.kind)) {
      throw new TypeError(
        `Cannot inject fault ${
          JSON.stringify(fault)
        }: kind must be "500", "html" or "invalid-json"`,
      );
    }
    if (fault.times !== undefined && !(typeof fault.times === "number" && fault.times >= 1)) {
      throw new RangeError(
        `Cannot inject fault with times ${String(fault.times)}: expected a number >= 1`,
      );
    }
    this.#faults.push({ ...fault });
  }

  /**
   * Removes every pending HTTP fault.
   *
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * server.clearHttpFaults();
   * ```
   */
  clearHttpFaults(): void {
    this.#faults.length = 0;
  }

  /**
   * Simulates a real restart: closes everything and listens again on the same
   * port with fresh state (rooms, tokens and sessions are lost; cookies are
   * invalid unless `sessionSecret` was given, and even then their sessions are gone).
   *
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await server.restart();
   * ```
   */
  async restart(): Promise<void> {
    if (this.#closed) throw new Error("Cannot restart a closed server");
    await this.#shutdown();
    await this.#listen(this.#port);
  }

  async #shutdown(): Promise<void> {
    this.#world.stop();
    const http = this.#http;
    const io = this.#io;
    this.#http = this.#io = undefined;
    if (io) {
      io.disconnectSockets(true);
      io.engine.close();
    }
    if (http) {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        (http as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    }
    io?.close();
  }

  /**
   * Stops the server and every timer. Idempotent.
   *
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * const server = await TestServer.start();
   * await server.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#shutdown();
    for (const w of [...this.#waiters]) w();
  }

  /**
   * Same as {@linkcode TestServer.close}, for `await using`.
   *
   * @returns When closed.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertRejects } from "@std/assert";
   *
   * let url = "";
   * {
   *   await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   *   url = server.url;
   * } // closed here
   * await assertRejects(() => fetch(`${url}/api/v1/health`));
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
