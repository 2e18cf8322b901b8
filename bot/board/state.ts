/**
 * The Talkoboard as the bot sees it (docs/protocol.md §4.12, §5.9): the
 * finished strokes (newest 500), the strokes being drawn by user, and who
 * has the board open. Wire events go in; what happened comes out as a
 * {@linkcode BoardChange} for the bot's events.
 *
 * @module
 */

import { MAX_BOARD_STROKES, MAX_STROKE_POINTS } from "../../schemas/limits.gen.ts";
import type { ServerEventName, ServerEvents } from "../../schemas/events.gen.ts";
import type { UserId } from "../model.ts";

/** How a stroke looks. */
export interface BoardStyle {
  /** A colour of at most 7 characters, `#rrggbb` in practice. Default `"#000000"`. */
  readonly color?: string;
  /** Brush size, 1–50. Default 3. */
  readonly size?: number;
  /** Erase instead of drawing. Default `false`. */
  readonly eraser?: boolean;
}

/** A point on the board, in world units (x to the right, y downwards, (0, 0) where the board opens). */
export interface BoardPoint {
  /** Horizontal position. */
  readonly x: number;
  /** Vertical position (downwards). */
  readonly y: number;
}

/** A stroke on the board. */
export interface BoardStroke {
  /** Its points, in order. */
  readonly points: readonly BoardPoint[];
  /** Its colour (`#rrggbb` in practice; the server keeps 7 characters). */
  readonly color: string;
  /** Brush size, 1–50. */
  readonly size: number;
  /** Erases instead of drawing. */
  readonly eraser: boolean;
  /** Who drew it, when known (strokes from the history on open carry no author). */
  readonly userId?: UserId;
}

/** What a board event changed, for the bot's events. */
export type BoardChange =
  | { readonly kind: "open" | "close"; readonly userId: UserId }
  | { readonly kind: "stroke"; readonly userId: UserId; readonly stroke: BoardStroke }
  | {
    readonly kind: "chat";
    readonly userId: UserId;
    readonly username: string;
    readonly text: string;
  }
  | { readonly kind: "clear" }
  | {
    readonly kind: "cursor";
    readonly userId: UserId;
    readonly username: string;
    readonly x: number;
    readonly y: number;
  };

/** A handler per board event, given the payload its name carries; other events have none. */
type BoardHandlers = {
  readonly [E in ServerEventName]?: (
    model: BoardModel,
    payload: ServerEvents[E],
    me: UserId | undefined,
  ) => BoardChange[];
};

interface Drawing {
  points: BoardPoint[];
  color: string;
  size: number;
  eraser: boolean;
}

const freeze = (s: Drawing, userId?: UserId): BoardStroke =>
  Object.freeze({
    points: Object.freeze(s.points.map((p) => Object.freeze({ x: p.x, y: p.y }))),
    color: s.color,
    size: s.size,
    eraser: s.eraser,
    ...(userId === undefined ? {} : { userId }),
  });

/**
 * The board's state. The history is kept only while the bot has the board open; active
 * strokes and who opened the board are followed while the bot is in the room (the server
 * relays those events to every member), so the bot's events carry whole strokes.
 */
export class BoardModel {
  #open = false;
  #strokes: BoardStroke[] = [];
  #strokesView: readonly BoardStroke[] | undefined;
  readonly #active = new Map<UserId, Drawing>();
  /** Others who have it open (tracked from `board user status` since the bot joined the room). */
  readonly #viewers = new Set<UserId>();
  #me: UserId | undefined;

  /** The bot has the board open. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** Finished strokes, oldest first (newest 500). */
  get strokes(): readonly BoardStroke[] {
    return this.#strokesView ??= Object.freeze(this.#strokes.slice());
  }

