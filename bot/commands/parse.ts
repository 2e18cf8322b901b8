/**
 * The command-line parser: shell-like tokenising and typed argument parsing
 * against a list of parameter specifications. Pure functions, no I/O, so they
 * can be property-tested on their own.
 *
 * @example
 * ```ts
 * import { parseArgs, tokenize } from "./parse.ts";
 *
 * tokenize(`say "hello world" --times=2`); // ["say", "hello world", "--times=2"]
 * const args = parseArgs(["hi", "there", "-t", "3"], [
 *   { name: "words", type: "string", rest: true },
 *   { name: "times", type: "integer", flag: true, aliases: ["t"], optional: true, default: 1 },
 * ]);
 * // args = { words: ["hi", "there"], times: 3 }
 * ```
 *
 * @module
 */

import { UsageError } from "../errors.ts";

/** The value types a command parameter can have. */
export type ParamType = "string" | "integer" | "number" | "boolean";

/** The TypeScript type of one value of a {@linkcode ParamType}. */
export type ParamValue<T extends ParamType> = T extends "integer" | "number" ? number
  : T extends "boolean" ? boolean
  : string;

/** Options of one command parameter (`.param(name, options)`). */
export interface ParamOptions {
  /** Value type; default `"string"`. */
  readonly type?: ParamType;
  /** Shown by `/help <command>`. */
  readonly description?: string;
  /** A `--name value` flag rather than a positional parameter. */
  readonly flag?: boolean;
  /** Other flag names: one letter gives `-x`, longer ones `--alias`. */
  readonly aliases?: readonly string[];
  /** May be omitted (the value is then `undefined`, or `[]` for rest). */
  readonly optional?: boolean;
  /** Value when omitted (implies optional). */
  readonly default?: unknown;
  /** Takes every remaining word (positional) or every repetition (flag), as an array. */
  readonly rest?: boolean;
}

/** A fully resolved parameter specification, as the parser consumes it. */
export interface ParamSpec extends ParamOptions {
  /** Parameter name: the key in the parsed arguments and the long flag `--name`. */
  readonly name: string;
  /** Value type (default `"string"`). */
  readonly type: ParamType;
}

const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const TYPES: readonly ParamType[] = ["string", "integer", "number", "boolean"];

/**
 * Splits a command line into words like a POSIX shell does: whitespace
 * separates words, `'single'` quotes keep everything literally, `"double"`
 * quotes allow `\"` and `\\` escapes, and a backslash outside quotes escapes
 * the next character. Quotes may join parts of one word (`a"b c"` is `ab c`).
 *
 * @param line The command line (without the prefix, or with: it is a word like any other).
 * @returns The words, in order; an empty array for a blank line.
 * @throws {UsageError} When a quote is not closed.
 * @example
 * ```ts
 * import { tokenize } from "./parse.ts";
 * tokenize(`echo 'it''s' "a \\"b\\""`); // ["echo", "its", 'a "b"']
 * ```
 */
export function tokenize(line: string): string[] {
  if (typeof line !== "string") {
    throw new TypeError(`Cannot tokenize ${typeof line}: a command line is a string`);
  }
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i];
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new UsageError("Unclosed single quote");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const d = line[i];
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === "\\")) {
          word += line[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) throw new UsageError("Unclosed double quote");
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 < line.length) {
        word += line[i + 1];
        i += 2;
      } else {
        word += c;
        i++;
      }
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * Checks one parameter specification and fills in defaults. Used by the
 * command builder; exported so specs can be validated up front.
 *
 * @param spec The parameter as written by the user.
 * @returns The same spec with `type` filled in.
 * @throws {TypeError} On a bad name, type, alias or default.
 * @example
 * ```ts
 * import { checkParamSpec } from "./parse.ts";
 * checkParamSpec({ name: "times", type: "integer", flag: true }); // ok
 * ```
 */
