/**
 * The options of a {@linkcode Bot}, checked once, with their defaults.
 *
 * @module
 */

import type { TokenStore } from "../api/token_store.ts";
import {
  checkAccessCode,
  checkLayout,
  checkLocation,
  checkNumber,
  checkPrefix,
  checkRoomId,
  checkRoomName,
  checkRoomType,
  checkUsername,
} from "../schemas/checks.ts";
import { type PacingOptions, type ResolvedPacing, resolvePacing } from "./out/pacer.ts";
import type { RoomLayout, RoomType } from "./model.ts";
import { type Clock, realClock } from "./clock.ts";

/** Where the bot's log lines go. */
export interface BotLogger {
  /** Wire traffic and details (only with `debug: true`). */
  debug(message: string): void;
  /** Something went wrong that the bot handles. */
  warn(message: string): void;
  /** A handler failed and no `bot.catch()` is set. */
  error(message: string, error?: unknown): void;
}

/**
 * The default logger: `console`, each line prefixed with `[talkomatic]`.
 *
 * @example
 * ```ts
 * import { Bot, consoleBotLogger } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Quiet", logger: { ...consoleBotLogger, warn: () => {} } });
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

/** How the bot comes back after a lost connection. */
export interface ReconnectOptions {
  /** First delay in ms (doubling, with jitter). Default 500. */
  initialDelayMs?: number;
  /** Longest delay in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Attempts before giving up (`stop()`). Default `Infinity`. */
  maxAttempts?: number;
  /** After joining right after a (re)connect, check membership after this many ms (the server's start-up purge drops early joiners silently). 0: never. Default 3000. */
  verifyAfterMs?: number;
}

/**
 * How the bot notices a connection that stopped moving (a peer or proxy that
 * stopped forwarding while TCP stays open). The server pings every 25 s
 * (docs/protocol.md §1.1): after `probeAfterMs` without any packet the bot
 * asks for the room list (`get rooms`, exempt from the event limit); after
 * `deadAfterMs` without any packet it drops the connection (`disconnected`
 * with reason `"no traffic"`) and reconnects.
 */
export interface LivenessOptions {
  /** Silence before the bot probes, in ms. Default 26 000 (a missed server ping). */
  probeAfterMs?: number;
  /** Silence after which the connection counts as dead, in ms. Default 30 000. */
  deadAfterMs?: number;
}

/**
 * Where the bot wants to be. The bot goes there when it starts and goes back
 * after every reconnect and server restart:
 *
 * - `{ id }`: that room (with `accessCode` for a semi-private room);
 * - `{ name, create: true }`: the listed room of that name, created (with
 *   `type`, `layout`, `accessCode`) when there is none; without `create`, the
 *   bot waits until such a room appears;
 * - `"first-public"`: the first public room with a free seat, waiting for one
 *   if there is none.
 */
export type RoomTarget =
  | "first-public"
  | { readonly id: string; readonly accessCode?: string }
  | {
    readonly name: string;
    readonly type?: RoomType;
    readonly layout?: RoomLayout;
    readonly accessCode?: string;
    readonly create?: boolean;
  };

