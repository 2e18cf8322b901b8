/**
 * Friendly shapes of users and rooms, the one place each wire shape is
 * converted into them, the vote-map conversion (the wire map is keyed by
 * VOTER; ours by target), and the state reducer that turns validated wire
 * events into state changes plus the friendly events to dispatch.
 *
 * @example
 * ```ts
 * import { votesByTarget, voteChanges } from "./state.ts";
 *
 * votesByTarget({ alice: "carol", bob: "carol" }); // Map { "carol" => ["alice", "bob"] }
 * voteChanges({ alice: "carol" }, { alice: "bob" });
 * // [{ voter: "alice", target: "carol", added: false }, { voter: "alice", target: "bob", added: true }]
 * ```
 *
 * @module
 */

import type {
  LobbyRoom as WireLobbyRoom,
  RoomJoined as WireRoomJoined,
  RoomSnapshot as WireRoomSnapshot,
  ServerEventName,
  ServerEvents,
  UserView as WireUserView,
} from "../schemas/mod.ts";
import { applyDiff, type TextDiff } from "./diff.ts";
import type { BotEventRecord, RoomLeftReason } from "./events.ts";

/** A user id: the server's session id, always a string. */
export type UserId = string;
/** A room id: exactly 6 decimal digits, always a string. */
export type RoomId = string;
/** Who may find and join a room. */
export type RoomType = "public" | "semi-private" | "private";
/** Display-only layout of a room. */
export type RoomLayout = "horizontal" | "vertical";

/** A user, as the bot knows it. */
export interface User {
  /** The user id (session id). */
  readonly id: UserId;
  /** Display name (at most 15 characters). */
  readonly name: string;
  /** Location (at most 20 characters). */
  readonly location: string;
  /** A Talkomatic developer. */
  readonly isDev: boolean;
  /** A developer's flair colour `#rrggbb`, when set. */
  readonly devColor?: string;
}

/** The bot's own identity after signing in. */
export interface Me {
  /** The bot's user id. */
  readonly id: UserId;
  /** The bot's name as the server stored it. */
  readonly name: string;
  /** The bot's location as the server stored it. */
  readonly location: string;
  /** The server sees this connection as a bot (token). */
  readonly isBot: boolean;
}

/** A lobby entry (public and semi-private rooms). */
export interface LobbyRoom {
  /** Room id. */
  readonly id: RoomId;
  /** Room name. */
  readonly name: string;
  /** Room type (private rooms are never listed). */
  readonly type: "public" | "semi-private";
  /** Layout. */
  readonly layout: RoomLayout;
  /** Five occupants. */
  readonly isFull: boolean;
  /** Occupants. */
  readonly userCount: number;
  /** The occupants this bot can see. */
  readonly users: readonly User[];
  /** When someone last typed, or `undefined` if nobody has. */
  readonly lastChatActivity?: Date;
  /** Creation time (approximate for rooms created over REST). */
  readonly createdAt: Date;
}

/** The room the bot is in, as one immutable snapshot. */
export interface Room {
  /** Room id. */
  readonly id: RoomId;
  /** Room name. */
  readonly name: string;
  /** Room type. */
  readonly type: RoomType;
  /** Layout. */
  readonly layout: RoomLayout;
  /** Occupants the bot can see, the bot included. */
  readonly users: readonly User[];
  /** Votes by TARGET: target id -> ids of the users voting to kick it. */
  readonly votes: ReadonlyMap<UserId, readonly UserId[]>;
  /** Each occupant's current text, by user id (the bot's own is its local mirror). */
  readonly texts: ReadonlyMap<UserId, string>;
  /** Five occupants. */
  readonly isFull: boolean;
  /** Occupants. */
  readonly userCount: number;
}

