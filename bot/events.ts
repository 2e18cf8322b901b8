/**
 * The bot's events: one table of names that drives both the types of
 * `bot.on(name, handler)` and the runtime check of the name.
 *
 * @module
 */

import type { ServerEventName, ServerEvents } from "../schemas/mod.ts";
import type { ActionOptions } from "./out/actions.ts";
import type { AskOptions } from "./commands/ask.ts";
import type { BoardStroke } from "./board/state.ts";
import type { AskParseKind, AskResult } from "./commands/prompt.ts";
import type { Bot } from "./bot.ts";
import type { LobbyRoom, Me, Room, RoomLeftReason, User, UserLeftReason } from "./model.ts";

export type { RoomLeftReason, UserLeftReason };

/**
 * Every event of the bot, with what it means.
 *
 * @example
 * ```ts
 * import { BOT_EVENTS } from "@talkomatic/talkomatic/bot";
 *
 * for (const [name, meaning] of Object.entries(BOT_EVENTS)) console.log(name, meaning);
 * ```
 */
export const BOT_EVENTS = {
  ready: "Connected, signed in and where the `room` option wants it (`ctx.me`)",
  lobbyUpdate: "The lobby list changed (`ctx.rooms`)",
  roomCreated: "A room this bot asked for was created (`ctx.roomId`)",
  roomJoined: "The bot joined a room (`ctx.room`)",
  roomLeft: "The bot is no longer in a room (`ctx.room`, `ctx.reason`)",
  userJoined: "Another user joined the bot's room (`ctx.user`)",
  userLeft: "Another user left, was kicked, or vanished (`ctx.user`, `ctx.reason`)",
  message: "A user's text changed (`ctx.user`, `ctx.text`, `ctx.previous`)",
  typing: "A user's typing indicator changed (`ctx.user`, `ctx.isTyping`)",
  vote: "A vote was cast or withdrawn (`ctx.voter`, `ctx.target`, `ctx.added`)",
  boardOpened: "Someone opened the Talkoboard (`ctx.user`)",
  boardClosed: "Someone closed the Talkoboard (`ctx.user`)",
  boardStroke: "Someone finished a stroke on the board (`ctx.user`, `ctx.stroke`)",
  boardChat: "Someone said something in the board chat (`ctx.user`, `ctx.text`)",
  boardCleared: "The board was cleared (`ctx.user` when known)",
  boardCursor: "Someone moved their board cursor (`ctx.user`, `ctx.x`, `ctx.y`)",
  kicked: "The bot was voted out of its room (`ctx.room`)",
  afkWarning: "The server warns the bot is idle (`ctx.remainingMs`)",
  afkTimeout: "The bot was removed for inactivity, or its solo room closed (`ctx.closed`)",
  disconnected: "The connection was lost or closed (`ctx.reason`, `ctx.willReconnect`)",
  reconnected: "Connected and signed in again after a loss (`ctx.attempt`, `ctx.me`)",
  error: "Something failed that nobody awaited (`ctx.error`)",
  raw: "Every validated wire event (`ctx.event`, `ctx.payload`)",
  line: "A user finished a line of plain text, not a command (`ctx.user`, `ctx.line`)",
  unknownCommand:
    "A user finished a line naming no command of the bot (`ctx.user`, `ctx.name`, `ctx.suggestion`)",
} as const;

/** The name of a bot event. */
export type BotEventName = keyof typeof BOT_EVENTS;

/** A validated wire event, typed from the generated event map. */
export type RawEvent = {
  [K in ServerEventName]: { readonly event: K; readonly payload: ServerEvents[K] };
}[ServerEventName];

