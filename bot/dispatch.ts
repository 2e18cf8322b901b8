/**
 * The bot's dispatch of what people type: the root composer (commands,
 * middleware, `message` handlers of every mounted composer), the automatic
 * `/help`, the questions of `ctx.ask()`, and which finished lines the line
 * watcher reports (commands, or answers while a question waits).
 *
 * @module
 */

import type { ActionOptions, Actions } from "./actions.ts";
import { type AskOptions, Asks, questionShows } from "./ask.ts";
import type { Bot } from "./bot.ts";
import { CommandBuilder, type CommandDefinition, helpFor, helpText } from "./commands.ts";
import { Composer, type Root, rootOfComposer } from "./composer.ts";
import type { BaseContext, CommandContext } from "./events.ts";
import { contextOf, type Handlers } from "./handlers.ts";
import type { LineWatcherOptions } from "./lines.ts";
import type { ResolvedBotOptions } from "./options.ts";
import { AskError } from "./errors.ts";
import { fit, quote, runCommandLine } from "./run_command.ts";
import type { BotState, User, UserId } from "./state.ts";
import { closestName } from "./suggest.ts";
import { answer } from "./answers.ts";
import { askParsed } from "./prompt.ts";

/** What the dispatch needs from the bot. */
export interface DispatchHost {
  readonly bot: Bot;
  readonly options: ResolvedBotOptions;
  readonly handlers: Handlers;
  readonly state: BotState;
  readonly actions: Actions;
  /** Aborts when the bot stops. */
  readonly stopSignal: AbortSignal;
}

/** Commands, middleware, `/help` and questions of one bot. */
export class Dispatch {
  /** The root composer: `bot.command()`, `bot.use()` and `bot.filter()` go here. */
  readonly root: Composer = new Composer();
  readonly #tree: Root = rootOfComposer(this.root);
  readonly #host: DispatchHost;
  readonly #help: CommandDefinition | undefined;
  readonly #asks: Asks;

