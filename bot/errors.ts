/**
 * Error classes of the bot, one per failure origin: {@linkcode ActionError}
 * (an action was refused, timed out, aborted or could not be sent),
 * {@linkcode HandlerError} (a user's handler threw) and {@linkcode UsageError}
 * (a command line could not be parsed). Transport failures and invalid
 * payloads use `TransportError` and `PayloadValidationError`, re-exported here.
 *
 * @module
 */

import { TalkomaticError } from "../api/errors.ts";

/** A failure the server reported, classified. */
export interface ServerFailure {
  /** The server's code (`ROOM_FULL`), or `ACCESS_CODE_REQUIRED` / `VALIDATION_ERROR`. */
  readonly code: string;
  /** The server's message, verbatim. */
  readonly message: string;
  /** What it means for the action. */
  readonly reason: ActionErrorReason;
  /** When the server says how long to wait. */
  readonly retryAfterMs?: number;
  /** The server dropped a packet over the per-socket limit (`RATE_LIMIT_EXCEEDED`). */
  readonly dropped?: true;
  /** Per-field messages of a `validation_error`. */
  readonly fields?: Readonly<Record<string, string>>;
}

export { PayloadValidationError, TalkomaticError, TransportError } from "../api/errors.ts";

/** Why an action failed, machine-readable. */
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
  | "timeout"
  | "aborted";

/** Fields of an {@linkcode ActionError}, as passed to its constructor. */
export interface ActionErrorOptions extends ErrorOptions {
  /** The server's code, or one of ours (`TIMEOUT`, `ABORTED`, `NOT_IN_ROOM`, ...). */
  code: string;
  /** Why, machine-readable. */
  reason: ActionErrorReason;
  /** The server's message, verbatim, when the server refused. */
  serverMessage?: string;
  /** How long to wait before trying again, when known. */
  retryAfterMs?: number;
  /** Per-field messages of a validation failure. */
  fields?: Readonly<Record<string, string>>;
}

/**
 * An action (`joinRoom()`, `send()`, ...) failed: the server refused it, it
 * timed out or was aborted (then it was never sent, or its answer never
 * came), or the bot was not connected or not in a room.
 *
 * @example
 * ```ts
 * import { ActionError, Bot } from "@talkomatic/talkomatic/bot";
 *
 * async function tryJoin(bot: Bot, id: string) {
 *   try {
 *     await bot.joinRoom(id);
 *   } catch (error) {
 *     if (error instanceof ActionError && error.reason === "roomFull") return;
 *     throw error;
 *   }
 * }
 * ```
 */
export class ActionError extends TalkomaticError {
  /** The action: `joinRoom`, `send`, ... */
  readonly action: string;
  /** The server's code, or one of ours. */
  readonly code: string;
  /** Why, machine-readable. */
  readonly reason: ActionErrorReason;
  /** The server's message, verbatim, when the server refused. */
  readonly serverMessage?: string;
  /** How long to wait before trying again, when known. */
  readonly retryAfterMs?: number;
  /** Per-field messages of a validation failure. */
  readonly fields?: Readonly<Record<string, string>>;

  /**
   * Creates an action error.
   *
   * @param action The action.
   * @param message What failed, naming the action.
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
}

/** An {@linkcode ActionError} from a classified server failure. */
export function refused(action: string, context: string, failure: ServerFailure): ActionError {
  return new ActionError(action, `${context}: ${failure.message.replace(/\.$/, "")}`, {
    code: failure.code,
    reason: failure.reason,
    serverMessage: failure.message,
    ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
    ...(failure.fields !== undefined ? { fields: failure.fields } : {}),
  });
}

/**
 * A user's event or command handler (or middleware) threw or rejected. The
 * bot keeps running; this reaches `bot.catch()`.
 *
 * @example
 * ```ts
 * import { Bot } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Careful" });
 * bot.catch((err) => console.error(`${err.event} failed:`, err.error));
 * ```
 */
export class HandlerError extends TalkomaticError {
  /** The event or command (`"message"`, `"/echo"`). */
  readonly event: string;
  /** What the handler threw. */
  readonly error: unknown;
  /** The handler's context. */
  readonly context: unknown;

  /**
   * Creates a handler error.
   *
   * @param event The event or command.
   * @param error What the handler threw.
   * @param context The handler's context.
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
 * A command line could not be parsed; its message is answered in the room
 * with the command's usage line. Like every error of the library, it is a
 * `TalkomaticError`.
 *
 * @example
 * ```ts
 * import { TalkomaticError, UsageError } from "@talkomatic/talkomatic/bot";
 *
 * const error = new UsageError('Missing argument "words"');
 * console.log(error instanceof TalkomaticError, error.message); // true Missing argument "words"
 * ```
 */
export class UsageError extends TalkomaticError {
  /**
   * Creates a usage error.
   *
   * @param message What is wrong with the line.
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Why `ctx.ask()` got no answer. */
export type AskErrorReason =
  | "timeout"
  | "left"
  | "replaced"
  | "aborted"
  | "stopped"
  | "invalid";

/**
 * `ctx.ask()` (or `bot.ask()`) ended without an answer: no answer in time
 * (`timeout`), the person or the bot left the room (`left`), a newer question
 * to the same person replaced it (`replaced`), its signal aborted
 * (`aborted`), the bot was stopped (`stopped`), or no answer parsed with
 * `parse` within the retries (`invalid`).
 *
 * @example
 * ```ts
 * import { AskError, Bot } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Quiz" });
 * bot.command("quiz").handle(async (ctx) => {
 *   try {
 *     const answer = await ctx.ask("What is 6 × 7?", { timeoutMs: 30_000 });
 *     await ctx.reply(answer === "42" ? "Right!" : "No, 42.");
 *   } catch (error) {
 *     if (error instanceof AskError && error.reason === "timeout") await ctx.reply("Time's up: 42.");
 *     else throw error;
 *   }
 * });
 * ```
 */
export class AskError extends TalkomaticError {
  /** Why. */
  readonly reason: AskErrorReason;
  /** The id of the person asked. */
  readonly userId: string;

  /**
   * Creates an ask error.
   *
   * @param message What happened.
   * @param reason Why.
   * @param userId The id of the person asked.
   */
  constructor(message: string, reason: AskErrorReason, userId: string) {
    super(message);
    this.name = "AskError";
    this.reason = reason;
    this.userId = userId;
  }
}
