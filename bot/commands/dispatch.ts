/**
 * The bot's dispatch of what people type: the root composer (commands,
 * middleware, `message` handlers of every mounted composer), the automatic
 * `/help`, the questions of `ctx.ask()`, and which finished lines the line
 * watcher reports (commands, or answers while a question waits).
 *
 * @module
 */

import type { ActionOptions } from "../out/actions.ts";
import { type AskOptions, Asks } from "./ask.ts";
import type { BotHooks } from "../hooks.ts";
import { CommandBuilder, type CommandDefinition, helpFor, helpText } from "./commands.ts";
import { Composer, type Root, rootOfComposer } from "./composer.ts";
import type { BaseContext, CommandContext } from "../events.ts";
import type { ContextOf, Handlers, MessageChain } from "../handlers.ts";
import type { LineWatcherOptions } from "../in/lines.ts";
import type { ResolvedBotOptions } from "../options.ts";
import { AskError } from "../errors.ts";
import { fit } from "../../schemas/text.ts";
import { quote, runCommandLine } from "./run_command.ts";
import type { User, UserId } from "../model.ts";
import { closestName } from "./suggest.ts";
import { askParsed } from "./prompt.ts";

/** What the dispatch needs from the bot: functions, no parts. */
export interface DispatchHost {
  readonly options: ResolvedBotOptions;
  /** The user's event bus: `line` and `unknownCommand` events, failures to `error`. */
  readonly handlers: Pick<Handlers, "emit" | "has" | "failed" | "report">;
  /** A person in the bot's room, by id. */
  roomUser(id: UserId): User | undefined;
  /** A handler context around `data`. */
  readonly context: ContextOf;
  /** Shows an answer to `user` (a box's answer section, or the bot's text). */
  answer(text: string, user: User | undefined, options?: ActionOptions): Promise<void>;
  /** The newest `question` hook of `bot.hook()` (a Box's), when one is installed. */
  questionHook(): BotHooks["question"];
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
    const { stopSignal } = host;
    this.#asks = new Asks(() => stopSignal.aborted, host.options.clock);
    stopSignal.addEventListener("abort", () => this.#asks.stop(), { once: true });
    this.#help = host.options.help ? this.#helpCommand() : undefined;
  }

  /** Runs `message` and `line` handlers inside the middleware (for the bot's handlers). */
  messageChain(): MessageChain {
    const { handlers } = this.#host;
    return {
      wants: (own, event) => this.#tree.wantsMessage(own, event),
      run: (ctx, own, event) => {
        const fail = (error: unknown) => handlers.failed(event, error, ctx);
        this.#tree.runMessage(ctx, own, fail, event).catch(fail);
      },
    };
  }

  /** A person left the bot's room: their questions end. */
  userLeft(id: UserId): void {
    this.#asks.left(id);
  }

  /** The bot left its room (not a lost connection, after which it comes back): questions end. */
  roomLeft(reason: string): void {
    if (reason !== "disconnected") this.#asks.left();
  }

  /** What the line watcher asks: which lines count, and where finished ones go. */
  lineOptions(): Omit<LineWatcherOptions, "idleMs"> {
    const o = this.#host.options;
    const asks = this.#asks;
    const wantsLines = () =>
      this.#host.handlers.has("line") || this.#tree.wantsMessage(false, "line");
    return {
      isCommand: (line, userId) => {
        if (asks.waiting(userId)) return line.trim() !== "";
        // Plain text (most of what people type), or a prefix alone: only `line` handlers want it.
        const name = this.#typedName(line);
        if (name === undefined) return wantsLines() && line.trim() !== "";
        if (this.#find(name) !== undefined) return true;
        return o.unknownCommands === "suggest" || this.#host.handlers.has("unknownCommand");
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
    const gone = (name: string) =>
      Promise.reject(
        new AskError(
          `Cannot get an answer from ${JSON.stringify(name)}: they are not in the bot's room`,
          "left",
          id,
        ),
      );
    const found = this.#host.roomUser(id);
    if (!found) return gone(typeof user === "string" ? id : user.name);
    // A question hook (a Box: one line per person asked) shows it; else `show`, else an answer.
    const hook = this.#host.questionHook();
    const shown = hook
      ? async (text: string, signal: AbortSignal) => await hook(text, found, signal)
      : show ??
        ((text: string, signal: AbortSignal) => this.#host.answer(text, found, { signal }));
    return askParsed(
      // Asked again after an answer that did not parse: the person may have left meanwhile (a
      // `parse` function of the user's may take its time).
      (q) => this.#host.roomUser(id) ? this.#asks.ask(found, q, options, shown) : gone(found.name),
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

  /** The command a line names, if the bot has it. */
  #commandOf(line: string): CommandDefinition | undefined {
    const name = this.#typedName(line);
    return name === undefined ? undefined : this.#find(name);
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
    this.#host.answer(fit(`Unknown command ${fit(p + name, 40)}.${tail}`), user)
      .catch((error) => handlers.report(error));
  }

  #runLine(
    userId: string,
    line: string,
    show?: (text: string) => Promise<unknown>,
    from?: User,
  ): void {
    if (!show && this.#asks.deliver(userId, line)) return;
    const { handlers, options, context } = this.#host;
    const user = from ?? this.#host.roomUser(userId);
    if (!user) return;
    // Board chat lines (with `show`) run commands only: no `line` or `unknownCommand` for them.
    if (!this.#commandOf(line)?.handler) return show ? undefined : this.#notACommand(user, line);
    const reply = (text: string): Promise<unknown> =>
      (show ? show(text) : this.#host.answer(text, user)).catch((error) => handlers.report(error));
    const ctx = context({ user }) as unknown as Record<string, unknown>;
    ctx.reply = (text: string, o?: ActionOptions) =>
      show ? show(text) : this.#host.answer(text, user, o);
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