/**
 * Converts a wire user to a friendly one (the one place this happens).
 *
 * @param wire A `UserView` from any payload.
 * @returns The friendly user.
 * @example
 * ```ts
 * import { toUser } from "./state.ts";
 * toUser({ id: "u1", username: "Ann", location: "Oslo" }).name; // "Ann"
 * ```
 */
export function toUser(wire: WireUserView): User {
  const user: User = {
    id: wire.id,
    name: wire.username,
    location: wire.location,
    isDev: wire.isDev === true,
    ...(wire.devColor !== undefined ? { devColor: wire.devColor } : {}),
  };
  return Object.freeze(user);
}

/**
 * Converts a wire lobby entry.
 *
 * @param wire A `LobbyRoom` from `lobby update` / `initial rooms`.
 * @returns The friendly lobby room.
 * @example
 * ```ts
 * import { toLobbyRoom } from "./state.ts";
 * const room = toLobbyRoom({
 *   id: "123456", name: "Hi", type: "public", layout: "vertical", isFull: false,
 *   userCount: 0, visibleUserCount: 0, lastChatActivity: 0, createdAt: 0, users: [],
 * });
 * room.lastChatActivity; // undefined
 * ```
 */
export function toLobbyRoom(wire: WireLobbyRoom): LobbyRoom {
  return Object.freeze({
    id: wire.id,
    name: wire.name,
    type: wire.type,
    layout: wire.layout,
    isFull: wire.isFull,
    userCount: wire.userCount,
    users: Object.freeze(wire.users.map(toUser)),
    ...(wire.lastChatActivity > 0 ? { lastChatActivity: new Date(wire.lastChatActivity) } : {}),
    createdAt: new Date(wire.createdAt),
  });
}

/**
 * Converts the wire vote map (voter -> target) to ours (target -> voters,
 * voters sorted for determinism).
 *
 * @param wire The `VoteMap`.
 * @returns Target id -> voter ids.
 * @example
 * ```ts
 * import { votesByTarget } from "./state.ts";
 * votesByTarget({ a: "c", b: "c" }).get("c"); // ["a", "b"]
 * ```
 */
export function votesByTarget(
  wire: Readonly<Record<UserId, UserId>>,
): ReadonlyMap<UserId, readonly UserId[]> {
  const out = new Map<UserId, UserId[]>();
  for (const voter of Object.keys(wire).sort()) {
    const target = wire[voter];
    const list = out.get(target) ?? [];
    list.push(voter);
    out.set(target, list);
  }
  return out;
}

/**
 * The inverse of {@linkcode votesByTarget}.
 *
 * @param votes Target id -> voter ids.
 * @returns The wire map, voter -> target.
 * @throws {TypeError} When one voter appears under two targets (not a valid vote state).
 * @example
 * ```ts
 * import { votesByVoter } from "./state.ts";
 * votesByVoter(new Map([["c", ["a"]]])); // { a: "c" }
 * ```
 */
export function votesByVoter(
  votes: ReadonlyMap<UserId, readonly UserId[]>,
): Record<UserId, UserId> {
  const out: Record<UserId, UserId> = {};
  for (const [target, voters] of votes) {
    for (const voter of voters) {
      if (Object.hasOwn(out, voter)) {
        throw new TypeError(`Cannot convert votes: voter "${voter}" votes twice`);
      }
      out[voter] = target;
    }
  }
  return out;
}

/** One vote change between two wire vote maps. */
export interface VoteChange {
  /** Who voted. */
  readonly voter: UserId;
  /** Against whom. */
  readonly target: UserId;
  /** Cast (`true`) or withdrawn (`false`). */
  readonly added: boolean;
}

/**
 * The vote changes between two wire maps (voter -> target): a moved vote is a
 * withdrawal followed by a new vote. Sorted by voter.
 *
 * @param before The previous map.
 * @param after The new map.
 * @returns The changes.
 * @example
 * ```ts
 * import { voteChanges } from "./state.ts";
 * voteChanges({}, { a: "b" }); // [{ voter: "a", target: "b", added: true }]
 * ```
 */
