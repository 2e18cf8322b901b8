/**
 * Commands: a builder whose `.param()` calls accumulate the handler's
 * argument type, a registry with aliases and automatic help texts, and the
 * line watcher that decides when a command line is complete (the user
 * pressed Enter, or left the line unchanged for the idle time) so each line
 * runs exactly once, never on every keystroke.
 *
 * @example
 * ```ts
 * import { CommandBuilder } from "./commands.ts";
 *
 * const echo = new CommandBuilder<Record<never, never>, { reply(text: string): void }>("echo")
 *   .description("Repeats your words")
 *   .alias("e")
 *   .param("words", { rest: true })
 *   .param("times", { type: "integer", flag: true, aliases: ["t"], default: 1 })
 *   .handle((ctx, args) => ctx.reply(args.words.join(" ").repeat(args.times)));
 * ```
 *
 * @module
 */

import { UsageError } from "./errors.ts";
import {
  checkParamList,
  checkParamSpec,
  type ParamOptions,
  type ParamSpec,
  type ParamType,
  type ParamValue,
  parseArgs,
  tokenize,
  usageOf,
} from "./parse.ts";

/** The value type a parameter with options `O` is declared with (`"string"` by default). */
export type TypeOf<O> = O extends { readonly type: infer T extends ParamType } ? T : "string";
/** The value of one occurrence of a parameter with options `O`. */
export type ValueOf<O> = ParamValue<TypeOf<O>>;

/** The argument type a parameter with options `O` produces. */
export type ArgOf<O> = O extends { readonly rest: true } ? ValueOf<O>[]
  : O extends { readonly default: ValueOf<O> } ? ValueOf<O>
  : O extends { readonly flag: true; readonly type: "boolean" } ? boolean
  : O extends { readonly optional: true } ? ValueOf<O> | undefined
  : ValueOf<O>;

/** Constrains `default` to the parameter's type. */
export type DefaultCheck<O> = O extends { readonly default: unknown }
  ? { readonly default: O extends { readonly rest: true } ? readonly ValueOf<O>[] : ValueOf<O> }
  : unknown;

/** Flattens an intersection of argument objects for readable hover types. */
// deno-lint-ignore ban-types
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** What a command handler's context has beyond the event context. */
export interface CommandInfo<A> {
  /** The parsed, typed arguments. */
  readonly args: A;
  /** The command's name (not the alias typed). */
  readonly command: string;
  /** The whole command line as typed. */
  readonly line: string;
}

/** Runs a command. `C` is the context the bot supplies. */
export type CommandHandler<A, C> = (ctx: C & CommandInfo<A>, args: A) => unknown;

/** A registered command, as the registry and `/help` see it. */
export interface CommandDefinition {
  /** Primary name. */
  readonly name: string;
  /** Other names. */
  readonly aliases: readonly string[];
  /** One-line description. */
  readonly description: string;
  /** Omitted from `/help`. */
  readonly hidden: boolean;
  /** Parameters in declaration order. */
  readonly params: readonly ParamSpec[];
  /** The handler, when set. */
  readonly handler: ((ctx: never, args: never) => unknown) | undefined;
}

const COMMAND_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

function checkCommandName(name: unknown, what: string): string {
  if (typeof name !== "string" || !COMMAND_NAME.test(name)) {
    throw new TypeError(
      `Cannot ${what} "${
        String(name)
      }": command names are letters, digits, "_" or "-" without spaces`,
    );
  }
  return name.toLowerCase();
}

/**
 * Builds one command. Each `.param()` adds a key to the handler's typed
 * `args`. Usually obtained from `bot.command(name)`, which registers it.
 *
 * @example
 * ```ts
 * import { CommandBuilder } from "./commands.ts";
 * const roll = new CommandBuilder("roll")
 *   .param("sides", { type: "integer", optional: true })
 *   .handle((_ctx, args) => {
 *     const sides: number | undefined = args.sides;
 *     return sides;
 *   });
 * ```
 */
export class CommandBuilder<A extends Record<string, unknown> = Record<never, never>, C = unknown> {
  #name: string;
  #aliases: string[] = [];
  #description = "";
  #hidden = false;
  #params: ParamSpec[] = [];
  #handler: ((ctx: never, args: never) => unknown) | undefined;
  readonly #onChange: ((def: CommandDefinition, previous: readonly string[]) => void) | undefined;

  /**
   * Starts a command.
   *
   * @param name The name typed after the prefix (letters, digits, `_`, `-`).
   * @param onChange Called with the definition whenever it changes (the registry).
   */
  constructor(
    name: string,
    onChange?: (def: CommandDefinition, previous: readonly string[]) => void,
  ) {
    this.#name = checkCommandName(name, "create command");
    this.#onChange = onChange;
    this.#changed([]);
  }

