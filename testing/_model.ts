// The shapes the local server's parts share (connections, rooms, strokes) and the port through
// which the parts (_board.ts, _chat.ts, _sweeps.ts, _activity.ts) use the world, so none of them
// imports _world.ts.

import type { RoomLayout, RoomType } from "../schemas/mod.ts";
import type { Limiter } from "./_limiter.ts";
import type { ResolvedOptions } from "./_options.ts";
import type { Session } from "./_session.ts";

/** The part of a socket.io socket the world uses. */
export interface SocketLike {
  id: string;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
}

/** One live socket connection. */
export interface Conn {
  socket: SocketLike;
  ip: string;
  isBot: boolean;
  session: Session;
  roomId: string | null;
  lobby: boolean;
  afkWarn?: ReturnType<typeof setTimeout>;
  afkKick?: ReturnType<typeof setTimeout>;
  boardOpen: boolean;
  handlerErrors: number;
}

/** A user entry in a room (name and location as at join time). */
export interface RoomUser {
  id: string;
  username: string;
  location: string;
}

/** A shared-board stroke. */
export interface Stroke {
  points: { x: number; y: number }[];
  color: string;
  size: number;
  eraser: boolean;
}

/** A room. */
export interface Room {
  id: string;
  name: string;
  type: RoomType;
  layout: RoomLayout;
  accessCode?: string;
  users: RoomUser[];
  votes: Map<string, string>;
  banned: Set<string>;
  messages: Map<string, string>;
  createdAt?: number;
  lastActiveTime: number;
  lastChatActivity: number;
  soloSince?: number;
  deletionTimer?: ReturnType<typeof setTimeout>;
  typingTimers: Map<string, ReturnType<typeof setTimeout>>;
  strokes: Stroke[];
  activeStrokes: Map<string, Stroke>;
}

/** What the server's parts use of the world (`World` implements it). */
export interface WorldPort {
  readonly opts: ResolvedOptions;
  readonly rooms: Map<string, Room>;
  readonly conns: Map<string, Conn>;
  readonly limiters: { readonly chatBatch: Limiter };
  readonly log: (line: string) => void;
  send(conn: Conn, event: string, ...args: unknown[]): void;
  members(roomId: string): Conn[];
  soloTtl(): number;
  broadcastLobby(): void;
  broadcastRoom(room: Room): void;
  deleteRoom(room: Room): void;
  trackSolo(room: Room, now?: number): void;
  nameIn(room: Room, userId: string): string;
  removeUser(
    room: Room,
    userId: string,
    conn: Conn | undefined,
    opts?: { keepRoom?: boolean },
  ): void;
  scheduleDeletion(room: Room): void;
  resetAfk(conn: Conn): void;
  clearAfk(conn: Conn): void;
}
