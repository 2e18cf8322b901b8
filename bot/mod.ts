/**
 * Talkomatic Classic bots: a {@linkcode Bot} with typed events, a command
 * builder with typed arguments, room state, paced actions and reconnection.
 *
 * @example
 * ```ts
 * import { Bot } from "./mod.ts";
 *
 * const bot = new Bot({ username: "Echo Bot", location: "do /help" });
 * bot.command("echo")
 *   .description("Repeats your words")
 *   .alias("e")
 *   .param("words", { rest: true })
 *   .param("times", { type: "integer", flag: true, aliases: ["t"], default: 1 })
 *   .handle((ctx, args) => ctx.reply(`${ctx.user.name} said: ${args.words.join(" ")}`.repeat(args.times)));
 * bot.on("ready", async (ctx) => {
 *   const room = ctx.bot.rooms.find((r) => r.type === "public" && !r.isFull);
 *   if (room) await ctx.bot.joinRoom(room);
 * });
 * // await bot.run(); // until Ctrl+C
 * ```
 *
 * @module
 */

export { Bot, type CreateRoomOptions, type TypeOptions } from "./bot.ts";
export { BotCore } from "./core.ts";
export {
  type BaseContext,
  type BotLogger,
  type BotOptions,
  type CommandBaseContext,
  consoleBotLogger,
  type EventContext,
  type EventHandler,
  type ReconnectOptions,
  type ResolvedBotOptions,
} from "./options.ts";
export {
  assertEventName,
  BOT_EVENT_NAMES,
  BOT_EVENTS,
  type BotEventData,
  type BotEventName,
  type BotEventRecord,
  type RawEvent,
  type RoomLeftReason,
  type UserLeaveReason,
} from "./events.ts";
export {
  type ArgOf,
  type CommandBuilder,
  type CommandDefinition,
  type CommandHandler,
  type CommandInfo,
  CommandRegistry,
  type DefaultCheck,
  LineWatcher,
  parseCommandLine,
  type ParsedCommandLine,
  type Simplify,
  type TypeOf,
  usageLine,
  type ValueOf,
} from "./commands.ts";
export {
  type ParamOptions,
  type ParamSpec,
  type ParamType,
  type ParamValue,
  parseArgs,
  tokenize,
  usageOf,
} from "./parse.ts";
export {
  applyDiff,
  diffTexts,
  MAX_MESSAGE_LENGTH,
  sanitizeChat,
  sanitizeName,
  type TextDiff,
  typingFrames,
} from "./diff.ts";
export {
  BotState,
  type LobbyRoom,
  type Me,
  type Room,
  type RoomId,
  type RoomLayout,
  type RoomType,
  toLobbyRoom,
  toUser,
  type User,
  type UserId,
  type VoteChange,
  voteChanges,
  votesByTarget,
  votesByVoter,
} from "./state.ts";
export {
  ACTION_ERROR_REASONS,
  ActionError,
  type ActionErrorReason,
  HandlerError,
  PayloadValidationError,
  reasonOf,
  TalkomaticError,
  TransportError,
  UsageError,
} from "./errors.ts";
export {
  Coalescer,
  Cooldown,
  DEFAULT_PACING,
  EventBudget,
  type PacingOptions,
  type ResolvedPacing,
  resolvePacing,
  SlidingCounter,
} from "./pacer.ts";
