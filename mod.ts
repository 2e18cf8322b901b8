/**
 * talkomatic: build bots for Talkomatic Classic, the real-time chat where
 * everyone sees each other type letter by letter, and use its REST API.
 *
 * - {@linkcode Bot}: typed events, a command builder with typed arguments,
 *   room state, paced actions and reconnection (also at `./bot`).
 * - {@linkcode TalkomaticApi}: the REST client with bot tokens, every
 *   response validated (also at `./api`, with the wire types it returns).
 * - The wire protocol described once (event tables, validators, every wire
 *   type, limits) is at `./protocol`; the command builder's type helpers,
 *   session storage options and pacing defaults at `./bot`.
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
  AskError,
  type AskErrorReason,
  type AskOptions,
  type AskResult,
  Board,
  type BoardStyle,
  Bot,
  type BotEventData,
  type BotEventName,
  type BotLogger,
  type BotOptions,
  Box,
  type BoxOptions,
  type Clock,
  type CommandContext,
  Composer,
  consoleBotLogger,
  cooldown,
  type CooldownOptions,
  type CreateRoomOptions,
  DenoKvSessionStorage,
  type EventContext,
  FileSessionStorage,
  HandlerError,
  type JoinRoomOptions,
  type LobbyRoom,
  type Me,
  MemorySessionStorage,
  type Middleware,
  type NextFunction,
  type ParamOptions,
  type ParamType,
  RedisSessionStorage,
  type Room,
  type RoomId,
  type RoomLayout,
  type RoomLeftReason,
  type RoomTarget,
  type RoomType,
  type Schedule,
  session,
  type SessionFlavor,
  sessionKey,
  type SessionOptions,
  type SessionStorage,
  type TypeOptions,
  UsageError,
  type User,
  type UserId,
  type UserLeftReason,
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
