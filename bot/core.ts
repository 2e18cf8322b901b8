/**
 * The engine under {@linkcode Bot}: connection, the way in (validate ->
 * state -> dispatch), the way out (check -> pace -> validate -> emit ->
 * await the answer), and the lifecycle. `Bot` adds the public API on top.
 *
 * @module
 */

import { validate } from "../schemas/validate.ts";
import { HttpTransport } from "../api/transport.ts";
import { MemoryTokenStore } from "../api/token_store.ts";
import {
  type ClientEvents,
  clientEvents,
  type ServerEventName,
  serverEvents,
  type Validator,
} from "../schemas/mod.ts";
import { CommandRegistry, LineWatcher } from "./commands.ts";
import { Connection } from "./connection.ts";
import { ActionError, HandlerError } from "./errors.ts";
import type { BotEventName, BotEventRecord } from "./events.ts";
import {
  type BaseContext,
  type BotOptions,
  type CommandBaseContext,
  type ResolvedBotOptions,
  resolveOptions,
} from "./options.ts";
import { Coalescer, Cooldown, delay, EventBudget, SlidingCounter } from "./pacer.ts";
import { FAILURE_EVENTS, failureOf, RequestQueue } from "./requests.ts";
import { BotState, type Me, type Room, type RoomLayout, type RoomType } from "./state.ts";
import { runCommandLine } from "./run_command.ts";
import { Reconnector } from "./reconnect.ts";

/** Options of `bot.createRoom()`. */
export interface CreateRoomOptions {
  /** Room name (1–25 characters, unique on the server). */
  name: string;
  /** Default `"public"`. */
  type?: RoomType;
  /** Default `"vertical"`. */
  layout?: RoomLayout;
  /** Six digits; required for (and only for) semi-private rooms. */
  accessCode?: string;
}

/** A stored handler (internal). */
export type AnyHandler = { fn: (ctx: never) => unknown; once: boolean };

/**
 * The engine of a bot; use {@linkcode Bot}. Its protected members are for
 * `Bot` only.
 *
 * @example
 * ```ts
 * import { Bot, BotCore } from "@talkomatic/talkomatic/bot";
 * import { assert } from "@std/assert";
 *
 * // Code that only needs the lifecycle (start, stop, room, signal) can take a BotCore.
 * async function stopAll(bots: BotCore[]): Promise<void> {
 *   await Promise.all(bots.map((bot) => bot.stop()));
 * }
 * const bot = new Bot({ username: "Helper" });
 * await stopAll([bot]);
 * assert(bot.stopped);
 * ```
 */
export abstract class BotCore {
  /**
   * The resolved options.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const bot = new Bot({ username: "Helper", prefix: "!" });
   * assertEquals(bot.options.prefix, "!");
   * assertEquals(bot.options.help, true); // defaults filled in
   * ```
   */
  readonly options: ResolvedBotOptions;
  /** @ignore */
  protected readonly _transport: HttpTransport;
  /** @ignore */
  protected readonly _state: BotState = new BotState();
  /** @ignore */
  protected readonly _commands: CommandRegistry<CommandBaseContext<BotCore>> = new CommandRegistry<
    CommandBaseContext<BotCore>
  >();
  /** @ignore */
  protected readonly _watcher: LineWatcher;
  /** @ignore */
  protected readonly _handlers: Map<BotEventName, AnyHandler[]> = new Map();
  /** @ignore */
  protected readonly _requests: RequestQueue = new RequestQueue();
  /** @ignore */
  protected readonly _budget: EventBudget;
  /** @ignore */
  protected readonly _joins: SlidingCounter;
  /** @ignore */
  protected readonly _createCooldown: Cooldown;
  /** @ignore */
  protected readonly _text: Coalescer<string>;
  /** @ignore */
  protected readonly _abort: AbortController = new AbortController();
  /** @ignore */
  protected readonly _created: Map<string, Required<CreateRoomOptions>> = new Map();
  /** @ignore */
  protected readonly _accessCodes: Map<string, string> = new Map();
  /** @ignore */
  protected readonly _reconnector: Reconnector;
  /** @ignore */
  protected _catch: ((error: HandlerError) => unknown) | undefined;
  /** @ignore */
  protected _conn: Connection | undefined;
  /** @ignore */
  protected _cookie: string | undefined;
  /** @ignore */
  protected _started: Promise<Me> | undefined;
  /** @ignore */
  protected _ready = false;
  /** @ignore */
  protected _stopped = false;
  /** @ignore */
  protected _resolveStopped!: () => void;
  /** @ignore */
  protected readonly _stoppedPromise: Promise<void> = new Promise<void>((r) => (
    this._resolveStopped = r
  ));
  /** @ignore */
  protected _lastSendAt = 0;
  /** @ignore */
  protected _typingGen = 0;
  /** @ignore */
  protected _autoHelp = false;
  /** The room to come back to after a reconnect, and the text the bot last showed. */
  protected _plan: { roomId: string; text: string } | undefined;