/** Options of a {@linkcode Bot}. Only `username` is required. */
export interface BotOptions {
  /** The bot's name (1–15 characters). */
  username: string;
  /** Its location (1–20 characters). Default `"On The Web"`. */
  location?: string;
  /** The server. Default `$TALKOMATIC_URL`, else the public server. */
  server?: string;
  /** A bot token to use first. Default `$TALKOMATIC_TOKEN`, else one from the token cache or the server. */
  token?: string;
  /** Where tokens are cached. Default: a file in the user's cache directory. */
  tokenStore?: TokenStore;
  /** Where the bot wants to be; see {@linkcode RoomTarget}. */
  room?: RoomTarget;
  /** The command prefix. Default `"/"`. */
  prefix?: string;
  /** The automatic `/help` command. Default `true`. */
  help?: boolean;
  /** A command line left unchanged this long runs without Enter. Default 3000 ms. */
  commandIdleMs?: number;
  /** Commands run only on Enter (per command: `.requireEnter()`). Default `false`. */
  requireEnter?: boolean;
  /** Answer a failed handler with its error message instead of a neutral line. Default `false`. */
  showErrors?: boolean;
  /**
   * A line naming no command of the bot (`/hepl`): `"ignore"` (default; bots
   * in one room share the `/` prefix) or `"suggest"` (answers `Unknown command
   * /hepl. Did you mean /help?`). The `unknownCommand` event fires either way.
   */
  unknownCommands?: "ignore" | "suggest";
  /** Pacing under the server's limits. */
  pacing?: PacingOptions;
  /** How long an action may take, pacing included. Default 10 000 ms. */
  actionTimeoutMs?: number;
  /** Answer AFK warnings. Default `true`. */
  answerAfk?: boolean;
  /** Run commands typed in the board chat too, answering there. Default `false`. */
  boardCommands?: boolean;
  /** Reconnection, or `false` to stop when the connection is lost. */
  reconnect?: ReconnectOptions | false;
  /** Dead-connection detection (default: dead after 30 s without any packet), or `false`. */
  liveness?: LivenessOptions | false;
  /** Where log lines go. Default {@linkcode consoleBotLogger}. */
  logger?: BotLogger;
  /** Log wire traffic (tokens redacted). Default `false`. */
  debug?: boolean;
  /**
   * The clock every wait of the bot runs on (line idle time, pacing, action
   * timeouts, questions, schedules, placement retries). For tests: pass a
   * fake one and move time yourself. Default: the real clock.
   */
  clock?: Clock;
}

/** {@linkcode BotOptions} checked and filled in; the token is not part of it. */
export interface ResolvedBotOptions {
  /** The bot's name. */
  readonly username: string;
  /** Its location. */
  readonly location: string;
  /** The server given (else `$TALKOMATIC_URL` at start). */
  readonly server: string | undefined;
  /** Where tokens are cached. */
  readonly tokenStore: TokenStore | undefined;
  /** Where the bot wants to be. */
  readonly room: RoomTarget | undefined;
  /** The command prefix. */
  readonly prefix: string;
  /** Whether `/help` is automatic. */
  readonly help: boolean;
  /** How long an unchanged line waits before it runs. */
  readonly commandIdleMs: number;
  /** Commands run only on Enter. */
  readonly requireEnter: boolean;
  /** Failed handlers are answered with their message. */
  readonly showErrors: boolean;
  /** Unknown commands are ignored or answered with a suggestion. */
  readonly unknownCommands: "ignore" | "suggest";
  /** Pacing under the server's limits. */
  readonly pacing: ResolvedPacing;
  /** How long an action may take. */
  readonly actionTimeoutMs: number;
  /** AFK warnings are answered. */
  readonly answerAfk: boolean;
  /** Commands typed in the board chat run too. */
  readonly boardCommands: boolean;
  /** Reconnection, or `false`. */
  readonly reconnect: Required<ReconnectOptions> | false;
  /** Dead-connection detection, or `false`. */
  readonly liveness: Required<LivenessOptions> | false;
  /** Where log lines go. */
  readonly logger: BotLogger;
  /** Wire traffic is logged. */
  readonly debug: boolean;
  /** The clock every wait runs on. */
  readonly clock: Clock;
}

function checkClock(clock: unknown): Clock {
  if (clock === undefined) return realClock;
  const c = clock as Partial<Clock> | null;
  if (
    typeof c?.now !== "function" || typeof c.setTimeout !== "function" ||
    typeof c.clearTimeout !== "function"
  ) {
    throw new TypeError(
      "Cannot create bot: clock must have now(), setTimeout() and clearTimeout()",
    );
  }
  return c as Clock;
}

const KEYS = new Set([
  "username",
  "clock",
  "location",
  "server",
  "token",
  "tokenStore",
  "room",
  "prefix",
  "help",
  "commandIdleMs",
  "requireEnter",
  "showErrors",
  "unknownCommands",
  "pacing",
  "actionTimeoutMs",
  "answerAfk",
  "boardCommands",
  "reconnect",
  "liveness",
  "logger",
  "debug",
]);

