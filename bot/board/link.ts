/**
 * Builds `bot.board` from the bot's parts: its actions' lives, the outbox,
 * the room state, and the events and commands the board's changes become.
 *
 * @module
 */

import { MAX_BOARD_CHAT_LENGTH } from "../../schemas/limits.gen.ts";
import type { Actions } from "../out/actions.ts";
import { Board } from "./board.ts";
import type { BoardChange } from "./state.ts";
import type { Dispatch } from "../commands/dispatch.ts";
import { ActionError } from "../errors.ts";
import type { Handlers } from "../handlers.ts";
import type { ResolvedBotOptions } from "../options.ts";
import type { Outbox } from "../out/outbox.ts";
import type { BotState } from "../in/state.ts";
import type { User, UserId } from "../model.ts";
import { tracked } from "../out/tracked.ts";

/** What the board is made of: functions and narrow views, no parts. */
export interface BoardParts {
  readonly options: ResolvedBotOptions;
  /** The user's event bus: the board's events, failures to `error`. */
  readonly handlers: Pick<Handlers, "emit" | "report">;
  /** Who is in the room, who the bot is. */
  readonly state: Pick<BotState, "room" | "users" | "me">;
  /** The way out. */
  readonly outbox: Pick<Outbox, "request" | "post">;
  /** The life of one action. */
  readonly life: Actions["life"];
  /** Runs a board chat line as a command. */
  readonly runBoardLine: Dispatch["runBoardLine"];
}

/** One board chat line: whitespace runs of a multi-line answer joined, cut to 200 with "…". */
export function boardLine(text: string): string {
  const line = text.split(/\s*\n\s*/).filter((l) => l !== "").join(" | ").trim();
  if (line.length <= MAX_BOARD_CHAT_LENGTH) return line;
  let cut = MAX_BOARD_CHAT_LENGTH - 1;
  if (/[\uD800-\uDBFF]/.test(line[cut - 1])) cut--;
  return line.slice(0, cut) + "…";
}

/** The bot's board. */
export function createBoard(parts: BoardParts): Board {
  const { options, handlers } = parts;
  const lookup = (id: UserId, name?: string): User => {
    const { state } = parts;
    const known = state.room?.users.get(id) ?? state.users.get(id);
    if (known) return known;
    const me = state.me;
    if (me && me.id === id) {
      return Object.freeze({ id, name: me.name, location: me.location, isDev: false });
    }
    return Object.freeze({ id, name: name ?? "Anonymous", location: "", isDev: false });
  };
  let ownClears = 0;
  const board: Board = new Board({
    outbox: parts.outbox,
    pacing: options.pacing,
    actionTimeoutMs: options.actionTimeoutMs,
    life: (action, context, o, defaultMs) => parts.life(action, context, o, defaultMs),
    requireRoom: (action, context) => {
      if (parts.state.room) return;
      throw new ActionError(action, `${context}: the bot is not in a room`, {
        code: "NOT_IN_ROOM",
        reason: "notInRoom",
      });
    },
    me: () => parts.state.me?.id,
    track: (work) => {
      let promise: Promise<void>;
      try {
        promise = work();
      } catch (error) {
        promise = Promise.reject(error);
      }
      return tracked(promise, (error) => handlers.report(error));
    },
    clearing: () => void ownClears++,
    changed: (change: BoardChange, who?: User) => {
      const userOf = (id: UserId, name?: string) => who ?? lookup(id, name);
      switch (change.kind) {
        case "open":
          return handlers.emit("boardOpened", () => ({ user: userOf(change.userId) }));
        case "close":
          return handlers.emit("boardClosed", () => ({ user: userOf(change.userId) }));
        case "stroke":
          return handlers.emit("boardStroke", () => ({
            user: userOf(change.userId),
            stroke: change.stroke,
          }));
        case "cursor":
          return handlers.emit("boardCursor", () => ({
            user: userOf(change.userId, change.username),
            x: change.x,
            y: change.y,
          }));
        case "clear": {
          const mine = ownClears > 0;
          if (mine) ownClears--;
          const me = parts.state.me;
          return handlers.emit("boardCleared", () => ({
            user: mine && me ? lookup(me.id) : undefined,
          }));
        }
        case "chat": {
          const user = userOf(change.userId, change.username);
          handlers.emit("boardChat", { user, text: change.text });
          if (!options.boardCommands) return;
          parts.runBoardLine(user, change.text, (text) => {
            const line = boardLine(text);
            return line === "" ? Promise.resolve() : board.chat(line);
          });
        }
      }
    },
  });
  return board;
}