  /** Strokes being drawn, by user. */
  get active(): ReadonlyMap<UserId, BoardStroke> {
    return new Map([...this.#active].map(([id, s]) => [id, freeze(s, id)]));
  }

  /** Who has the board open (the bot included), as far as the bot has seen. */
  get viewers(): ReadonlySet<UserId> {
    const out = new Set(this.#viewers);
    if (this.#open && this.#me) out.add(this.#me);
    return out;
  }

  /** The bot left the room or lost its connection: forget everything. */
  reset(): void {
    this.closed();
    this.#active.clear();
    this.#viewers.clear();
  }

  /** The bot closed the board: forget the history. */
  closed(): void {
    this.#open = false;
    this.#strokes = [];
    this.#strokesView = undefined;
  }

  /** The bot finished a stroke of its own (the server does not echo it). */
  own(stroke: BoardStroke): void {
    if (!this.#open) return;
    this.#strokes.push(stroke);
    if (this.#strokes.length > MAX_BOARD_STROKES) this.#strokes.shift();
    this.#strokesView = undefined;
  }

  /** Someone left the room: the server finalises their stroke (§6.4). */
  left(userId: UserId): BoardChange[] {
    this.#viewers.delete(userId);
    return this.#finish(userId);
  }

  /** Applies one wire event (events other than the board's change nothing); `me` is the bot's id. */
  apply<K extends ServerEventName>(
    event: K,
    payload: ServerEvents[K],
    me: UserId | undefined,
  ): BoardChange[] {
    return BoardModel.#ON[event]?.(this, payload, me) ?? [];
  }

  /** What each board event does, typed by the event table: the name gives the payload's type. */
  static readonly #ON: BoardHandlers = {
    "board state": (m, p, me) => {
      m.#open = true;
      m.#me = me;
      m.#strokes = p.strokes.slice(-MAX_BOARD_STROKES).map((s) => freeze(s));
      m.#strokesView = undefined;
      m.#active.clear();
      for (const [id, s] of Object.entries(p.active)) {
        m.#active.set(id, { ...s, points: s.points.slice() });
      }
      return [];
    },
    "board user status": (m, p) => {
      if (p.open) {
        m.#viewers.add(p.userId);
        return [{ kind: "open", userId: p.userId }];
      }
      m.#viewers.delete(p.userId);
      return [...m.#finish(p.userId), { kind: "close", userId: p.userId }];
    },
    "board stroke start": (m, p) => {
      const finished = m.#finish(p.userId);
      m.#active.set(p.userId, {
        points: [{ x: p.point.x, y: p.point.y }],
        color: p.color,
        size: p.size,
        eraser: p.eraser,
      });
      return finished;
    },
    "board stroke move": (m, p) => {
      const s = m.#active.get(p.userId);
      if (!s) return [];
      for (const pt of p.points) s.points.push({ x: pt.x, y: pt.y });
      if (s.points.length > MAX_STROKE_POINTS) {
        s.points.splice(0, s.points.length - MAX_STROKE_POINTS);
      }
      return [];
    },
    "board stroke end": (m, p) => m.#finish(p.userId),
    "board chat": (
      _m,
      p,
    ) => [{ kind: "chat", userId: p.userId, username: p.username, text: p.text }],
    "board cursor": (_m, p) => [
      { kind: "cursor", userId: p.userId, username: p.username, x: p.x, y: p.y },
    ],
    "board clear": (m) => {
      m.#strokes = [];
      m.#strokesView = undefined;
      m.#active.clear();
      return [{ kind: "clear" }];
    },
  };

  /** Moves a user's active stroke into the history; the finished stroke, if any. */
  #finish(userId: UserId): BoardChange[] {
    const s = this.#active.get(userId);
    if (!s) return [];
    this.#active.delete(userId);
    const stroke = freeze(s, userId);
    if (this.#open) {
      this.#strokes.push(stroke);
      if (this.#strokes.length > MAX_BOARD_STROKES) this.#strokes.shift();
      this.#strokesView = undefined;
    }
    return [{ kind: "stroke", userId, stroke }];
  }
}
