/**
 * Typed prompts: `ctx.ask(question, { parse })` turns the answer into a
 * number, a yes/no, one of a list of choices, or whatever a function makes
 * of it; an answer that does not parse is asked again with the reason, up to
 * `retries` times.
 *
 * @module
 */

import { AskError } from "./errors.ts";
import type { User } from "./state.ts";

/**
 * How `ctx.ask()` reads an answer: `"integer"`, `"number"`, `"yes/no"`
 * (yes, y, no, n in any case), a list of choices (any case; the result is
 * the choice as written here), or a function of the trimmed text (throwing
 * re-asks, its error's message as the reason).
 */
export type AskParse =
  | "integer"
  | "number"
  | "yes/no"
  | readonly string[]
  | ((text: string) => unknown);

/** The `parse` kinds that are not functions. */
export type AskParseKind = Exclude<AskParse, (text: string) => unknown>;

/** The value an answer parsed with `P` gives. */
export type ParsedAnswer<P> = P extends "integer" | "number" ? number
  : P extends "yes/no" ? boolean
  : P extends readonly (infer T)[] ? T
  : P extends (text: string) => infer T ? Awaited<T>
  : string;

/** What `ctx.ask()` resolves with for a `parse` of `P`: a string without one (`never`), else the type it gives. */
export type AskResult<P> = [P] extends [never] ? string : ParsedAnswer<P>;

/** The default number of times an answer that does not parse is asked again. */
export const DEFAULT_ASK_RETRIES = 2;
const MAX_RETRIES = 100;

const YES = new Set(["yes", "y"]);
const NO = new Set(["no", "n"]);

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/** The parser of a `parse` option; throws a `TypeError` for a wrong one. */
export function parserOf(parse: unknown): ((text: string) => unknown) | undefined {
  if (parse === undefined) return undefined;
  if (typeof parse === "function") return parse as (text: string) => unknown;
  if (parse === "integer") {
    return (text) => {
      if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
        throw new Error(`${JSON.stringify(text)} is not a whole number.`);
      }
      return Number(text);
    };
  }
  if (parse === "number") {
    return (text) => {
      const n = Number(text.replace(",", "."));
      if (text === "" || !Number.isFinite(n)) {
        throw new Error(`${JSON.stringify(text)} is not a number.`);
      }
      return n;
    };
  }
  if (parse === "yes/no") {
    return (text) => {
      const t = text.toLowerCase();
      if (YES.has(t)) return true;
      if (NO.has(t)) return false;
      throw new Error("Please answer yes or no.");
    };
  }
  if (Array.isArray(parse)) {
    if (parse.length === 0 || !parse.every((c) => typeof c === "string" && c.trim() !== "")) {
      throw new TypeError("Cannot ask: parse choices must be a non-empty list of non-empty texts");
    }
    const choices = parse as readonly string[];
    return (text) => {
      const t = text.toLowerCase();
      const found = choices.find((c) => c.trim().toLowerCase() === t);
      if (found === undefined) throw new Error(`Please answer one of: ${choices.join(", ")}.`);
      return found;
    };
  }
  throw new TypeError(
    `Cannot ask: parse must be "integer", "number", "yes/no", a list of choices or a function, got ${
      typeof parse === "string" ? JSON.stringify(parse) : typeName(parse)
    }`,
  );
}

/**
 * Asks with `ask` until the answer parses; after `retries` failed answers,
 * rejects with an {@linkcode AskError} of reason `invalid`.
 */
export async function askParsed(
  ask: (question: string) => Promise<string>,
  user: User,
  question: string,
  options: { readonly parse?: unknown; readonly retries?: unknown } | undefined,
): Promise<unknown> {
  const parse = parserOf(options?.parse);
  if (!parse) return await ask(question);
  const retries = options?.retries ?? DEFAULT_ASK_RETRIES;
  if (
    typeof retries !== "number" || !Number.isInteger(retries) || retries < 0 ||
    retries > MAX_RETRIES
  ) {
    throw new RangeError(
      `Cannot ask: retries must be an integer from 0 to ${MAX_RETRIES}, got ${String(retries)}`,
    );
  }
  let q = question;
  for (let attempt = 0;; attempt++) {
    const answer = await ask(q);
    try {
      return await parse(answer);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (attempt >= retries) {
        throw new AskError(
          `Cannot get an answer from ${JSON.stringify(user.name)}: ${
            retries + 1
          } answers did not parse, the last: ${reason}`,
          "invalid",
          user.id,
        );
      }
      q = `${reason} ${question}`;
    }
  }
}
