/**
 * Runs one finished command line: parse, answer usage errors, call the
 * handler, answer its failure with a short line. Every built-in answer fits
 * the 5000-character box and never starts a line with the prefix.
 *
 * @module
 */

import { fit } from "../../schemas/text.ts";
import {
  type CommandDefinition,
  commandNameOf,
  parseCommandArgs,
  parseCommandLine,
  usageLine,
} from "./commands.ts";
import { UsageError } from "../errors.ts";

/** What running a line needs from the bot. */
export interface LineRun {
  /** The command of a name or alias. */
  readonly find: (name: string) => CommandDefinition | undefined;
  readonly prefix: string;
  readonly line: string;
  /** Answer with the error message instead of a neutral line. */
  readonly showErrors: boolean;
  /** A fresh context for the handler; `args`, `command` and `line` are added to it. */
  readonly ctx: Record<string, unknown>;
  /** Shows a built-in answer (its failures are reported, not thrown). */
  readonly reply: (text: string) => Promise<unknown>;
  /** Calls the handler (middleware wraps it here). */
  readonly call: (def: CommandDefinition, ctx: Record<string, unknown>) => Promise<unknown>;
  /** A handler failed. */
  readonly failed: (event: string, error: unknown, ctx: unknown) => void;
}

/** Quotes what a person typed, shortened: `"/xyz…"`. */
export function quote(text: string, max = 40): string {
  return `"${fit(text, max)}"`;
}

/** Runs a line; `false` when it names no command of the bot. */
export async function runCommandLine(o: LineRun): Promise<boolean> {
  const def = o.find(commandNameOf(o.line, o.prefix));
  if (!def?.handler) return false;
  const usage = (error: UsageError): Promise<unknown> =>
    o.reply(fit(`${fit(error.message, 200)}\nUsage: ${usageLine(def, o.prefix)}`));
  let args: Record<string, unknown>;
  try {
    const parsed = parseCommandLine(o.line, o.prefix);
    if (!parsed) return false;
    args = parseCommandArgs(def, parsed.words);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    await usage(error);
    return true;
  }
  const ctx = Object.assign(o.ctx, { args, command: def.name, line: o.line });
  try {
    await o.call(def, ctx);
  } catch (error) {
    const name = `${o.prefix}${def.name}`;
    const detail = o.showErrors
      ? `: ${error instanceof Error ? error.message : String(error)}`
      : "";
    await o.reply(fit(`Sorry, ${name} failed${fit(detail, 300)}.`));
    o.failed(name, error, ctx);
  }
  return true;
}
