/**
 * `bot.board`: the room's shared drawing board, the Talkoboard
 * (docs/protocol.md §4.12). Actions go the bot's way out (checked → paced in
 * the bot's one event budget, together with its typing → emitted); board
 * events come the way in ({@linkcode BoardModel}) and become the bot's
 * `board…` events.
 *
 * @module
 */

import {
  MAX_BOARD_BRUSH_SIZE,
  MAX_BOARD_CHAT_LENGTH,
  MAX_BOARD_POINTS_PER_MOVE,
  MIN_BOARD_BRUSH_SIZE,
} from "../../schemas/limits.gen.ts";
import { type ActionOptions, checkActionOptions as checkOptions } from "../out/actions.ts";
import { textLines } from "./font.ts";
import { checkPoints, checkStyle, finite, point, strokeEvents } from "./checks.ts";
import {
  type BoardChange,
  BoardModel,
  type BoardPoint,
  type BoardStroke,
  type BoardStyle,
} from "./state.ts";
import { ActionError } from "../errors.ts";
import { endedError, type Life } from "../out/life.ts";
import type { Outbox } from "../out/outbox.ts";
import type { ResolvedPacing } from "../out/pacer.ts";
import type { User, UserId } from "../model.ts";
import type {
  ClientEventName,
  ClientEvents,
  ServerEventName,
  ServerEvents,
} from "../../schemas/events.gen.ts";

export type { BoardPoint, BoardStroke, BoardStyle };

/** A stroke to draw: 1 to 10 000 points and its style. */
export interface BoardStrokeInput extends BoardStyle {
  /** The points, in world units. */
  readonly points: readonly BoardPoint[];
}

/** Where and how `board.text()` writes. */
export interface BoardTextOptions extends BoardStyle {
  /** Left edge of the first letter. */
  readonly x: number;
  /** Top of the capitals. */
  readonly y: number;
  /** Height of a capital in world units. Default 30 (the brush size defaults to a tenth of it). */
  readonly height?: number;
}

/** What the board needs from the bot. */
export interface BoardHost {
  readonly outbox: Pick<Outbox, "request" | "post">;
  readonly pacing: ResolvedPacing;
  readonly actionTimeoutMs: number;
  /** The life of one action (throws when it cannot start: stopped, not connected). */
  life(action: string, context: string, options: ActionOptions, defaultMs?: number): Life;
  /** Throws when the bot is not in a room. */
  requireRoom(action: string, context: string): void;
  /** The bot's user id. */
  me(): UserId | undefined;
  /** Runs an action: an unawaited one that fails goes to the `error` event, not the process. */
  track(work: () => Promise<void>): Promise<void>;
  /** The bot is sending a `board clear` (its echo is the bot's own). */
  clearing(): void;
  /** A board event happened (someone else's); `user` when they already left the room. */
  changed(change: BoardChange, user?: User): void;
}

/** What each drawing action does, for its errors (`Cannot draw a circle on the board: ...`). */
const WHAT: Readonly<Record<string, string>> = {
  "board.draw": "draw",
  "board.line": "draw a line",
  "board.polyline": "draw a polyline",
  "board.rect": "draw a rectangle",
  "board.circle": "draw a circle",
  "board.text": "write text",
};

/**
 * The room's Talkoboard: `bot.board`. Every action is checked before it is
 * sent (a `TypeError`/`RangeError`, nothing sent), paced inside the bot's
 * event budget together with its typing, and rejects with an `ActionError`
 * when it cannot be done. Drawings take turns: one stroke at a time.
 *
 * @example
 * ```ts
 * import type { Bot } from "@talkomatic/talkomatic/bot";
 *
 * async function drawSquare(bot: Bot) {
 *   await bot.board.open();
 *   await bot.board.rect(0, 0, 100, 100, { color: "#ff0000", size: 4 });
 *   await bot.board.text("HI", { x: 10, y: 120, color: "#0000ff" });
 * }
 * ```
 */
export class Board {
  readonly #host: BoardHost;
  readonly #model = new BoardModel();
  #turn: Promise<unknown> = Promise.resolve();

  /** @internal Built by the bot. */
  constructor(host: BoardHost) {
    this.#host = host;
  }

  /** Whether the bot has the board open. */
  get isOpen(): boolean {
    return this.#model.isOpen;
  }

  /** The finished strokes, oldest first (newest 500), everyone's; empty while the board is closed. */
  get strokes(): readonly BoardStroke[] {
    return this.#model.strokes;
  }

