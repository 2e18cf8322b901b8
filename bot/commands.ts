/**
 * Commands: a builder whose `.param()` calls accumulate the handler's
 * argument type, and a registry with aliases and the `/help` texts. The
 * help texts never start a line with the prefix, so another bot never takes
 * them for commands.
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
  /** Runs only when its line ends with Enter (not after the idle time). */
  readonly requireEnter: boolean;
  /** The handler, when set. */
  readonly handler: ((ctx: never, args: never) => unknown) | undefined;
  /** Middleware around this command's handler only (after the bot's and composers'). */
  readonly middleware: readonly ((ctx: never, next: () => Promise<void>) => unknown)[];
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
 * Builds one command; each `.param()` adds a key to the handler's typed
 * `args`. Get one from `bot.command(name)`, which registers it.
 *
 * @example
 * ```ts
 * import { Bot } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Dice" });
 * bot.command("roll")
 *   .description("Rolls a die")
 *   .param("sides", { type: "integer", default: 6 })
 *   .handle((ctx, args) => ctx.reply(`${1 + Math.floor(Math.random() * args.sides)}`));
 * ```
 */
export class CommandBuilder<A extends Record<string, unknown> = Record<never, never>, C = unknown> {
  #name: string;
  #aliases: string[] = [];
  #description = "";
  #hidden = false;
  #requireEnter = false;
  #params: ParamSpec[] = [];
  #handler: ((ctx: never, args: never) => unknown) | undefined;
  #middleware: ((ctx: never, next: () => Promise<void>) => unknown)[] = [];
  readonly #onChange: ((def: CommandDefinition, previous: readonly string[]) => void) | undefined;

  /**
   * Creates a builder (registered through `onChange`).
   *
   * @param name The command's name.
   * @param onChange Called with each new definition and the names it had before.
   */
  constructor(
    name: string,
    onChange?: (def: CommandDefinition, previous: readonly string[]) => void,
  ) {
    this.#name = checkCommandName(name, "create command");
    this.#onChange = onChange;
    this.#changed([]);
  }

  #names(): string[] {
    return [this.#name, ...this.#aliases];
  }