  /**
   * Creates a bot. Nothing is sent until {@linkcode Bot.start} or {@linkcode Bot.run}.
   *
   * @param options Name, location, server and behaviour.
   * @throws {TypeError} On a missing or wrongly typed option.
   * @throws {RangeError} On a value outside the protocol's limits.
   */
  constructor(options: BotOptions) {
    this.options = resolveOptions(options);
    const o = this.options;
    this._transport = new HttpTransport({
      ...(o.server !== undefined ? { baseUrl: o.server } : {}),
      ...(o.token !== undefined ? { token: o.token } : {}),
      ...(o.tokenStore !== undefined ? { tokenStore: o.tokenStore } : {}),
      logger: { warn: (m) => o.logger.warn(m) },
    });
    this._budget = new EventBudget({
      limit: o.pacing.eventsPerWindow,
      windowMs: o.pacing.eventWindowMs,
    });
    this._joins = new SlidingCounter({
      limit: o.pacing.joinsPerWindow,
      windowMs: o.pacing.joinWindowMs,
    });
    this._createCooldown = new Cooldown(o.pacing.createCooldownMs);
    this._text = new Coalescer<string>(
      () => this._paceSend(),
      (text) => this._emitNow("chat update", { diff: { type: "full-replace", text } }),
    );
    this._watcher = new LineWatcher({
      prefix: o.prefix,
      idleMs: o.commandIdleMs,
      onLine: (userId, line) => void this._runLine(userId, line),
    });
    this._reconnector = new Reconnector(this, {
      connect: () => this._connectAndSignIn(),
      rejoin: (roomId) => this._rejoin(roomId),
      verify: (roomId) => this._verify(roomId),
    });
  }

  /** @ignore */
  protected _context(record: BotEventRecord): BaseContext<BotCore> & Record<string, unknown> {
    const data = record.data as unknown as Record<string, unknown>;
    return {
      bot: this,
      room: this._state.room,
      reply: (text: string) => this.send(text),
      ...(record.name === "vote" ? { user: data.voter } : {}),
      ...data,
    };
  }

  /**
   * Dispatches one friendly event to its handlers (internal).
   *
   * @param record The event name and its data.
   * @example Drive handlers without a server (unit tests)
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const bot = new Bot({ username: "Helper" });
   * const warnings: number[] = [];
   * bot.on("afkWarning", (ctx) => void warnings.push(ctx.secondsRemaining));
   * bot.dispatch({ name: "afkWarning", data: { message: "Are you still there?", secondsRemaining: 30 } });
   * assertEquals(warnings, [30]);
   * ```
   */
  dispatch(record: BotEventRecord): void {
    const list = this._handlers.get(record.name);
    if (!list || list.length === 0) {
      if (record.name === "error") this.options.logger.warn(record.data.error.message);
      return;
    }
    const ctx = this._context(record);
    for (const h of [...list]) {
      if (h.once) list.splice(list.indexOf(h), 1);
      try {
        const result = h.fn(ctx as never);
        if (result instanceof Promise) result.catch((e) => this._failed(record.name, e, ctx));
      } catch (e) {
        this._failed(record.name, e, ctx);
      }
    }
  }

  /** @ignore */
  protected _failed(event: string, error: unknown, ctx: unknown): void {
    if (this._stopped && error instanceof ActionError && error.reason === "stopped") {
      // A handler still awaiting an action when the bot was stopped (Ctrl+C): not a failure.
      if (this.options.debug) this.options.logger.debug(`"${event}" handler ended by stop()`);
      return;
    }
    const wrapped = error instanceof HandlerError ? error : new HandlerError(event, error, ctx);
    if (!this._catch) return this.options.logger.error(wrapped.message, error);
    try {
      const r = this._catch(wrapped);
      if (r instanceof Promise) r.catch((e) => this.options.logger.error("catch() threw", e));
    } catch (e) {
      this.options.logger.error("catch() threw", e);
    }
  }

  /**
   * Whether {@linkcode BotCore.stop} was called.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { assert, assertFalse } from "@std/assert";
   *
   * const bot = new Bot({ username: "Helper" });
   * assertFalse(bot.stopped);
   * await bot.stop();
   * assert(bot.stopped); // for good: start() now rejects
   * ```
   */
  get stopped(): boolean {
    return this._stopped;
  }

