/**
 * The {@linkcode Bot}: typed events, commands, room state and actions, made
 * of private parts: the link (connection, session, reconnection), the way in
 * (validate → state → dispatch), the way out (check → pace → emit → await
 * the answer) and the placement (the room the program wants to be in).
 *
 * @module
 */

import { resolveBaseUrl } from "../api/transport.ts";
import { exitProcess, onShutdownSignal } from "./_platform.ts";
import {
  type ActionOptions,
  Actions,
  type CreateRoomOptions,
  type JoinRoomOptions,
  type TypeOptions,
} from "./actions.ts";
import { type CommandBuilder, CommandRegistry, helpFor, helpText } from "./commands.ts";
import type { HandlerError } from "./errors.ts";
import type { BaseContext, BotEventName, EventHandler } from "./events.ts";
import { contextOf, Handlers } from "./handlers.ts";
import { Inbound } from "./inbound.ts";
import { LineWatcher } from "./lines.ts";
import { Link } from "./link.ts";
import { type BotOptions, type ResolvedBotOptions, resolveOptions } from "./options.ts";
import { Outbox } from "./outbox.ts";
import { Placement } from "./placement.ts";
import { fit, quote, runCommandLine } from "./run_command.ts";
import { startFailureLine } from "./start_failure.ts";
import { BotState, type LobbyRoom, type Me, type Room, type User, type UserId } from "./state.ts";
import { tracked } from "./tracked.ts";

export type { ActionOptions, CreateRoomOptions, JoinRoomOptions, TypeOptions };

/** The context of a command handler. */
export interface CommandContext extends BaseContext {
  /** Who typed the command. */
  readonly user: User;
}

/**
 * A Talkomatic bot. Create it, register handlers and commands, then
 * `await bot.run()`.
 *
 * @example
 * ```ts
 * import { Bot } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Echo Bot", room: { name: "Echo", create: true } });
 * bot.command("echo")
 *   .param("words", { rest: true })
 *   .handle((ctx, args) => ctx.reply(`${ctx.user.name} said: ${args.words.join(" ")}`));
 * bot.on("userJoin", (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`));
 * // await bot.run(); // until Ctrl+C
 * ```
 */
export class Bot {
  readonly #options: ResolvedBotOptions;
  readonly #handlers: Handlers;
  readonly #state: BotState;
  readonly #outbox: Outbox;
  readonly #actions: Actions;
  readonly #commands = new CommandRegistry<CommandContext>();
  readonly #lines: LineWatcher;
  readonly #placement: Placement;
  readonly #link: Link;
  readonly #inbound: Inbound;
  #autoHelp = false;

