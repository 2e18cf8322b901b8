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
import type {
  ActionOptions,
  Actions,
  CreateRoomOptions,
  JoinRoomOptions,
  TypeOptions,
} from "./out/actions.ts";
import type { AskOptions } from "./commands/ask.ts";
import type { AskParseKind, AskResult } from "./commands/prompt.ts";
import type { CommandBuilder } from "./commands/commands.ts";
import type {
  Composer,
  Middleware,
  MiddlewareContext,
  MissingContext,
} from "./commands/composer.ts";
import type { Dispatch } from "./commands/dispatch.ts";
import type { HandlerError } from "./errors.ts";
import type { BotEventName, CommandContext, EventHandler } from "./events.ts";
import type { Handlers } from "./handlers.ts";
import { type BotHooks, type Hooks, STOP_GRACE_MS } from "./hooks.ts";
import type { Link } from "./link/link.ts";
import { type BotOptions, type ResolvedBotOptions, resolveOptions } from "./options.ts";
import type { Board } from "./board/board.ts";
import type { Placement } from "./link/placement.ts";
import { wireParts } from "./parts.ts";
import type { Schedule, ScheduledTask, Schedules } from "./commands/schedule.ts";
import { startFailureLine } from "./start_failure.ts";
import type { BotState } from "./in/state.ts";
import type { LobbyRoom, Me, Room, User, UserId } from "./model.ts";
import { tracked } from "./out/tracked.ts";

