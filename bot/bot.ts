/**
 * The {@linkcode Bot}: typed events, commands, room state, paced actions and
 * reconnection for Talkomatic Classic.
 *
 * One way in: socket event -> validated with the generated schema -> state
 * updated (wire shapes converted once, in `state.ts`) -> friendly events
 * dispatched. One way out: action -> arguments checked -> paced -> payload
 * validated -> emitted -> the server's answer awaited, or a typed error.
 *
 * @example
 * ```ts
 * import { Bot } from "./bot.ts";
 *
 * const bot = new Bot({ username: "Echo", location: "Bot" });
 * bot.command("echo")
 *   .description("Repeats your words")
 *   .param("words", { rest: true })
 *   .handle((ctx, args) => ctx.reply(`${ctx.user.name} said: ${args.words.join(" ")}`));
 * bot.on("ready", async (ctx) => {
 *   const room = ctx.bot.rooms.find((r) => r.type === "public" && !r.isFull);
 *   if (room) await ctx.bot.joinRoom(room);
 * });
 * // await bot.run(); // runs until Ctrl+C
 * ```
 *
 * @module
 */

import { onShutdownSignal } from "./_platform.ts";
import type { CommandBuilder } from "./commands.ts";
import { type AnyHandler, BotCore, type CreateRoomOptions } from "./core.ts";
import { diffTexts, sanitizeChat, typingFrames } from "./diff.ts";
import { ActionError, type HandlerError } from "./errors.ts";
import { assertEventName, type BotEventName } from "./events.ts";
import type { BotOptions, CommandBaseContext, EventHandler } from "./options.ts";
import { delay } from "./pacer.ts";
import type { LobbyRoom, Me, Room, User, UserId } from "./state.ts";
import {
  checkAccessCode,
  checkLayout,
  checkNumber,
  checkRoomId,
  checkRoomName,
  checkRoomType,
  checkText,
} from "../schemas/checks.ts";

export type { CreateRoomOptions };

/** Options of {@linkcode Bot.type}. */
export interface TypeOptions {
  /** Characters per second (default from `pacing.typingCps`). */
  cps?: number;
}

/**
 * A Talkomatic Classic bot.
 *
 * @example
 * ```ts
 * import { Bot } from "./bot.ts";
 * const bot = new Bot({ username: "Hello", location: "world!" });
 * bot.on("roomJoined", (ctx) => ctx.reply("Hello, world!"));
 * // await bot.run();
 * ```
 */
export class Bot extends BotCore {
  /**
   * Creates a bot. Nothing is sent until {@linkcode Bot.start} or {@linkcode Bot.run}.
   *
   * @param options Name, location, server and behaviour.
   * @throws {TypeError} On a missing or wrongly typed option.
   * @throws {RangeError} On a value outside the protocol's limits.
   */
  constructor(options: BotOptions) {
    super(options);
    const o = this.options;
    if (o.help) {
      this._autoHelp = true;
      this._commands.create("help")
        .description("Lists the commands, or explains one")
        .param("command", { optional: true, description: "a command to explain" })
        .handle((ctx, args) => {
          const p = o.prefix;
          if (args.command === undefined) return ctx.reply(this._commands.helpText(p));
          const text = this._commands.helpFor(args.command, p);
          return ctx.reply(text ?? `Unknown command "${p}${args.command.replace(p, "")}"`);
        });
    }
  }
  // ---------------------------------------------------------------- state

  /**
   * The bot's identity, once signed in.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * assertEquals(bot.me, undefined); // not signed in yet
   * await bot.start();
   * assertEquals(bot.me?.name, "Helper");
   * assertEquals(bot.me?.isBot, true);
   * ```
   */
  get me(): Me | undefined {
    return this._state.me;
  }

  /**
   * The lobby (public and semi-private rooms), kept current while the bot is not in a room.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * await alice.joinRoom(await alice.createRoom({ name: "Lounge" }));
   * await bot.start(); // the lobby is filled before `ready`
   * const lounge = bot.rooms.find((room) => room.name === "Lounge" && !room.isFull);
   * assertEquals(lounge?.users.map((user) => user.name), ["Alice"]);
   * ```
   */
  get rooms(): readonly LobbyRoom[] {
    return this._state.rooms;
  }