  /**
   * Creates a bot; nothing is sent before `start()` or `run()`.
   *
   * @param options Name, location, server, room and behaviour.
   * @throws {TypeError} On a missing or wrongly typed option.
   * @throws {RangeError} On a value outside the protocol's limits.
   */
  constructor(options: BotOptions) {
    const o = this.#options = resolveOptions(options);
    if (o.server !== undefined) resolveBaseUrl(o.server); // a bad URL in code fails here
    this.#handlers = new Handlers(this, o.logger, () => this.stopped);
    // The parts see each other through one host object; its getters read the parts when called.
    const parts = {} as {
      state: BotState;
      outbox: Outbox;
      actions: Actions;
      placement: Placement;
      lines: LineWatcher;
      link: Link;
      inbound: Inbound;
    };
    const host = {
      options: o,
      handlers: this.#handlers,
      get state() {
        return parts.state;
      },
      get outbox() {
        return parts.outbox;
      },
      get actions() {
        return parts.actions;
      },
      get placement() {
        return parts.placement;
      },
      get lines() {
        return parts.lines;
      },
      get connection() {
        return parts.link.connection;
      },
      get ready() {
        return parts.link.ready;
      },
      get stopSignal() {
        return parts.link.stopSignal;
      },
      verifyAfterMs: o.reconnect === false ? 0 : o.reconnect.verifyAfterMs,
      report: (error: unknown) => this.#handlers.report(error),
      warn: (message: string) => o.logger.warn(message),
      debug: (message: string) => o.debug && o.logger.debug(message),
      connected: () => parts.link.ready,
      resend: (text: string) => this.#background(parts.actions.send(text)),
      intend: (text: string) => parts.placement.intend(text),
      withdraw: () => parts.placement.withdraw(),
      background: (work: Promise<unknown>) => this.#background(work),
      onWire: (event: string, args: unknown[]) => parts.inbound.receive(event, args),
      dropRoom: () => parts.state.leaveRoom("disconnected"),
    };
    this.#inbound = parts.inbound = new Inbound(host);
    this.#state = parts.state = new BotState(this.#inbound);
    this.#actions = parts.actions = new Actions(host);
    this.#outbox = parts.outbox = new Outbox(
      {
        emit: (event, payload) => parts.link.emit(event, payload),
        unclaimed: (failure, late) => parts.inbound.unclaimed(failure, late),
        chatSent: (text) => {
          parts.state.setOwnText(text);
          parts.placement.shown(text);
        },
      },
      this.#actions.budget,
      o.pacing.sendIntervalMs,
    );
    this.#placement = parts.placement = new Placement(host, o.room);
    this.#link = parts.link = new Link(host, options.token);
    this.#lines = parts.lines = new LineWatcher({
      idleMs: o.commandIdleMs,
      isCommand: (line) => this.#commandOf(line) !== undefined,
      needsEnter: (line) => o.requireEnter || this.#commandOf(line)?.requireEnter === true,
      onLine: (userId, line) => this.#runLine(userId, line),
    });
    if (o.help) this.#addHelp();
  }

  // ------------------------------------------------------------------ state

  /**
   * The resolved options (without the token).
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Helper", prefix: "!" });
   * console.log(bot.options.prefix, bot.options.commandIdleMs); // "!" 3000
   * ```
   */
  get options(): ResolvedBotOptions {
    return this.#options;
  }

  /** Who the bot is, once signed in. */
  get me(): Me | undefined {
    return this.#state.me;
  }

  /** The lobby: public and semi-private rooms, kept current. */
  get rooms(): readonly LobbyRoom[] {
    return this.#state.rooms;
  }

  /** The bot's room (users, votes target → voters, everyone's text), or `undefined`. */
  get room(): Room | undefined {
    return this.#state.roomView;
  }

  /** The users in the lobby list and in the bot's room, by id. */
  get users(): ReadonlyMap<UserId, User> {
    return this.#state.users;
  }

  /** Connected and signed in. */
  get connected(): boolean {
    return this.#link.ready;
  }

  /** `stop()` was called. */
  get stopped(): boolean {
    return this.#link.stopSignal.aborted;
  }

  /**
   * Aborts when the bot stops: hand it to your own background work.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Helper" });
   * const poll = setInterval(() => {}, 60_000);
   * bot.signal.addEventListener("abort", () => clearInterval(poll));
   * await bot.stop();
   * ```
   */
  get signal(): AbortSignal {
    return this.#link.stopSignal;
  }

  /**
   * A user's current text in the bot's room.
   *
   * @param user A user or a user id.
   * @returns The text, or `undefined` when they are not in the room.
   */
  textOf(user: { readonly id: UserId } | UserId): string | undefined {
    const id = typeof user === "string" ? user : user?.id;
    if (typeof id !== "string") throw new TypeError("Cannot read text: pass a user or a user id");
    return this.#state.room?.texts.get(id);
  }

  // ----------------------------------------------------------------- events

  /**
   * Adds a handler; the context is typed from the event's name.
   *
   * @param name An event of {@linkcode BOT_EVENTS}.
   * @param handler Gets `bot`, `room`, `reply` and the event's data.
   * @returns This bot.
   * @throws {TypeError} For an unknown event name (listing the permitted ones).
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Greeter" });
   * bot.on("userJoin", (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`))
   *   .on("userLeave", (ctx) => console.log(ctx.user.name, ctx.reason));
   * ```
   */
  on<E extends BotEventName>(name: E, handler: EventHandler<E>): this {
    this.#handlers.add(name, handler, false);
    return this;
  }

  /**
   * Adds a handler that runs once.
   *
   * @param name The event.
   * @param handler The handler.
   * @returns This bot.
   */
  once<E extends BotEventName>(name: E, handler: EventHandler<E>): this {
    this.#handlers.add(name, handler, true);
    return this;
  }

  /**
   * Removes a handler.
   *
   * @param name The event.
   * @param handler The handler given to `on` or `once`.
   * @returns This bot.
   */
  off<E extends BotEventName>(name: E, handler: EventHandler<E>): this {
    this.#handlers.remove(name, handler);
    return this;
  }

  /**
   * Receives every handler failure (else they are logged); the bot keeps running.
   *
   * @param handler Gets a {@linkcode HandlerError}.
   * @returns This bot.
   */
  catch(handler: (error: HandlerError) => unknown): this {
    this.#handlers.setCatch(handler);
    return this;
  }

  /**
   * Creates a command; `/help` lists it. Replaces the automatic `/help` when named "help".
   *
   * @param name Letters, digits, `_` or `-`.
   * @returns A builder: `.description()`, `.alias()`, `.param()`, `.hidden()`,
   * `.requireEnter()`, `.handle()`.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Echo Bot" });
   * bot.command("echo")
   *   .description("Repeats your words")
   *   .param("words", { rest: true })
   *   .param("times", { type: "integer", flag: true, default: 1 })
   *   .handle((ctx, args) => ctx.reply(args.words.join(" ").repeat(args.times)));
   * ```
   */
  command(name: string): CommandBuilder<Record<never, never>, CommandContext> {
    if (this.#autoHelp && typeof name === "string" && name.toLowerCase() === "help") {
      this.#commands.delete("help");
      this.#autoHelp = false;
    }
    return this.#commands.create(name);
  }

  // ---------------------------------------------------------------- actions

  /**
   * Creates a room (it does not join it) and resolves with its id.
   *
   * @param options Name, type, layout, access code; `signal`, `timeoutMs`.
   * @returns The new room's id.
   * @throws {ActionError} When the server refuses (name taken, cooldown, ...).
   */
  createRoom(options: CreateRoomOptions): Promise<string> {
    return this.#track(() => this.#actions.createRoom(options));
  }

  /**
   * Joins a room (leaving the current one first); it becomes where the bot
   * wants to be (see the `room` option).
   *
   * @param room A room or its id.
   * @param options `accessCode` for a semi-private room; `signal`, `timeoutMs`.
   * @returns The room joined.
   * @throws {ActionError} `roomNotFound`, `roomFull`, `accessCodeRequired`, `banned`, ...
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Visitor" });
   * bot.on("ready", async ({ bot }) => {
   *   const room = bot.rooms.find((r) => r.type === "public" && !r.isFull);
   *   if (room) await bot.joinRoom(room, { timeoutMs: 5000 });
   * });
   * ```
   */
  joinRoom(room: { readonly id: string } | string, options?: JoinRoomOptions): Promise<Room> {
    return this.#track(async () => {
      const joined = await this.#actions.joinRoom(room, options);
      this.#placement.joined(joined.id, options?.accessCode);
      return joined;
    });
  }

  /**
   * Leaves the room; the bot no longer wants to be there.
   *
   * @param options `signal`, `timeoutMs`.
   */
  leaveRoom(options?: ActionOptions): Promise<void> {
    return this.#track(async () => {
      this.#placement.set(undefined);
      await this.#actions.leaveRoom(options);
    });
  }

  /**
   * Replaces the bot's whole text. Texts sent in quick succession coalesce:
   * the latest wins, and replaced ones are never sent.
   *
   * @param text Up to 5000 characters.
   * @param options `signal`, `timeoutMs` (pacing included; a text not sent in time is dropped).
   * @returns When the text (or a newer one) was sent.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Clock" });
   * bot.on("roomJoined", (ctx) => ctx.bot.send(`It is ${new Date().toLocaleTimeString()}`));
   * ```
   */
  send(text: string, options?: ActionOptions): Promise<void> {
    return this.#track(() => this.#actions.send(text, options));
  }

  /**
   * Types a text letter by letter, as people do. A newer `send()` or
   * `type()` stops it.
   *
   * @param text Up to 5000 characters.
   * @param options `cps` (letters per second), `signal`, `timeoutMs`.
   */
  type(text: string, options?: TypeOptions): Promise<void> {
    return this.#track(() => this.#actions.type(text, options));
  }

  /**
   * Votes to kick a user (again: withdraws the vote).
   *
   * @param user A user in the room, or their id.
   * @param options `signal`, `timeoutMs`.
   * @returns `true` when the vote is cast, `false` when withdrawn.
   */
  vote(user: User | UserId, options?: ActionOptions): Promise<boolean> {
    return this.#track(() => this.#actions.vote(user, options));
  }

  /**
   * Shows or hides the bot's typing indicator.
   *
   * @param on Typing or not.
   * @param options `signal`, `timeoutMs`.
   */
  typing(on: boolean, options?: ActionOptions): Promise<void> {
    return this.#track(() => this.#actions.typing(on, options));
  }

  /**
   * Asks the server for the lobby list now.
   *
   * @param options `signal`, `timeoutMs`.
   * @returns The rooms.
   */
  refreshRooms(options?: ActionOptions): Promise<readonly LobbyRoom[]> {
    return this.#track(() => this.#actions.refreshRooms(options));
  }

  // -------------------------------------------------------------- lifecycle

  /**
   * Connects, signs in and goes where the `room` option says; `ready` fires
   * first. A second call returns the same promise.
   *
   * @returns The bot's identity.
   * @throws {TransportError} When the server cannot be reached or refuses the bot.
   * @throws {ActionError} When sign-in or entering the room fails.
   */
  start(): Promise<Me> {
    return this.#link.start();
  }

  /**
   * Starts and runs until `stop()`, Ctrl+C or SIGTERM. A failed start prints
   * one line on stderr and exits the process with code 1.
   */
  async run(): Promise<void> {
    const off = onShutdownSignal((signal) => {
      this.#options.logger.warn(`${signal} received, stopping`);
      void this.stop();
    });
    try {
      await this.start();
    } catch (error) {
      off();
      if (this.stopped) return; // stopped while starting (Ctrl+C): not a failure
      await this.stop();
      console.error(startFailureLine(error, this.#link.url));
      exitProcess(1);
    }
    await this.#link.stopped;
    off();
  }

  /**
   * Disconnects for good: waiting actions reject with reason `stopped`.
   *
   * @returns When stopped.
   */
  stop(): Promise<void> {
    return this.#link.stop();
  }

  /** Stops the bot (`await using bot = new Bot(...)`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** A summary without secrets. */
  toJSON(): Record<string, unknown> {
    return {
      username: this.#options.username,
      location: this.#options.location,
      me: this.me?.id,
      room: this.#state.room?.id,
      connected: this.connected,
    };
  }

  /** How `console.log(bot)` shows it in Deno: a summary without secrets. */
  [Symbol.for("Deno.customInspect")](): string {
    return `Bot ${JSON.stringify(this.toJSON())}`;
  }

  /** How `console.log(bot)` shows it in Node: a summary without secrets. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Bot ${JSON.stringify(this.toJSON())}`;
  }

  // ---------------------------------------------------------------- private

  #track<T>(work: () => Promise<T>): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = work();
    } catch (error) {
      promise = Promise.reject(error);
    }
    return tracked(promise, (error) => this.#handlers.report(error));
  }

  #background(work: Promise<unknown>): void {
    work.catch((error) => this.#handlers.report(error));
  }

  #commandOf(line: string) {
    const t = line.trimStart();
    const prefix = this.#options.prefix;
    if (!t.startsWith(prefix) || t.length === prefix.length || /\s/.test(t[prefix.length])) {
      return undefined;
    }
    const word = /^[^\s]*/.exec(t.slice(prefix.length))![0];
    return this.#commands.get(word);
  }

  #runLine(userId: string, line: string): void {
    const user = this.#state.room?.users.get(userId);
    if (!user) return;
    const reply = (text: string): Promise<unknown> =>
      this.#actions.send(text).catch((error) => this.#handlers.report(error));
    void runCommandLine({
      find: (name) => this.#commands.get(name),
      prefix: this.#options.prefix,
      line,
      showErrors: this.#options.showErrors,
      ctx: contextOf(this, { user }) as unknown as Record<string, unknown>,
      reply,
      call: async (def, ctx) =>
        await (def.handler as (ctx: unknown, args: unknown) => unknown)(ctx, ctx.args),
      failed: (event, error, ctx) => this.#handlers.failed(event, error, ctx),
    }).catch((error) => this.#handlers.report(error));
  }

  #addHelp(): void {
    this.#autoHelp = true;
    const p = this.#options.prefix;
    this.#commands.create("help")
      .description("Lists the commands, or explains one")
      .param("command", { optional: true, description: "a command to explain" })
      .handle((ctx, args) => {
        if (args.command === undefined) return ctx.reply(fit(helpText(this.#commands.all, p)));
        const name = args.command.startsWith(p) ? args.command.slice(p.length) : args.command;
        const text = helpFor(this.#commands.get(name), p);
        return ctx.reply(
          fit(text ?? `Unknown command ${quote(p + name)}. Type ${p}help for the list.`),
        );
      });
  }
}