  #changed(previous: readonly string[]): void {
    this.#onChange?.(this.definition, previous);
  }

  /**
   * The command as registered so far.
   *
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const roll = new CommandRegistry().create("roll")
   *   .alias("r")
   *   .param("sides", { type: "integer", default: 6 });
   * const def = roll.definition;
   * assertEquals([def.name, ...def.aliases], ["roll", "r"]);
   * assertEquals(def.params.map((p) => p.name), ["sides"]);
   * assertEquals(def.handler, undefined); // not finished with .handle() yet
   * ```
   */
  get definition(): CommandDefinition {
    return Object.freeze({
      name: this.#name,
      aliases: Object.freeze([...this.#aliases]),
      description: this.#description,
      hidden: this.#hidden,
      params: Object.freeze([...this.#params]),
      handler: this.#handler,
    });
  }

  /**
   * Sets the one-line description shown by `/help`.
   *
   * @param text The description.
   * @returns This builder.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Dice" });
   * bot.command("roll")
   *   .description("Rolls a six-sided die")
   *   .handle((ctx) => ctx.reply(`${ctx.user.name} rolled ${1 + Math.floor(Math.random() * 6)}`));
   * // "/help" now lists: /roll - Rolls a six-sided die
   * ```
   */
  description(text: string): CommandBuilder<A, C> {
    if (typeof text !== "string") throw new TypeError("Cannot set description: not a string");
    this.#description = text;
    this.#changed([this.#name, ...this.#aliases]);
    return this;
  }

  /**
   * Adds other names for the command.
   *
   * @param names Aliases (same rules as names).
   * @returns This builder.
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("weather").alias("w", "forecast");
   * assertEquals(commands.get("W")?.name, "weather");
   * assertEquals(commands.get("forecast")?.name, "weather");
   * ```
   */
  alias(...names: string[]): CommandBuilder<A, C> {
    const previous = [this.#name, ...this.#aliases];
    for (const n of names) {
      const alias = checkCommandName(n, "add alias");
      if (alias !== this.#name && !this.#aliases.includes(alias)) this.#aliases.push(alias);
    }
    this.#changed(previous);
    return this;
  }

  /**
   * Hides the command from `/help` (it still runs).
   *
   * @param hidden Default `true`.
   * @returns This builder.
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("ping").handle(() => "pong");
   * commands.create("debug").hidden().handle(() => "state dump");
   * assertEquals(commands.helpText("/"), "Commands:\n/ping");
   * ```
   */
  hidden(hidden = true): CommandBuilder<A, C> {
    this.#hidden = hidden;
    this.#changed([this.#name, ...this.#aliases]);
    return this;
  }

  /**
   * Adds a parameter. Positional parameters are filled in order; flags are
   * `--name value`; `rest` takes the remaining words as an array.
   *
   * @param name The key in `args` and the long flag.
   * @param options Type and behaviour.
   * @returns This builder, with `args` extended by the new key.
   * @throws {TypeError} On a duplicate or badly placed parameter.
   * @example
   * ```ts
   * import { CommandRegistry, parseArgs } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const remind = new CommandRegistry().create("remind")
   *   .param("minutes", { type: "integer" })
   *   .param("loud", { type: "boolean", flag: true, aliases: ["l"] })
   *   .param("words", { rest: true })
   *   .handle((_ctx, args) => {
   *     const minutes: number = args.minutes; // typed from the options above
   *     return `${args.loud ? "!!! " : ""}in ${minutes} min: ${args.words.join(" ")}`;
   *   });
   * const args = parseArgs(["5", "-l", "tea", "time"], remind.definition.params);
   * assertEquals(args, { minutes: 5, loud: true, words: ["tea", "time"] });
   * ```
   */
  param<N extends string, const O extends ParamOptions = Record<never, never>>(
    name: N extends keyof A ? never : N,
    options?: O & DefaultCheck<O>,
  ): CommandBuilder<Simplify<A & { [K in N]: ArgOf<O> }>, C> {
    const spec = checkParamSpec({ ...(options ?? {}), name });
    checkParamList([...this.#params, spec]);
    this.#params.push(spec);
    this.#changed([this.#name, ...this.#aliases]);
    return this as unknown as CommandBuilder<Simplify<A & { [K in N]: ArgOf<O> }>, C>;
  }

  /**
   * Sets the handler, which receives the context and the typed arguments.
   *
   * @param handler The function to run once per complete command line.
   * @returns This builder.
   * @example
   * ```ts
   * import { Bot } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Greeter" });
   * bot.command("hello")
   *   .param("name", { optional: true })
   *   .handle(async (ctx, args) => {
   *     // ctx.line is the whole line typed, ctx.user who typed it
   *     await ctx.reply(`Hello, ${args.name ?? ctx.user.name}!`);
   *   });
   * ```
   */
  handle(handler: CommandHandler<A, C>): CommandBuilder<A, C> {
    if (typeof handler !== "function") {
      throw new TypeError(`Cannot set handler of "${this.#name}": not a function`);
    }
    this.#handler = handler as unknown as (ctx: never, args: never) => unknown;
    this.#changed([this.#name, ...this.#aliases]);
    return this;
  }
}

/**
 * The usage line of a command: `/echo <words...> [--times <integer>]`.
 *
 * @param def The command.
 * @param prefix The command prefix.
 * @returns The usage line.
 * @example
 * ```ts
 * import { CommandBuilder, usageLine } from "./commands.ts";
 * usageLine(new CommandBuilder("ping").definition, "/"); // "/ping"
 * ```
 */
export function usageLine(def: CommandDefinition, prefix: string): string {
  const params = usageOf(def.params);
  return params ? `${prefix}${def.name} ${params}` : `${prefix}${def.name}`;
}

/**
 * The registered commands, looked up by name or alias (case-insensitive).
 *
 * @example
 * ```ts
 * import { CommandRegistry } from "./commands.ts";
 * const registry = new CommandRegistry();
 * registry.create("ping").alias("p");
 * registry.get("P")?.name; // "ping"
 * ```
 */
export class CommandRegistry<C = unknown> {
  readonly #byName = new Map<string, CommandDefinition>();
  readonly #primary = new Map<string, CommandDefinition>();

  /**
   * Creates and registers a command.
   *
   * @param name Its name.
   * @returns Its builder.
   * @throws {TypeError} When the name or an alias is taken by another command.
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertThrows } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("echo").description("Repeats your words");
   * assertThrows(() => commands.create("Echo"), TypeError, "already exists");
   * ```
   */
  create(name: string): CommandBuilder<Record<never, never>, C> {
    return new CommandBuilder<Record<never, never>, C>(name, (def, previous) => {
      for (const n of [def.name, ...def.aliases]) {
        const other = this.#byName.get(n);
        if (other && other.name !== def.name) {
          throw new TypeError(`Cannot register "${n}": it is already a name of "${other.name}"`);
        }
      }
      for (const n of previous) this.#byName.delete(n);
      if (previous.length === 0 && this.#primary.has(def.name)) {
        throw new TypeError(`Cannot create command "${def.name}": it already exists`);
      }
      this.#primary.set(def.name, def);
      for (const n of [def.name, ...def.aliases]) this.#byName.set(n, def);
    });
  }

  /**
   * Removes a command.
   *
   * @param name Its name.
   * @returns Whether it existed.
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("echo").alias("e");
   * assertEquals(commands.delete("echo"), true);
   * assertEquals(commands.get("e"), undefined); // its aliases go too
   * assertEquals(commands.delete("echo"), false);
   * ```
   */
  delete(name: string): boolean {
    const def = this.#primary.get(name.toLowerCase());
    if (!def) return false;
    this.#primary.delete(def.name);
    for (const n of [def.name, ...def.aliases]) this.#byName.delete(n);
    return true;
  }

  /**
   * Finds a command by name or alias.
   *
   * @param name Name or alias, any case.
   * @returns The command, if any.
   * @example
   * ```ts
   * import { CommandRegistry, parseCommandLine } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("echo").alias("say");
   * const line = parseCommandLine("/SAY hello there", "/");
   * assertEquals(line && commands.get(line.name)?.name, "echo");
   * ```
   */
  get(name: string): CommandDefinition | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /**
   * Every command, in registration order.
   *
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("roll");
   * commands.create("echo").alias("e");
   * assertEquals(commands.all.map((c) => c.name), ["roll", "echo"]);
   * ```
   */
  get all(): readonly CommandDefinition[] {
    return [...this.#primary.values()];
  }

  /**
   * The `/help` text: every visible command with its aliases and description.
   *
   * @param prefix The command prefix.
   * @returns The text.
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("echo").alias("e").description("Repeats your words").handle(() => {});
   * commands.create("roll").handle(() => {});
   * assertEquals(commands.helpText("!"), "Commands:\n!echo, !e - Repeats your words\n!roll");
   * ```
   */
  helpText(prefix: string): string {
    const lines = ["Commands:"];
    for (const def of this.all) {
      if (def.hidden || !def.handler) continue;
      const names = [def.name, ...def.aliases].map((n) => prefix + n).join(", ");
      lines.push(def.description ? `${names} - ${def.description}` : names);
    }
    return lines.join("\n");
  }

  /**
   * The `/help <command>` text, or `undefined` for an unknown or hidden command.
   *
   * @param name Name or alias.
   * @param prefix The command prefix.
   * @returns The text.
   * @example
   * ```ts
   * import { CommandRegistry } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const commands = new CommandRegistry();
   * commands.create("roll")
   *   .description("Rolls a die")
   *   .param("sides", { type: "integer", default: 6, description: "faces of the die" })
   *   .handle(() => {});
   * assertEquals(
   *   commands.helpFor("roll", "/"),
   *   "Usage: /roll [sides]\nRolls a die\n  sides (integer, default 6) faces of the die",
   * );
   * assertEquals(commands.helpFor("nope", "/"), undefined);
   * ```
   */
  helpFor(name: string, prefix: string): string | undefined {
    const def = this.get(name.replace(prefix, ""));
    if (!def || def.hidden || !def.handler) return undefined;
    const lines = [`Usage: ${usageLine(def, prefix)}`];
    if (def.description) lines.push(def.description);
    for (const p of def.params) {
      const names = [p.flag ? `--${p.name}` : p.name];
      for (const a of p.aliases ?? []) names.push(a.length === 1 ? `-${a}` : `--${a}`);
      const bits: string[] = [p.type];
      if (p.rest) bits.push("any number");
      if (p.default !== undefined) bits.push(`default ${JSON.stringify(p.default)}`);
      else if (p.optional) bits.push("optional");
      lines.push(
        `  ${names.join(", ")} (${bits.join(", ")})${p.description ? ` ${p.description}` : ""}`,
      );
    }
    if (def.aliases.length > 0) {
      lines.push(`Aliases: ${def.aliases.map((a) => prefix + a).join(", ")}`);
    }
    return lines.join("\n");
  }
}

/** A command line split into the command word and its arguments. */
export interface ParsedCommandLine {
  /** The command word after the prefix, lower-cased. */
  readonly name: string;
  /** The remaining words (shell-like quoting applied). */
  readonly words: readonly string[];
}

/**
 * Splits a line into command name and words, or `undefined` when it is not
 * a command (no prefix, or nothing after it).
 *
 * @param line A line of a user's text.
 * @param prefix The command prefix.
 * @returns The command and its words.
 * @throws {UsageError} When quoting is broken (the name is in `error.command`).
 * @example
 * ```ts
 * import { parseCommandLine } from "./commands.ts";
 * parseCommandLine(`/echo "a b" c`, "/"); // { name: "echo", words: ["a b", "c"] }
 * ```
 */
export function parseCommandLine(line: string, prefix: string): ParsedCommandLine | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith(prefix)) return undefined;
  const body = trimmed.slice(prefix.length);
  const match = /^([^\s]+)(.*)$/s.exec(body);
  if (!match) return undefined;
  const name = match[1].toLowerCase();
  return { name, words: tokenize(match[2]) };
}

/**
 * Parses the words of a command line for a command.
 *
 * @param def The command.
 * @param words The words after the command name.
 * @returns The typed arguments.
 * @throws {UsageError} On bad input.
 * @example
 * ```ts
 * import { CommandBuilder, parseCommandArgs } from "./commands.ts";
 * const def = new CommandBuilder("n").param("x", { type: "number" }).definition;
 * parseCommandArgs(def, ["2.5"]); // { x: 2.5 }
 * ```
 */
export function parseCommandArgs(
  def: CommandDefinition,
  words: readonly string[],
): Record<string, unknown> {
  return parseArgs(words, def.params);
}

export { UsageError };

/**
 * Watches each user's text and reports command lines once they are
 * complete: when a newline ends them, or when the line under the cursor has
 * been unchanged for `idleMs`. Each line (by position and content) is reported
 * once; editing it makes it new again.
 *
 * @example
 * ```ts
 * import { LineWatcher } from "./commands.ts";
 * const seen: string[] = [];
 * const watcher = new LineWatcher({ prefix: "/", idleMs: 1000, onLine: (_user, line) => seen.push(line) });
 * watcher.update("u1", "/ping\n"); // seen is ["/ping"]
 * watcher.update("u1", "/ping\n"); // still ["/ping"]
 * watcher.clear();
 * ```
 */
export class LineWatcher {
  readonly #prefix: string;
  readonly #idleMs: number;
  readonly #onLine: (userId: string, line: string) => void;
  readonly #users = new Map<
    string,
    { done: Map<number, string>; timer?: ReturnType<typeof setTimeout> }
  >();

  /**
   * Creates a watcher.
   *
   * @param options `prefix`, `idleMs` and the `onLine` callback.
   */
  constructor(
    options: { prefix: string; idleMs: number; onLine: (userId: string, line: string) => void },
  ) {
    this.#prefix = options.prefix;
    this.#idleMs = options.idleMs;
    this.#onLine = options.onLine;
  }

  #isCommand(line: string): boolean {
    const t = line.trim();
    return t.length > this.#prefix.length && t.startsWith(this.#prefix) &&
      !/\s/.test(t[this.#prefix.length]);
  }

  #entry(userId: string): { done: Map<number, string>; timer?: ReturnType<typeof setTimeout> } {
    let entry = this.#users.get(userId);
    if (!entry) {
      entry = { done: new Map() };
      this.#users.set(userId, entry);
    }
    return entry;
  }

  /**
   * Marks everything currently in a user's text as already handled (used
   * when the bot joins a room, so old commands do not run).
   *
   * @param userId The user.
   * @param text Their current text.
   * @example
   * ```ts
   * import { LineWatcher } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const seen: string[] = [];
   * const watcher = new LineWatcher({ prefix: "/", idleMs: 500, onLine: (_id, line) => seen.push(line) });
   * watcher.baseline("u1", "/roll\n"); // typed before the bot arrived
   * watcher.update("u1", "/roll\n/echo hi\n");
   * assertEquals(seen, ["/echo hi"]); // the old line does not run
   * watcher.clear();
   * ```
   */
  baseline(userId: string, text: string): void {
    const entry = this.#entry(userId);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.done = new Map(text.split("\n").map((line, i) => [i, line]));
  }

  /**
   * A user's text changed.
   *
   * @param userId The user.
   * @param text Their new text.
   * @example
   * ```ts
   * import { LineWatcher } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const seen: string[] = [];
   * const watcher = new LineWatcher({ prefix: "/", idleMs: 20, onLine: (_id, line) => seen.push(line) });
   * watcher.update("u1", "/ec"); // still typing: nothing yet
   * watcher.update("u1", "/echo hi"); // then left unchanged...
   * await new Promise((resolve) => setTimeout(resolve, 50));
   * assertEquals(seen, ["/echo hi"]); // ...for idleMs: complete
   * watcher.update("u1", "/echo hi\n"); // Enter on the same line: not again
   * assertEquals(seen, ["/echo hi"]);
   * watcher.clear();
   * ```
   */
  update(userId: string, text: string): void {
    const entry = this.#entry(userId);
    const lines = text.split("\n");
    for (const [i, content] of entry.done) if (lines[i] !== content) entry.done.delete(i);
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    for (let i = 0; i < lines.length - 1; i++) {
      if (this.#isCommand(lines[i]) && entry.done.get(i) !== lines[i]) {
        entry.done.set(i, lines[i]);
        this.#onLine(userId, lines[i]);
      }
    }
    const last = lines.length - 1;
    const current = lines[last];
    if (this.#isCommand(current) && entry.done.get(last) !== current) {
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        if (entry.done.get(last) === current) return;
        entry.done.set(last, current);
        this.#onLine(userId, current);
      }, this.#idleMs);
    }
  }

  /**
   * Forgets a user (they left); cancels a pending idle run.
   *
   * @param userId The user.
   * @example
   * ```ts
   * import { LineWatcher } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const seen: string[] = [];
   * const watcher = new LineWatcher({ prefix: "/", idleMs: 20, onLine: (_id, line) => seen.push(line) });
   * watcher.update("u1", "/echo bye"); // an idle run is pending...
   * watcher.forget("u1"); // ...but the user left
   * await new Promise((resolve) => setTimeout(resolve, 50));
   * assertEquals(seen, []);
   * ```
   */
  forget(userId: string): void {
    const entry = this.#users.get(userId);
    if (entry?.timer !== undefined) clearTimeout(entry.timer);
    this.#users.delete(userId);
  }

  /**
   * Forgets everyone and cancels every timer.
   *
   * @example
   * ```ts
   * import { LineWatcher } from "@talkomatic/talkomatic/bot";
   *
   * const watcher = new LineWatcher({ prefix: "/", idleMs: 10_000, onLine: () => {} });
   * watcher.update("u1", "/echo a");
   * watcher.update("u2", "/echo b");
   * watcher.clear(); // both pending idle timers cancelled: nothing keeps the process alive
   * ```
   */
  clear(): void {
    for (const id of [...this.#users.keys()]) this.forget(id);
  }
}
