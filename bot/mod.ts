/**
 * Talkomatic Classic bots: a {@linkcode Bot} with typed events, commands with
 * typed arguments, room state, paced actions, a `room` it stays in, and
 * reconnection.
 *
 * @example
 * ```ts
 * import { Bot } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Echo Bot", room: { name: "Echo", create: true } });
 * bot.command("echo")
 *   .description("Repeats your words")
 *   .param("words", { rest: true })
 *   .handle((ctx, args) => ctx.reply(`${ctx.user.name} said: ${args.words.join(" ")}`));
 * // await bot.run(); // until Ctrl+C
 * ```
 *
 * @module
 */

export {
  type ActionOptions,
  Bot,
  type CommandContext,
  type CreateRoomOptions,
  type JoinRoomOptions,
  type TypeOptions,
} from "./bot.ts";
export type { Clock } from "./clock.ts";
export type { BotHooks } from "./hooks.ts";
export {
  type BotLogger,
  type BotOptions,
  consoleBotLogger,
  type LivenessOptions,
  type ReconnectOptions,
  type ResolvedBotOptions,
  type RoomTarget,
} from "./options.ts";
export {
  type BaseContext,
  BOT_EVENTS,
  type BotEventData,
  type BotEventName,
  type EventContext,
  type EventHandler,
  type RawEvent,
  type RoomLeftReason,
  type UserLeftReason,
} from "./events.ts";
export {
  type ArgOf,
  type CommandBuilder,
  type CommandDefinition,
  type CommandHandler,
  type CommandInfo,
  type DefaultCheck,
  type Simplify,
  type TypeOf,
  type ValueOf,
} from "./commands/commands.ts";
export type { ParamOptions, ParamSpec, ParamType, ParamValue } from "./commands/parse.ts";
export {
  Composer,
  type ExtendingMiddleware,
  type Middleware,
  type MiddlewareContext,
  type MissingContext,
  type NextFunction,
} from "./commands/composer.ts";
export {
  FileSessionStorage,
  MemorySessionStorage,
  session,
  type SessionFlavor,
  sessionKey,
  type SessionMiddleware,
  type SessionOptions,
  type Sessions,
  type SessionStorage,
} from "./plugins/session.ts";
export {
  DenoKvSessionStorage,
  type DenoKvSessionStorageOptions,
  type KvAtomicLike,
  type KvLike,
} from "./plugins/session_kv.ts";
export {
  type RedisClientLike,
  RedisSessionStorage,
  type RedisSessionStorageOptions,
} from "./plugins/session_redis.ts";
export { cooldown, type CooldownContext, type CooldownOptions } from "./plugins/cooldown.ts";
export type { AskOptions } from "./commands/ask.ts";
export type { AskParse, AskParseKind, AskResult, ParsedAnswer } from "./commands/prompt.ts";
export type { Schedule, ScheduledTask } from "./commands/schedule.ts";
export {
  Box,
  type BoxOptions,
  type LinesSection,
  type ListOptions,
  type LogOptions,
  type LogSection,
  type TextSection,
} from "./plugins/box.ts";
export type { LobbyRoom, Me, Room, RoomId, RoomLayout, RoomType, User, UserId } from "./model.ts";
export {
  ActionError,
  type ActionErrorReason,
  AskError,
  type AskErrorReason,
  HandlerError,
  PayloadValidationError,
  TalkomaticError,
  TransportError,
  UsageError,
} from "./errors.ts";
export { DEFAULT_PACING, type PacingOptions, type ResolvedPacing } from "./out/pacer.ts";
export {
  Board,
  type BoardPoint,
  type BoardStroke,
  type BoardStrokeInput,
  type BoardStyle,
  type BoardTextOptions,
} from "./board/board.ts";
