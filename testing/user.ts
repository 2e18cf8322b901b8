// TestUser: a scripted, human-like raw socket.io client (not the Bot). What it
// receives is recorded by _recorder.ts; here are its actions.

import { io, type Socket } from "socket.io-client";
import type { TestServer } from "./server.ts";
import type { Diff } from "./_world.ts";
import { applyDiff } from "../schemas/text.ts";
import { sanitizeChat } from "./_text.ts";
import { type RecordedEvent, Recorder } from "./_recorder.ts";

export type { RecordedEvent } from "./_recorder.ts";

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
  timeoutMs?: number;
}

/** Options of {@linkcode TestUser.type}. */
export interface TestTypeOptions {
  /** Characters per second (default 20; `Infinity` sends all diffs at once). */
  cps?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A scripted human-like user: signs in, creates and joins rooms, types letter
 * by letter with diffs, votes, leaves, and records everything it receives.
 *
 * @example
 * ```ts
 * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
 *
 * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
 * await using bob = await TestUser.connect(server, { username: "Bob", location: "Berlin" });
 * await bob.joinRoom(await bob.createRoom({ name: "Bob's room" }));
 * await bob.type("hi all", { cps: 100 });
 * ```
 */
export class TestUser {
  /**
   * Everything received, in order.
   *
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const kicked = (user: TestUser) => user.events.some((event) => event.name === "kicked");
   * ```
   */
  readonly events: RecordedEvent[];
  /**
   * Current text of every user in the room, as this user sees it (own text included).
   *
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const botSays = (alice: TestUser, botId: string) => alice.texts[botId] ?? "";
   * ```
   */
  readonly texts: Record<string, string>;
  #socket: Socket;
  #cookie: string | undefined;
  #seen: Recorder;

