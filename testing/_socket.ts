// Client -> server socket events (docs/protocol.md §4), with the real server's
// check order, error events and silent ignores.

import * as v from "valibot";
import { TypingRequestSchema, VoteRequestSchema } from "../schemas/validators.gen.ts";
import type { Conn, Diff, Room, World } from "./_world.ts";
import { isSignedIn } from "./_session.ts";
import { sanitizeName, validateRoom, validateSignin } from "./_text.ts";
import { quote, roomName, userName } from "./_activity.ts";
import { isAccessCode } from "../schemas/checks.ts";
import {
  MAX_LOCATION_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_USERNAME_LENGTH,
} from "../schemas/limits.gen.ts";

/** `ErrorEnvelope` payload. */
export function envelope(
  code: string,
  message: string,
  extra: { replaceDefaultText?: boolean; details?: Record<string, string> } = {},
): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = {
    code,
    message,
    replaceDefaultText: extra.replaceDefaultText ?? false,
  };
  if (extra.details) error.details = extra.details;
  return { error };
}

/** Events exempt from the per-socket limiter. */
export const LIMITER_EXEMPT: ReadonlySet<string> = new Set([
  "error",
  "connect",
  "disconnect",
  "disconnecting",
  "typing",
  "get rooms",
  "get room state",
]);

type Handler = (world: World, conn: Conn, data: unknown) => void;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null;
}

function fail(world: World, conn: Conn, code: string, message: string): void {
  world.send(conn, "error", envelope(code, message));
}

const norm = (s: string | undefined): string => (s ?? "").trim().toLowerCase();

function isAnonymousLoose(username?: string, location?: string): boolean {
  return norm(username) === "anonymous" && norm(location) === "on the web";
}

function nameInAnyRoom(world: World, username?: string, location?: string): boolean {
  for (const room of world.rooms.values()) {
    for (const u of room.users) {
      if (norm(u.username) === norm(username) && norm(u.location) === norm(location)) return true;
    }
  }
  return false;
}

function roomOfUser(world: World, userId: string): Room | undefined {
  for (const room of world.rooms.values()) {
    if (room.users.some((u) => u.id === userId)) return room;
  }
  return undefined;
}

function currentRoom(world: World, conn: Conn): Room | undefined {
  return conn.roomId ? world.rooms.get(conn.roomId) : undefined;
}

const checkSignin: Handler = (world, conn) => {
  const d = conn.session.data;
  if (!isSignedIn(d)) {
    world.send(conn, "signin status", { isSignedIn: false, isBot: conn.isBot, isDev: false });
    return;
  }
  world.send(conn, "signin status", {
    isSignedIn: true,
    username: d.username,
    location: d.location,
    userId: d.userId,
    isIPBased: !!d.isIPBased,
    isBot: conn.isBot,
    isDev: false,
    isHidden: false,
  });
  conn.lobby = true;
  world.broadcastLobby();
};

const joinLobby: Handler = (world, conn, data) => {
  if (!isObject(data)) return fail(world, conn, "BAD_REQUEST", "Invalid data.");
  const errors = validateSignin(data);
  if (Object.keys(errors).length > 0) return void world.send(conn, "validation_error", errors);
  const username = sanitizeName(data.username as string, MAX_USERNAME_LENGTH);
  let location = data.location
    ? sanitizeName(String(data.location), MAX_LOCATION_LENGTH)
    : "On The Web";
  if (username === "") {
    return fail(world, conn, "VALIDATION_ERROR", "Username contains no valid characters.");
  }
  if (location === "") location = "On The Web";
  if (world.filter?.isForbidden(username)) {
    return fail(world, conn, "VALIDATION_ERROR", "Username contains forbidden words.");
  }
  if (world.filter?.isForbidden(location)) {
    return fail(world, conn, "VALIDATION_ERROR", "Location contains forbidden words.");
  }
  const d = conn.session.data;
  d.username = username;
  d.location = location;
  d.userId = conn.session.id;
  d.isIPBased = false;
  world.save(conn);
  conn.lobby = true;
  world.log(
    `${quote(username)} from ${quote(location)} signed in (${
      conn.isBot ? "bot" : "browser"
    }, ${conn.ip})`,
  );
  world.broadcastLobby();
  world.send(conn, "signin status", {
    isSignedIn: true,
    username,
    location,
    userId: d.userId,
    isIPBased: false,
    isBot: conn.isBot,
    isDev: false,
  });
};