export type { ActionOptions, CommandContext, CreateRoomOptions, JoinRoomOptions, TypeOptions };

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
 * bot.on("userJoined", (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`));
 * // await bot.run(); // until Ctrl+C
 * ```
 */
export class Bot<C extends object = Record<never, never>> {
  readonly #options: ResolvedBotOptions;
  readonly #handlers: Handlers;
  readonly #state: BotState;
  readonly #actions: Actions;
  readonly #dispatch: Dispatch;
  readonly #schedules: Schedules;
  readonly #placement: Placement;
  readonly #link: Link;
  readonly #board: Board;
  readonly #hooks: Hooks;
  #stopping: Promise<void> | undefined;

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
    const parts = wireParts(this as Bot, o, options.token);
    this.#handlers = parts.handlers;
    this.#state = parts.state;
    this.#actions = parts.actions;
    this.#dispatch = parts.dispatch;
    this.#schedules = parts.schedules;
    this.#placement = parts.placement;
    this.#link = parts.link;
    this.#board = parts.board;
    this.#hooks = parts.hooks;
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

  /**
   * The room's Talkoboard: open it, draw, write, chat, clear; its strokes and
   * viewers while it is open. See {@linkcode Board}.
   *
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Painter" });
   * bot.on("roomJoined", async () => {
   *   await bot.board.open();
   *   await bot.board.circle(0, 0, 50, { color: "#ff8800", size: 5 });
   * });
   * ```
   */
  get board(): Board {
    return this.#board;
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
   * bot.on("userJoined", (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`))
   *   .on("userLeft", (ctx) => console.log(ctx.user.name, ctx.reason));
   * ```
   */
  on<E extends BotEventName>(name: E, handler: EventHandler<E, C>): this {
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
  once<E extends BotEventName>(name: E, handler: EventHandler<E, C>): this {
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
  off<E extends BotEventName>(name: E, handler: EventHandler<E, C>): this {
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
  command(name: string): CommandBuilder<Record<never, never>, CommandContext & C> {
    return this.#dispatch.root.command(name) as CommandBuilder<
      Record<never, never>,
      CommandContext & C
    >;
  }

  // ------------------------------------------------------------- composition

  /**
   * Adds middleware (run in order around every command and `message`
   * handler), or mounts composers (their commands join `/help`). Middleware
   * that adds to the context, like `session()`, widens the type of the bot
   * returned: keep that value (`const bot = new Bot(...).use(session(...))`).
   *
   * @param middleware Functions `(ctx, next) => unknown`, or composers (whose
   * context the bot must have: a `Composer<SessionFlavor<S>>` needs `session()`).
   * @returns This bot, its handlers' context widened by what the middleware adds.
   * @throws {TypeError} For something that is neither, or a composer mounted elsewhere.
   * @example
   * ```ts
   * import { Bot, Composer, session } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Counter" })
   *   .use(async (ctx, next) => {
   *     console.log(ctx.user.name, "command" in ctx ? ctx.command : "typed");
   *     await next();
   *   })
   *   .use(session({ initial: () => ({ count: 0 }) }));
   * bot.command("count").handle((ctx) => ctx.reply(`${++ctx.session.count}`));
   * bot.use(new Composer().use((_ctx, next) => next()));
   * ```
   */
  use<X extends object = Record<never, never>, N extends object = Record<never, never>>(
    ...middleware: (
      | (Middleware<MiddlewareContext & C> & { readonly "~extends"?: X })
      | (C extends N ? Composer<N> : MissingContext<N>)
    )[]
  ): Bot<C & X> {
    this.#dispatch.root.use(...(middleware as Middleware[]));
    return this as unknown as Bot<C & X>;
  }

  /**
   * Mounts a composer whose handlers run only when `predicate` holds.
   *
   * @param predicate Decides from the context, synchronously.
   * @returns The new composer.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Keeper" });
   * bot.filter((ctx) => ctx.user.name === "Ann")
   *   .command("stop").hidden().handle((ctx) => ctx.bot.stop());
   * ```
   */
  filter(predicate: (ctx: MiddlewareContext & C) => boolean): Composer<C> {
    const root = this.#dispatch.root;
    return root.filter(predicate as (ctx: MiddlewareContext) => boolean) as Composer<C>;
  }

  /**
   * Asks someone in the room a question (shown with `send()`); resolves with
   * the next line they complete. `ctx.ask()` in a command is the same for
   * the person who typed it.
   *
   * @param user A user in the bot's room, or their id.
   * @param question The question.
   * @param options `timeoutMs` (default 60 000), `signal`, `parse`, `retries`.
   * @returns Their answer, trimmed, or typed from `parse`.
   * @throws {AskError} `timeout`, `left` (also when they are not in the room), `replaced`,
   * `aborted`, `stopped` or `invalid`.
   */
  ask<T>(
    user: User | UserId,
    question: string,
    options: AskOptions & { readonly parse: (text: string) => T },
  ): Promise<Awaited<T>>;
  /**
   * Asks someone in the room a question; resolves with their answer, the
   * text or typed from `parse` (see the other signature).
   *
   * @param user A user in the bot's room, or their id.
   * @param question The question.
   * @param options `timeoutMs`, `signal`, `parse`, `retries`.
   * @returns Their answer.
   */
  ask<const P extends AskParseKind = never>(
    user: User | UserId,
    question: string,
    options?: AskOptions & { readonly parse?: P },
  ): Promise<AskResult<P>>;
  ask(user: User | UserId, question: string, options?: AskOptions): Promise<unknown> {
    return this.#track(() => this.#dispatch.ask(user, question, options, undefined));
  }

  /**
   * Runs `fn` every `ms` milliseconds while the bot is connected (a lost
   * connection pauses it); a run never overlaps the previous one; failures
   * go to the `error` event; `stop()` ends it.
   *
   * @param ms The interval.
   * @param fn Gets `bot`, `room` and `reply`.
   * @returns A handle with `stop()`.
   * @throws {RangeError} When `ms` is not a positive number (up to 2^31 - 1).
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Clock" });
   * const clock = bot.every(60_000, (ctx) => ctx.reply(new Date().toLocaleTimeString()));
   * // clock.stop();
   * ```
   */
  every(ms: number, fn: ScheduledTask): Schedule {
    return this.#schedules.every(ms, fn);
  }

  /**
   * Runs `fn` once, after `ms` milliseconds of being connected (a lost
   * connection pauses the count). Failures go to the `error` event.
   *
   * @param ms The delay.
   * @param fn Gets `bot`, `room` and `reply`.
   * @returns A handle with `stop()`.
   * @throws {RangeError} When `ms` is not a positive number (up to 2^31 - 1).
   */
  after(ms: number, fn: ScheduledTask): Schedule {
    return this.#schedules.after(ms, fn);
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

  /**
   * Installs a plugin's hooks: the public way a plugin (the Box, sessions,
   * yours) shows the bot's answers and questions somewhere other than its
   * whole text, and makes `stop()` finish work first. `answer` and
   * `question`: the newest installed wins. `stopping`: `stop()` runs and
   * awaits every one, at once, for at most 5 s on the bot's clock, once
   * disconnected. See {@linkcode BotHooks}.
   *
   * @param hooks `answer(text, user)`, `question(text, user, signal)`, `stopping()`: each optional.
   * @returns A function that removes these hooks (the previous ones, or the default, apply again).
   * @throws {TypeError} When `hooks` is not an object, names an unknown hook or a hook is not a function.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Helper" });
   * const transcript: string[] = [];
   * const unhook = bot.hook({
   *   answer: (text, user) => void transcript.push(user ? `${user.name}: ${text}` : text),
   *   stopping: async () => console.log(transcript.join("\n")), // say, a last write
   * });
   * // unhook(); // answers replace the bot's text again
   * ```
   */
  hook(hooks: BotHooks): () => void {
    return this.#hooks.install(hooks);
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
   * Disconnects for good: waiting actions reject with reason `stopped`. Then
   * the `stopping` hooks of `hook()` are awaited (up to 5 s): session saves
   * of handlers that already answered finish, so a stop right after an
   * answer loses nothing.
   *
   * A second call (Ctrl+C, then `await bot.stop()`) returns the same promise.
   *
   * @returns When stopped.
   */
  stop(): Promise<void> {
    return this.#stopping ??= (async () => {
      await this.#link.stop();
      const report = (error: unknown) => this.#handlers.report(error);
      await this.#hooks.stopping(STOP_GRACE_MS, this.#options.clock, report);
    })();
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
}
