/**
 * Cooldowns: `cooldown()` middleware keeps a command from running again too
 * soon, per person or per room.
 *
 * @module
 */

import type { Middleware, MiddlewareContext } from "../commands/composer.ts";
import { sessionKey } from "./session.ts";

/** A command's context, as a cooldown sees it. */
export type CooldownContext = Extract<MiddlewareContext, { readonly command: string }>;

/** Options of {@linkcode cooldown}. */
export interface CooldownOptions {
  /** How long after a command ran it cannot run again, in milliseconds. */
  readonly ms: number;
  /**
   * `"user"` (default): each person has their own cooldown, by name and
   * location as sessions are (see `sessionKey`). `"room"`: one for the room.
   */
  readonly per?: "user" | "room";
  /**
   * The answer to a command refused inside the cooldown, given once per
   * cooldown: a text, or a function of the time left (in ms) that returns the
   * text (or shows something itself and returns nothing); `false` for none.
   * Default: `Wait 4 s before /note again.`
   */
  readonly reply?:
    | string
    | ((msLeft: number, ctx: CooldownContext) => string | undefined | void)
    | false;
}

const PER = ["user", "room"] as const;
/** Stale entries are swept once the map has this many. */
const SWEEP_AT = 256;

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

/**
 * Cooldown middleware for commands (`message` handlers are not affected):
 * after a command ran, it does not run again for `ms`, each command on its
 * own; a person who tries gets `reply`, once per cooldown. Use it on the bot,
 * on a composer (its commands), or inside your own middleware for one
 * command.
 *
 * @param options `ms`, `per` (`"user"` or `"room"`) and `reply`.
 * @returns The middleware.
 * @throws {RangeError} When `ms` is not a positive number.
 * @throws {TypeError} For a wrong `per` or `reply`.
 * @example
 * ```ts
 * import { Bot, cooldown } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Dice" });
 * bot.use(cooldown({ ms: 10_000, per: "user", reply: (ms) => `Again in ${Math.ceil(ms / 1000)} s` }));
 * bot.command("roll").handle((ctx) => ctx.reply(`${1 + Math.floor(Math.random() * 6)}`));
 * ```
 */
export function cooldown(options: CooldownOptions): Middleware {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot create cooldown: expected options, got ${typeName(options)}`);
  }
  const { ms, per = "user", reply } = options;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms <= 0) {
    throw new RangeError(
      `Cannot create cooldown: ms must be a positive number of milliseconds, got ${String(ms)}`,
    );
  }
  if (!PER.includes(per)) {
    throw new TypeError(
      `Cannot create cooldown: per must be "user" or "room", got ${JSON.stringify(per)}`,
    );
  }
  if (
    reply !== undefined && reply !== false && typeof reply !== "string" &&
    typeof reply !== "function"
  ) {
    throw new TypeError(
      `Cannot create cooldown: reply must be a text, a function or false, got ${typeName(reply)}`,
    );
  }
  const until = new Map<string, { until: number; told: boolean }>();
  return (ctx, next) => {
    if (!("command" in ctx)) return next();
    const now = ctx.bot.options.clock.now();
    if (until.size >= SWEEP_AT) {
      for (const [k, e] of until) if (e.until <= now) until.delete(k);
    }
    const who = per === "user" ? sessionKey(ctx) : `room ${ctx.room?.id ?? ""}`;
    const key = `${ctx.command}\n${who}`;
    const entry = until.get(key);
    if (entry === undefined || entry.until <= now) {
      until.set(key, { until: now + ms, told: false });
      return next();
    }
    if (entry.told || reply === false) return;
    entry.told = true;
    const left = entry.until - now;
    const text = typeof reply === "function" ? reply(left, ctx) : reply ??
      `Wait ${Math.ceil(left / 1000)} s before ${ctx.bot.options.prefix}${ctx.command} again.`;
    if (typeof text === "string") return ctx.reply(text);
  };
}