  /** The strokes being drawn now, by user id. */
  get active(): ReadonlyMap<UserId, BoardStroke> {
    return this.#model.active;
  }

  /**
   * Who has the board open, the bot included, as far as the bot has seen
   * (the server tells who opens and closes it, not who had it open before).
   */
  get viewers(): ReadonlySet<UserId> {
    return this.#model.viewers;
  }

  /**
   * Opens the board: resolves when the server sent its strokes (`board.strokes`).
   * While the board is open the server's AFK timers are suspended for the bot.
   *
   * @param options `signal`, `timeoutMs`.
   * @returns When the board's state arrived.
   */
  open(options?: ActionOptions): Promise<void> {
    options ??= {};
    return this.#host.track(async () => {
      checkOptions(options, "open the board");
      const context = "Cannot open the board";
      const life = this.#host.life("board.open", context, options);
      try {
        this.#host.requireRoom("board.open", context);
        await this.#host.outbox.request({
          action: "board.open",
          context,
          event: "board open",
          payload: () => undefined,
          match: (event, _payload) => event === "board state" ? true : undefined,
        }, life);
      } finally {
        life.end();
      }
    });
  }

  /**
   * Closes the board (the server restarts the bot's AFK timers) and forgets its strokes.
   *
   * @param options `signal`, `timeoutMs`.
   * @returns When it was sent.
   */
  close(options?: ActionOptions): Promise<void> {
    options ??= {};
    return this.#host.track(async () => {
      checkOptions(options, "close the board");
      await this.#post("board.close", "Cannot close the board", "board close", undefined, options);
      this.#model.closed();
    });
  }

  /**
   * Draws one stroke: `board stroke start`, moves of at most 200 points, `board stroke end`
   * (3000 points cost 17 events). Aborting stops between moves and still ends the stroke.
   *
   * @param stroke Its points (1–10 000, finite numbers) and style.
   * @param options `signal`, `timeoutMs` (default: the action timeout plus the pacing time).
   * @returns When the stroke's end was sent.
   */
  draw(stroke: BoardStrokeInput, options?: ActionOptions): Promise<void> {
    options ??= {};
    return this.#host.track(async () => {
      const what = "draw";
      if (stroke === null || typeof stroke !== "object") {
        throw new TypeError(`Cannot ${what}: pass a stroke { points, color, size }`);
      }
      const points = checkPoints(stroke.points, what);
      return await this.#strokes([points], checkStyle(stroke, what), options, "board.draw");
    });
  }

  /**
   * Draws a straight line.
   *
   * @param from Start point.
   * @param to End point.
   * @param style Colour, size, eraser.
   * @param options `signal`, `timeoutMs`.
   * @returns When it was drawn.
   */
  line(
    from: BoardPoint,
    to: BoardPoint,
    style?: BoardStyle,
    options?: ActionOptions,
  ): Promise<void> {
    return this.#host.track(async () => {
      const points = [point(from, 0, "draw a line"), point(to, 1, "draw a line")];
      return await this.#strokes([points], checkStyle(style, "draw a line"), options, "board.line");
    });
  }

  /**
   * Draws connected straight lines through the points.
   *
   * @param points 1–10 000 points.
   * @param style Colour, size, eraser.
   * @param options `signal`, `timeoutMs`.
   * @returns When it was drawn.
   */
  polyline(
    points: readonly BoardPoint[],
    style?: BoardStyle,
    options?: ActionOptions,
  ): Promise<void> {
    return this.#host.track(async () => {
      const what = "draw a polyline";
      return await this.#strokes(
        [checkPoints(points, what)],
        checkStyle(style, what),
        options,
        "board.polyline",
      );
    });
  }

  /**
   * Draws a rectangle's outline.
   *
   * @param x Left edge.
   * @param y Top edge.
   * @param w Width.
   * @param h Height.
   * @param style Colour, size, eraser.
   * @param options `signal`, `timeoutMs`.
   * @returns When it was drawn.
   */
  rect(
    x: number,
    y: number,
    w: number,
    h: number,
    style?: BoardStyle,
    options?: ActionOptions,
  ): Promise<void> {
    return this.#host.track(async () => {
      const what = "draw a rectangle";
      for (const [n, v] of [["x", x], ["y", y], ["w", w], ["h", h]] as const) finite(v, n, what);
      const points = [
        { x, y },
        { x: x + w, y },
        { x: x + w, y: y + h },
        { x, y: y + h },
        { x, y },
      ];
      return await this.#strokes([points], checkStyle(style, what), options, "board.rect");
    });
  }

  /**
   * Draws a circle's outline (a polygon of 8 to 360 sides, by its size).
   *
   * @param cx Centre x.
   * @param cy Centre y.
   * @param r Radius (>= 0).
   * @param style Colour, size, eraser.
   * @param options `signal`, `timeoutMs`.
   * @returns When it was drawn.
   */
  circle(
    cx: number,
    cy: number,
    r: number,
    style?: BoardStyle,
    options?: ActionOptions,
  ): Promise<void> {
    return this.#host.track(async () => {
      const what = "draw a circle";
      for (const [n, v] of [["cx", cx], ["cy", cy], ["r", r]] as const) finite(v, n, what);
      if (r < 0) throw new RangeError(`Cannot ${what}: radius ${r} is negative`);
      const steps = Math.max(8, Math.min(360, Math.ceil(r / 2)));
      const points = Array.from({ length: steps + 1 }, (_, i) => {
        const t = (i / steps) * 2 * Math.PI;
        return { x: cx + r * Math.cos(t), y: cy + r * Math.sin(t) };
      });
      return await this.#strokes([points], checkStyle(style, what), options, "board.circle");
    });
  }

  /**
   * Writes text with the built-in single-stroke font (printable ASCII; lower
   * case as small capitals; other characters as `?`; `\n` starts a line).
   * Each pen stroke of a letter is a board stroke (about 2 per letter, 3 events each).
   *
   * @param text The text (at most 200 characters).
   * @param options Position, `height`, colour, size (default a tenth of the height).
   * @param action `signal`, `timeoutMs`.
   * @returns When it was written.
   */
  text(text: string, options: BoardTextOptions, action?: ActionOptions): Promise<void> {
    return this.#host.track(async () => {
      const what = `write "${String(text).slice(0, 20)}" on the board`;
      if (typeof text !== "string") {
        throw new TypeError("Cannot write on the board: text must be a string");
      }
      if (text.trim() === "") throw new RangeError(`Cannot ${what}: the text is empty`);
      if (text.length > MAX_BOARD_CHAT_LENGTH) {
        throw new RangeError(`Cannot ${what}: at most ${MAX_BOARD_CHAT_LENGTH} characters`);
      }
      if (options === null || typeof options !== "object") {
        throw new TypeError(`Cannot ${what}: options must be an object { x, y }`);
      }
      const x = finite(options.x, "x", what);
      const y = finite(options.y, "y", what);
      const height = finite(options.height ?? 30, "height", what);
      if (height <= 0) throw new RangeError(`Cannot ${what}: height ${height} must be > 0`);
      const style = checkStyle(
        {
          ...options,
          size: options.size ??
            Math.min(MAX_BOARD_BRUSH_SIZE, Math.max(MIN_BOARD_BRUSH_SIZE, height / 10)),
        },
        what,
      );
      return await this.#strokes(textLines(text, x, y, height), style, action, "board.text");
    });
  }

  /**
   * Clears the board for everyone in the room.
   *
   * @param options `signal`, `timeoutMs`.
   * @returns When the server confirmed it (it sends `board clear` to everyone).
   */
  clear(options?: ActionOptions): Promise<void> {
    options ??= {};
    return this.#host.track(async () => {
      checkOptions(options, "clear the board");
      const context = "Cannot clear the board";
      const life = this.#host.life("board.clear", context, options);
      try {
        this.#host.requireRoom("board.clear", context);
        await this.#host.outbox.request({
          action: "board.clear",
          context,
          event: "board clear",
          payload: () => void this.#host.clearing(),
          match: (event, _payload) => event === "board clear" ? true : undefined,
        }, life);
      } finally {
        life.end();
      }
    });
  }

  /**
   * Says something in the board's chat (everyone in the room sees it, open board or not).
   *
   * @param text 1–200 characters after trimming.
   * @param options `signal`, `timeoutMs`.
   * @returns When the server echoed it back.
   */
  chat(text: string, options?: ActionOptions): Promise<void> {
    options ??= {};
    return this.#host.track(async () => {
      if (typeof text !== "string") {
        throw new TypeError("Cannot chat on the board: text must be a string");
      }
      const line = text.trim();
      const context = `Cannot say "${line.slice(0, 20)}" on the board`;
      if (line === "") throw new RangeError("Cannot chat on the board: the text is empty");
      if (line.length > MAX_BOARD_CHAT_LENGTH) {
        throw new RangeError(
          `${context}: ${line.length} characters, at most ${MAX_BOARD_CHAT_LENGTH}`,
        );
      }
      checkOptions(options, "chat on the board");
      const life = this.#host.life("board.chat", context, options);
      try {
        this.#host.requireRoom("board.chat", context);
        const me = this.#host.me();
        await this.#host.outbox.request({
          action: "board.chat",
          context,
          event: "board chat",
          payload: () => ({ text: line }),
          match: (event, p) =>
            event === "board chat" && p.userId === me && p.text === line ? true : undefined,
        }, life);
      } finally {
        life.end();
      }
    });
  }

  /**
   * Moves the bot's cursor on the board (others see it with the bot's name).
   *
   * @param x World x.
   * @param y World y.
   * @param options `signal`, `timeoutMs`.
   * @returns When it was sent.
   */
  cursor(x: number, y: number, options?: ActionOptions): Promise<void> {
    options ??= {};
    return this.#host.track(async () => {
      finite(x, "x", "move the board cursor");
      finite(y, "y", "move the board cursor");
      checkOptions(options, "move the board cursor");
      await this.#post(
        "board.cursor",
        "Cannot move the board cursor",
        "board cursor",
        { x, y },
        options,
      );
    });
  }

  // ------------------------------------------------------------ internal

  /** A board event came in. */
  receive<K extends ServerEventName>(event: K, payload: ServerEvents[K]): void {
    const me = this.#host.me();
    for (const change of this.#model.apply(event, payload, me)) {
      if (!("userId" in change && change.userId === me)) this.#host.changed(change);
    }
  }

  /** Someone left the bot's room. */
  userLeft(user: User): void {
    for (const change of this.#model.left(user.id)) this.#host.changed(change, user);
  }

  /** The bot left its room or lost its connection. */
  reset(): void {
    this.#model.reset();
  }

  async #post<K extends ClientEventName>(
    action: string,
    context: string,
    event: K,
    payload: ClientEvents[K],
    options: ActionOptions,
  ): Promise<void> {
    const life = this.#host.life(action, context, options);
    try {
      this.#host.requireRoom(action, context);
      await this.#host.outbox.post(event, payload, life, context);
    } finally {
      life.end();
    }
  }

  /** Draws strokes one after another, after the drawings before them. */
  #strokes(
    lines: BoardPoint[][],
    style: Required<BoardStyle>,
    options: ActionOptions | undefined,
    action: string,
  ): Promise<void> {
    const what = WHAT[action] ?? "draw";
    const opts = checkOptions(options, what);
    const context = `Cannot ${what} on the board`;
    const events = lines.reduce((n, l) => n + strokeEvents(l.length), 0);
    const p = this.#host.pacing;
    const life = this.#host.life(
      action,
      context,
      opts,
      this.#host.actionTimeoutMs + events * (p.eventWindowMs / p.eventsPerWindow),
    );
    try {
      this.#host.requireRoom(action, context);
    } catch (error) {
      life.end();
      throw error;
    }
    const run = this.#turn.then(async () => {
      try {
        if (life.signal.aborted) {
          throw endedError(action, context, life.signal.reason, life.timeoutMs, false);
        }
        for (const points of lines) await this.#stroke(points, style, life, context);
      } finally {
        life.end();
      }
    });
    this.#turn = run.catch(() => {});
    return run;
  }

  async #stroke(
    points: BoardPoint[],
    style: Required<BoardStyle>,
    life: Life,
    context: string,
  ): Promise<void> {
    const outbox = this.#host.outbox;
    await outbox.post(
      "board stroke start",
      {
        color: style.color,
        size: style.size,
        eraser: style.eraser,
        point: points[0],
      },
      life,
      context,
    );
    try {
      for (let i = 1; i < points.length; i += MAX_BOARD_POINTS_PER_MOVE) {
        await outbox.post(
          "board stroke move",
          { points: points.slice(i, i + MAX_BOARD_POINTS_PER_MOVE) },
          life,
          context,
        );
      }
    } finally {
      await this.#end(context);
    }
    this.#model.own(
      Object.freeze({ points: Object.freeze(points), ...style, userId: this.#host.me() }),
    );
  }

  /** Ends the open stroke, even when the drawing was aborted or timed out. */
  async #end(context: string): Promise<void> {
    let life: Life;
    try {
      life = this.#host.life("board.draw", context, {});
    } catch {
      return; // stopped or disconnected: the server finalises the stroke itself
    }
    try {
      await this.#host.outbox.post("board stroke end", undefined, life, context);
    } catch (error) {
      if (!(error instanceof ActionError)) throw error;
    } finally {
      life.end();
    }
  }
}
