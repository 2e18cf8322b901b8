/**
 * The bot's event table. One `as const` object lists every friendly event the
 * bot emits; its keys are the names `bot.on()` accepts (checked at runtime,
 * with a `TypeError` listing them), and {@linkcode BotEventData} gives each
 * name its payload type, so handlers are typed from the name alone.
 *
 * The `raw` event carries every validated wire event, typed from the
 * generated `ServerEvents` map of `schemas/`.
 *
 * @example
 * ```ts
 * import { BOT_EVENTS, assertEventName } from "./events.ts";
 *
 * Object.keys(BOT_EVENTS).includes("message"); // true
 * assertEventName("message"); // ok; assertEventName("mesage") throws a TypeError
 * ```
 *
 * @module
 */

import type { ServerEventName, ServerEvents } from "../schemas/mod.ts";
import type { LobbyRoom, Me, Room, User, UserId } from "./state.ts";

/**
 * Every friendly event, with a one-line description (used in docs and errors).
 *
 * @example
 * ```ts
 * import { BOT_EVENTS } from "@talkomatic/talkomatic/bot";
 *
 * // A help screen listing what a bot can listen to:
 * for (const [name, description] of Object.entries(BOT_EVENTS)) {
 *   console.log(`${name.padEnd(12)} ${description}`);
 * }
 * ```
 */
export const BOT_EVENTS = {
  ready: "Connected and signed in; `bot.me` and `bot.rooms` are filled",
  lobbyUpdate: "The lobby list changed (`ctx.rooms`)",
  roomCreated: "A room this bot asked for was created (`ctx.roomId`)",
  roomJoined: "The bot joined a room (`ctx.room`)",
  roomLeft: "The bot is no longer in a room (`ctx.room`, `ctx.reason`)",
  userJoin: "Another user joined the bot's room (`ctx.user`)",
  userLeave: "Another user left the bot's room, or vanished (`ctx.user`, `ctx.reason`)",
  message: "A user's text changed (`ctx.user`, `ctx.text`, `ctx.previous`)",
  typing: "A user's typing indicator changed (`ctx.user`, `ctx.isTyping`)",
  vote: "A vote was cast or withdrawn (`ctx.voter`, `ctx.target`, `ctx.added`)",
  kicked: "The bot was kicked from its room (`ctx.room`)",
  afkWarning: "The server warns the bot is idle (`ctx.secondsRemaining`)",
  afkTimeout: "The bot was removed for inactivity, or its solo room closed (`ctx.closed`)",
  disconnect: "The connection was lost or closed (`ctx.reason`, `ctx.willReconnect`)",
  reconnect: "The bot is connected and signed in again after a loss (`ctx.attempt`)",
  error: "Something went wrong that no action was waiting for (`ctx.error`)",
  raw: "Every validated wire event (`ctx.event`, `ctx.payload`)",
} as const;

/** A friendly event name. */
export type BotEventName = keyof typeof BOT_EVENTS;

/** Why the bot is no longer in its room. */
export type RoomLeftReason = "left" | "kicked" | "afk" | "closed" | "removed" | "disconnected";

/** Why another user is no longer in the bot's room. */
export type UserLeaveReason = "left" | "vanished";

/** A wire event as seen by the `raw` hook: the name and its validated payload. */
export type RawEvent = {
  [K in ServerEventName]: { readonly event: K; readonly payload: ServerEvents[K] };
}[ServerEventName];

/** The event-specific fields each friendly event adds to the handler's context. */
export interface BotEventData {
  /** See {@linkcode BOT_EVENTS}. */
  ready: { readonly me: Me };
  /** See {@linkcode BOT_EVENTS}. */
  lobbyUpdate: { readonly rooms: readonly LobbyRoom[] };
  /** See {@linkcode BOT_EVENTS}. */
  roomCreated: { readonly roomId: string };
  /** See {@linkcode BOT_EVENTS}. */
  roomJoined: { readonly room: Room };
  /** See {@linkcode BOT_EVENTS}. */
  roomLeft: { readonly room: Room; readonly reason: RoomLeftReason };
  /** See {@linkcode BOT_EVENTS}. */
  userJoin: { readonly user: User };
  /** See {@linkcode BOT_EVENTS}. */
  userLeave: { readonly user: User; readonly reason: UserLeaveReason };
  /** See {@linkcode BOT_EVENTS}. */
  message: { readonly user: User; readonly text: string; readonly previous: string };
  /** See {@linkcode BOT_EVENTS}. */
  typing: { readonly user: User; readonly isTyping: boolean };
  /** See {@linkcode BOT_EVENTS}. */
  vote: { readonly voter: User; readonly target: User; readonly added: boolean };
  /** See {@linkcode BOT_EVENTS}. */
  kicked: { readonly room: Room };
  /** See {@linkcode BOT_EVENTS}. */
  afkWarning: { readonly message: string; readonly secondsRemaining: number };
  /** See {@linkcode BOT_EVENTS}. */
  afkTimeout: { readonly message: string; readonly closed: boolean };
  /** See {@linkcode BOT_EVENTS}. */
  disconnect: { readonly reason: string; readonly willReconnect: boolean };
  /** See {@linkcode BOT_EVENTS}. */
  reconnect: { readonly attempt: number; readonly me: Me };
  /** See {@linkcode BOT_EVENTS}. */
  error: { readonly error: Error };
  /** See {@linkcode BOT_EVENTS}. */
  raw: RawEvent;
}

// Compile-time guard: the table and the data map list the same names.
type _SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never)
  : never;
const _eventTableMatches: _SameKeys<typeof BOT_EVENTS, BotEventData> = true;
void _eventTableMatches;

/** One friendly event ready to dispatch: its name and data. */
export type BotEventRecord = {
  [K in BotEventName]: { readonly name: K; readonly data: BotEventData[K] };
}[BotEventName];

/**
 * Every friendly event name, in table order.
 *
 * @example
 * ```ts
 * import { BOT_EVENT_NAMES, type BotEventName } from "@talkomatic/talkomatic/bot";
 * import { assert } from "@std/assert";
 *
 * function isEventName(name: string): name is BotEventName {
 *   return (BOT_EVENT_NAMES as readonly string[]).includes(name);
 * }
 * assert(isEventName("userJoin"));
 * assert(!isEventName("userjoin"));
 * ```
 */
export const BOT_EVENT_NAMES: readonly BotEventName[] = Object.keys(BOT_EVENTS) as BotEventName[];

/**
 * Checks that a string is a friendly event name.
 *
 * @param name The name given to `on()`, `off()` or `once()`.
 * @throws {TypeError} Listing the permitted names when it is not one.
 * @example
 * ```ts
 * import { assertEventName } from "./events.ts";
 * assertEventName("userJoin");
 * ```
 */
export function assertEventName(name: unknown): asserts name is BotEventName {
  if (typeof name !== "string" || !Object.hasOwn(BOT_EVENTS, name)) {
    throw new TypeError(
      `Cannot listen to event ${JSON.stringify(name)}: permitted names are ${
        BOT_EVENT_NAMES.join(", ")
      }`,
    );
  }
}

/** Lookup of a user id to a friendly user, used by handlers' contexts. */
export type UserLookup = (id: UserId) => User | undefined;
