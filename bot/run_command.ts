/**
 * Runs one complete command line: finds the command, parses its arguments,
 * answers usage errors with the usage line, runs the handler, and turns a
 * throwing handler into a short reply plus a `HandlerError` for `bot.catch`.
 *
 * @module
 */

import { type CommandRegistry, parseCommandArgs, parseCommandLine, usageLine } from "./commands.ts";
import { UsageError } from "./errors.ts";
import type { CommandBaseContext } from "./options.ts";

/** What {@linkcode runCommandLine} needs. */
export interface RunCommandOptions<B> {
  /** The commands. */
  readonly registry: CommandRegistry<CommandBaseContext<B>>;
  /** The command prefix. */
  readonly prefix: string;
  /** The complete line. */
  readonly line: string;
  /** The context (bot, room, user, reply). */
  readonly ctx: CommandBaseContext<B>;
  /** Receives a handler's error with its context. */
  readonly fail: (event: string, error: unknown, ctx: unknown) => void;
  /** Receives errors of the bot's own replies. */
  readonly report: (error: unknown) => void;
}

function firstWord(line: string, prefix: string): string {
  const t = line.trim();
  return t.startsWith(prefix) ? (t.slice(prefix.length).split(/\s/)[0] ?? "") : "";
}

/**
 * Runs one command line. Unknown commands are ignored (other bots may share
 * the prefix).
 *
 * @param o The line, the registry and the context.
 * @returns `true` when a command of this bot was found.
 */
export async function runCommandLine<B>(o: RunCommandOptions<B>): Promise<boolean> {
  const reply = (text: string): Promise<void> => o.ctx.reply(text).catch(o.report);
  let parsed;
  try {
    parsed = parseCommandLine(o.line, o.prefix);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const def = o.registry.get(firstWord(o.line, o.prefix));
    if (!def?.handler) return false;
    await reply(`${err.message}\nUsage: ${usageLine(def, o.prefix)}`);
    return true;
  }
  if (!parsed) return false;
  const def = o.registry.get(parsed.name);
  if (!def?.handler) return false;
  let args: Record<string, unknown>;
  try {
    args = parseCommandArgs(def, parsed.words);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    await reply(`${err.message}\nUsage: ${usageLine(def, o.prefix)}`);
    return true;
  }
  const ctx = { ...o.ctx, args, command: def.name, line: o.line };
  try {
    await (def.handler as (ctx: unknown, args: unknown) => unknown)(ctx, args);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await reply(`${o.prefix}${def.name} failed: ${message.slice(0, 200)}`);
    o.fail(`${o.prefix}${def.name}`, err, ctx);
  }
  return true;
}
