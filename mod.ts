/**
 * talkomatic: build bots for Talkomatic Classic, the real-time chat where
 * everyone sees each other type letter by letter, and use its REST API.
 *
 * - {@linkcode Bot}: typed events, a command builder with typed arguments,
 *   room state, paced actions and reconnection (also at `./bot`).
 * - {@linkcode TalkomaticApi}: the REST client with bot tokens, every
 *   response validated (also at `./api`, with every wire type).
 * - The wire protocol described once: the typed socket event tables
 *   {@linkcode serverEvents} and {@linkcode clientEvents}, and a Standard
 *   Schema {@linkcode validators} table for every wire shape.
 * - A local server that speaks the real protocol, for tests and offline
 *   development, is at `./testing`.
 *
 * @example A bot that echoes
 * ```ts
 * import { Bot } from "@talkomatic/talkomatic";
 *
 * const bot = new Bot({ username: "Echo Bot", location: "do /help" });
 * bot.command("echo")
 *   .description("Repeats your words")
 *   .param("words", { rest: true })
 *   .handle((ctx, args) => ctx.reply(`${ctx.user.name} said: ${args.words.join(" ")}`));
 * bot.on("ready", async ({ bot }) => {
 *   const room = bot.rooms.find((r) => r.type === "public" && !r.isFull);
 *   if (room) await bot.joinRoom(room);
 * });
 * // await bot.run(); // connects to $TALKOMATIC_URL, stops on Ctrl+C
 * ```
 *
 * @module
 */
export {
  ActionError,
  type ActionErrorReason,
  type ActionOptions,
  type ArgOf,
  AskError,
  type AskErrorReason,
  type AskOptions,
  type AskParse,
  type AskParseKind,
  type AskResult,
  type BaseContext,
  Bot,
  BOT_EVENTS,
  type BotEventData,
  type BotEventName,
  type BotLogger,
  type BotOptions,
  Box,
  type BoxOptions,
  type CommandBuilder,
  type CommandContext,
  type CommandDefinition,
  type CommandHandler,
  type CommandInfo,
  Composer,
  consoleBotLogger,
  cooldown,
  type CooldownContext,
  type CooldownOptions,
  type CreateRoomOptions,
  DEFAULT_PACING,
  type DefaultCheck,
  DenoKvSessionStorage,
  type DenoKvSessionStorageOptions,
  type EventContext,
  type EventHandler,
  type ExtendingMiddleware,
  FileSessionStorage,
  HandlerError,
  type JoinRoomOptions,
  type KvAtomicLike,
  type KvLike,
  type LinesSection,
  type ListOptions,
  type LivenessOptions,
  type LobbyRoom,
  type LogOptions,
  type LogSection,
  type Me,
  MemorySessionStorage,
  type Middleware,
  type MiddlewareContext,
  type MissingContext,
  type NextFunction,
  type PacingOptions,
  type ParamOptions,
  type ParamSpec,
  type ParamType,
  type ParamValue,
  type ParsedAnswer,
  type RawEvent,
  type ReconnectOptions,
  type RedisClientLike,
  RedisSessionStorage,
  type RedisSessionStorageOptions,
  type ResolvedBotOptions,
  type ResolvedPacing,
  type Room,
  type RoomId,
  type RoomLayout,
  type RoomLeftReason,
  type RoomTarget,
  type RoomType,
  type Schedule,
  type ScheduledTask,
  session,
  type SessionFlavor,
  sessionKey,
  type SessionMiddleware,
  type SessionOptions,
  type Sessions,
  type SessionStorage,
  type Simplify,
  type TextSection,
  type TypeOf,
  type TypeOptions,
  UsageError,
  type User,
  type UserId,
  type UserLeaveReason,
  type ValueOf,
} from "./bot/mod.ts";
export {
  Board,
  type BoardPoint,
  type BoardStroke,
  type BoardStrokeInput,
  type BoardStyle,
  type BoardTextOptions,
} from "./bot/mod.ts";
export {
  ApiError,
  FileTokenStore,
  MemoryTokenStore,
  PayloadValidationError,
  TalkomaticApi,
  type TalkomaticApiOptions,
  TalkomaticError,
  type TokenStore,
  TransportError,
} from "./api/mod.ts";
export {
  type ClientEventName,
  type ClientEvents,
  clientEvents,
  type EventSpec,
  type PayloadKind,
  type ServerEventName,
  type ServerEvents,
  serverEvents,
  type StandardIssue,
  type StandardResult,
  type Validator,
  validators,
  type WireShapes,
} from "./schemas/mod.ts";