export function checkParamSpec(spec: Partial<ParamSpec> & { name: string }): ParamSpec {
  const { name } = spec;
  if (typeof name !== "string" || !PARAM_NAME.test(name)) {
    throw new TypeError(
      `Cannot add parameter "${
        String(name)
      }": names start with a letter and contain letters, digits, "_" or "-"`,
    );
  }
  const type = spec.type ?? "string";
  if (!TYPES.includes(type)) {
    throw new TypeError(
      `Cannot add parameter "${name}": type "${String(type)}" is not one of ${TYPES.join(", ")}`,
    );
  }
  for (const alias of spec.aliases ?? []) {
    if (typeof alias !== "string" || !PARAM_NAME.test(alias)) {
      throw new TypeError(`Cannot add alias "${String(alias)}" to parameter "${name}": bad alias`);
    }
    if (!spec.flag) {
      throw new TypeError(
        `Cannot add alias "${alias}" to parameter "${name}": only flags have aliases`,
      );
    }
  }
  if (spec.default !== undefined) {
    const values = spec.rest && Array.isArray(spec.default) ? spec.default : [spec.default];
    for (const value of values) {
      const ok = type === "string"
        ? typeof value === "string"
        : type === "boolean"
        ? typeof value === "boolean"
        : typeof value === "number" && (type === "number" || Number.isInteger(value));
      if (!ok) {
        throw new TypeError(
          `Cannot add parameter "${name}": default ${JSON.stringify(value)} is not a ${type}`,
        );
      }
    }
  }
  return { ...spec, name, type };
}

/**
 * Checks a whole parameter list: unique names and flag aliases, at most one
 * positional `rest` and it comes last, no required positional after an
 * optional one.
 *
 * @param specs The parameters in declaration order.
 * @throws {TypeError} When the list cannot be parsed unambiguously.
 * @example
 * ```ts
 * import { checkParamList } from "./parse.ts";
 * checkParamList([{ name: "a", type: "string" }, { name: "b", type: "string", rest: true }]);
 * ```
 */
export function checkParamList(specs: readonly ParamSpec[]): void {
  const seen = new Set<string>();
  let sawOptional = false;
  let sawRest = false;
  for (const spec of specs) {
    const names = [spec.name, ...(spec.aliases ?? [])];
    for (const n of names) {
      if (seen.has(n)) throw new TypeError(`Cannot add parameter "${spec.name}": "${n}" is taken`);
      seen.add(n);
    }
    if (spec.flag) continue;
    if (sawRest) {
      throw new TypeError(
        `Cannot add parameter "${spec.name}": a rest parameter must be the last positional one`,
      );
    }
    const optional = isOptional(spec);
    if (!optional && sawOptional) {
      throw new TypeError(
        `Cannot add parameter "${spec.name}": a required positional parameter cannot follow an optional one`,
      );
    }
    sawOptional ||= optional;
    sawRest ||= spec.rest === true;
  }
}

function isOptional(spec: ParamSpec): boolean {
  return spec.optional === true || spec.default !== undefined ||
    (spec.flag === true && spec.type === "boolean");
}

const TRUE_WORDS = new Set(["true", "yes", "on", "1", "y"]);
const FALSE_WORDS = new Set(["false", "no", "off", "0", "n"]);

/**
 * Converts one word to a parameter's type.
 *
 * @param spec The parameter.
 * @param word The word typed by the user.
 * @returns The converted value.
 * @throws {UsageError} When the word is not a valid value of that type.
 */
function convertValue(spec: ParamSpec, word: string): string | number | boolean {
  switch (spec.type) {
    case "string":
      return word;
    case "integer": {
      if (!/^[+-]?\d+$/.test(word)) {
        throw new UsageError(`Invalid value "${word}" for ${label(spec)}: expected an integer`);
      }
      const n = Number(word);
      if (!Number.isSafeInteger(n)) {
        throw new UsageError(`Invalid value "${word}" for ${label(spec)}: integer out of range`);
      }
      return n;
    }
    case "number": {
      const n = word.trim() === "" ? NaN : Number(word);
      if (!Number.isFinite(n)) {
        throw new UsageError(`Invalid value "${word}" for ${label(spec)}: expected a number`);
      }
      return n;
    }
    case "boolean": {
      const w = word.toLowerCase();
      if (TRUE_WORDS.has(w)) return true;
      if (FALSE_WORDS.has(w)) return false;
      throw new UsageError(
        `Invalid value "${word}" for ${label(spec)}: expected true or false`,
      );
    }
  }
}

function label(spec: ParamSpec): string {
  return spec.flag ? `--${spec.name}` : `<${spec.name}>`;
}

function looksNumeric(word: string): boolean {
  return /^-\d+(\.\d+)?$/.test(word);
}

