// Talkoboard events (docs/protocol.md §4.12): relayed within the room, ephemeral.

import * as v from "valibot";
import { BoardChatRequestSchema, BoardCursorRequestSchema } from "../schemas/validators.gen.ts";
import type { Conn, Room, Stroke, WorldPort as World } from "./_model.ts";
import {
  MAX_BOARD_BRUSH_SIZE,
  MAX_BOARD_CHAT_LENGTH,
  MAX_BOARD_COLOR_LENGTH,
  MAX_BOARD_POINTS_PER_MOVE,
  MAX_BOARD_STROKES,
  MAX_STROKE_POINTS,
  MIN_BOARD_BRUSH_SIZE,
} from "../schemas/limits.gen.ts";

type Handler = (world: World, conn: Conn, data: unknown) => void;

function context(world: World, conn: Conn): { room: Room; userId: string } | undefined {
  const room = conn.roomId ? world.rooms.get(conn.roomId) : undefined;
  const userId = conn.session.data.userId;
  return room && userId ? { room, userId } : undefined;
}

function others(world: World, conn: Conn, room: Room, event: string, payload?: unknown): void {
  for (const m of world.members(room.id)) {
    if (m !== conn) payload === undefined ? world.send(m, event) : world.send(m, event, payload);
  }
}

/**
 * Moves a user's active stroke into the room's history (newest 500 kept); a stroke without
 * points is dropped. Every way of leaving does this too (§6.4), without a board event.
 */
export function finalizeStroke(room: Room, userId: string): void {
  const stroke = room.activeStrokes.get(userId);
  if (!stroke) return;
  room.activeStrokes.delete(userId);
  if (stroke.points.length === 0) return;
  room.strokes.push(stroke);
  if (room.strokes.length > MAX_BOARD_STROKES) {
    room.strokes.splice(0, room.strokes.length - MAX_BOARD_STROKES);
  }
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** Board event handlers. */
export const BOARD_HANDLERS: Readonly<Record<string, Handler>> = {
  "board open": (world, conn) => {
    const ctx = context(world, conn);
    if (!ctx) return;
    conn.boardOpen = true;
    world.clearAfk(conn);
    world.send(conn, "board state", {
      strokes: structuredClone(ctx.room.strokes),
      active: Object.fromEntries(structuredClone([...ctx.room.activeStrokes])),
    });
    others(world, conn, ctx.room, "board user status", { userId: ctx.userId, open: true });
  },
  "board close": (world, conn) => {
    const ctx = context(world, conn);
    if (!ctx) return;
    finalizeStroke(ctx.room, ctx.userId);
    conn.boardOpen = false;
    world.resetAfk(conn);
    others(world, conn, ctx.room, "board user status", { userId: ctx.userId, open: false });
  },
  "board stroke start": (world, conn, data) => {
    const ctx = context(world, conn);
    const d = data as Record<string, unknown> | null;
    if (!ctx || typeof d !== "object" || d === null) return;
    const point = d.point as { x?: unknown; y?: unknown } | null;
    if (
      typeof d.color !== "string" || !isNum(d.size) || !point || !isNum(point.x) || !isNum(point.y)
    ) {
      return;
    }
    finalizeStroke(ctx.room, ctx.userId);
    const stroke: Stroke = {
      points: [{ x: point.x, y: point.y }],
      color: d.color.slice(0, MAX_BOARD_COLOR_LENGTH),
      size: Math.min(MAX_BOARD_BRUSH_SIZE, Math.max(MIN_BOARD_BRUSH_SIZE, d.size)),
      eraser: !!d.eraser,
    };
    ctx.room.activeStrokes.set(ctx.userId, stroke);
    others(world, conn, ctx.room, "board stroke start", {
      userId: ctx.userId,
      color: stroke.color,
      size: stroke.size,
      eraser: stroke.eraser,
      point: { x: point.x, y: point.y },
    });
  },
  "board stroke move": (world, conn, data) => {
    const ctx = context(world, conn);
    const raw = (data as { points?: unknown } | null)?.points;
    if (!ctx || !Array.isArray(raw) || raw.length > MAX_BOARD_POINTS_PER_MOVE) return;
    const stroke = ctx.room.activeStrokes.get(ctx.userId);
    if (!stroke) return;
    // A null entry throws here, as on the real server (-> SERVER_ERROR).
    const points = raw.filter((p: { x: unknown; y: unknown }) => isNum(p.x) && isNum(p.y))
      .map((p: { x: number; y: number }) => ({ x: p.x, y: p.y }));
    if (points.length === 0) return;
    stroke.points.push(...points);
    if (stroke.points.length > MAX_STROKE_POINTS) {
      stroke.points.splice(0, stroke.points.length - MAX_STROKE_POINTS);
    }
    others(world, conn, ctx.room, "board stroke move", { userId: ctx.userId, points });
  },
  "board stroke end": (world, conn) => {
    const ctx = context(world, conn);
    if (!ctx) return;
    finalizeStroke(ctx.room, ctx.userId);
    others(world, conn, ctx.room, "board stroke end", { userId: ctx.userId });
  },
  "board cursor": (world, conn, data) => {
    const ctx = context(world, conn);
    if (!ctx || !v.is(BoardCursorRequestSchema, data)) return;
    const d = data;
    others(world, conn, ctx.room, "board cursor", {
      userId: ctx.userId,
      username: conn.session.data.username ?? "Anonymous",
      x: d.x,
      y: d.y,
    });
  },
  "board chat": (world, conn, data) => {
    const ctx = context(world, conn);
    if (!ctx || !v.is(BoardChatRequestSchema, data)) return;
    const text = data.text;
    const payload = {
      userId: ctx.userId,
      username: conn.session.data.username ?? "Anonymous",
      text: text.slice(0, MAX_BOARD_CHAT_LENGTH),
      timestamp: Date.now(),
    };
    for (const m of world.members(ctx.room.id)) world.send(m, "board chat", payload);
  },
  "board clear": (world, conn) => {
    const ctx = context(world, conn);
    if (!ctx) return;
    ctx.room.strokes = [];
    ctx.room.activeStrokes.clear();
    for (const m of world.members(ctx.room.id)) world.send(m, "board clear");
  },
};
