/**
 * The Talkomatic Classic REST client.
 *
 * {@linkcode TalkomaticApi} covers every endpoint (rooms, room, create room,
 * join check, config, health, me, word filter, emojis, bot token). Under it,
 * {@linkcode HttpTransport} applies the two authentication layers, requests
 * and caches bot tokens ({@linkcode FileTokenStore}, {@linkcode MemoryTokenStore}),
 * keeps the session cookie and validates every answer. Failures are typed by
 * origin: {@linkcode ApiError}, {@linkcode TransportError},
 * {@linkcode PayloadValidationError}.
 *
 * @example
 * ```ts
 * import { ApiError, TalkomaticApi } from "./mod.ts";
 *
 * const api = new TalkomaticApi(); // $TALKOMATIC_URL or https://classic.talkomatic.co
 * async function show(id: string): Promise<void> {
 *   try {
 *     const room = await api.room(id);
 *     console.log(room.name, room.users.map((user) => user.username));
 *   } catch (error) {
 *     if (error instanceof ApiError && error.code === "NOT_FOUND") console.log("no such room");
 *     else throw error;
 *   }
 * }
 * ```
 *
 * @module
 */
export {
  type CanJoinOptions,
  type HealthDown,
  type HealthReport,
  type HealthUp,
  type JoinRefusal,
  type JoinStatus,
  type NewRoom,
  TalkomaticApi,
  type TalkomaticApiOptions,
  type WordFilter,
} from "./client.ts";
export {
  type CallOptions,
  type FetchLike,
  HttpTransport,
  type HttpTransportOptions,
} from "./transport.ts";
export {
  ApiError,
  type ApiErrorVariant,
  type PayloadDirection,
  PayloadValidationError,
  TalkomaticError,
  TransportError,
  type TransportErrorKind,
} from "./errors.ts";
export {
  FileTokenStore,
  type FileTokenStoreOptions,
  MemoryTokenStore,
  type StoredToken,
  type TokenStore,
} from "./token_store.ts";
export type { Logger } from "./logger.ts";
// The wire types the client's signatures use; every other wire type is at `./protocol`.
export type {
  BotTokenInfo,
  CharacterSubstitutions,
  Config,
  EmojiList,
  Features,
  Health,
  IsoDate,
  Limits,
  ListedRoomType,
  PressureTier,
  RestMe,
  RestMeSignedIn,
  RestMeSignedOut,
  RestRoom,
  RestRoomList,
  RestRoomListItem,
  RestRoomUser,
  RoomId,
  RoomLayout,
  RoomStatistics,
  RoomType,
  Timestamp,
  UserId,
} from "../schemas/types.gen.ts";
export type { StandardIssue } from "../schemas/standard.ts";