  /**
   * Every user seen, by id.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * await bot.start();
   * await bot.joinRoom(roomId);
   * assertEquals(bot.users.get(alice.userId!)?.location, "Home");
   * ```
   */
  get users(): ReadonlyMap<UserId, User> {
    return this._state.users;
  }

  /**
   * Whether the bot is connected and signed in.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assert, assertFalse } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * assertFalse(bot.connected);
   * await bot.start();
   * assert(bot.connected);
   * await bot.stop();
   * assertFalse(bot.connected);
   * ```
   */
  get connected(): boolean {
    return this._conn?.connected === true && this._ready;
  }

  /**
   * A user's current text in the bot's room (the bot's own is its local mirror).
   *
   * @param user A user or user id.
   * @returns The text, or `undefined` when that user is not in the room.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * await bot.start();
   * await bot.joinRoom(roomId);
   * const heard = new Promise((resolve) => bot.once("message", resolve));
   * await alice.send("good morning");
   * await heard;
   * assertEquals(bot.textOf(alice.userId!), "good morning");
   * ```
   */
  textOf(user: { readonly id: UserId } | UserId): string | undefined {
    const id = typeof user === "string" ? user : user?.id;
    if (typeof id !== "string") throw new TypeError("Cannot read text: pass a user or a user id");
    return this._state.room?.texts.get(id);
  }

  // ---------------------------------------------------------------- events

  /**
   * Adds a handler for a friendly event. Several handlers per event run in order.
   *
   * @param name The event name (see `BOT_EVENTS`).
   * @param handler Receives the typed context.
   * @returns This bot, for chaining.
   * @throws {TypeError} Listing the permitted names when `name` is unknown.
   * @example Welcome everyone who joins
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * bot.on("userJoin", (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`));
   * await bot.start();
   * const roomId = await bot.createRoom({ name: "Welcome desk" });
   * await bot.joinRoom(roomId);
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * await alice.joinRoom(roomId);
   * await server.waitFor((s) => s.room(roomId)?.messages[bot.me!.id] === "Welcome, Alice!");
   * ```
   */
  on<E extends BotEventName>(name: E, handler: EventHandler<Bot, E>): this {
    return this._add(name, handler, false);
  }

  /**
   * Like {@linkcode Bot.on}, but the handler runs once.
   *
   * @param name The event name.
   * @param handler Receives the typed context.
   * @returns This bot.
   * @example Wait for the next message
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * await bot.start();
   * await bot.joinRoom(roomId);
   * const next = new Promise<string>((resolve) => bot.once("message", (ctx) => resolve(ctx.text)));
   * await alice.send("ping");
   * assertEquals(await next, "ping");
   * ```
   */
  once<E extends BotEventName>(name: E, handler: EventHandler<Bot, E>): this {
    return this._add(name, handler, true);
  }

  /**
   * Removes a handler added with `on()` or `once()`.
   *
   * @param name The event name.
   * @param handler The same function.
   * @returns This bot.
   * @example A command that turns the welcomes off
   * ```ts
   * import { Bot, type EventHandler } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Greeter" });
   * const welcome: EventHandler<Bot, "userJoin"> = (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`);
   * bot.on("userJoin", welcome);
   * bot.command("quiet")
   *   .description("Stops the welcomes")
   *   .handle((ctx) => {
   *     bot.off("userJoin", welcome);
   *     return ctx.reply("OK, no more welcomes");
   *   });
   * ```
   */
  off<E extends BotEventName>(name: E, handler: EventHandler<Bot, E>): this {
    assertEventName(name);
    const list = this._handlers.get(name) ?? [];
    const i = list.findIndex((h) => h.fn === handler);
    if (i >= 0) list.splice(i, 1);
    return this;
  }

  /** @ignore */
  protected _add(name: BotEventName, handler: unknown, once: boolean): this {
    assertEventName(name);
    if (typeof handler !== "function") {
      throw new TypeError(`Cannot listen to "${name}": the handler must be a function`);
    }
    const list = this._handlers.get(name) ?? [];
    list.push({ fn: handler as AnyHandler["fn"], once });
    this._handlers.set(name, list);
    return this;
  }

