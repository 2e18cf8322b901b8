// TestUser: a scripted, human-like raw socket.io client (not the Bot).

import { io, type Socket } from "socket.io-client";
import type { TestServer } from "./server.ts";
import type { Diff } from "./_world.ts";
import { applyDiff } from "../schemas/text.ts";
import { sanitizeChat } from "./_text.ts";

/** Options of {@linkcode TestUser.connect}. */
export interface TestUserOptions {
  /** Sign in with this name after connecting (needs `location` or defaults to "On The Web"). */
  username?: string;
  /** Location for the sign-in. */
  location?: string;
  /** Bot token; by default issued by the TestServer directly, or requested over HTTP for a URL. */
  token?: string;
  /** Pseudo IP sent as `X-Forwarded-For` (default: a random 10.x address). */
  ip?: string;
  /** `connect.sid=...` cookie to reuse, or `false` to connect without one (new identity every time). */
  cookie?: string | false;
  /** Milliseconds to wait for each expected answer (default 3000). */
  timeout?: number;
}

/** Options of {@linkcode TestUser.type}. */
export interface TypeOptions {
  /** Characters per second (default 20; `Infinity` sends all diffs at once). */
  cps?: number;
}

/** One event received by a {@linkcode TestUser}. */
export interface RecordedEvent {
  /** Event name. */
  name: string;
  /** Payload arguments. */
  args: unknown[];
  /** Receive time (ms epoch). */
  at: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Waiter {
  from: number;
  match: (e: RecordedEvent) => boolean;
  resolve: (e: RecordedEvent) => void;
}

/**
 * A scripted human-like user: signs in, creates and joins rooms, types letter
 * by letter with diffs, votes, leaves, and records everything it receives.
 *
 * @example
 * ```ts
 * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
 * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
 * await using bob = await TestUser.connect(server, { username: "Bob", location: "Berlin" });
 * const id = await bob.createRoom({ name: "Bob's room" });
 * await bob.joinRoom(id);
 * await bob.send("hi all");
 * ```
 */
export class TestUser {
  /**
   * Everything received, in order.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assert } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * await alice.joinRoom(await alice.createRoom({ name: "Lounge" }));
   * assert(alice.events.some((event) => event.name === "room joined"));
   * ```
   */
  readonly events: RecordedEvent[] = [];
  /**
   * Current text of every user in the room, as this user sees it (own text included).
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * await using bob = await TestUser.connect(server, { username: "Bob", location: "Berlin" });
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * await bob.joinRoom(roomId);
   * const seen = alice.waitFor("chat update");
   * await bob.send("hi Alice");
   * await seen;
   * assertEquals(alice.texts[bob.userId!], "hi Alice");
   * ```
   */
  readonly texts: Record<string, string> = {};
  #socket: Socket;
  #cookie: string | undefined;
  #timeout: number;
  #waiters = new Set<Waiter>();
  #userId: string | undefined;
  #roomId: string | null = null;
  #text = "";