  private constructor(socket: Socket, cookie: string | undefined, timeout: number) {
    this.#socket = socket;
    this.#cookie = cookie;
    this.#seen = new Recorder(timeout);
    this.events = this.#seen.events;
    this.texts = this.#seen.texts;
    socket.onAny((name: string, ...args: unknown[]) => this.#seen.record(name, args));
    socket.on("disconnect", (reason) => this.#seen.record("disconnect", [reason]));
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
   *
   * async function alice(server: TestServer): Promise<TestUser> {
   *   return await TestUser.connect(server, { username: "Alice", location: "Home" });
   * }
   * ```
   */
  static async connect(
    server: TestServer | string,
    options?: TestUserOptions,
  ): Promise<TestUser> {
    options ??= {};
    const url = typeof server === "string" ? server : server?.url;
    if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
      throw new TypeError(
        `Cannot connect to ${JSON.stringify(url)}: expected a TestServer or an http(s) URL`,
      );
    }
    const timeout = options.timeoutMs ?? 3000;
    if (typeof timeout !== "number" || !(timeout > 0)) {
      throw new RangeError(`Cannot use timeoutMs ${String(timeout)}: expected a number > 0`);
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const bobSays = (alice: TestUser, bob: TestUser) => alice.texts[bob.userId!];
   * ```
   */
  get userId(): string | undefined {
    return this.#seen.userId;
  }

  /**
   * The room this user is in, or null.
   *
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const together = (a: TestUser, b: TestUser) => a.roomId !== null && a.roomId === b.roomId;
   * ```
   */
  get roomId(): string | null {
    return this.#seen.roomId;
  }

  /**
   * The session cookie (`connect.sid=...`), if any.
   *
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const sameSession = (user: TestUser) => ({ Cookie: user.cookie! }); // for fetch()
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const lastLine = (user: TestUser) => user.text.split("\n").at(-1);
   * ```
   */
  get text(): string {
    return this.#seen.text;
  }

  /**
   * True while the socket is connected.
   *
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const gone = (user: TestUser) => !user.connected;
   * ```
   */
  get connected(): boolean {
    return this.#socket.connected;
  }

  /**
   * Waits for an event (received from now on, or from index `since`) whose first argument satisfies `predicate`.
   *
   * @param event Event name.
   * @param predicate Optional condition on the first argument.
   * @param options `timeoutMs` and `since` (index into `events`).
   * @returns The first argument of the event.
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * async function nextLine(alice: TestUser, botId: string): Promise<unknown> {
   *   return await alice.waitFor<{ userId: string }>("chat update", (p) => p.userId === botId);
   * }
   * ```
   */
  waitFor<T = unknown>(
    event: string,
    predicate?: (payload: T) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<T> {
    predicate ??= () => true;
    options ??= {};
    return this.#seen.waitAny([event], predicate as (p: unknown) => boolean, options).then((e) =>
      e.args[0] as T
    );
  }

  /**
   * Emits a raw event.
   *
   * @param event Event name.
   * @param args Payload arguments.
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const askRooms = (user: TestUser) => user.emit("get rooms"); // answered with "initial rooms"
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
    const e = await this.#seen.waitAny([...ok, ...bad], undefined, { since });
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
   * @param username Name.
   * @param location Location.
   * @returns The user id.
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const rename = (user: TestUser) => user.signIn("Carol", "Cairo");
   * ```
   */
  async signIn(username: string, location?: string): Promise<string> {
    const payload = location === undefined ? { username } : { username, location };
    await this.#request("join lobby", [payload], ["signin status"], ["error", "validation_error"]);
    return this.#seen.userId!;
  }

  /**
   * Creates a room (does not join it).
   *
   * @param room Name, type (default public), layout (default horizontal), access code.
   * @returns The new room id.
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const club = (user: TestUser) =>
   *   user.createRoom({ name: "Club", type: "semi-private", accessCode: "123456" });
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const enterClub = (user: TestUser, roomId: string) => user.joinRoom(roomId, "123456");
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
    await this.#seen.waitAny(["room update"], undefined, { since });
  }

  /**
   * Leaves the room and resolves after the `lobby update` that ends the leave sequence.
   *
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const goHome = (user: TestUser) => user.leaveRoom();
   * ```
   */
  async leaveRoom(): Promise<void> {
    if (this.#seen.roomId === null) throw new Error("Cannot leave: not in a room");
    const since = this.events.length;
    this.#socket.emit("leave room");
    await this.#seen.waitAny(["lobby update"], undefined, { since });
    this.#seen.roomId = null;
    this.#seen.text = "";
  }

  #diff(diff: Diff): void {
    const seen = this.#seen;
    seen.text = sanitizeChat(applyDiff(seen.text, diff));
    if (seen.userId) seen.texts[seen.userId] = seen.text;
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const ask = (user: TestUser) => user.type("/echo hi\n", { cps: 50 });
   * ```
   */
  async type(text: string, options?: TestTypeOptions): Promise<void> {
    options ??= {};
    if (typeof text !== "string") {
      throw new TypeError(`Cannot type ${JSON.stringify(text)}: expected a string`);
    }
    const chars = [...text];
    await this.#paced(chars.length, options.cps, (i) => {
      this.#diff({ type: "add", index: this.#seen.text.length, text: chars[i] });
    });
  }

  /**
   * Deletes `n` characters from the end, one `delete` diff each.
   *
   * @param n Number of characters.
   * @param options `cps`: characters per second.
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * async function typo(user: TestUser): Promise<void> {
   *   await user.type("hii");
   *   await user.backspace(1); // "hi"
   * }
   * ```
   */
  async backspace(n?: number, options?: TestTypeOptions): Promise<void> {
    n ??= 1;
    options ??= {};
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`Cannot delete ${String(n)} characters: expected an integer >= 0`);
    }
    await this.#paced(Math.min(n, this.#seen.text.length), options.cps, () => {
      this.#diff({ type: "delete", index: this.#seen.text.length - 1, count: 1 });
    });
  }

  /**
   * Overwrites text at `index` with one `replace` diff.
   *
   * @param index Position in the own text.
   * @param text Replacement.
   * @example
   * ```ts
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const capitalise = (user: TestUser) => user.replace(0, user.text.charAt(0).toUpperCase());
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const paste = (user: TestUser) => user.send("all at once");
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * async function help(user: TestUser): Promise<void> {
   *   await user.type("/help");
   *   await user.pressEnter();
   * }
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const startsTyping = (user: TestUser) => user.typing(true);
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const voteOut = (voter: TestUser, target: TestUser) => voter.vote(target.userId!);
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
   * import type { TestUser } from "@talkomatic/talkomatic/testing";
   *
   * const leaveForGood = (user: TestUser) => user.close(); // like closing the browser tab
   * ```
   */
  async close(): Promise<void> {
    this.#seen.release();
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
   *
   * async function visit(server: TestServer): Promise<void> {
   *   await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   *   await alice.type("hi");
   * } // Alice disconnects here
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function rand(): number {
  return 1 + Math.floor(Math.random() * 254);
}