export function voteChanges(
  before: Readonly<Record<UserId, UserId>>,
  after: Readonly<Record<UserId, UserId>>,
): VoteChange[] {
  const voters = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changes: VoteChange[] = [];
  for (const voter of voters) {
    const was = Object.hasOwn(before, voter) ? before[voter] : undefined;
    const now = Object.hasOwn(after, voter) ? after[voter] : undefined;
    if (was === now) continue;
    if (was !== undefined) changes.push({ voter, target: was, added: false });
    if (now !== undefined) changes.push({ voter, target: now, added: true });
  }
  return changes;
}

function freezeRoom(room: Room): Room {
  return Object.freeze(room);
}

/**
 * The bot's state: identity, lobby, current room, every user seen, and the
 * reducer {@linkcode BotState.apply} that updates it from one validated wire
 * event and returns the friendly events to dispatch. No I/O.
 *
 * @example
 * ```ts
 * import { BotState } from "./state.ts";
 * const state = new BotState();
 * state.apply("user typing", { userId: "u1", username: "Ann", isTyping: true });
 * ```
 */
export class BotState {
  /**
   * The bot's identity, once signed in.
   *
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("signin status", {
   *   isSignedIn: true,
   *   username: "Helper",
   *   location: "Lab",
   *   userId: "bot1",
   *   isIPBased: false,
   *   isBot: true,
   *   isDev: false,
   * });
   * assertEquals(state.me, { id: "bot1", name: "Helper", location: "Lab", isBot: true });
   * ```
   */
  me: Me | undefined;
  /**
   * The lobby, kept current from `lobby update`.
   *
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("lobby update", [{
   *   id: "123456",
   *   name: "Lounge",
   *   type: "public",
   *   layout: "vertical",
   *   users: [{ id: "u1", username: "Ann", location: "Home" }],
   *   isFull: false,
   *   userCount: 1,
   *   visibleUserCount: 1,
   *   lastChatActivity: 0,
   *   createdAt: 1700000000000,
   * }]);
   * assertEquals(state.rooms.map((r) => r.name), ["Lounge"]);
   * ```
   */
  rooms: readonly LobbyRoom[] = [];
  /**
   * The current room, or `undefined`.
   *
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("room joined", {
   *   roomId: "123456",
   *   userId: "bot1",
   *   username: "Helper",
   *   location: "Lab",
   *   isDev: false,
   *   isHidden: false,
   *   isVanished: false,
   *   roomName: "Lounge",
   *   roomType: "public",
   *   layout: "vertical",
   *   users: [{ id: "u1", username: "Ann", location: "Home" }, { id: "bot1", username: "Helper", location: "Lab" }],
   *   votes: {},
   *   currentMessages: { u1: "hi" },
   * });
   * assertEquals(state.room?.name, "Lounge");
   * assertEquals(state.room?.texts.get("u1"), "hi");
   * ```
   */
  room: Room | undefined;
  /**
   * Every user seen, by id.
   *
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("user typing", { userId: "u1", username: "Ann", isTyping: true });
   * assertEquals(state.users.get("u1")?.name, "Ann"); // remembered even outside a room
   * ```
   */
  readonly users: Map<UserId, User> = new Map();
  /** The wire vote map of the current room (voter -> target). */
  private wireVotes: Record<UserId, UserId> = {};
  /**
   * Why the bot is about to leave its room (set by kicked / afk timeout / leaveRoom()).
   *
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("room joined", {
   *   roomId: "123456",
   *   userId: "bot1",
   *   username: "Helper",
   *   location: "Lab",
   *   isDev: false,
   *   isHidden: false,
   *   isVanished: false,
   *   roomName: "Lounge",
   *   roomType: "public",
   *   layout: "vertical",
   *   users: [{ id: "bot1", username: "Helper", location: "Lab" }],
   *   votes: {},
   *   currentMessages: {},
   * });
   * state.apply("kicked", undefined);
   * assertEquals(state.pendingLeave, "kicked");
   * const [left] = state.apply("user left", "bot1");
   * if (left.name === "roomLeft") assertEquals(left.data.reason, "kicked");
   * ```
   */
  pendingLeave: RoomLeftReason | undefined;

