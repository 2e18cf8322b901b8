/**
 * The checks of `bot.board`'s arguments: every one throws a `TypeError` or
 * `RangeError` in the std style before anything is sent.
 *
 * @module
 */

import {
  MAX_BOARD_BRUSH_SIZE,
  MAX_BOARD_COLOR_LENGTH,
  MAX_BOARD_POINTS_PER_MOVE,
  MAX_STROKE_POINTS,
  MIN_BOARD_BRUSH_SIZE,
} from "../../schemas/limits.gen.ts";
import type { BoardPoint, BoardStyle } from "./state.ts";

/** Checks one point. */
export const point = (p: unknown, i: number, what: string): BoardPoint => {
  const q = p as { x?: unknown; y?: unknown } | null;
  if (q === null || typeof q !== "object") {
    throw new TypeError(`Cannot ${what}: point ${i} must be an object { x, y }`);
  }
  for (const key of ["x", "y"] as const) {
    if (typeof q[key] !== "number" || !Number.isFinite(q[key])) {
      throw new TypeError(
        `Cannot ${what}: point ${i} has ${key} ${String(q[key])}, expected a finite number`,
      );
    }
  }
  return { x: q.x as number, y: q.y as number };
};

/** Checks a finite number. */
export function finite(value: unknown, name: string, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(`Cannot ${what}: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** Checks a style, with its defaults. */
export function checkStyle(style: unknown, what: string): Required<BoardStyle> {
  if (style === undefined) style = {};
  if (style === null || typeof style !== "object") {
    throw new TypeError(`Cannot ${what}: the style must be an object { color, size, eraser }`);
  }
  const { color = "#000000", size = 3, eraser = false } = style as BoardStyle;
  if (typeof color !== "string" || color === "") {
    throw new TypeError(`Cannot ${what}: color must be a string like "#ff0000"`);
  }
  if (color.length > MAX_BOARD_COLOR_LENGTH) {
    throw new RangeError(
      `Cannot ${what}: color "${color}" has more than ${MAX_BOARD_COLOR_LENGTH} characters (use "#rrggbb")`,
    );
  }
  finite(size, "size", what);
  if (size < MIN_BOARD_BRUSH_SIZE || size > MAX_BOARD_BRUSH_SIZE) {
    throw new RangeError(
      `Cannot ${what}: size ${size} is outside ${MIN_BOARD_BRUSH_SIZE}–${MAX_BOARD_BRUSH_SIZE}`,
    );
  }
  if (typeof eraser !== "boolean") {
    throw new TypeError(`Cannot ${what}: eraser must be a boolean`);
  }
  return { color, size, eraser };
}

/** Checks a list of points. */
export function checkPoints(points: unknown, what: string): BoardPoint[] {
  if (!Array.isArray(points)) throw new TypeError(`Cannot ${what}: points must be an array`);
  if (points.length === 0) throw new RangeError(`Cannot ${what}: a stroke needs a point`);
  if (points.length > MAX_STROKE_POINTS) {
    throw new RangeError(
      `Cannot ${what}: ${points.length} points, a stroke has at most ${MAX_STROKE_POINTS}`,
    );
  }
  return points.map((p, i) => point(p, i, what));
}

/** Events a stroke of `n` points costs: start, moves of at most 200 points, end. */
export function strokeEvents(n: number): number {
  return 2 + Math.ceil((n - 1) / MAX_BOARD_POINTS_PER_MOVE);
}
