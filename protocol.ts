/**
 * The Talkomatic Classic wire protocol, described once and generated from
 * `schemas/openapi.yaml` and `schemas/events.yaml`: the typed socket event
 * tables of both directions ({@linkcode serverEvents}, {@linkcode clientEvents}),
 * a Standard Schema {@linkcode validators} table for every wire shape, every
 * wire type exactly as the server sends it, the server's limits, rate limits
 * and messages.
 *
 * Bot authors rarely need this: the bot and the REST client convert wire
 * shapes into friendly ones. Use it to write another client, a proxy or a
 * test of the wire.
 *
 * @example Validate a payload against its wire shape
 * ```ts
 * import { serverEvents, validators } from "@talkomatic/talkomatic/protocol";
 *
 * const result = validators.RoomSnapshot["~standard"].validate({ id: "123456" });
 * console.log("issues" in result); // true: the snapshot misses most fields
 * console.log(serverEvents["room update"].name); // "room update"
 * ```
 *
 * @module
 */
export {
  type ClientEventName,
  type ClientEvents,
  clientEvents,
  ignoredClientEvents,
  type ServerEventName,
  type ServerEvents,
  serverEvents,
} from "./schemas/events.gen.ts";
export { validators, type WireShapes } from "./schemas/validators.gen.ts";
export type { EventSpec, PayloadKind } from "./schemas/event_spec.ts";
export type { StandardIssue, StandardResult, Validator } from "./schemas/standard.ts";
export {
  ACCESS_CODE_PATTERN,
  LAYOUTS,
  MAX_BOARD_BRUSH_SIZE,
  MAX_BOARD_CHAT_LENGTH,
  MAX_BOARD_COLOR_LENGTH,
  MAX_BOARD_POINTS_PER_MOVE,
  MAX_BOARD_STROKES,
  MAX_CONNECTIONS_PER_IP,
  MAX_LOCATION_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_ROOMS_PER_IP,
  MAX_STROKE_POINTS,
  MAX_TOKENS_PER_IP,
  MAX_USERNAME_LENGTH,
  MIN_BOARD_BRUSH_SIZE,
  MIN_USERS_FOR_VOTING,
  ROOM_CAPACITY,
  ROOM_ID_PATTERN,
  ROOM_TYPES,
} from "./schemas/limits.gen.ts";
export {
  PUBLIC_API_KEY,
  RATE_LIMITS,
  type RateLimit,
  SERVER_MESSAGES,
  type ServerMessage,
  type ServerMessageName,
} from "./schemas/protocol.gen.ts";
export type * from "./schemas/types.gen.ts";