  constructor(host: DispatchHost) {
    this.#host = host;
    const { handlers, stopSignal } = host;
    this.#asks = new Asks(() => this.#watchLeaves(), () => stopSignal.aborted);
    stopSignal.addEventListener("abort", () => this.#asks.stop(), { once: true });
    handlers.setMessageChain({
      wants: (own, event) => this.#tree.wantsMessage(own, event),
      run: (ctx, own, event) => {
        const fail = (error: unknown) => handlers.failed(event, error, ctx);
        this.#tree.runMessage(ctx, own, fail, event).catch(fail);
      },
    });
    this.#help = host.options.help ? this.#helpCommand() : undefined;
  }

  /** What the line watcher asks: which lines count, and where finished ones go. */
  lineOptions(): Omit<LineWatcherOptions, "idleMs"> {
    const o = this.#host.options;
    const asks = this.#asks;
    return {
      isCommand: (line, userId) => {
        if (asks.waiting(userId)) return line.trim() !== "";
        if (this.#commandOf(line) !== undefined) return true;
        if (line.trim() === "") return false;
        if (this.#typedName(line) !== undefined) {
          return o.unknownCommands === "suggest" || this.#host.handlers.has("unknownCommand");
        }
        return this.#host.handlers.has("line") || this.#tree.wantsMessage(false, "line");
      },
      needsEnter: (line, userId) =>
        o.requireEnter || (!asks.waiting(userId) && this.#commandOf(line)?.requireEnter === true),
      onLine: (userId, line) => this.#runLine(userId, line),
    };
  }

  /** Asks a user of the room; `show` shows the question. */
  ask(
    user: User | UserId,
    question: string,
    options: AskOptions | undefined,
    show: ((text: string, signal: AbortSignal) => Promise<unknown>) | undefined,
  ): Promise<string> {
    const id = typeof user === "string" ? user : user?.id;
    if (typeof id !== "string") {
      throw new TypeError("Cannot ask: pass a user in the room or a user id");
    }
    const found = this.#host.state.room?.users.get(id);
    if (!found) {
      const who = JSON.stringify(typeof user === "string" ? id : user.name);
      const why = "they are not in the bot's room";
      return Promise.reject(new AskError(`Cannot get an answer from ${who}: ${why}`, "left", id));
    }
    // A Box shows questions as lines (one per person asked); else `show`, else as an answer.
    const { bot } = this.#host;
    const boxed = questionShows.get(bot);
    const shown = boxed
      ? (text: string, signal: AbortSignal) => boxed(found, text, signal)
      : show ?? ((text: string, signal: AbortSignal) => answer(bot, text, found, { signal }));
    return askParsed(
      (q) => this.#asks.ask(found, q, options, shown),
      found,
      question,
      options,
    ) as Promise<string>;
  }

  /** A command of the bot (any composer), or the automatic `/help`. */
  #find(name: string): CommandDefinition | undefined {
    const def = this.#tree.find(name);
    if (def || !this.#help || name.toLowerCase() !== "help") return def;
    return this.#help;
  }

  /** Every command, the automatic `/help` first (unless a command took its name). */
  #all(): CommandDefinition[] {
    const all = this.#tree.all();
    return this.#help && !this.#tree.find("help") ? [this.#help, ...all] : all;
  }

  #commandOf(line: string): CommandDefinition | undefined {
    const t = line.trimStart();
    const prefix = this.#host.options.prefix;
    if (!t.startsWith(prefix) || t.length === prefix.length || /\s/.test(t[prefix.length])) {
      return undefined;
    }
    const word = /^[^\s]*/.exec(t.slice(prefix.length))![0];
    return this.#find(word);
  }

  /**
   * A line of the board chat (option `boardCommands`): runs it when it names a
   * command; `show` answers in the board chat (`ctx.reply()` too).
   */
  runBoardLine(user: User, line: string, show: (text: string) => Promise<unknown>): void {
    if (this.#commandOf(line) === undefined) return;
    this.#runLine(user.id, line, show, user);
  }

  /** The command name a line names (`/hepl x` → `hepl`), known or not; `undefined` for plain text. */
  #typedName(line: string): string | undefined {
    const t = line.trimStart();
    const prefix = this.#host.options.prefix;
    if (!t.startsWith(prefix) || t.length === prefix.length || /\s/.test(t[prefix.length])) {
      return undefined;
    }
    return /^[^\s]*/.exec(t.slice(prefix.length))![0];
  }

  /** A finished line that is no command of the bot: `line` or `unknownCommand`. */
  #notACommand(user: User, line: string): void {
    const { handlers, options } = this.#host;
    const name = this.#typedName(line);
    if (name === undefined) return handlers.emit("line", { user, line });
    const names = this.#all().filter((d) => !d.hidden && d.handler).flatMap((d) => [
      d.name,
      ...d.aliases,
    ]);
    const suggestion = closestName(name, names);
    handlers.emit("unknownCommand", () => ({ user, name, suggestion, line }));
    if (options.unknownCommands !== "suggest") return;
    const p = options.prefix;
    const tail = suggestion !== undefined
      ? ` Did you mean ${p}${suggestion}?`
      : this.#help && !this.#tree.find("help")
      ? ` Type ${p}help for the list.`
      : "";
    answer(this.#host.bot, fit(`Unknown command ${fit(p + name, 40)}.${tail}`), user)
      .catch((error) => handlers.report(error));
  }

  #runLine(
    userId: string,
    line: string,
    show?: (text: string) => Promise<unknown>,
    from?: User,
  ): void {
    if (!show && this.#asks.deliver(userId, line)) return;
    const { bot, handlers, options } = this.#host;
    const user = from ?? this.#host.state.room?.users.get(userId);
    if (!user) return;
    // Board chat lines (with `show`) run commands only: no `line` or `unknownCommand` for them.
    if (!this.#commandOf(line)?.handler) return show ? undefined : this.#notACommand(user, line);
    const reply = (text: string): Promise<unknown> =>
      (show ? show(text) : answer(bot, text, user)).catch((error) => handlers.report(error));
    const ctx = contextOf(bot, { user }) as unknown as Record<string, unknown>;
    ctx.reply = (text: string, o?: ActionOptions) => show ? show(text) : answer(bot, text, user, o);
    ctx.ask = (question: string, o?: AskOptions) =>
      this.ask(
        user,
        question,
        o,
        (text, signal) => (ctx as unknown as BaseContext).reply(text, { signal }),
      );
    void runCommandLine({
      find: (name) => this.#find(name),
      prefix: options.prefix,
      line,
      showErrors: options.showErrors,
      ctx,
      reply,
      call: (def, ctx) =>
        this.#tree.runCommand(def, ctx, async () => {
          await (def.handler as (ctx: unknown, args: unknown) => unknown)(ctx, ctx.args);
        }),
      failed: (event, error, ctx) => handlers.failed(event, error, ctx),
    }).catch((error) => handlers.report(error));
  }

  /** Ends questions when people (or the bot) leave; returns the remover. */
  #watchLeaves(): () => void {
    const { handlers } = this.#host;
    const onUser = (ctx: { readonly user: User }) => this.#asks.left(ctx.user.id);
    const onRoom = (ctx: { readonly reason: string }) => {
      if (ctx.reason !== "disconnected") this.#asks.left();
    };
    handlers.add("userLeft", onUser, false);
    handlers.add("roomLeft", onRoom, false);
    return () => {
      handlers.remove("userLeft", onUser);
      handlers.remove("roomLeft", onRoom);
    };
  }

  #helpCommand(): CommandDefinition {
    const p = this.#host.options.prefix;
    return new CommandBuilder<Record<never, never>, CommandContext>("help")
      .description("Lists the commands, or explains one")
      .param("command", { optional: true, description: "a command to explain" })
      .handle((ctx, args) => {
        if (args.command === undefined) return ctx.reply(fit(helpText(this.#all(), p)));
        const name = args.command.startsWith(p) ? args.command.slice(p.length) : args.command;
        const text = helpFor(this.#find(name), p);
        return ctx.reply(
          fit(text ?? `Unknown command ${quote(p + name)}. Type ${p}help for the list.`),
        );
      })
      .definition;
  }
}