  /**
   * The bot's own text changed locally (after a send); updates the mirror.
   *
   * @param text The sanitised text the server will hold.
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("room joined", {
   *   roomId: "123456",
   *   userId: "bot1",
   *   username: "Helper",
   *   location: "Lab",
   *   isDev: false,
   *   isHidden: false,
   *   isVanished: false,
   *   roomName: "Lounge",
   *   roomType: "public",
   *   layout: "vertical",
   *   users: [{ id: "bot1", username: "Helper", location: "Lab" }],
   *   votes: {},
   *   currentMessages: {},
   * });
   * state.setOwnText("Hello!");
   * assertEquals(state.room?.texts.get("bot1"), "Hello!");
   * ```
   */
  setOwnText(text: string): void {
    if (!this.room || !this.me) return;
    const texts = new Map(this.room.texts);
    texts.set(this.me.id, text);
    this.room = freezeRoom({ ...this.room, texts });
  }

  /**
   * Forgets the current room without events (used when the connection is lost).
   *
   * @returns The room that was current.
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("room joined", {
   *   roomId: "123456",
   *   userId: "bot1",
   *   username: "Helper",
   *   location: "Lab",
   *   isDev: false,
   *   isHidden: false,
   *   isVanished: false,
   *   roomName: "Lounge",
   *   roomType: "public",
   *   layout: "vertical",
   *   users: [{ id: "bot1", username: "Helper", location: "Lab" }],
   *   votes: {},
   *   currentMessages: {},
   * });
   * assertEquals(state.dropRoom()?.id, "123456"); // the connection was lost
   * assertEquals(state.room, undefined);
   * ```
   */
  dropRoom(): Room | undefined {
    const room = this.room;
    this.room = undefined;
    this.wireVotes = {};
    this.pendingLeave = undefined;
    return room;
  }

  /** @ignore */
  private remember(user: User): User {
    this.users.set(user.id, user);
    return user;
  }

  /** @ignore */
  private userFor(id: UserId, name?: string): User {
    const inRoom = this.room?.users.find((u) => u.id === id);
    if (inRoom) return inRoom;
    const known = this.users.get(id);
    if (known) return known;
    return this.remember(toUser({ id, username: name ?? "", location: "" }));
  }

  /** @ignore */
  private roomFrom(
    wire: {
      users: WireUserView[];
      votes: Record<string, string>;
      currentMessages: Record<string, string>;
    },
    head: Pick<Room, "id" | "name" | "type" | "layout">,
    counts: { isFull: boolean; userCount: number },
  ): Room {
    const users = Object.freeze(wire.users.map((u) => this.remember(toUser(u))));
    const texts = new Map<UserId, string>();
    for (const u of users) texts.set(u.id, wire.currentMessages[u.id] ?? "");
    return freezeRoom({ ...head, users, votes: votesByTarget(wire.votes), texts, ...counts });
  }

