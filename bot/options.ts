/**
 * Options of the {@linkcode Bot}, their defaults and their checks, and the
 * handler and context types shared by events and commands.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * const options = resolveOptions({ username: "Echo", location: "Bot" });
 * options.prefix; // "/"
 * ```
 *
 * @module
 */

import type { TokenStore } from "../api/token_store.ts";
import type { BotEventData, BotEventName } from "./events.ts";
import { type PacingOptions, type ResolvedPacing, resolvePacing } from "./pacer.ts";
import type { Room, User } from "./state.ts";
import { checkLocation, checkNumber, checkPrefix, checkUsername } from "../schemas/checks.ts";

/** Receives the bot's diagnostics. */
export interface BotLogger {
  /** Wire traffic and internal steps (only with `debug: true`). */
  debug(message: string): void;
  /** Problems the bot worked around. */
  warn(message: string): void;
  /** Errors nobody handled. */
  error(message: string, error?: unknown): void;
}

/**
 * The default logger: the console.
 *
 * @example
 * ```ts
 * import { Bot, type BotLogger, consoleBotLogger } from "@talkomatic/talkomatic/bot";
 *
 * // Keep warnings and errors on the console, drop debug lines:
 * const logger: BotLogger = { ...consoleBotLogger, debug: () => {} };
 * const bot = new Bot({ username: "Quiet", logger });
 * bot.options.logger.debug("not shown");
 * ```
 */
export const consoleBotLogger: BotLogger = {
  debug: (message) => console.debug(`[talkomatic] ${message}`),
  warn: (message) => console.warn(`[talkomatic] ${message}`),
  error: (message, error) =>
    error === undefined
      ? console.error(`[talkomatic] ${message}`)
      : console.error(`[talkomatic] ${message}`, error),
};

/** How the bot comes back after losing its connection. */
export interface ReconnectOptions {
  /** First delay in ms; doubles each attempt (with jitter). Default 500. */
  initialDelayMs?: number;
  /** Largest delay in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Attempts before giving up and stopping. Default `Infinity`. */
  maxAttempts?: number;
  /** Rejoin the room the bot was in. Default `true`. */
  rejoin?: boolean;
  /** When that room is gone and this bot created it, create it again (same name and settings). Default `true`. */
  recreate?: boolean;
  /** After rejoining, check membership after this many ms (the server's start-up purge can drop it) and rejoin once. 0 disables. Default 3000. */
  verifyAfterMs?: number;
}

/** Options of `new Bot()`. */
export interface BotOptions {
  /** The bot's name (1–15 characters). */
  username: string;
  /** The bot's location (1–20 characters). Default `"On The Web"`. */
  location?: string;
  /** The server. Default `$TALKOMATIC_URL`, else the public server. */
  server?: string;
  /** A bot token to use as is. Default `$TALKOMATIC_TOKEN`, else a cached or newly requested one. */
  token?: string;
  /** Where requested tokens are cached. Default: the api's file store. */
  tokenStore?: TokenStore;
  /** Command prefix (1–5 characters). Default `"/"`. */
  prefix?: string;
  /** Register the automatic `/help` command. Default `true`. */
  help?: boolean;
  /** A command line left unchanged this long (ms) counts as complete. Default 1000. */
  commandIdleMs?: number;
  /** Pacing under the server's limits. */
  pacing?: PacingOptions;
  /** How long an action waits for the server's answer (ms). Default 10 000. */
  actionTimeoutMs?: number;
  /** Answer the server's AFK warnings so the bot is not removed for idleness. Default `true`. */
  answerAfk?: boolean;
  /** Reconnection policy, or `false` to stop when the connection is lost. */
  reconnect?: ReconnectOptions | false;
  /** Diagnostics sink. Default: the console. */
  logger?: BotLogger;
  /** Log wire traffic (tokens redacted) through `logger.debug`. Default `false`. */
  debug?: boolean;
}