  /**
   * Sets the function that receives every error a handler throws, wrapped
   * with its context. Without one, they are logged. The bot keeps running.
   *
   * @param handler Receives the {@linkcode HandlerError}.
   * @returns This bot.
   * @example
   * ```ts
   * import { Bot, type HandlerError } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * const caught = new Promise<HandlerError>((resolve) => bot.catch(resolve));
   * bot.on("ready", () => {
   *   throw new Error("weather feed is down");
   * });
   * await bot.start(); // the bot keeps running
   * const error = await caught;
   * assertEquals(error.event, "ready");
   * assertEquals((error.error as Error).message, "weather feed is down");
   * ```
   */
  catch(handler: (error: HandlerError) => unknown): this {
    if (typeof handler !== "function") throw new TypeError("Cannot set catch: not a function");
    this._catch = handler;
    return this;
  }

  /**
   * Starts a command (registered at once; finish it with `.handle()`).
   *
   * @param name The word typed after the prefix.
   * @returns The command builder.
   * @throws {TypeError} When the name is invalid or taken.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * bot.command("echo")
   *   .description("Repeats your words")
   *   .param("words", { rest: true })
   *   .handle((ctx, args) => ctx.reply(args.words.join(" ")));
   * await bot.start();
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * await bot.joinRoom(roomId);
   * await alice.send("/echo hello there\n"); // Enter completes the command line
   * await server.waitFor((s) => s.room(roomId)?.messages[bot.me!.id] === "hello there");
   * ```
   */
  command(name: string): CommandBuilder<Record<never, never>, CommandBaseContext<Bot>> {
    if (this._autoHelp && typeof name === "string" && name.toLowerCase() === "help") {
      this._commands.delete("help");
      this._autoHelp = false;
    }
    return this._commands.create(name) as unknown as CommandBuilder<
      Record<never, never>,
      CommandBaseContext<Bot>
    >;
  }

  // ---------------------------------------------------------------- actions