  /**
   * Applies one validated wire event.
   *
   * @param event The wire event name.
   * @param payload Its validated payload.
   * @returns The friendly events to dispatch, in order.
   * @example
   * ```ts
   * import { BotState } from "@talkomatic/talkomatic/bot";
   * import { assertEquals } from "@std/assert";
   *
   * const state = new BotState();
   * state.apply("room joined", {
   *   roomId: "123456",
   *   userId: "bot1",
   *   username: "Helper",
   *   location: "Lab",
   *   isDev: false,
   *   isHidden: false,
   *   isVanished: false,
   *   roomName: "Lounge",
   *   roomType: "public",
   *   layout: "vertical",
   *   users: [{ id: "u1", username: "Ann", location: "Home" }, { id: "bot1", username: "Helper", location: "Lab" }],
   *   votes: {},
   *   currentMessages: { u1: "Hel" },
   * });
   * const events = state.apply("chat update", {
   *   userId: "u1",
   *   username: "Ann",
   *   diff: { type: "add", index: 3, text: "lo" },
   * });
   * assertEquals(events.map((e) => e.name), ["message"]);
   * assertEquals(state.room?.texts.get("u1"), "Hello");
   * ```
   */
  apply<K extends ServerEventName>(event: K, payload: ServerEvents[K]): BotEventRecord[] {
    return this.reduce(event, payload as unknown);
  }

  /** @ignore */
  private reduce(event: ServerEventName, payload: unknown): BotEventRecord[] {
    switch (event) {
      case "signin status": {
        const p = payload as ServerEvents["signin status"];
        if (p.isSignedIn) {
          this.me = Object.freeze({
            id: p.userId,
            name: p.username,
            location: p.location,
            isBot: p.isBot,
          });
        }
        return [];
      }
      case "initial rooms":
      case "lobby update": {
        const list = (payload as WireLobbyRoom[]).map(toLobbyRoom);
        for (const r of list) for (const u of r.users) this.remember(u);
        this.rooms = Object.freeze(list);
        return [{ name: "lobbyUpdate", data: { rooms: this.rooms } }];
      }
      case "room created":
        return [{ name: "roomCreated", data: { roomId: payload as string } }];
      case "room joined":
        return this.joined(payload as WireRoomJoined);
      case "user joined": {
        const p = payload as ServerEvents["user joined"];
        if (!this.room) return [];
        const user = this.remember(toUser(p));
        if (this.room.users.some((u) => u.id === user.id)) return [];
        const texts = new Map(this.room.texts);
        texts.set(user.id, "");
        this.room = freezeRoom({
          ...this.room,
          users: Object.freeze([...this.room.users, user]),
          texts,
        });
        return [{ name: "userJoin", data: { user } }];
      }
      case "user left":
        return this.left(payload as string);
      case "room update":
        return this.snapshot(payload as WireRoomSnapshot);
      case "chat update": {
        const p = payload as ServerEvents["chat update"];
        if (!this.room || p.userId === this.me?.id) return [];
        const user = this.userFor(p.userId, p.username);
        const previous = this.room.texts.get(p.userId) ?? "";
        const text = applyDiff(previous, p.diff as TextDiff);
        const texts = new Map(this.room.texts);
        texts.set(p.userId, text);
        this.room = freezeRoom({ ...this.room, texts });
        if (text === previous) return [];
        return [{ name: "message", data: { user, text, previous } }];
      }
      case "user typing": {
        const p = payload as ServerEvents["user typing"];
        return [{
          name: "typing",
          data: { user: this.userFor(p.userId, p.username), isTyping: p.isTyping },
        }];
      }
      case "update votes":
        return this.votes(payload as Record<string, string>);
      case "kicked":
        if (!this.room) return [];
        this.pendingLeave = "kicked";
        return [{ name: "kicked", data: { room: this.room } }];
      case "afk warning": {
        const p = payload as ServerEvents["afk warning"];
        return [{
          name: "afkWarning",
          data: { message: p.message, secondsRemaining: p.secondsRemaining },
        }];
      }
      case "afk timeout": {
        const p = payload as ServerEvents["afk timeout"];
        const closed = /closed/i.test(p.message);
        if (this.room) this.pendingLeave = closed ? "closed" : "afk";
        return [{ name: "afkTimeout", data: { message: p.message, closed } }];
      }
      default:
        return [];
    }
  }

