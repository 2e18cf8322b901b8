// What TestServer's inspection methods return: copies of the world's rooms,
// sockets and users, safe to keep and compare in tests.

import type { World } from "./_world.ts";

/** A room as seen by `TestServer.rooms()`. */
export interface RoomInfo {
  /** 6-digit room id. */
  id: string;
  /** Sanitised room name. */
  name: string;
  /** Room type. */
  type: "public" | "semi-private" | "private";
  /** Layout. */
  layout: "horizontal" | "vertical";
  /** Access code of a semi-private room. */
  accessCode: string | undefined;
  /** Occupants as listed by the server (names as at join time). */
  users: { id: string; username: string; location: string }[];
  /** Votes, voter -> target. */
  votes: Record<string, string>;
  /** Chat buffers of the occupants. */
  messages: Record<string, string>;
  /** Banned user ids. */
  banned: string[];
  /** Creation time (undefined for REST-created rooms). */
  createdAt: number | undefined;
  /** Time of the last processed chat batch, 0 if none. */
  lastChatActivity: number;
}

/** A live socket as seen by `TestServer.sockets()`. */
export interface SocketInfo {
  /** socket.io socket id. */
  id: string;
  /** Client IP as derived by the server. */
  ip: string;
  /** True for token (non-browser) connections. */
  isBot: boolean;
  /** Session id (the future user id). */
  sessionId: string;
  /** Session user id once signed in or joined. */
  userId: string | undefined;
  /** Session username. */
  username: string | undefined;
  /** Session location. */
  location: string | undefined;
  /** Room the socket is in. */
  roomId: string | null;
  /** Whether the socket receives `lobby update`. */
  lobby: boolean;
}

/** A connected user as seen by `TestServer.users()`: one entry per user id. */
export interface UserInfo {
  /** The user id (the session id). */
  id: string;
  /** The session's username. */
  username: string | undefined;
  /** The session's location. */
  location: string | undefined;
  /** The room one of its sockets is in, or null. */
  roomId: string | null;
  /** Its live sockets. */
  socketIds: string[];
}

/** Copies of every room, in creation order. */
export function roomInfos(world: World): RoomInfo[] {
  return [...world.rooms.values()].map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type,
    layout: r.layout,
    accessCode: r.accessCode,
    users: r.users.map((u) => ({ ...u })),
    votes: Object.fromEntries(r.votes),
    messages: world.messagesOf(r),
    banned: [...r.banned],
    createdAt: r.createdAt,
    lastChatActivity: r.lastChatActivity,
  }));
}

/** One entry per live socket. */
export function socketInfos(world: World): SocketInfo[] {
  return [...world.conns.values()].map((c) => ({
    id: c.socket.id,
    ip: c.ip,
    isBot: c.isBot,
    sessionId: c.session.id,
    userId: c.session.data.userId,
    username: c.session.data.username,
    location: c.session.data.location,
    roomId: c.roomId,
    lobby: c.lobby,
  }));
}

/** The signed-in or joined users of these sockets, one entry per user id. */
export function userInfos(sockets: SocketInfo[]): UserInfo[] {
  const byId = new Map<string, UserInfo>();
  for (const s of sockets) {
    if (!s.userId) continue;
    const entry = byId.get(s.userId) ??
      { id: s.userId, username: s.username, location: s.location, roomId: null, socketIds: [] };
    entry.socketIds.push(s.id);
    entry.roomId ??= s.roomId;
    byId.set(s.userId, entry);
  }
  return [...byId.values()];
}