  /**
   * Aborted when the bot stops.
   *
   * @example Cancel the bot's own background work when it stops
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { assert } from "@std/assert";
   *
   * const bot = new Bot({ username: "Helper" });
   * const poll = setInterval(() => console.log("fetch a feed, post it"), 60_000);
   * bot.signal.addEventListener("abort", () => clearInterval(poll));
   * await bot.stop();
   * assert(bot.signal.aborted);
   * ```
   */
  get signal(): AbortSignal {
    return this._abort.signal;
  }

  /**
   * The bot's current room, or `undefined`.
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
   * await bot.start();
   * assertEquals(bot.room, undefined);
   * const roomId = await bot.createRoom({ name: "Lounge" });
   * await bot.joinRoom(roomId);
   * assertEquals(bot.room?.id, roomId);
   * assertEquals(bot.room?.users.map((user) => user.name), ["Helper"]);
   * ```
   */
  get room(): Room | undefined {
    return this._state.room;
  }

  /**
   * Replaces the bot's whole text in its room.
   *
   * @param text The new text.
   * @returns When handed to the server.
   */
  abstract send(text: string): Promise<void>;

  /**
   * Reports an error on the `error` event (internal).
   *
   * @param error What went wrong (non-errors are wrapped in an `Error`).
   * @example Surface a background failure on the `error` event
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const bot = new Bot({ username: "Helper" });
   * const errors: string[] = [];
   * bot.on("error", (ctx) => void errors.push(ctx.error.message));
   * bot.reportError(new Error("weather feed is down"));
   * assertEquals(errors, ["weather feed is down"]);
   * ```
   */
  reportError(error: unknown): void {
    const err = error instanceof Error ? error : new Error(String(error));
    this.dispatch({ name: "error", data: { error: err } });
  }

  // ---------------------------------------------------------------- the way in

  /** @ignore */
  protected _onWire(event: string, args: unknown[]): void {
    const spec = (serverEvents as Record<string, (typeof serverEvents)[ServerEventName]>)[event];
    if (!spec) {
      if (this.options.debug) this.options.logger.debug(`ignored unknown event "${event}"`);
      return;
    }
    let payload: unknown;
    try {
      payload = validate(
        spec.schema as Validator<unknown>,
        spec.payload === "none" ? undefined : args[0],
        {
          direction: "inbound",
          target: event,
        },
      );
    } catch (err) {
      return this.reportError(err);
    }
    const name = event as ServerEventName;
    const records = this._state.apply(name, payload as never);
    if (name === "afk warning" && this.options.answerAfk && this._state.room) {
      void this._emit("afk response").catch((e) => this.reportError(e));
    }
    if (name === "error") {
      const { code, message } = (payload as { error: { code: string; message: string } }).error;
      if (code === "RATE_LIMITED" && message === "Rate limit exceeded.") {
        this._budget.block(this.options.pacing.rateLimitBackoffMs);
      }
    }
    const consumed = this._requests.handle(event, payload);
    if (!consumed && FAILURE_EVENTS.has(event)) {
      this.reportError(failureOf("server", "The server reported an error", event, payload));
    }
    this.dispatch({ name: "raw", data: { event: name, payload } as never });
    for (const record of records) {
      this._react(record);
      this.dispatch(record);
    }
  }

  /** @ignore */
  protected _react(record: BotEventRecord): void {
    switch (record.name) {
      case "roomJoined":
        this._watcher.clear();
        for (const [id, text] of record.data.room.texts) this._watcher.baseline(id, text);
        break;
      case "userJoin":
        this._watcher.baseline(record.data.user.id, "");
        break;
      case "userLeave":
        this._watcher.forget(record.data.user.id);
        break;
      case "message":
        this._watcher.update(record.data.user.id, record.data.text);
        break;
      case "roomLeft":
        this._watcher.clear();
        this._typingGen++;
        if (record.data.reason !== "disconnected") this._plan = undefined;
        break;
    }
  }

  /** @ignore */
  protected async _runLine(userId: string, line: string): Promise<void> {
    const user = this._state.room?.users.find((u) => u.id === userId) ??
      this._state.users.get(userId);
    if (!user || !this._state.room) return;
    await runCommandLine({
      registry: this._commands,
      prefix: this.options.prefix,
      line,
      ctx: { bot: this, room: this._state.room, user, reply: (text) => this.send(text) },
      fail: (event, error, ctx) => this._failed(event, error, ctx),
      report: (error) => this.reportError(error),
    });
  }

  // ---------------------------------------------------------------- the way out