const getRooms: Handler = (world, conn) => {
  world.send(conn, "initial rooms", world.lobbyList());
};

const getRoomState: Handler = (world, conn, data) => {
  if (typeof data !== "string" || data === "") {
    return fail(world, conn, "BAD_REQUEST", "Room ID required.");
  }
  const room = world.rooms.get(data);
  if (!room) return fail(world, conn, "NOT_FOUND", "Room not found.");
  world.send(conn, "room state", world.snapshot(room));
};

const createRoom: Handler = (world, conn, data) => {
  if (!isObject(data)) return fail(world, conn, "BAD_REQUEST", "Invalid data.");
  const d = conn.session.data;
  if (!d.userId) return fail(world, conn, "UNAUTHORIZED", "Sign in to create a room.");
  const errors = validateRoom(data);
  if (Object.keys(errors).length > 0) return void world.send(conn, "validation_error", errors);
  if (isAnonymousLoose(d.username, d.location)) {
    return fail(world, conn, "FORBIDDEN", "Anonymous users cannot create rooms.");
  }
  const now = Date.now();
  if (world.rooms.size >= world.opts.limits.hardMaxRooms) {
    return fail(
      world,
      conn,
      "ROOM_LIMIT_REACHED",
      "Server is at maximum capacity. Please try again shortly.",
    );
  }
  const limit = world.currentLimit();
  const healthy = [...world.rooms.values()].filter((r) => world.isHealthy(r, now)).length;
  if (healthy >= limit) {
    return fail(
      world,
      conn,
      "ROOM_LIMIT_REACHED",
      `Room limit reached (${limit}). Try again in a moment.`,
    );
  }
  if (nameInAnyRoom(world, d.username, d.location) || roomOfUser(world, d.userId)) {
    return fail(world, conn, "FORBIDDEN", "Already in a room.");
  }
  const t = world.opts.timing;
  const lastUser = world.lastCreateByUser.get(d.userId);
  if (lastUser !== undefined && now - lastUser < t.roomCreationCooldownMs) {
    return fail(world, conn, "RATE_LIMITED", "Creating rooms too fast.");
  }
  const ipRooms = new Set(
    [...world.conns.values()].filter((c) => c.ip === conn.ip && c.roomId).map((c) => c.roomId),
  );
  if (ipRooms.size >= world.opts.rateLimits.maxRoomsPerIp) {
    return fail(world, conn, "RATE_LIMITED", "Too many rooms from this connection.");
  }
  const lastIp = world.lastCreateByIp.get(conn.ip);
  if (lastIp !== undefined && now - lastIp < t.ipRoomCreationCooldownMs) {
    const wait = Math.ceil((t.ipRoomCreationCooldownMs - (now - lastIp)) / 1000);
    return fail(world, conn, "RATE_LIMITED", `Please wait ${wait}s before creating another room.`);
  }
  const name = sanitizeName(data.name as string, MAX_ROOM_NAME_LENGTH);
  if (name === "") {
    return fail(world, conn, "VALIDATION_ERROR", "Room name contains no valid characters.");
  }
  if (world.nameTaken(name)) {
    return fail(world, conn, "ROOM_NAME_EXISTS", "Room name already exists.");
  }
  if (world.filter?.isForbidden(name)) {
    return fail(world, conn, "VALIDATION_ERROR", "Room name contains forbidden words.");
  }
  const id = world.newRoomId();
  if (!id) return fail(world, conn, "SERVER_ERROR", "Could not generate room ID.");
  world.lastCreateByUser.set(d.userId, now);
  world.lastCreateByIp.set(conn.ip, now);
  const room = world.createRoom(id, name, data, { createdAt: now, lastActiveTime: now });
  const { type } = room;
  world.log(`${userName(conn)} created ${type} room ${roomName(room)}`);
  if (type === "semi-private") {
    d.validatedRooms[id] = data.accessCode as string;
    world.save(conn);
  }
  world.send(conn, "room created", id);
  world.broadcastLobby();
};

