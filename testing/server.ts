// TestServer: a local Talkomatic Classic server (node:http + socket.io). Its
// lifecycle, inspection and fault hooks; the HTTP side is _http.ts, the socket
// side _io.ts, the state and event sequences _world.ts.

import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server as IoServer } from "socket.io";
import { type ResolvedOptions, resolveOptions, type TestServerOptions } from "./_options.ts";
import { SessionStore } from "./_session.ts";
import { type Conn, World } from "./_world.ts";
import { handleHttp, type HttpContext, type HttpFault, type RecordedRequest } from "./_http.ts";
import { attachSockets } from "./_io.ts";
import { guardHost } from "./_host.ts";
import {
  type RoomInfo,
  roomInfos,
  type SocketInfo,
  socketInfos,
  type UserInfo,
  userInfos,
} from "./_inspect.ts";

export type { HttpFault, RecordedRequest } from "./_http.ts";
export type { RoomInfo, SocketInfo, UserInfo } from "./_inspect.ts";

/** Options of {@linkcode TestServer.waitFor}. */
export interface WaitForOptions {
  /** Milliseconds before rejecting (default 5000). */
  timeoutMs?: number;
}

/**
 * A local Talkomatic Classic server that behaves like the real one
 * (docs/protocol.md), on 127.0.0.1, with every timing constant and limit as an
 * option, inspection helpers and fault hooks for tests.
 *
 * @example
 * ```ts
 * import { Bot } from "@talkomatic/talkomatic";
 * import { TestServer } from "@talkomatic/talkomatic/testing";
 *
 * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
 * const bot = new Bot({ username: "Greeter", server: server.url, token: server.issueToken() });
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
  #requests: RecordedRequest[] | undefined;
  #waiters = new Set<() => void>();
  #closed = false;

  private constructor(opts: ResolvedOptions, activity?: (line: string) => void) {
    this.#opts = opts;
    this.#activity = activity;
  }

  /**
   * Starts a server on a free port (or `port`).
   *
   * @param options Port, host (loopback only), timing, limits, rate limits, word filter, token requirement.
   * @returns The listening server.
   * @throws {TypeError | RangeError} When an option is invalid.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * await using server = await TestServer.start({ relaxRateLimits: true, requireToken: false });
   * ```
   */
  static async start(options?: TestServerOptions): Promise<TestServer> {
    options ??= {};
    const server = new TestServer(resolveOptions(options), options.activity);
    if (options.recordRequests) server.#requests = [];
    await server.#listen(server.#opts.port);
    return server;
  }

  /**
   * Base URL, e.g. `http://127.0.0.1:41234`.
   *
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const health = (server: TestServer) => fetch(`${server.url}/api/v1/health`);
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
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const address = (server: TestServer) => `127.0.0.1:${server.port}`;
   * ```
   */
  get port(): number {
    return this.#port;
  }

  /**
   * The value required in `x-api-key`: the `apiKey` option, else the real server's public key.
   *
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const headers = (server: TestServer) => ({ "x-api-key": server.apiKey });
   * ```
   */
  get apiKey(): string {
    return this.#opts.apiKey;
  }

  /**
   * The resolved options (a copy), defaults filled in.
   *
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const afkAfter = (server: TestServer) => server.options.timing.afkTimeoutMs;
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
    const world = () => this.#world;
    const ownOrigins = () => new Set([this.url, `http://localhost:${this.#port}`]);
    const ctx: HttpContext = { world, faults: this.#faults, ownOrigins, requests: this.#requests };
    const http = createServer((req, res) => {
      handleHttp(ctx, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
        res.end("Internal Server Error");
      });
    });
    this.#io = attachSockets(http, { opts: this.#opts, world, ownOrigins });
    guardHost(http, this.#opts.host, (line) => world().log(line));
    this.#http = http;
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(port, this.#opts.host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    this.#port = (http.address() as AddressInfo).port;
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** The connections of a user, by user id or session id. */
  #connsOf(id: string): Conn[] {
    return [...this.#world.conns.values()].filter((c) =>
      c.session.data.userId === id || c.session.id === id
    );
  }

  // ------------------------------------------------------------ inspection

  /**
   * Every room, in creation order.
   *
   * @returns Copies of the rooms' state.
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const occupied = (server: TestServer) => server.rooms().filter((r) => r.users.length > 0);
   * ```
   */
  rooms(): RoomInfo[] {
    return roomInfos(this.#world);
  }

  /**
   * One room by id.
   *
   * @param id 6-digit room id.
   * @returns The room, or undefined.
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const textOf = (server: TestServer, roomId: string, userId: string) =>
   *   server.room(roomId)?.messages[userId];
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
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const bots = (server: TestServer) => server.sockets().filter((s) => s.isBot).length;
   * ```
   */
  sockets(): SocketInfo[] {
    return socketInfos(this.#world);
  }

  /**
   * Connected users (signed in or joined), one entry per user id.
   *
   * @returns Users with their socket ids.
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const names = (server: TestServer) => server.users().map((u) => u.username);
   * ```
   */
  users(): UserInfo[] {
    return userInfos(this.sockets());
  }

  /**
   * Resolves with the first truthy value of `predicate(this)`, re-evaluated on
   * every server event and state change.
   *
   * @param predicate Condition on the server.
   * @param options `timeoutMs` (default 5000).
   * @returns The truthy value.
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * async function firstRoom(server: TestServer) {
   *   return await server.waitFor((s) => s.rooms()[0], { timeoutMs: 1000 });
   * }
   * ```
   */
  waitFor<T>(
    predicate: (server: TestServer) => T,
    options?: WaitForOptions,
  ): Promise<NonNullable<T>> {
    options ??= {};
    if (typeof predicate !== "function") {
      return Promise.reject(
        new TypeError(`Cannot wait for ${String(predicate)}: expected a function`),
      );
    }
    const timeout = options.timeoutMs ?? 5000;
    if (typeof timeout !== "number" || !(timeout >= 0)) {
      return Promise.reject(
        new RangeError(`Cannot wait with timeoutMs ${String(timeout)}: expected a number >= 0`),
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
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const botOptions = (server: TestServer) => ({ server: server.url, token: server.issueToken() });
   * ```
   */
  issueToken(ip?: string): string {
    ip ??= "127.0.0.1";
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
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const revoked = (server: TestServer, token: string) => server.revokeToken(token); // true
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
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const dropBot = (server: TestServer, botId: string) => server.disconnectUser(botId); // 1
   * ```
   */
  disconnectUser(id: string): number {
    if (typeof id !== "string") {
      throw new TypeError(`Cannot disconnect user ${JSON.stringify(id)}: expected a string`);
    }
    const conns = this.#connsOf(id);
    for (const c of conns) c.socket.disconnect(true);
    return conns.length;
  }

  /**
   * Closes every socket server-side.
   *
   * @returns Number of sockets closed.
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const dropEveryone = (server: TestServer) => server.disconnectAll();
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
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const corrupt = (server: TestServer, botId: string) => server.emitRaw(botId, "room update", null);
   * ```
   */
  emitRaw(userId: string, event: string, ...args: unknown[]): number {
    if (typeof userId !== "string" || typeof event !== "string" || event === "") {
      throw new TypeError(
        `Cannot emit ${JSON.stringify(event)} to ${JSON.stringify(userId)}: expected strings`,
      );
    }
    const conns = this.#connsOf(userId);
    for (const c of conns) c.socket.emit(event, ...args);
    return conns.length;
  }

  /**
   * Makes the next matching HTTP requests fail: `"500"` (JSON 500), `"html"` (HTML 502),
   * `"invalid-json"` (200 with a truncated JSON body), or `"answer"` (the fault's `status`, `body`
   * and `headers`: any answer a server might give, for tests of a client). With `delayMs` the
   * answer comes that late (a slow server, for client timeouts).
   *
   * @param fault Kind, optional `pathPrefix`, optional `times` (default 1, `Infinity` until
   *   cleared), optional `delayMs`.
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const breakHealth = (server: TestServer) =>
   *   server.injectHttpFault({ kind: "500", pathPrefix: "/api/v1/health", times: 2 });
   * ```
   */
  injectHttpFault(fault: HttpFault): void {
    if (!fault || !["500", "html", "invalid-json", "answer"].includes(fault.kind)) {
      throw new TypeError(
        `Cannot inject fault ${
          JSON.stringify(fault)
        }: kind must be "500", "html", "invalid-json" or "answer"`,
      );
    }
    const status = fault.status;
    if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
      throw new RangeError(
        `Cannot inject fault with status ${String(status)}: expected an integer from 200 to 599`,
      );
    }
    const delay = fault.delayMs;
    if (delay !== undefined && !(typeof delay === "number" && delay >= 0 && delay < 2 ** 31)) {
      throw new RangeError(
        `Cannot inject fault with delayMs ${String(delay)}: expected a number from 0 to 2147483647`,
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
   * The HTTP requests received so far (socket.io's excepted), oldest first, when the server was
   * started with `recordRequests: true`.
   *
   * @param path Only requests to this exact path (as sent, without the query).
   * @returns The requests: method, path, query, headers and body.
   * @throws {Error} When the server does not record requests.
   * @example
   * ```ts
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * await using server = await TestServer.start({ recordRequests: true });
   * await (await fetch(`${server.url}/api/v1/health`)).body?.cancel();
   * const [health] = server.requests("/api/v1/health");
   * console.log(health.method, health.headers.get("authorization")); // GET null
   * ```
   */
  requests(path?: string): RecordedRequest[] {
    if (!this.#requests) {
      throw new Error("Cannot list requests: start the server with recordRequests: true");
    }
    return this.#requests.filter((r) => path === undefined || r.path === path);
  }

  /**
   * Removes every pending HTTP fault.
   *
   * @example
   * ```ts
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const heal = (server: TestServer) => server.clearHttpFaults();
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
   * import type { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * const crash = (server: TestServer) => server.restart(); // bots reconnect with new tokens
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
   *
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
   *
   * await using server = await TestServer.start(); // closed at the end of the scope
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