  #signedIn(action: string): void {
    if (this._stopped || !this._conn || !this._state.me) throw this._notConnected(action);
  }

  /**
   * Creates a room (without joining it: call {@linkcode Bot.joinRoom} next;
   * an unjoined room is deleted after about 30–60 s). Waits out the creation
   * cooldown, or rejects, as `pacing.onCooldown` says.
   *
   * @param options Name, type, layout and access code.
   * @returns The new room's id.
   * @throws {TypeError} / {RangeError} On invalid options.
   * @throws {ActionError} When the server refuses (name taken, limits, cooldown...).
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await bot.start();
   * const roomId = await bot.createRoom({ name: "Trivia night", layout: "horizontal" });
   * const room = await bot.joinRoom(roomId); // join soon: unjoined rooms are deleted
   * assertEquals([room.name, room.layout], ["Trivia night", "horizontal"]);
   * ```
   */
  async createRoom(options: CreateRoomOptions): Promise<string> {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Cannot create room: options must be an object with a name");
    }
    const name = checkRoomName(options.name);
    const type = checkRoomType(options.type ?? "public");
    const layout = checkLayout(options.layout ?? "vertical");
    let accessCode = "";
    if (type === "semi-private") accessCode = checkAccessCode(options.accessCode, "create room");
    else if (options.accessCode !== undefined) {
      throw new TypeError(
        `Cannot create room "${name}": only semi-private rooms have access codes`,
      );
    }
    const context = `Cannot create room "${name}"`;
    this.#signedIn("create room");
    if (this._state.room) {
      throw new ActionError(
        "createRoom",
        `${context}: the bot is in room ${this._state.room.id}; leave it first`,
        {
          code: "FORBIDDEN",
          reason: "alreadyInRoom",
        },
      );
    }
    for (let attempt = 0;; attempt++) {
      await this._waitOrReject(this._createCooldown.remainingMs(), "createRoom", context);
      try {
        const id = await this._request(
          "createRoom",
          context,
          () =>
            this._emit("create room", {
              name,
              type,
              layout,
              ...(accessCode ? { accessCode } : {}),
            }),
          (event, payload) => event === "room created" ? payload as string : undefined,
        );
        this._createCooldown.start();
        this._created.set(id, { name, type, layout, accessCode });
        if (accessCode) this._accessCodes.set(id, accessCode);
        this.dispatchCreated(id);
        return id;
      } catch (err) {
        const wait = err instanceof ActionError && err.reason === "rateLimited"
          ? err.retryAfterMs ??
            (err.serverMessage === "Creating rooms too fast." ? 10_000 : undefined)
          : undefined;
        if (wait === undefined || attempt > 0 || this.options.pacing.onCooldown === "reject") {
          throw err;
        }
        this._createCooldown.start(wait);
      }
    }
  }

  /** Hook for subclasses; `roomCreated` is dispatched from the wire already. */
  protected dispatchCreated(_id: string): void {}

  /**
   * Joins a room; leaves the current one first. Joins are paced below the
   * server's join-attempt detector.
   *
   * @param room A room (from `bot.rooms`) or a 6-digit room id string.
   * @param options `accessCode` for semi-private rooms (remembered for rejoining).
   * @returns The room, once the server confirmed.
   * @throws {TypeError} / {RangeError} On an invalid id or code.
   * @throws {ActionError} `roomNotFound`, `roomFull`, `accessCodeRequired`, `wrongAccessCode`, `banned`, `nameInUse`, `rateLimited`, `timeout`...
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * const roomId = await alice.createRoom({ name: "Club", type: "semi-private", accessCode: "123456" });
   * await alice.joinRoom(roomId, "123456");
   * await bot.start();
   * const room = await bot.joinRoom(roomId, { accessCode: "123456" });
   * assertEquals(room.users.map((user) => user.name), ["Alice", "Helper"]);
   * ```
   */
  async joinRoom(
    room: { readonly id: string } | string,
    options: { accessCode?: string } = {},
  ): Promise<Room> {
    const id = checkRoomId(typeof room === "object" && room !== null ? room.id : room, "join room");
    const context = `Cannot join room "${id}"`;
    const given = options.accessCode;
    const accessCode = given !== undefined
      ? checkAccessCode(given, `join room "${id}"`)
      : this._accessCodes.get(id);
    this.#signedIn("join room");
    if (this._state.room?.id === id) return this._state.room;
    if (this._state.room) await this.leaveRoom();
    await this._waitOrReject(this._joins.waitMs(), "joinRoom", context);
    this._joins.record();
    try {
      const joined = await this._request(
        "joinRoom",
        context,
        () => this._emit("join room", { roomId: id, ...(accessCode ? { accessCode } : {}) }),
        (event, payload) =>
          event === "room joined" && (payload as { roomId: string }).roomId === id
            ? this._state.room
            : undefined,
      );
      if (accessCode) this._accessCodes.set(id, accessCode);
      this._plan = { roomId: id, text: "" };
      return joined;
    } catch (err) {
      if (err instanceof ActionError && err.serverMessage === "Too many join attempts.") {
        throw new ActionError("joinRoom", err.message, {
          code: err.code,
          reason: err.reason,
          serverMessage: err.serverMessage,
          retryAfterMs: this.options.pacing.joinWindowMs,
        });
      }
      throw err;
    }
  }

  /**
   * Leaves the current room (nothing happens when not in one).
   *
   * @returns When the server confirmed.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await bot.start();
   * await bot.joinRoom(await bot.createRoom({ name: "Quick visit" }));
   * await bot.leaveRoom();
   * assertEquals(bot.room, undefined);
   * ```
   */
  async leaveRoom(): Promise<void> {
    if (!this._state.room) return;
    this.#signedIn("leave room");
    this._plan = undefined;
    this._typingGen++;
    this._state.pendingLeave = "left";
    await this._request(
      "leaveRoom",
      `Cannot leave room "${this._state.room.id}"`,
      () => this._emit("leave room"),
      (event) =>
        (event === "user left" || event === "room update") && !this._state.room ? true : undefined,
    );
  }

  /**
   * Replaces the bot's whole text (a full-replace diff). Sends are paced and
   * coalesced: while one waits for its slot, later texts replace it, so the
   * latest text always wins and floods never trip the server's limit.
   *
   * @param text The new text (at most 5000 characters).
   * @returns When this text (or a newer one) was handed to the server.
   * @throws {ActionError} `notInRoom`, `notConnected` or `stopped`.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await bot.start();
   * const roomId = await bot.createRoom({ name: "News" });
   * await bot.joinRoom(roomId);
   * await bot.send("Headlines:\n- Rain tomorrow");
   * await server.waitFor((s) => s.room(roomId)?.messages[bot.me!.id] === "Headlines:\n- Rain tomorrow");
   * ```
   */
  send(text: string): Promise<void> {
    try {
      checkText(text, "send");
      this._requireRoom("send");
    } catch (err) {
      return Promise.reject(err);
    }
    this._typingGen++;
    const clean = sanitizeChat(text);
    this._state.setOwnText(clean);
    if (this._plan) this._plan.text = clean;
    return this._text.push(clean);
  }

  /**
   * Types a text letter by letter, as people do on Talkomatic: backspaces to
   * the common prefix, then adds one character at a time with add/delete
   * diffs mirroring the server's buffer. When pacing cannot keep up, several
   * letters go in one diff. A later `send()` or `type()` interrupts it.
   *
   * @param text The text to end with (at most 5000 characters).
   * @param options `cps`: characters per second.
   * @returns When the text is complete, or interrupted.
   * @throws {ActionError} `notInRoom`, `notConnected` or `stopped`.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await bot.start();
   * const roomId = await bot.createRoom({ name: "Typing" });
   * await bot.joinRoom(roomId);
   * await bot.type("hi!", { cps: 50 }); // "h", "hi", "hi!" at 20 ms intervals
   * assertEquals(bot.textOf(bot.me!), "hi!");
   * await server.waitFor((s) => s.room(roomId)?.messages[bot.me!.id] === "hi!");
   * ```
   */
  async type(text: string, options: TypeOptions = {}): Promise<void> {
    checkText(text, "type");
    const cps = checkNumber(options.cps ?? this.options.pacing.typingCps, "cps", Number.MIN_VALUE);
    this._requireRoom("type");
    const gen = ++this._typingGen;
    await this._text.push(this._state.room?.texts.get(this._state.me!.id) ?? "").catch(() => {});
    const target = sanitizeChat(text);
    if (this._plan) this._plan.text = target;
    let shown = this.textOf(this._state.me!.id) ?? "";
    const frames = typingFrames(shown, target);
    const interval = 1000 / cps;
    const start = Date.now();
    let next = 0;
    while (next < frames.length) {
      await this._paced(
        delay(Math.max(0, start + (next + 1) * interval - Date.now()), this._abort.signal),
        "type",
      );
      await this._paced(this._budget.acquire(this._abort.signal), "type");
      if (gen !== this._typingGen) return;
      this._requireRoom("type");
      const due = Math.floor((Date.now() - start) / interval) - 1;
      const index = Math.min(frames.length - 1, Math.max(next, due));
      const diff = diffTexts(shown, frames[index]);
      if (diff) this._emitNow("chat update", { diff });
      shown = frames[index];
      this._state.setOwnText(shown);
      next = index + 1;
    }
  }

  /**
   * Votes to kick a user, or withdraws the bot's vote when it already votes
   * for them (the server's toggle). Needs 3 or more occupants.
   *
   * @param user A user or user id in the bot's room.
   * @returns `true` when the vote now stands, `false` when it was withdrawn.
   * @throws {ActionError} When the vote cannot count (not in room, fewer than 3 users, self, unknown target).
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * await using spammer = await TestUser.connect(server, { username: "Spammer", location: "?" });
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * await spammer.joinRoom(roomId);
   * await bot.start();
   * await bot.joinRoom(roomId);
   * assertEquals(await bot.vote(spammer.userId!), true); // the vote stands
   * assertEquals(await bot.vote(spammer.userId!), false); // withdrawn again
   * ```
   */
  async vote(user: User | UserId): Promise<boolean> {
    const id = typeof user === "string" ? user : user?.id;
    if (typeof id !== "string" || id === "") {
      throw new TypeError("Cannot vote: pass a user or a user id");
    }
    const room = this._requireRoom("vote");
    const context = `Cannot vote against "${id}"`;
    const refuse = (why: string): ActionError =>
      new ActionError("vote", `${context}: ${why}`, { code: "VOTE_IGNORED", reason: "badRequest" });
    const me = this._state.me!.id;
    if (id === me) throw refuse("the bot cannot vote against itself");
    if (!room.users.some((u) => u.id === id)) throw refuse("that user is not in the room");
    if (room.users.length < 3) throw refuse("votes need 3 or more users in the room");
    return await this._request(
      "vote",
      context,
      () => this._emit("vote", { targetUserId: id }),
      (event, payload) =>
        event === "update votes" ? (payload as Record<string, string>)[me] === id : undefined,
    );
  }

  /**
   * Shows or clears the bot's typing indicator (the server clears it after 2 s).
   *
   * @param on Typing or not.
   * @returns When sent.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * const roomId = await alice.createRoom({ name: "Lounge" });
   * await alice.joinRoom(roomId);
   * await bot.start();
   * await bot.joinRoom(roomId);
   * const seen = alice.waitFor("user typing");
   * await bot.typing(true); // "Helper is typing..." while it thinks
   * await seen;
   * await bot.typing(false);
   * ```
   */
  async typing(on: boolean): Promise<void> {
    if (typeof on !== "boolean") throw new TypeError("Cannot set typing: pass true or false");
    this._requireRoom("typing");
    await this._emit("typing", { isTyping: on });
  }

  /**
   * Asks the server for the lobby list now (`bot.rooms` is otherwise only
   * updated while the bot is not in a room).
   *
   * @returns The rooms.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";
   * import { assert } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * await bot.start();
   * await using alice = await TestUser.connect(server, { username: "Alice", location: "Home" });
   * await alice.joinRoom(await alice.createRoom({ name: "Fresh room" }));
   * const rooms = await bot.refreshRooms();
   * assert(rooms.some((room) => room.name === "Fresh room"));
   * ```
   */
  async refreshRooms(): Promise<readonly LobbyRoom[]> {
    this.#signedIn("refresh rooms");
    await this._request(
      "refreshRooms",
      "Cannot list rooms",
      () => this._emit("get rooms"),
      (event) => event === "initial rooms" ? true : undefined,
    );
    return this._state.rooms;
  }

  // ---------------------------------------------------------------- reconnection

  /** @ignore */
  protected async _rejoin(roomId: string): Promise<void> {
    const text = this._plan?.text ?? "";
    try {
      await this.joinRoom(roomId);
    } catch (err) {
      const spec = this._created.get(roomId);
      const recreate = this.options.reconnect !== false && this.options.reconnect.recreate;
      if (!(err instanceof ActionError && err.reason === "roomNotFound" && spec && recreate)) {
        throw err;
      }
      this.options.logger.warn(`Room "${spec.name}" (${roomId}) is gone; creating it again`);
      const { accessCode, ...rest } = spec;
      const id = await this.createRoom(accessCode ? spec : rest);
      await this.joinRoom(id);
    }
    if (text) await this.send(text);
  }

  /** @ignore */
  protected async _verify(roomId: string): Promise<boolean> {
    const snapshot = await this._request(
      "verifyRoom",
      `Cannot check room "${roomId}"`,
      () => this._emit("get room state", roomId),
      (event, payload) =>
        event === "room state" && (payload as { id: string }).id === roomId
          ? payload as { users: { id: string }[] }
          : undefined,
    );
    const member = snapshot.users.some((u) => u.id === this._state.me?.id);
    if (!member) this._state.dropRoom();
    return member;
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts the bot and returns when it stops: after {@linkcode Bot.stop},
   * Ctrl+C or SIGTERM, or when reconnection gave up.
   *
   * @returns When stopped.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * await using bot = new Bot({
   *   username: "Helper",
   *   location: "Lab",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * bot.command("shutdown").hidden().handle(() => bot.stop());
   * bot.once("ready", () => bot.stop()); // here: stop at once, so that run() returns
   * await bot.run(); // in a real bot: runs until Ctrl+C, SIGTERM or bot.stop()
   * ```
   */
  async run(): Promise<void> {
    const off = onShutdownSignal((signal) => {
      this.options.logger.warn(`${signal} received, stopping`);
      void this.stop();
    });
    try {
      await this.start();
      await this._stoppedPromise;
    } catch (err) {
      await this.stop();
      throw err;
    } finally {
      off();
    }
  }

  /**
   * Stops the bot (`await using bot = new Bot(...)`).
   *
   * @returns When stopped.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assert } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * async function announce(text: string): Promise<Bot> {
   *   await using bot = new Bot({
   *     username: "Announcer",
   *     server: server.url,
   *     token: server.issueToken(),
   *     tokenStore: new MemoryTokenStore(),
   *   });
   *   await bot.start();
   *   await bot.joinRoom(await bot.createRoom({ name: "Announcements" }));
   *   await bot.send(text);
   *   return bot;
   * } // the bot stops here, whatever happened
   * const bot = await announce("Maintenance at noon");
   * assert(bot.stopped);
   * ```
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