const joinRoom: Handler = (world, conn, data) => {
  if (!isObject(data) || !data.roomId) return fail(world, conn, "BAD_REQUEST", "Invalid data.");
  const room = world.rooms.get(data.roomId as string);
  if (!room) {
    return void world.send(conn, "room not found", envelope("NOT_FOUND", "Room not found."));
  }
  const d = conn.session.data;
  if (!isSignedIn(d)) {
    d.userId = conn.session.id;
    d.username ??= "Anonymous";
    d.location ??= "On The Web";
  }
  const userId = d.userId!;
  const anonymous = d.username === "Anonymous" && d.location === "On The Web";
  const other = currentRoom(world, conn) ?? roomOfUser(world, userId);
  if (!anonymous && other && other.id !== room.id) {
    return void world.send(
      conn,
      "error",
      envelope("FORBIDDEN", `Already in "${other.name}". Leave first.`, {
        replaceDefaultText: true,
        details: { currentRoomId: other.id, currentRoomName: other.name },
      }),
    );
  }
  if (room.type === "semi-private") {
    const code = d.validatedRooms[room.id] ?? data.accessCode;
    if (!code) return void world.send(conn, "access code required");
    if (!isAccessCode(code)) {
      return fail(world, conn, "VALIDATION_ERROR", "Invalid access code format.");
    }
    if (code !== room.accessCode) return fail(world, conn, "FORBIDDEN", "Incorrect access code.");
    d.validatedRooms[room.id] = code;
  }
  if (room.banned.has(userId)) {
    return fail(world, conn, "FORBIDDEN", "You are banned from this room.");
  }
  if (world.blacklistUsers.has(userId) || world.blacklistIps.has(conn.ip)) {
    return fail(world, conn, "FORBIDDEN", "Access denied.");
  }
  const threshold = world.opts.rateLimits.joinAttemptThreshold;
  if (threshold !== Infinity) {
    const byUser = world.joinUser.hit(userId);
    const byIp = world.joinIp.hit(conn.ip);
    if (byUser > threshold * 2) {
      world.blacklistUsers.add(userId);
      world.blacklistIps.add(conn.ip);
    }
    if (byUser > threshold || byIp > threshold * 2) {
      return fail(world, conn, "RATE_LIMITED", "Too many join attempts.");
    }
  }
  if (!anonymous && nameInAnyRoom(world, d.username, d.location)) {
    return fail(world, conn, "FORBIDDEN", "This username/location is already in a room.");
  }
  const present = room.users.some((u) => u.id === userId);
  if (!present && room.users.length >= world.opts.limits.roomCapacity) {
    return void world.send(conn, "room full", envelope("ROOM_FULL", "Room is full."));
  }
  world.completeJoin(conn, room);
};

const leaveRoom: Handler = (world, conn) => {
  const userId = conn.session.data.userId;
  const room = currentRoom(world, conn);
  if (!userId || !room) return;
  world.log(`${userName(conn)} left room ${roomName(room)}`);
  world.removeUser(room, userId, conn);
};

const DIFF_TYPES = new Set(["full-replace", "add", "delete", "replace"]);