/** The data of each event, as its handler's context carries it. */
export interface BotEventData {
  /** Connected, signed in, and where the `room` option wants it. */
  ready: {
    /** Who the bot is. */
    readonly me: Me;
  };
  /** The lobby list changed. */
  lobbyUpdate: {
    /** The listed rooms. */
    readonly rooms: readonly LobbyRoom[];
  };
  /** A room this bot asked for was created. */
  roomCreated: {
    /** Its id. */
    readonly roomId: string;
  };
  /** The bot joined a room. */
  roomJoined: {
    /** The room. */
    readonly room: Room;
  };
  /** The bot is no longer in its room. */
  roomLeft: {
    /** The room it was in. */
    readonly room: Room;
    /** Why. */
    readonly reason: RoomLeftReason;
  };
  /** Another user joined the bot's room. */
  userJoined: {
    /** Who. */
    readonly user: User;
  };
  /** Another user left, was voted out, or vanished. */
  userLeft: {
    /** Who. */
    readonly user: User;
    /** Why. */
    readonly reason: UserLeftReason;
  };
  /** A user's text changed. */
  message: {
    /** Whose text. */
    readonly user: User;
    /** The new text. */
    readonly text: string;
    /** The text before. */
    readonly previous: string;
  };
  /**
   * A user finished a line of plain text (Enter, or left unchanged for
   * `commandIdleMs`): not a command line, not an answer to `ask()`.
   */
  line: {
    /** Whose line. */
    readonly user: User;
    /** The line, as typed. */
    readonly line: string;
  };
  /** A user finished a line that starts with the prefix but names no command of the bot. */
  unknownCommand: {
    /** Who typed it. */
    readonly user: User;
    /** The name typed, without the prefix (`"hepl"`). */
    readonly name: string;
    /** The closest visible command name or alias (`"help"`), or `undefined`. */
    readonly suggestion: string | undefined;
    /** The whole line. */
    readonly line: string;
  };
  /** A user's typing indicator changed. */
  typing: {
    /** Who. */
    readonly user: User;
    /** Typing or not. */
    readonly isTyping: boolean;
  };
  /** A kick vote was cast or withdrawn. */
  vote: {
    /** Who votes. */
    readonly voter: User;
    /** Against whom. */
    readonly target: User;
    /** Cast (`true`) or withdrawn. */
    readonly added: boolean;
  };
  /** Someone opened the Talkoboard. */
  boardOpened: {
    /** Who. */
    readonly user: User;
  };
  /** Someone closed the Talkoboard. */
  boardClosed: {
    /** Who. */
    readonly user: User;
  };
  /** Someone finished a stroke (their `board stroke end`, a new stroke, closing the board, leaving). */
  boardStroke: {
    /** Who drew it. */
    readonly user: User;
    /** The stroke. */
    readonly stroke: BoardStroke;
  };
  /** A line of the board chat (not the bot's own). */
  boardChat: {
    /** Who. */
    readonly user: User;
    /** The text (at most 200 characters). */
    readonly text: string;
  };
  /** The board was cleared. */
  boardCleared: {
    /** Who cleared it: the bot itself, or `undefined` (the server does not say). */
    readonly user: User | undefined;
  };
  /** Someone moved their board cursor. */
  boardCursor: {
    /** Who. */
    readonly user: User;
    /** World x. */
    readonly x: number;
    /** World y. */
    readonly y: number;
  };
  /** The bot was voted out of its room. */
  kicked: {
    /** The room. */
    readonly room: Room;
  };
  /** The server warns the bot is idle. */
  afkWarning: {
    /** The server's text. */
    readonly message: string;
    /** Milliseconds before removal (the server counts in whole seconds). */
    readonly remainingMs: number;
  };
  /** The bot was removed for inactivity, or its solo room closed. */
  afkTimeout: {
    /** The server's text. */
    readonly message: string;
    /** The room was closed (single occupancy). */
    readonly closed: boolean;
  };
  /** The connection was lost or closed. */
  disconnected: {
    /** Why. */
    readonly reason: string;
    /** Whether the bot comes back. */
    readonly willReconnect: boolean;
  };
  /** Connected and signed in again after a loss. */
  reconnected: {
    /** Which attempt worked. */
    readonly attempt: number;
    /** Who the bot is. */
    readonly me: Me;
  };
  /** Something failed that nobody awaited. */
  error: {
    /** The failure. */
    readonly error: Error;
  };
  /** A validated wire event. */
  raw: RawEvent;
}

// Compile-time guard: the table and the data map list the same names.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : never)
  : never;
const _sameNames: SameKeys<typeof BOT_EVENTS, BotEventData> = true;
void _sameNames;

/** What every handler's context has. */
export interface BaseContext {
  /** The bot. */
  readonly bot: Bot;
  /** The bot's room, or `undefined`. */
  readonly room: Room | undefined;
  /** Replaces the bot's text (`bot.send(text, options)`). */
  reply(text: string, options?: ActionOptions): Promise<void>;
}

/** The context of a command handler. */
export interface CommandContext extends BaseContext {
  /** Who typed the command. */
  readonly user: User;
  /**
   * Shows a question (with `ctx.reply()`) and resolves with the next line
   * this person completes (Enter, or left unchanged for `commandIdleMs`),
   * trimmed; that line does not run as a command. Rejects with an
   * `AskError`: `timeout`, `left` (they or the bot left the room),
   * `replaced`, `aborted`, `stopped`, `invalid` (no answer parsed).
   *
   * @param question The question.
   * @param options `timeoutMs` (default 60 000), `signal`, `parse`, `retries` (default 2).
   * @returns The answer: the text, or typed from `parse` (`"integer"` gives a number).
   */
  ask<T>(
    question: string,
    options: AskOptions & { readonly parse: (text: string) => T },
  ): Promise<Awaited<T>>;
  /**
   * Shows a question and resolves with the answer: the text, or typed from
   * `parse` (see the other signature).
   *
   * @param question The question.
   * @param options `timeoutMs`, `signal`, `parse` (`"integer"`, `"number"`,
   * `"yes/no"`, a list of choices), `retries`.
   * @returns The answer.
   */
  ask<const P extends AskParseKind = never>(
    question: string,
    options?: AskOptions & { readonly parse?: P },
  ): Promise<AskResult<P>>;
}

/**
 * The context of an event handler. `C` is what middleware adds (e.g.
 * `SessionFlavor<S>`); only `message` and `line` handlers run inside
 * middleware, so only their context has it.
 */
export type EventContext<E extends BotEventName, C extends object = Record<never, never>> =
  & BaseContext
  & BotEventData[E]
  & (E extends "message" | "line" ? C : unknown);

/** An event handler. */
export type EventHandler<E extends BotEventName, C extends object = Record<never, never>> = (
  ctx: EventContext<E, C>,
) => unknown;

/** Every event name. */
const BOT_EVENT_NAMES: readonly BotEventName[] = Object.keys(BOT_EVENTS) as BotEventName[];

/** Throws a `TypeError` listing the permitted names when `name` is not an event. */
export function assertEventName(name: unknown): asserts name is BotEventName {
  if (typeof name !== "string" || !Object.hasOwn(BOT_EVENTS, name)) {
    throw new TypeError(
      `Cannot listen to event ${JSON.stringify(name)}: permitted names are ${
        BOT_EVENT_NAMES.join(", ")
      }`,
    );
  }
}