  #changed(previous: readonly string[]): this {
    this.#onChange?.(this.definition, previous);
    return this;
  }

  /** The command as registered. */
  get definition(): CommandDefinition {
    return Object.freeze({
      name: this.#name,
      aliases: Object.freeze([...this.#aliases]),
      description: this.#description,
      hidden: this.#hidden,
      requireEnter: this.#requireEnter,
      params: Object.freeze([...this.#params]),
      handler: this.#handler,
      middleware: Object.freeze([...this.#middleware]),
    });
  }

  /**
   * Adds middleware around this command's handler only: it runs after the
   * bot's and the composers' middleware, in the order added (`cooldown()`
   * here limits this command alone).
   *
   * @param middleware Functions `(ctx, next) => unknown`.
   * @returns This builder.
   * @throws {TypeError} For something that is not a function.
   * @example
   * ```ts
   * import { Bot, cooldown } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Pollster" });
   * bot.command("poll").use(cooldown({ ms: 60_000 })).handle((ctx) => ctx.reply("Poll open"));
   * ```
   */
  use(
    ...middleware: ((ctx: C & CommandInfo<A>, next: () => Promise<void>) => unknown)[]
  ): CommandBuilder<A, C> {
    for (const m of middleware) {
      if (typeof m !== "function") {
        throw new TypeError(
          `Cannot add middleware to "${this.#name}": expected a function, got ${
            m === null ? "null" : typeof m
          }`,
        );
      }
    }
    this.#middleware.push(
      ...(middleware as ((ctx: never, next: () => Promise<void>) => unknown)[]),
    );
    return this.#changed(this.#names());
  }

  /**
   * Sets the one-line description shown by `/help`.
   *
   * @param text The description.
   * @returns This builder.
   */
  description(text: string): CommandBuilder<A, C> {
    if (typeof text !== "string") throw new TypeError("Cannot set description: not a string");
    this.#description = text;
    return this.#changed(this.#names());
  }

  /**
   * Adds other names.
   *
   * @param names The aliases.
   * @returns This builder.
   */
  alias(...names: string[]): CommandBuilder<A, C> {
    const previous = this.#names();
    for (const n of names) {
      const alias = checkCommandName(n, "add alias");
      if (alias !== this.#name && !this.#aliases.includes(alias)) this.#aliases.push(alias);
    }
    return this.#changed(previous);
  }

  /**
   * Leaves the command out of `/help`.
   *
   * @param hidden Default `true`.
   * @returns This builder.
   */
  hidden(hidden?: boolean): CommandBuilder<A, C> {
    this.#hidden = (hidden ?? true) === true;
    return this.#changed(this.#names());
  }

  /**
   * Runs the command only when its line ends with Enter, never after the
   * idle time (for commands with side effects).
   *
   * @param required Default `true`.
   * @returns This builder.
   */
  requireEnter(required?: boolean): CommandBuilder<A, C> {
    this.#requireEnter = (required ?? true) === true;
    return this.#changed(this.#names());
  }

  /**
   * Adds a parameter; its name and type join the handler's `args`.
   *
   * @param name The parameter's name.
   * @param options Type, flag, aliases, optional, default, rest, description.
   * @returns This builder, with `args` extended.
   */
  param<N extends string, const O extends ParamOptions = Record<never, never>>(
    name: N extends keyof A ? never : N,
    options?: O & DefaultCheck<O>,
  ): CommandBuilder<Simplify<A & { [K in N]: ArgOf<O> }>, C> {
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new TypeError(`Cannot add parameter "${name}": options must be an object`);
    }
    const spec = checkParamSpec({ ...(options ?? {}), name });
    checkParamList([...this.#params, spec]);
    this.#params.push(spec);
    this.#changed(this.#names());
    return this as unknown as CommandBuilder<Simplify<A & { [K in N]: ArgOf<O> }>, C>;
  }

  /**
   * Sets the handler.
   *
   * @param handler Gets the context and the typed arguments.
   * @returns This builder.
   */
  handle(handler: CommandHandler<A, C>): CommandBuilder<A, C> {
    if (typeof handler !== "function") {
      throw new TypeError(`Cannot set handler of "${this.#name}": not a function`);
    }
    this.#handler = handler as unknown as (ctx: never, args: never) => unknown;
    return this.#changed(this.#names());
  }
}

/** The usage line of a command: `/echo <words...> [--times <integer>]`. */
export function usageLine(def: CommandDefinition, prefix: string): string {
  const params = usageOf(def.params);
  return params ? `${prefix}${def.name} ${params}` : `${prefix}${def.name}`;
}

/** Commands by name and alias. */
export class CommandRegistry<C = unknown> {
  readonly #byName = new Map<string, CommandDefinition>();
  readonly #primary = new Map<string, CommandDefinition>();
  readonly #taken: ((name: string) => CommandDefinition | undefined) | undefined;

  /**
   * @param taken Names in use elsewhere (the other composers of a bot), to refuse them here too.
   */
  constructor(taken?: (name: string) => CommandDefinition | undefined) {
    this.#taken = taken;
  }

  /** Creates and registers a command. */
  create(name: string): CommandBuilder<Record<never, never>, C> {
    return new CommandBuilder<Record<never, never>, C>(name, (def, previous) => {
      for (const n of [def.name, ...def.aliases]) {
        const other = this.#byName.get(n) ?? this.#taken?.(n);
        if (other && (other.name !== def.name || !this.#primary.has(other.name))) {
          if (other.name === def.name) {
            throw new TypeError(`Cannot create command "${def.name}": it already exists`);
          }
          throw new TypeError(`Cannot register "${n}": it is already a name of "${other.name}"`);
        }
      }
      if (previous.length === 0 && this.#primary.has(def.name)) {
        throw new TypeError(`Cannot create command "${def.name}": it already exists`);
      }
      for (const n of previous) this.#byName.delete(n);
      this.#primary.set(def.name, def);
      for (const n of [def.name, ...def.aliases]) this.#byName.set(n, def);
    });
  }

  /** Removes a command and its aliases. */
  delete(name: string): boolean {
    const def = this.#primary.get(name.toLowerCase());
    if (!def) return false;
    this.#primary.delete(def.name);
    for (const n of [def.name, ...def.aliases]) this.#byName.delete(n);
    return true;
  }

  /** A command by name or alias (case-insensitive). */
  get(name: string): CommandDefinition | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /** Every command, in order of creation. */
  get all(): readonly CommandDefinition[] {
    return [...this.#primary.values()];
  }
}

/** Visible commands with a handler. */
function visible(defs: Iterable<CommandDefinition>): CommandDefinition[] {
  return [...defs].filter((def) => !def.hidden && def.handler);
}

/** The `/help` text: one line per visible command, each starting with "• ". */
export function helpText(defs: Iterable<CommandDefinition>, prefix: string): string {
  const lines = ["Commands:"];
  for (const def of visible(defs)) {
    const names = [def.name, ...def.aliases].map((n) => prefix + n).join(", ");
    lines.push(`• ${names}${def.description ? ` - ${def.description}` : ""}`);
  }
  lines.push(`Type ${prefix}help <command> for details.`);
  return lines.join("\n");
}

/** The `/help <command>` text, or `undefined` for an unknown or hidden command. */
export function helpFor(def: CommandDefinition | undefined, prefix: string): string | undefined {
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
      `• ${names.join(", ")} (${bits.join(", ")})${p.description ? ` ${p.description}` : ""}`,
    );
  }
  if (def.aliases.length > 0) {
    lines.push(`Aliases: ${def.aliases.map((a) => prefix + a).join(", ")}`);
  }
  if (def.requireEnter) lines.push("Press Enter to run it.");
  return lines.join("\n");
}

/** A command line split into its name and words. */
export interface ParsedCommandLine {
  /** The command name, lower case, without the prefix. */
  readonly name: string;
  /** The words after it (shell-like quoting). */
  readonly words: readonly string[];
}

/**
 * Splits a command line; `undefined` when it does not start with the prefix.
 *
 * @throws {UsageError} On an unclosed quote.
 */
export function parseCommandLine(line: string, prefix: string): ParsedCommandLine | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith(prefix)) return undefined;
  const match = /^([^\s]+)(.*)$/s.exec(trimmed.slice(prefix.length));
  if (!match) return undefined;
  return { name: match[1].toLowerCase(), words: tokenize(match[2]) };
}

/** The first word after the prefix (the command name typed), or `""`. */
export function commandNameOf(line: string, prefix: string): string {
  const t = line.trimStart();
  if (!t.startsWith(prefix)) return "";
  const word = /^[^\s]*/.exec(t.slice(prefix.length))![0];
  return word.toLowerCase();
}

/**
 * Parses a command's arguments.
 *
 * @throws {UsageError} When the words do not fit the parameters.
 */
export function parseCommandArgs(
  def: CommandDefinition,
  words: readonly string[],
): Record<string, unknown> {
  return parseArgs(words, def.params);
}

export { UsageError };