  /** @ignore */
  protected _connectionFor(): Connection {
    return new Connection({
      url: this._transport.baseUrl,
      token: () => this._transport.botToken({ signal: this._abort.signal }),
      rejectToken: (token) => this._transport.tokens.invalidate(token),
      cookie: () => Promise.resolve(this._cookie),
      onEvent: (event, args) => this._onWire(event, args),
      onClose: (reason) => this._onClose(reason),
      ...(this.options.debug ? { log: (line: string) => this.options.logger.debug(line) } : {}),
      timeoutMs: this.options.actionTimeoutMs,
    });
  }

  /** @ignore */
  protected _check<E extends keyof ClientEvents>(event: E, payload: unknown): void {
    validate(clientEvents[event].schema as Validator<unknown>, payload, {
      direction: "outbound",
      target: event,
    });
  }

  /** @ignore */
  protected _emitNow<E extends keyof ClientEvents>(event: E, payload?: ClientEvents[E]): void {
    this._check(event, payload);
    if (!this._conn) throw this._notConnected(event);
    this._conn.emit(event, payload);
  }

  /** @ignore */
  protected async _emit<E extends keyof ClientEvents>(
    event: E,
    payload?: ClientEvents[E],
  ): Promise<void> {
    this._check(event, payload);
    if (event !== "typing" && event !== "get rooms" && event !== "get room state") {
      await this._paced(this._budget.acquire(this._abort.signal), event);
    }
    this._emitNow(event, payload);
  }

  /** @ignore */
  protected async _paceSend(): Promise<void> {
    const gap = this._lastSendAt + this.options.pacing.sendIntervalMs - Date.now();
    if (gap > 0) await this._paced(delay(gap, this._abort.signal), "send");
    await this._paced(this._budget.acquire(this._abort.signal), "send");
    this._lastSendAt = Date.now();
  }

  /**
   * Waits on a pacing delay; when {@linkcode BotCore.stop} cancels it, rejects
   * as `action` would (`Cannot send: the bot was stopped`).
   *
   * @ignore
   */
  protected async _paced(wait: Promise<void>, action: string): Promise<void> {
    try {
      await wait;
    } catch (error) {
      throw this._stopped ? this._notConnected(action) : error;
    }
  }

  /** @ignore */
  protected _notConnected(action: string): ActionError {
    if (this._stopped) {
      return new ActionError(action, `Cannot ${action}: the bot was stopped`, {
        code: "STOPPED",
        reason: "stopped",
      });
    }
    return new ActionError(action, `Cannot ${action}: not connected`, {
      code: "NOT_CONNECTED",
      reason: "notConnected",
    });
  }

  /** @ignore */
  protected _requireRoom(action: string): Room {
    if (this._stopped || !this._conn) throw this._notConnected(action);
    const room = this._state.room;
    if (!room) {
      throw new ActionError(action, `Cannot ${action}: the bot is not in a room`, {
        code: "NOT_IN_ROOM",
        reason: "notInRoom",
      });
    }
    return room;
  }

  /** @ignore */
  protected _request<T>(
    action: string,
    context: string,
    send: () => Promise<void> | void,
    match: (event: string, payload: unknown) => T | undefined,
  ): Promise<T> {
    if (this._stopped || !this._conn) return Promise.reject(this._notConnected(action));
    return this._requests.run({
      action,
      context,
      timeoutMs: this.options.actionTimeoutMs,
      send: () => {
        const p = send();
        if (p instanceof Promise) p.catch((e) => this._requests.failCurrent(() => e));
      },
      match,
    });
  }

  /** @ignore */
  protected async _waitOrReject(ms: number, action: string, context: string): Promise<void> {
    if (ms <= 0) return;
    if (this.options.pacing.onCooldown === "reject") {
      throw new ActionError(action, `${context}: wait ${Math.ceil(ms / 1000)} s (cooldown)`, {
        code: "RATE_LIMITED",
        reason: "rateLimited",
        retryAfterMs: ms,
      });
    }
    await this._paced(delay(ms, this._abort.signal), action);
  }

  /** @ignore */
  protected async _connectAndSignIn(): Promise<Me> {
    this._cookie ??= await this._transport.ensureSessionCookie({ signal: this._abort.signal });
    for (let fresh = 0;; fresh++) {
      this._conn?.close();
      this._conn = this._connectionFor();
      await this._conn.open(this._abort.signal);
      const me = await this._signIn();
      const expected = sessionIdOf(this._cookie);
      if (fresh > 0 || expected === undefined || expected === me.id) return me;
      // The server no longer knows our cookie (it restarted): get a new one so
      // the identity is stable from now on, and connect again with it.
      this.options.logger.debug("session cookie not recognised; fetching a new one");
      this._cookie = await new HttpTransport({
        baseUrl: this._transport.baseUrl,
        token: "tk_unused",
        tokenStore: new MemoryTokenStore(),
      })
        .ensureSessionCookie({ signal: this._abort.signal });
    }
  }

