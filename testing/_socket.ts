// Client -> server socket events (docs/protocol.md §4), with the real server's
// check order, error events and silent ignores.

import * as v from "valibot";
import { TypingRequestSchema, VoteRequestSchema } from "../schemas/validators.gen.ts";
import type { Conn, Diff, Room, World } from "./_world.ts";
import { isSignedIn } from "./_session.ts";
import { sanitizeName, validateRoom, validateSignin } from "./_text.ts";
import { quote, roomName, userName } from "./_activity.ts";
import { isAccessCode } from "../schemas/checks.ts";
import { messageText, SERVER_MESSAGES, type ServerMessageName } from "../schemas/messages.ts";
import {
  MAX_LOCATION_LENGTH,
  MAX_MESSAGE_LENGTH,
  MAX_ROOM_NAME_LENGTH,
  MAX_USERNAME_LENGTH,
} from "../schemas/limits.gen.ts";

type EnvelopeExtra = { replaceDefaultText?: boolean; details?: Record<string, string> };

/** `ErrorEnvelope` payload of a server text of the schema's table (schemas/protocol.gen.ts). */
export function envelope(
  name: ServerMessageName,
  values: Readonly<Record<string, string | number>> = {},
  extra: EnvelopeExtra = {},
): { error: Record<string, unknown> } {
  const error: Record<string, unknown> = {
    code: SERVER_MESSAGES[name].code,
    message: messageText(name, values),
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

/** Sends a failure of the schema's table on its event (`error`, `room not found`, `room full`). */
function fail(
  world: World,
  conn: Conn,
  name: ServerMessageName,
  values?: Readonly<Record<string, string | number>>,
  extra?: EnvelopeExtra,
): void {
  world.send(conn, SERVER_MESSAGES[name].event, envelope(name, values, extra));
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
  if (!isObject(data)) return fail(world, conn, "INVALID_DATA");
  const errors = validateSignin(data);
  if (Object.keys(errors).length > 0) return void world.send(conn, "validation_error", errors);
  const username = sanitizeName(data.username as string, MAX_USERNAME_LENGTH);
  let location = data.location
    ? sanitizeName(String(data.location), MAX_LOCATION_LENGTH)
    : "On The Web";
  if (username === "") {
    return fail(world, conn, "USERNAME_NO_VALID_CHARACTERS");
  }
  if (location === "") location = "On The Web";
  if (world.filter?.isForbidden(username)) {
    return fail(world, conn, "USERNAME_FORBIDDEN_WORDS");
  }
  if (world.filter?.isForbidden(location)) {
    return fail(world, conn, "LOCATION_FORBIDDEN_WORDS");
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
    return fail(world, conn, "ROOM_ID_REQUIRED");
  }
  const room = world.rooms.get(data);
  if (!room) return fail(world, conn, "ROOM_NOT_FOUND_ERROR");
  world.send(conn, "room state", world.snapshot(room));
};

const createRoom: Handler = (world, conn, data) => {
  if (!isObject(data)) return fail(world, conn, "INVALID_DATA");
  const d = conn.session.data;
  if (!d.userId) return fail(world, conn, "SIGN_IN_TO_CREATE");
  const errors = validateRoom(data);
  if (Object.keys(errors).length > 0) return void world.send(conn, "validation_error", errors);
  if (isAnonymousLoose(d.username, d.location)) {
    return fail(world, conn, "ANONYMOUS_CANNOT_CREATE");
  }
  const now = Date.now();
  if (world.rooms.size >= world.opts.limits.hardMaxRooms) {
    return fail(world, conn, "SERVER_AT_CAPACITY");
  }
  const limit = world.currentLimit();
  const healthy = [...world.rooms.values()].filter((r) => world.isHealthy(r, now)).length;
  if (healthy >= limit) {
    return fail(world, conn, "ROOM_LIMIT_REACHED", { limit });
  }
  if (nameInAnyRoom(world, d.username, d.location) || roomOfUser(world, d.userId)) {
    return fail(world, conn, "ALREADY_IN_ROOM");
  }
  const t = world.opts.timing;
  const lastUser = world.lastCreateByUser.get(d.userId);
  if (lastUser !== undefined && now - lastUser < t.roomCreationCooldownMs) {
    return fail(world, conn, "CREATING_ROOMS_TOO_FAST");
  }
  const ipRooms = new Set(
    [...world.conns.values()].filter((c) => c.ip === conn.ip && c.roomId).map((c) => c.roomId),
  );
  if (ipRooms.size >= world.opts.rateLimits.maxRoomsPerIp) {
    return fail(world, conn, "TOO_MANY_ROOMS");
  }
  const lastIp = world.lastCreateByIp.get(conn.ip);
  if (lastIp !== undefined && now - lastIp < t.ipRoomCreationCooldownMs) {
    const wait = Math.ceil((t.ipRoomCreationCooldownMs - (now - lastIp)) / 1000);
    return fail(world, conn, "PLEASE_WAIT_TO_CREATE", { seconds: wait });
  }
  const name = sanitizeName(data.name as string, MAX_ROOM_NAME_LENGTH);
  if (name === "") {
    return fail(world, conn, "ROOM_NAME_NO_VALID_CHARACTERS");
  }
  if (world.nameTaken(name)) {
    return fail(world, conn, "ROOM_NAME_EXISTS");
  }
  if (world.filter?.isForbidden(name)) {
    return fail(world, conn, "ROOM_NAME_FORBIDDEN_WORDS");
  }
  const id = world.newRoomId();
  if (!id) return fail(world, conn, "COULD_NOT_GENERATE_ROOM_ID");
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
  if (!isObject(data) || !data.roomId) return fail(world, conn, "INVALID_DATA");
  const room = world.rooms.get(data.roomId as string);
  if (!room) {
    return fail(world, conn, "ROOM_NOT_FOUND");
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
    return fail(world, conn, "ALREADY_IN_NAMED_ROOM", { name: other.name }, {
      replaceDefaultText: true,
      details: { currentRoomId: other.id, currentRoomName: other.name },
    });
  }
  if (room.type === "semi-private") {
    const code = d.validatedRooms[room.id] ?? data.accessCode;
    if (!code) return void world.send(conn, "access code required");
    if (!isAccessCode(code)) {
      return fail(world, conn, "INVALID_ACCESS_CODE_FORMAT");
    }
    if (code !== room.accessCode) return fail(world, conn, "INCORRECT_ACCESS_CODE");
    d.validatedRooms[room.id] = code;
  }
  if (room.banned.has(userId)) {
    return fail(world, conn, "BANNED");
  }
  if (world.blacklistUsers.has(userId) || world.blacklistIps.has(conn.ip)) {
    return fail(world, conn, "ACCESS_DENIED");
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
      return fail(world, conn, "TOO_MANY_JOIN_ATTEMPTS");
    }
  }
  if (!anonymous && nameInAnyRoom(world, d.username, d.location)) {
    return fail(world, conn, "NAME_IN_USE");
  }
  const present = room.users.some((u) => u.id === userId);
  if (!present && room.users.length >= world.opts.limits.roomCapacity) {
    return fail(world, conn, "ROOM_FULL");
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
  if (!isObject(diff)) return fail(world, conn, "INVALID_CHAT_DATA");
  if (typeof diff.type !== "string" || !DIFF_TYPES.has(diff.type)) {
    return fail(world, conn, "UNKNOWN_DIFF_TYPE");
  }
  if (diff.type !== "delete" && typeof diff.text !== "string") {
    return fail(world, conn, "DIFF_TEXT_NOT_STRING");
  }
  if (diff.type !== "full-replace" && !(typeof diff.index === "number" && diff.index >= 0)) {
    return fail(world, conn, "INVALID_DIFF_INDEX");
  }
  if (diff.type === "delete" && !(typeof diff.count === "number" && diff.count >= 0)) {
    return fail(world, conn, "INVALID_DELETE_COUNT");
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
const devForceKick: Handler = (world, conn) => fail(world, conn, "ACCESS_DENIED");

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