const chatUpdate: Handler = (world, conn, data) => {
  const userId = conn.session.data.userId;
  if (!currentRoom(world, conn) || !userId) return;
  const diff = isObject(data) ? data.diff : undefined;
  if (!isObject(diff)) return fail(world, conn, "BAD_REQUEST", "Invalid chat data.");
  if (typeof diff.type !== "string" || !DIFF_TYPES.has(diff.type)) {
    return fail(world, conn, "BAD_REQUEST", "Unknown diff type.");
  }
  if (diff.type !== "delete" && typeof diff.text !== "string") {
    return fail(world, conn, "BAD_REQUEST", "Diff text must be string.");
  }
  if (diff.type !== "full-replace" && !(typeof diff.index === "number" && diff.index >= 0)) {
    return fail(world, conn, "BAD_REQUEST", "Invalid diff index.");
  }
  if (diff.type === "delete" && !(typeof diff.count === "number" && diff.count >= 0)) {
    return fail(world, conn, "BAD_REQUEST", "Invalid delete count.");
  }
  const text = typeof diff.text === "string" ? diff.text.slice(0, MAX_MESSAGE_LENGTH) : "";
  const accepted: Diff = diff.type === "full-replace"
    ? { type: "full-replace", text }
    : diff.type === "delete"
    ? { type: "delete", index: diff.index as number, count: diff.count as number }
    : { type: diff.type as "add" | "replace", index: diff.index as number, text };
  world.chat.queue(conn, userId, accepted);
};

const typing: Handler = (world, conn, data) => {
  const room = currentRoom(world, conn);
  const userId = conn.session.data.userId;
  // Silently ignored unless the payload is { isTyping: boolean } (§4.9).
  if (!room || !userId || !v.is(TypingRequestSchema, data)) return;
  const broadcast = (isTyping: boolean) => {
    for (const m of world.members(room.id)) {
      if (m === conn) continue;
      world.send(m, "user typing", {
        userId,
        username: conn.session.data.username ?? "Anonymous",
        isTyping,
      });
    }
  };
  clearTimeout(room.typingTimers.get(userId));
  room.typingTimers.delete(userId);
  broadcast(data.isTyping);
  if (data.isTyping) {
    room.typingTimers.set(
      userId,
      setTimeout(() => {
        room.typingTimers.delete(userId);
        if (world.rooms.get(room.id) === room) broadcast(false);
      }, world.opts.timing.typingTimeoutMs),
    );
  }
};

const vote: Handler = (world, conn, data) => {
  const room = currentRoom(world, conn);
  const voter = conn.session.data.userId;
  // Silently ignored without a string targetUserId (§4.10).
  if (!v.is(VoteRequestSchema, data) || !voter || !room) return;
  const target = data.targetUserId;
  if (!room.users.some((u) => u.id === voter) || target === voter) return;
  if (room.users.length < world.opts.limits.minUsersForVoting) return;
  if (!room.users.some((u) => u.id === target)) return;
  if (room.votes.get(voter) === target) room.votes.delete(voter);
  else room.votes.set(voter, target);
  for (const m of world.members(room.id)) {
    world.send(m, "update votes", Object.fromEntries(room.votes));
  }
  const against = [...room.votes.values()].filter((t) => t === target).length;
  if (against > Math.floor(room.users.length / 2)) world.kick(room, target);
};

const afkResponse: Handler = (world, conn) => {
  if (currentRoom(world, conn)) world.resetAfk(conn);
};

// Developer mode is off, as on a server without DEV_KEY_HASH (the default): no socket is a
// developer, `dev force kick` is refused and the other `dev …` events have no effect (§4.13).
const devForceKick: Handler = (world, conn) => fail(world, conn, "FORBIDDEN", "Access denied.");

/** Every handled client -> server event. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  "check signin status": checkSignin,
  "join lobby": joinLobby,
  "get rooms": getRooms,
  "get room state": getRoomState,
  "create room": createRoom,
  "join room": joinRoom,
  "leave room": leaveRoom,
  "chat update": chatUpdate,
  "typing": typing,
  "vote": vote,
  "afk response": afkResponse,
  "dev force kick": devForceKick,
};