  /** @ignore */
  protected _signIn(): Promise<Me> {
    const { username, location } = this.options;
    return this._request(
      "signIn",
      `Cannot sign in as "${username}"`,
      () => this._emit("join lobby", { username, location }),
      (event, payload) => {
        const p = payload as { isSignedIn?: boolean };
        return event === "signin status" && p.isSignedIn ? this._state.me : undefined;
      },
    );
  }

  /** @ignore */
  protected _onClose(reason: string): void {
    this._conn = undefined;
    this._ready = false;
    this._requests.failCurrent((action) => this._notConnected(action));
    this._text.cancel(this._notConnected("send"));
    this._typingGen++;
    const willReconnect = !this._stopped && this.options.reconnect !== false;
    this.dispatch({ name: "disconnect", data: { reason, willReconnect } });
    const room = this._state.dropRoom();
    this._watcher.clear();
    if (room) this.dispatch({ name: "roomLeft", data: { room, reason: "disconnected" } });
    if (willReconnect) {
      const rc = this.options.reconnect as { rejoin: boolean } | false;
      const rejoin = rc && rc.rejoin ? this._plan?.roomId : undefined;
      void this._reconnector.run(rejoin).then((me) => {
        if (me) {
          this._ready = true;
          this.dispatch({ name: "reconnect", data: { attempt: this._reconnector.attempts, me } });
        } else if (!this._stopped) void this.stop();
      });
    } else if (!this._stopped) void this.stop();
  }

  /**
   * Connects, signs in and resolves with the bot's identity; `ready` is
   * dispatched first. Calling it again returns the same promise.
   *
   * @returns The bot's identity.
   * @throws {TransportError} When the server cannot be reached or refuses the bot.
   * @throws {ActionError} When sign-in is refused.
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
   * const me = await bot.start();
   * assertEquals(me, bot.me);
   * assertEquals(await bot.start(), me); // a second call changes nothing
   * ```
   */
  start(): Promise<Me> {
    if (this._stopped) return Promise.reject(this._notConnected("start"));
    this._started ??= this._connectAndSignIn().then((me) => {
      this._ready = true;
      this.dispatch({ name: "ready", data: { me } });
      return me;
    }, (err) => {
      this._started = undefined;
      this._conn?.close();
      this._conn = undefined;
      throw err;
    });
    return this._started;
  }

  /**
   * Disconnects for good: pending actions reject with reason `stopped`, no
   * reconnection happens, `run()` returns.
   *
   * @returns When stopped.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   * import { MemoryTokenStore } from "@talkomatic/talkomatic/api";
   * import { TestServer } from "@talkomatic/talkomatic/testing";
   * import { assertEquals } from "@std/assert";
   *
   * await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
   * const bot = new Bot({
   *   username: "Helper",
   *   server: server.url,
   *   token: server.issueToken(),
   *   tokenStore: new MemoryTokenStore(),
   * });
   * const reasons: string[] = [];
   * bot.on("disconnect", (ctx) => void reasons.push(ctx.reason));
   * await bot.start();
   * await bot.stop();
   * assertEquals(reasons, ["stopped"]);
   * ```
   */
  stop(): Promise<void> {
    if (this._stopped) return this._stoppedPromise;
    this._stopped = true;
    this._ready = false;
    const stopped = this._notConnected("continue");
    this._abort.abort(stopped);
    this._requests.failCurrent((action) => this._notConnected(action));
    this._text.cancel(this._notConnected("send"));
    this._typingGen++;
    this._watcher.clear();
    this._reconnector.cancel();
    const hadConnection = this._conn !== undefined;
    this._conn?.close();
    this._conn = undefined;
    this._state.dropRoom();
    if (hadConnection) {
      this.dispatch({ name: "disconnect", data: { reason: "stopped", willReconnect: false } });
    }
    this._resolveStopped();
    return this._stoppedPromise;
  }

  /** Rejoins (or recreates) a room after a reconnect. */
  protected abstract _rejoin(roomId: string): Promise<void>;

  /** Asks the server whether the bot is in a room. */
  protected abstract _verify(roomId: string): Promise<boolean>;
}

function sessionIdOf(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const value = decodeURIComponent(cookie.replace(/^connect\.sid=/, ""));
  const match = /^s:([^.]+)\./.exec(value);
  return match?.[1];
}