/** {@linkcode BotOptions} after defaults and checks. */
export interface ResolvedBotOptions {
  /** See {@linkcode BotOptions}. */
  readonly username: string;
  /** See {@linkcode BotOptions}. */
  readonly location: string;
  /** See {@linkcode BotOptions}. */
  readonly server: string | undefined;
  /** See {@linkcode BotOptions}. */
  readonly token: string | undefined;
  /** See {@linkcode BotOptions}. */
  readonly tokenStore: TokenStore | undefined;
  /** See {@linkcode BotOptions}. */
  readonly prefix: string;
  /** See {@linkcode BotOptions}. */
  readonly help: boolean;
  /** See {@linkcode BotOptions}. */
  readonly commandIdleMs: number;
  /** See {@linkcode BotOptions}. */
  readonly pacing: ResolvedPacing;
  /** See {@linkcode BotOptions}. */
  readonly actionTimeoutMs: number;
  /** See {@linkcode BotOptions}. */
  readonly answerAfk: boolean;
  /** See {@linkcode BotOptions}. */
  readonly reconnect: Required<ReconnectOptions> | false;
  /** See {@linkcode BotOptions}. */
  readonly logger: BotLogger;
  /** See {@linkcode BotOptions}. */
  readonly debug: boolean;
}

/**
 * Fills in defaults and checks every option.
 *
 * @param options The user's options.
 * @returns The resolved options.
 * @throws {TypeError} On a missing or wrongly typed option.
 * @throws {RangeError} On a value outside the protocol's limits.
 */
export function resolveOptions(options: BotOptions): ResolvedBotOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError("Cannot create bot: options must be an object with a username");
  }
  const reconnect = options.reconnect === false ? false : {
    initialDelayMs: 500,
    maxDelayMs: 30_000,
    maxAttempts: Infinity,
    rejoin: true,
    recreate: true,
    verifyAfterMs: 3000,
    ...(options.reconnect ?? {}),
  };
  if (reconnect) {
    checkNumber(reconnect.initialDelayMs, "reconnect.initialDelayMs");
    checkNumber(reconnect.maxDelayMs, "reconnect.maxDelayMs");
    checkNumber(reconnect.verifyAfterMs, "reconnect.verifyAfterMs");
    if (!(reconnect.maxAttempts >= 1)) {
      throw new RangeError(`Invalid reconnect.maxAttempts: ${reconnect.maxAttempts} must be >= 1`);
    }
  }
  for (const key of ["server", "token"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "string") {
      throw new TypeError(`Cannot create bot: ${key} must be a string`);
    }
  }
  return {
    username: checkUsername(options.username, "create bot"),
    location: checkLocation(options.location ?? "On The Web", "create bot"),
    server: options.server,
    token: options.token,
    tokenStore: options.tokenStore,
    prefix: checkPrefix(options.prefix ?? "/"),
    help: options.help ?? true,
    commandIdleMs: checkNumber(options.commandIdleMs ?? 1000, "commandIdleMs"),
    pacing: resolvePacing(options.pacing),
    actionTimeoutMs: checkNumber(options.actionTimeoutMs ?? 10_000, "actionTimeoutMs", 1),
    answerAfk: options.answerAfk ?? true,
    reconnect,
    logger: options.logger ?? consoleBotLogger,
    debug: options.debug ?? false,
  };
}

/** What every handler's context has. `B` is the bot type. */
export interface BaseContext<B> {
  /** The bot. */
  readonly bot: B;
  /** The bot's room when the event happened, if any. */
  readonly room: Room | undefined;
  /** Replaces the bot's text in its room (same as `bot.send()`). */
  reply(text: string): Promise<void>;
}

/** The context of a friendly event `E`. */
export type EventContext<B, E extends BotEventName> = BaseContext<B> & BotEventData[E];

/** A handler of the friendly event `E`. */
export type EventHandler<B, E extends BotEventName> = (ctx: EventContext<B, E>) => unknown;

/** The context of a command handler (before its typed `args` are added). */
export interface CommandBaseContext<B> extends BaseContext<B> {
  /** Who typed the command. */
  readonly user: User;
}
