/**
 * Error classes of the bot, one per failure origin:
 *
 * - {@linkcode ActionError}: the server refused (or never answered) an action
 *   such as `joinRoom()`; carries the server's `code` and `message` and a
 *   machine-readable `reason`.
 * - {@linkcode HandlerError}: a user's event or command handler threw; carries
 *   the original error as `cause` and the event name and context.
 * - {@linkcode UsageError}: a command line could not be parsed; its message is
 *   shown to the user who typed it, together with the command's usage line.
 *
 * Transport failures and invalid payloads use `TransportError` and
 * `PayloadValidationError` from `api/errors.ts`, re-exported here.
 *
 * @example
 * ```ts
 * import { ActionError } from "./errors.ts";
 *
 * try {
 *   throw ActionError.fromServer("joinRoom", "FORBIDDEN", "You are banned from this room.");
 * } catch (err) {
 *   if (err instanceof ActionError && err.reason === "banned") console.log(err.message);
 * }
 * ```
 *
 * @module
 */

import { TalkomaticError } from "../api/errors.ts";

export { PayloadValidationError, TalkomaticError, TransportError } from "../api/errors.ts";

/** Why an action failed; derived from the server's code and message. */
export type ActionErrorReason =
  | "roomNotFound"
  | "roomFull"
  | "accessCodeRequired"
  | "wrongAccessCode"
  | "banned"
  | "accessDenied"
  | "alreadyInRoom"
  | "nameInUse"
  | "roomNameExists"
  | "roomLimitReached"
  | "validation"
  | "rateLimited"
  | "unauthorized"
  | "forbidden"
  | "badRequest"
  | "serverError"
  | "notInRoom"
  | "notConnected"
  | "stopped"
  | "timeout";

/**
 * Every {@linkcode ActionErrorReason}, for runtime checks.
 *
 * @example
 * ```ts
 * import { ACTION_ERROR_REASONS, type ActionErrorReason } from "@talkomatic/talkomatic/bot";
 * import { assert } from "@std/assert";
 *
 * function isReason(value: string): value is ActionErrorReason {
 *   return (ACTION_ERROR_REASONS as readonly string[]).includes(value);
 * }
 * assert(isReason("roomFull"));
 * assert(!isReason("full"));
 * ```
 */
export const ACTION_ERROR_REASONS: readonly ActionErrorReason[] = [
  "roomNotFound",
  "roomFull",
  "accessCodeRequired",
  "wrongAccessCode",
  "banned",
  "accessDenied",
  "alreadyInRoom",
  "nameInUse",
  "roomNameExists",
  "roomLimitReached",
  "validation",
  "rateLimited",
  "unauthorized",
  "forbidden",
  "badRequest",
  "serverError",
  "notInRoom",
  "notConnected",
  "stopped",
  "timeout",
];

/**
 * Maps a server error code and message (docs/protocol.md §5.8) to a reason.
 *
 * @param code The server's `error.code`, or a local pseudo-code.
 * @param message The server's `error.message`.
 * @returns The reason.
 * @example
 * ```ts
 * import { reasonOf } from "./errors.ts";
 * reasonOf("FORBIDDEN", "Incorrect access code."); // "wrongAccessCode"
 * ```
 */
export function reasonOf(code: string, message: string): ActionErrorReason {
  switch (code) {
    case "NOT_FOUND":
      return "roomNotFound";
    case "ROOM_FULL":
      return "roomFull";
    case "VALIDATION_ERROR":
      return "validation";
    case "RATE_LIMITED":
      return "rateLimited";
    case "UNAUTHORIZED":
      return "unauthorized";
    case "ROOM_NAME_EXISTS":
      return "roomNameExists";
    case "ROOM_LIMIT_REACHED":
      return "roomLimitReached";
    case "BAD_REQUEST":
      return "badRequest";
    case "ACCESS_CODE_REQUIRED":
      return "accessCodeRequired";
    case "FORBIDDEN":
      if (message.includes("access code")) return "wrongAccessCode";
      if (message.includes("banned")) return "banned";
      if (message.includes("Access denied")) return "accessDenied";
      if (message.includes("username/location")) return "nameInUse";
      if (message.includes("Leave first") || message.includes("Already in a room")) {
        return "alreadyInRoom";
      }
      return "forbidden";
    default:
      return "serverError";
  }
}