function checkTarget(target: unknown): RoomTarget | undefined {
  if (target === undefined || target === "first-public") return target;
  if (target === null || typeof target !== "object") {
    throw new TypeError(
      'Cannot create bot: room must be "first-public", { id } or { name, create }',
    );
  }
  const t = target as Record<string, unknown>;
  const code = t.accessCode === undefined ? {} : {
    accessCode: checkAccessCode(t.accessCode, "create bot"),
  };
  if ("id" in t) return { id: checkRoomId(t.id, "create bot with room"), ...code };
  const type = checkRoomType(t.type ?? "public");
  if (type === "semi-private" && t.create === true && code.accessCode === undefined) {
    throw new TypeError("Cannot create bot: a semi-private room to create needs an accessCode");
  }
  return {
    name: checkRoomName(t.name, "create bot with room"),
    type,
    layout: checkLayout(t.layout ?? "vertical"),
    create: t.create === true,
    ...code,
  };
}

function checkBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new TypeError(`Cannot create bot: ${name} must be a boolean`);
  }
  return value;
}

function checkUnknownCommands(value: unknown): "ignore" | "suggest" {
  if (value === undefined || value === "ignore" || value === "suggest") return value ?? "ignore";
  throw new TypeError(
    `Cannot create bot: unknownCommands must be "ignore" or "suggest", got ${
      JSON.stringify(value)
    }`,
  );
}

/** Checks options and fills in defaults. */
export function resolveOptions(options: BotOptions): ResolvedBotOptions {
  if (options === null || typeof options !== "object") {
    throw new TypeError("Cannot create bot: options must be an object with a username");
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) {
      throw new TypeError(`Cannot create bot: unknown option "${key}"`);
    }
  }
  const reconnect = options.reconnect === false ? false : {
    initialDelayMs: 500,
    maxDelayMs: 30_000,
    maxAttempts: Infinity,
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
  const liveness = options.liveness === false ? false : {
    probeAfterMs: 26_000,
    deadAfterMs: 30_000,
    ...(options.liveness ?? {}),
  };
  if (liveness) {
    checkNumber(liveness.probeAfterMs, "liveness.probeAfterMs", 1);
    checkNumber(liveness.deadAfterMs, "liveness.deadAfterMs", 1);
    if (!(liveness.deadAfterMs > liveness.probeAfterMs)) {
      throw new RangeError(
        `Invalid liveness.deadAfterMs: ${liveness.deadAfterMs} must be more than probeAfterMs (${liveness.probeAfterMs})`,
      );
    }
  }
  for (const key of ["server", "token"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "string") {
      throw new TypeError(`Cannot create bot: ${key} must be a string`);
    }
  }
  return Object.freeze({
    username: checkUsername(options.username, "create bot"),
    location: checkLocation(options.location ?? "On The Web", "create bot"),
    server: options.server,
    tokenStore: options.tokenStore,
    room: checkTarget(options.room),
    prefix: checkPrefix(options.prefix ?? "/"),
    help: checkBoolean(options.help, "help", true),
    commandIdleMs: checkNumber(options.commandIdleMs ?? 3000, "commandIdleMs"),
    requireEnter: checkBoolean(options.requireEnter, "requireEnter", false),
    showErrors: checkBoolean(options.showErrors, "showErrors", false),
    unknownCommands: checkUnknownCommands(options.unknownCommands),
    pacing: resolvePacing(options.pacing),
    actionTimeoutMs: checkNumber(options.actionTimeoutMs ?? 10_000, "actionTimeoutMs", 1),
    answerAfk: checkBoolean(options.answerAfk, "answerAfk", true),
    boardCommands: checkBoolean(options.boardCommands, "boardCommands", false),
    reconnect,
    liveness,
    logger: options.logger ?? consoleBotLogger,
    debug: checkBoolean(options.debug, "debug", false),
    clock: checkClock(options.clock),
  });
}