  private constructor(socket: Socket, cookie: string | undefined, timeout: number) {
    this.#socket = socket;
    this.#cookie = cookie;
    this.#timeout = timeout;
    socket.onAny((name: string, ...args: unknown[]) => this.#record(name, args));
    socket.on("disconnect", (reason) => this.#record("disconnect", [reason]));
  }

  /**
   * Fetches a cookie and a token if needed, connects, and signs in when `username` is given.
   *
   * @param server A TestServer or a base URL.
   * @param options Identity, token, pseudo IP, cookie, timeout.
   * @returns The connected user.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using anon = await TestUser.connect(server);
   * console.log(anon.userId); // undefined until it signs in or joins
   * ```
   */
  static async connect(
    server: TestServer | string,
    options: TestUserOptions = {},
  ): Promise<TestUser> {
    const url = typeof server === "string" ? server : server?.url;
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
      throw new TypeError(
        `Cannot connect to ${JSON.stringify(url)}: expected a TestServer or an http(s) URL`,
      );
    }
    const timeout = options.timeout ?? 3000;
    if (typeof timeout !== "number" || !(timeout > 0)) {
      throw new RangeError(`Cannot use timeout ${String(timeout)}: expected a number > 0`);
    }
    const ip = options.ip ?? `10.${rand()}.${rand()}.${rand()}`;
    let cookie = options.cookie === false ? undefined : options.cookie;
    if (options.cookie === undefined) {
      const res = await fetch(`${url}/js/emojiList.json`, { headers: { "X-Forwarded-For": ip } });
      await res.body?.cancel();
      cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) =>
        c.startsWith("connect.sid=")
      );
    }
    let token = options.token;
    if (token === undefined) {
      if (typeof server !== "string") token = server.issueToken(ip);
      else {
        const res = await fetch(`${url}/api/v1/bot-tokens/request`, {
          method: "POST",
          headers: { "X-Forwarded-For": ip, ...(cookie ? { Cookie: cookie } : {}) },
        });
        const body = await res.json();
        if (res.status !== 201) {
          throw new Error(`Cannot get a bot token: HTTP ${res.status} ${JSON.stringify(body)}`);
        }
        token = body.token as string;
      }
    }
    const socket = io(url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout,
      auth: token ? { token } : {},
      extraHeaders: { "X-Forwarded-For": ip, ...(cookie ? { Cookie: cookie } : {}) },
    });
    const user = new TestUser(socket, cookie, timeout);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (e) => {
        socket.close();
        reject(new Error(`Cannot connect to ${url}: ${e.message}`));
      });
    });
    if (options.username !== undefined) await user.signIn(options.username, options.location);
    return user;
  }

  /**
   * The user id once signed in or joined.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * assertEquals(alice.userId?.length, 32); // the session id
   * ```
   */
  get userId(): string | undefined {
    return this.#userId;
  }

  /**
   * The room this user is in, or null.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * assertEquals(alice.roomId, null);
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * assertEquals(alice.roomId, roomId);
   * ```
   */
  get roomId(): string | null {
    return this.#roomId;
  }

  /**
   * The session cookie (`connect.sid=...`), if any.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * // The same session over HTTP:
   * const res = await fetch(`${server.url}/api/v1/me`, {
   *   headers: { Cookie: alice.cookie!, Authorization: `Bearer ${server.issueToken()}` },
   * });
   * assertEquals((await res.json()).username, "Alice");
   * ```
   */
  get cookie(): string | undefined {
    return this.#cookie;
  }

  /**
   * This user's own text, as the server holds it.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * await alice.joinRoom(await alice.createRoom({ name: "Lounge" }));
   * await alice.type("hello", { cps: 200 });
   * await alice.backspace(2, { cps: 200 });
   * assertEquals(alice.text, "hel");
   * ```
   */
  get text(): string {
    return this.#text;
  }

  /**
   * True while the socket is connected.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assert, assertFalse } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * assert(alice.connected);
   * await alice.close();
   * assertFalse(alice.connected);
   * ```
   */
  get connected(): boolean {
    return this.#socket.connected;
  }

  #record(name: string, args: unknown[]): void {
    const e = { name, args, at: Date.now() };
    this.events.push(e);
    const p = args[0] as Record<string, unknown> | undefined;
    if (name === "signin status" && typeof p?.userId === "string") this.#userId = p.userId;
    if (name === "room joined" && p) {
      this.#userId = p.userId as string;
      this.#roomId = p.roomId as string;
      this.#setTexts(p.currentMessages);
      this.#text = this.texts[this.#userId] ?? "";
    }
    if ((name === "room update") && p && p.id === this.#roomId) this.#setTexts(p.currentMessages);
    if (name === "chat update" && p) {
      this.texts[p.userId as string] = (p.diff as { text: string }).text;
    }
    if (name === "user left" && args[0] === this.#userId) this.#roomId = null;
    if (name === "disconnect") this.#roomId = null;
    const index = this.events.length - 1;
    for (const w of [...this.#waiters]) {
      if (index >= w.from && w.match(e)) {
        this.#waiters.delete(w);
        w.resolve(e);
      }
    }
  }

  #setTexts(messages: unknown): void {
    if (!messages || typeof messages !== "object") return;
    for (const key of Object.keys(this.texts)) delete this.texts[key];
    Object.assign(this.texts, messages);
  }

  /**
   * Waits for an event (received from now on, or from index `since`) whose first argument satisfies `predicate`.
   *
   * @param event Event name.
   * @param predicate Optional condition on the first argument.
   * @param options `timeout` (ms) and `since` (index into `events`).
   * @returns The first argument of the event.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server);
   * const waiting = u.waitFor("initial rooms");
   * u.emit("get rooms");
   * console.log(await waiting); // []
   * ```
   */
  waitFor<T = unknown>(
    event: string,
    predicate: (payload: T) => boolean = () => true,
    options: { timeout?: number; since?: number } = {},
  ): Promise<T> {
    return this.#waitAny([event], predicate as (p: unknown) => boolean, options).then((e) =>
      e.args[0] as T
    );
  }

  #waitAny(
    names: string[],
    predicate: (p: unknown) => boolean = () => true,
    options: { timeout?: number; since?: number } = {},
  ): Promise<RecordedEvent> {
    const from = options.since ?? this.events.length;
    const timeout = options.timeout ?? this.#timeout;
    const match = (e: RecordedEvent) => names.includes(e.name) && predicate(e.args[0]);
    const found = this.events.slice(from).find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const w: Waiter = { from, match, resolve: (e) => (clearTimeout(timer), resolve(e)) };
      const timer = setTimeout(() => {
        this.#waiters.delete(w);
        reject(
          new Error(
            `Timed out after ${timeout} ms waiting for ${names.map((n) => `"${n}"`).join(" or ")}`,
          ),
        );
      }, timeout);
      this.#waiters.add(w);
    });
  }

  /**
   * Emits a raw event.
   *
   * @param event Event name.
   * @param args Payload arguments.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server);
   * u.emit("get rooms");
   * ```
   */
  emit(event: string, ...args: unknown[]): void {
    if (typeof event !== "string" || event === "") {
      throw new TypeError(
        `Cannot emit event ${JSON.stringify(event)}: expected a non-empty string`,
      );
    }
    this.#socket.emit(event, ...args);
  }

  async #request(
    event: string,
    args: unknown[],
    ok: string[],
    bad: string[],
  ): Promise<RecordedEvent> {
    const since = this.events.length;
    this.#socket.emit(event, ...args);
    const e = await this.#waitAny([...ok, ...bad], undefined, { since });
    if (bad.includes(e.name)) {
      const p = e.args[0] as { error?: { message?: string } } | undefined;
      const detail = p?.error?.message ?? JSON.stringify(p ?? null);
      throw new Error(`Cannot ${event}: the server answered "${e.name}" ${detail}`);
    }
    return e;
  }

  /**
   * Signs in (`join lobby`).
   *
   * @param username Name (max 15 chars).
   * @param location Location (max 20 chars).
   * @returns The user id.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server);
   * console.log((await u.signIn("Carol", "Cairo")).length); // 32
   * ```
   */
  async signIn(username: string, location?: string): Promise<string> {
    const payload = location === undefined ? { username } : { username, location };
    await this.#request("join lobby", [payload], ["signin status"], ["error", "validation_error"]);
    return this.#userId!;
  }

  /**
   * Creates a room (does not join it).
   *
   * @param room Name, type (default public), layout (default horizontal), access code.
   * @returns The new room id.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Dan", location: "Delhi" });
   * console.log((await u.createRoom({ name: "Den" })).length); // 6
   * ```
   */
  async createRoom(
    room: {
      name: string;
      type?: "public" | "semi-private" | "private";
      layout?: "horizontal" | "vertical";
      accessCode?: string;
    },
  ): Promise<string> {
    const payload = { type: "public", layout: "horizontal", ...room };
    const e = await this.#request("create room", [payload], ["room created"], [
      "error",
      "validation_error",
    ]);
    return e.args[0] as string;
  }

  /**
   * Joins a room and resolves after its `room update`.
   *
   * @param roomId Room id.
   * @param accessCode Code of a semi-private room.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Eve", location: "Essen" });
   * await u.joinRoom(await u.createRoom({ name: "Eden" }));
   * ```
   */
  async joinRoom(roomId: string, accessCode?: string): Promise<void> {
    if (typeof roomId !== "string") {
      throw new TypeError(`Cannot join room ${JSON.stringify(roomId)}: expected a string id`);
    }
    const payload = accessCode === undefined ? { roomId } : { roomId, accessCode };
    const since = this.events.length;
    await this.#request("join room", [payload], ["room joined"], [
      "error",
      "room not found",
      "room full",
      "access code required",
    ]);
    await this.#waitAny(["room update"], undefined, { since });
  }

  /**
   * Leaves the room and resolves after the `lobby update` that ends the leave sequence.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Fay", location: "Fes" });
   * await u.joinRoom(await u.createRoom({ name: "Fort" }));
   * await u.leaveRoom();
   * ```
   */
  async leaveRoom(): Promise<void> {
    if (this.#roomId === null) throw new Error("Cannot leave: not in a room");
    const since = this.events.length;
    this.#socket.emit("leave room");
    await this.#waitAny(["lobby update"], undefined, { since });
    this.#roomId = null;
    this.#text = "";
  }

  #diff(diff: Diff): void {
    this.#text = sanitizeChat(applyDiff(this.#text, diff));
    if (this.#userId) this.texts[this.#userId] = this.#text;
    this.#socket.emit("chat update", { diff });
  }

  async #paced(count: number, cps: number | undefined, step: (i: number) => void): Promise<void> {
    const rate = cps ?? 20;
    if (typeof rate !== "number" || !(rate > 0)) {
      throw new RangeError(
        `Cannot type at ${String(rate)} characters per second: expected a number > 0`,
      );
    }
    for (let i = 0; i < count; i++) {
      step(i);
      if (rate !== Infinity && i < count - 1) await sleep(1000 / rate);
    }
    await sleep(40);
  }

  /**
   * Types text letter by letter at the end of the own text (one `add` diff per character).
   *
   * @param text Text to type.
   * @param options `cps`: characters per second (default 20).
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Gus", location: "Graz" });
   * await u.joinRoom(await u.createRoom({ name: "Garden" }));
   * await u.type("hey", { cps: 50 });
   * ```
   */
  async type(text: string, options: TypeOptions = {}): Promise<void> {
    if (typeof text !== "string") {
      throw new TypeError(`Cannot type ${JSON.stringify(text)}: expected a string`);
    }
    const chars = [...text];
    await this.#paced(chars.length, options.cps, (i) => {
      this.#diff({ type: "add", index: this.#text.length, text: chars[i] });
    });
  }

  /**
   * Deletes `n` characters from the end, one `delete` diff each.
   *
   * @param n Number of characters.
   * @param options `cps`: characters per second.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Hal", location: "Hue" });
   * await u.joinRoom(await u.createRoom({ name: "Hall" }));
   * await u.type("hii", { cps: 50 });
   * await u.backspace(1);
   * ```
   */
  async backspace(n = 1, options: TypeOptions = {}): Promise<void> {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`Cannot delete ${String(n)} characters: expected an integer >= 0`);
    }
    await this.#paced(Math.min(n, this.#text.length), options.cps, () => {
      this.#diff({ type: "delete", index: this.#text.length - 1, count: 1 });
    });
  }

  /**
   * Overwrites text at `index` with one `replace` diff.
   *
   * @param index Position in the own text.
   * @param text Replacement.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Ida", location: "Ulm" });
   * await u.joinRoom(await u.createRoom({ name: "Inn" }));
   * await u.send("Hello");
   * await u.replace(0, "J"); // "Jello"
   * ```
   */
  async replace(index: number, text: string): Promise<void> {
    if (!Number.isInteger(index) || index < 0) {
      throw new RangeError(`Cannot replace at index ${String(index)}: expected an integer >= 0`);
    }
    if (typeof text !== "string") {
      throw new TypeError(`Cannot replace with ${JSON.stringify(text)}: expected a string`);
    }
    await this.#paced(1, Infinity, () => this.#diff({ type: "replace", index, text }));
  }

  /**
   * Replaces the whole own text with one `full-replace` diff.
   *
   * @param text New text.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Jo", location: "Jena" });
   * await u.joinRoom(await u.createRoom({ name: "Jazz" }));
   * await u.send("all at once");
   * ```
   */
  async send(text: string): Promise<void> {
    if (typeof text !== "string") {
      throw new TypeError(`Cannot send ${JSON.stringify(text)}: expected a string`);
    }
    await this.#paced(1, Infinity, () => this.#diff({ type: "full-replace", text }));
  }

  /**
   * Presses Enter (adds "\n" at the end).
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server, { username: "Kim", location: "Kiel" });
   * await u.joinRoom(await u.createRoom({ name: "Keep" }));
   * await u.pressEnter();
   * ```
   */
  async pressEnter(): Promise<void> {
    await this.type("\n", { cps: Infinity });
  }

  /**
   * Sends `typing`.
   *
   * @param isTyping Typing state.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server);
   * u.typing(true);
   * ```
   */
  typing(isTyping: boolean): void {
    this.#socket.emit("typing", { isTyping });
  }

  /**
   * Votes to kick a user (again to withdraw).
   *
   * @param targetUserId User id of the target.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * await using u = await TestUser.connect(server);
   * u.vote("someone");
   * ```
   */
  vote(targetUserId: string): void {
    if (typeof targetUserId !== "string") {
      throw new TypeError(`Cannot vote for ${JSON.stringify(targetUserId)}: expected a user id`);
    }
    this.#socket.emit("vote", { targetUserId });
  }

  /**
   * Closes the socket (client side) and resolves once closed.
   *
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * await using server = await TestServer.start();
   * const u = await TestUser.connect(server);
   * await u.close();
   * ```
   */
  async close(): Promise<void> {
    for (const w of this.#waiters) w.resolve({ name: "closed", args: [], at: Date.now() });
    this.#waiters.clear();
    if (this.#socket.connected) {
      const closed = new Promise<void>((r) => this.#socket.once("disconnect", () => r()));
      this.#socket.disconnect();
      await closed;
    } else this.#socket.close();
  }

  /**
   * Same as {@linkcode TestUser.close}, for `await using`.
   *
   * @returns When disconnected.
   * @example
   * ```ts
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * {
   *   await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   *   assertEquals(server.sockets().length, 1);
   * } // disconnected here
   * await server.waitFor((s) => s.sockets().length === 0);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function rand(): number {
  return 1 + Math.floor(Math.random() * 254);
}