  /** @ignore */
  private joined(p: WireRoomJoined): BotEventRecord[] {
    this.me = Object.freeze({
      id: p.userId,
      name: p.username,
      location: p.location,
      isBot: this.me?.isBot ?? true,
    });
    this.wireVotes = { ...p.votes };
    this.pendingLeave = undefined;
    const userCount = p.users.length;
    this.room = this.roomFrom(
      p,
      { id: p.roomId, name: p.roomName, type: p.roomType, layout: p.layout },
      { isFull: userCount >= 5, userCount },
    );
    return [{ name: "roomJoined", data: { room: this.room } }];
  }

  /** @ignore */
  private left(id: UserId): BotEventRecord[] {
    const room = this.room;
    if (!room) return [];
    if (id === this.me?.id) {
      const reason = this.pendingLeave ?? "left";
      this.dropRoom();
      return [{ name: "roomLeft", data: { room, reason } }];
    }
    const user = room.users.find((u) => u.id === id);
    if (!user) return [];
    const texts = new Map(room.texts);
    texts.delete(id);
    const votes = Object.fromEntries(
      Object.entries(this.wireVotes).filter(([voter, target]) => voter !== id && target !== id),
    );
    this.wireVotes = votes;
    this.room = freezeRoom({
      ...room,
      users: Object.freeze(room.users.filter((u) => u.id !== id)),
      texts,
      votes: votesByTarget(votes),
      userCount: Math.max(0, room.userCount - 1),
      isFull: false,
    });
    return [{ name: "userLeave", data: { user, reason: "left" } }];
  }

  /** @ignore */
  private snapshot(p: WireRoomSnapshot): BotEventRecord[] {
    const room = this.room;
    if (!room || p.id !== room.id) return [];
    const meId = this.me?.id;
    if (meId !== undefined && !p.users.some((u) => u.id === meId)) {
      const reason = this.pendingLeave ?? "removed";
      this.dropRoom();
      return [{ name: "roomLeft", data: { room, reason } }];
    }
    const out: BotEventRecord[] = [];
    const next = this.roomFrom(p, { id: p.id, name: p.name, type: p.type, layout: p.layout }, {
      isFull: p.isFull,
      userCount: p.userCount,
    });
    const nextIds = new Set(next.users.map((u) => u.id));
    const oldIds = new Set(room.users.map((u) => u.id));
    for (const u of room.users) {
      if (!nextIds.has(u.id)) {
        out.push({ name: "userLeave", data: { user: u, reason: "vanished" } });
      }
    }
    for (const u of next.users) {
      if (!oldIds.has(u.id)) out.push({ name: "userJoin", data: { user: u } });
    }
    const texts = new Map(next.texts);
    for (const u of next.users) {
      if (u.id === meId) {
        texts.set(u.id, room.texts.get(u.id) ?? texts.get(u.id) ?? "");
        continue;
      }
      const previous = room.texts.get(u.id);
      const text = texts.get(u.id) ?? "";
      if (previous !== undefined && previous !== text) {
        out.push({ name: "message", data: { user: u, text, previous } });
      }
    }
    const votes = this.voteEvents({ ...p.votes }, next.users);
    this.room = freezeRoom({ ...next, texts });
    return [...out, ...votes];
  }

  /** @ignore */
  private votes(wire: Record<UserId, UserId>): BotEventRecord[] {
    if (!this.room) return [];
    const events = this.voteEvents({ ...wire }, this.room.users);
    this.room = freezeRoom({ ...this.room, votes: votesByTarget(this.wireVotes) });
    return events;
  }

  /** @ignore */
  private voteEvents(wire: Record<UserId, UserId>, users: readonly User[]): BotEventRecord[] {
    const changes = voteChanges(this.wireVotes, wire);
    this.wireVotes = wire;
    const find = (id: UserId): User => users.find((u) => u.id === id) ?? this.userFor(id);
    return changes.map((c) => ({
      name: "vote" as const,
      data: { voter: find(c.voter), target: find(c.target), added: c.added },
    }));
  }
}