/**
 * Parses words (from {@linkcode tokenize}, without the command name) against
 * parameter specifications. Flags are `--name value`, `--name=value` or
 * `-x value` for one-letter aliases; boolean flags need no value (`--loud`,
 * `--loud=false`); `--` ends flags. Missing optional parameters get their
 * default, or `undefined` (`[]` for rest parameters).
 *
 * @param words The words after the command name.
 * @param specs The command's parameters.
 * @returns An object with one key per parameter.
 * @throws {UsageError} On an unknown flag, a missing or bad value, or too many words.
 * @example
 * ```ts
 * import { parseArgs } from "./parse.ts";
 * parseArgs(["--loud", "hi"], [
 *   { name: "text", type: "string" },
 *   { name: "loud", type: "boolean", flag: true },
 * ]); // { text: "hi", loud: true }
 * ```
 */
export function parseArgs(
  words: readonly string[],
  specs: readonly ParamSpec[],
): Record<string, unknown> {
  const flags = new Map<string, ParamSpec>();
  for (const spec of specs) {
    if (!spec.flag) continue;
    flags.set(`--${spec.name}`, spec);
    for (const alias of spec.aliases ?? []) {
      flags.set(alias.length === 1 ? `-${alias}` : `--${alias}`, spec);
      if (alias.length === 1) flags.set(`--${alias}`, spec);
    }
  }
  const positionals: string[] = [];
  const out: Record<string, unknown> = {};
  const given = new Set<string>();
  let flagsDone = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!flagsDone && word === "--") {
      flagsDone = true;
      continue;
    }
    if (!flagsDone && word.startsWith("-") && word.length > 1 && !looksNumeric(word)) {
      const eq = word.indexOf("=");
      const key = eq > 0 ? word.slice(0, eq) : word;
      const spec = flags.get(key);
      if (!spec) throw new UsageError(`Unknown option "${key}"`);
      let raw: string;
      if (eq > 0) {
        raw = word.slice(eq + 1);
      } else if (spec.type === "boolean") {
        raw = "true";
      } else {
        if (i + 1 >= words.length) throw new UsageError(`Option --${spec.name} needs a value`);
        raw = words[++i];
      }
      const value = convertValue(spec, raw);
      if (spec.rest) {
        const list = (out[spec.name] as unknown[] | undefined) ?? [];
        list.push(value);
        out[spec.name] = list;
      } else {
        if (given.has(spec.name)) throw new UsageError(`Option --${spec.name} is given twice`);
        out[spec.name] = value;
      }
      given.add(spec.name);
      continue;
    }
    positionals.push(word);
  }
  let p = 0;
  for (const spec of specs) {
    if (spec.flag) continue;
    if (spec.rest) {
      const rest = positionals.slice(p).map((w) => convertValue(spec, w));
      p = positionals.length;
      if (rest.length > 0) {
        out[spec.name] = rest;
        given.add(spec.name);
      }
      continue;
    }
    if (p < positionals.length) {
      out[spec.name] = convertValue(spec, positionals[p++]);
      given.add(spec.name);
    }
  }
  if (p < positionals.length) {
    throw new UsageError(`Unexpected argument "${positionals[p]}"`);
  }
  for (const spec of specs) {
    if (given.has(spec.name)) continue;
    if (spec.default !== undefined) {
      out[spec.name] = Array.isArray(spec.default) ? [...spec.default] : spec.default;
    } else if (spec.flag && spec.type === "boolean" && !spec.rest) {
      out[spec.name] = false;
    } else if (isOptional(spec)) {
      out[spec.name] = spec.rest ? [] : undefined;
    } else {
      throw new UsageError(`Missing required ${spec.flag ? "option" : "argument"} ${label(spec)}`);
    }
  }
  return out;
}

/**
 * Renders a parameter list as a usage fragment: `<a> [b] <words...> [--n <integer>]`.
 *
 * @param specs The parameters.
 * @returns The fragment (empty for no parameters).
 * @example
 * ```ts
 * import { usageOf } from "./parse.ts";
 * usageOf([{ name: "text", type: "string", rest: true }]); // "<text...>"
 * ```
 */
export function usageOf(specs: readonly ParamSpec[]): string {
  const parts: string[] = [];
  for (const spec of specs.filter((s) => !s.flag)) {
    const body = `${spec.name}${spec.rest ? "..." : ""}`;
    parts.push(isOptional(spec) ? `[${body}]` : `<${body}>`);
  }
  for (const spec of specs.filter((s) => s.flag)) {
    const body = spec.type === "boolean" ? `--${spec.name}` : `--${spec.name} <${spec.type}>`;
    parts.push(isOptional(spec) ? `[${body}]` : body);
  }
  return parts.join(" ");
}