/** Options of {@linkcode ActionError}. */
export interface ActionErrorOptions extends ErrorOptions {
  /** The server's error code (`"FORBIDDEN"`), or a local one (`"TIMEOUT"`, `"NOT_IN_ROOM"`). */
  code: string;
  /** Why it failed. */
  reason: ActionErrorReason;
  /** The server's message, verbatim, when the server answered. */
  serverMessage?: string;
  /** When waiting this long would let a retry succeed (cooldowns, rate limits). */
  retryAfterMs?: number;
  /** Field -> message, for `validation_error` answers. */
  fields?: Readonly<Record<string, string>>;
}

/**
 * An action (create, join, leave, send, vote...) failed: the server refused
 * it, did not answer in time, or the bot was not in a state to do it.
 *
 * @example
 * ```ts
 * import { ActionError } from "./errors.ts";
 * const err = new ActionError("joinRoom", "Cannot join room \"123456\": room is full", {
 *   code: "ROOM_FULL",
 *   reason: "roomFull",
 *   serverMessage: "Room is full.",
 * });
 * console.log(err.reason); // "roomFull"
 * ```
 */
export class ActionError extends TalkomaticError {
  /** The action that failed, e.g. `"joinRoom"`. */
  readonly action: string;
  /** The server's error code, or a local one. */
  readonly code: string;
  /** Why it failed. */
  readonly reason: ActionErrorReason;
  /** The server's message, verbatim, when the server answered. */
  readonly serverMessage?: string;
  /** How long to wait before a retry can succeed, when known. */
  readonly retryAfterMs?: number;
  /** Field -> message, for validation failures. */
  readonly fields?: Readonly<Record<string, string>>;

  /**
   * Creates an action error.
   *
   * @param action The action that failed.
   * @param message A sentence-case message without a trailing period.
   * @param options Code, reason and details.
   */
  constructor(action: string, message: string, options: ActionErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ActionError";
    this.action = action;
    this.code = options.code;
    this.reason = options.reason;
    if (options.serverMessage !== undefined) this.serverMessage = options.serverMessage;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.fields !== undefined) this.fields = options.fields;
  }

  /**
   * Builds an action error from a server error envelope.
   *
   * @param action The action that failed.
   * @param code The server's code.
   * @param serverMessage The server's message.
   * @param context A prefix such as `Cannot join room "123456"`.
   * @returns The error, with `reason` derived by {@linkcode reasonOf}.
   * @example
   * ```ts
   * import { ActionError } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const err = ActionError.fromServer(
   *   "createRoom",
   *   "RATE_LIMITED",
   *   "Please wait 12s before creating another room.",
   *   'Cannot create room "Lounge"',
   * );
   * assertEquals(err.reason, "rateLimited");
   * assertEquals(err.retryAfterMs, 12_000);
   * assertEquals(err.message, 'Cannot create room "Lounge": Please wait 12s before creating another room');
   * ```
   */
  static fromServer(
    action: string,
    code: string,
    serverMessage: string,
    context = `Cannot ${action}`,
  ): ActionError {
    const reason = reasonOf(code, serverMessage);
    const wait = /wait (\d+)s/.exec(serverMessage);
    return new ActionError(action, `${context}: ${serverMessage.replace(/\.$/, "")}`, {
      code,
      reason,
      serverMessage,
      ...(wait ? { retryAfterMs: Number(wait[1]) * 1000 } : {}),
    });
  }
}

/**
 * A user handler (event or command) threw or rejected. The bot keeps running;
 * the error goes to `bot.catch()` (or to the console when none is set).
 *
 * @example
 * ```ts
 * import { HandlerError } from "./errors.ts";
 * const err = new HandlerError("message", new Error("boom"), { text: "hi" });
 * console.log(err.message); // 'Handler for "message" threw: boom'
 * ```
 */
export class HandlerError extends TalkomaticError {
  /** The event (`"message"`) or command (`"/echo"`) whose handler threw. */
  readonly event: string;
  /** The original error thrown by the handler (also `cause`). */
  readonly error: unknown;
  /** The context the handler received. */
  readonly context: unknown;

  /**
   * Wraps a handler's error.
   *
   * @param event The event or command name.
   * @param error What the handler threw.
   * @param context The context the handler was given.
   */
  constructor(event: string, error: unknown, context: unknown) {
    super(
      `Handler for "${event}" threw: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
    this.name = "HandlerError";
    this.event = event;
    this.error = error;
    this.context = context;
  }
}

/**
 * A command line could not be parsed (unknown option, missing argument, bad
 * value, unclosed quote). Its message is meant for the person who typed it.
 *
 * @example
 * ```ts
 * import { UsageError } from "./errors.ts";
 * const err = new UsageError('Unknown option "--loud"');
 * console.log(err.name); // "UsageError"
 * ```
 */
export class UsageError extends Error {
  /**
   * Creates a usage error.
   *
   * @param message What is wrong with the command line.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
