/**
 * What the bot knows (who it is, the lobby, its room), kept from the wire
 * events. Wire shapes become the friendly types here and nowhere else
 * (docs/protocol.md §16: `roomId` vs `id`, bare ids, votes keyed by voter,
 * the leaver receiving its own leave events). State is updated in place;
 * handlers get frozen views built when read. Each change is reported to a
 * {@linkcode StateSink}.
 *
 * @module
 */

import type {
  ListedRoom as WireLobbyRoom,
  ServerEventName,
  ServerEvents,
  UserView as WireUserView,
} from "../../schemas/mod.ts";
import { ROOM_CAPACITY } from "../../schemas/limits.gen.ts";
import { isRoomClosure } from "./server_messages.ts";
import { applyDiff, sanitizeChat } from "../../schemas/text.ts";
import type {
  LobbyRoom,
  Me,
  Room,
  RoomId,
  RoomLayout,
  RoomLeftReason,
  RoomType,
  User,
  UserId,
  UserLeftReason,
} from "../model.ts";
import { type Clock, realClock } from "../clock.ts";

/** Receives every change the state sees. */
export interface StateSink {
  signedIn(me: Me): void;
  lobby(): void;
  roomCreated(roomId: RoomId): void;
  roomJoined(): void;
  roomLeft(room: Room, reason: RoomLeftReason): void;
  userJoin(user: User): void;
  userLeave(user: User, reason: UserLeftReason): void;
  /** `bulk`: the text came with a room snapshot, not typed. */
  text(user: User, text: string, previous: string, bulk: boolean): void;
  typing(user: User, isTyping: boolean): void;
  vote(voter: User, target: User, added: boolean): void;
  kicked(room: Room): void;
  afkWarning(message: string, secondsRemaining: number): void;
  afkTimeout(message: string, closed: boolean): void;
}

function toUser(wire: WireUserView): User {
  return Object.freeze({
    id: wire.id,
    name: wire.username,
    location: wire.location,
    isDev: wire.isDev === true,
    ...(wire.devColor !== undefined ? { devColor: wire.devColor } : {}),
  });
}

function toLobbyRoom(wire: WireLobbyRoom): LobbyRoom {
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

/** Inverts the wire's voter → target map into target → voters. */
export function votesByTarget(
  votes: ReadonlyMap<UserId, UserId>,
): ReadonlyMap<UserId, readonly UserId[]> {
  const out = new Map<UserId, UserId[]>();
  for (const voter of [...votes.keys()].sort()) {
    const target = votes.get(voter)!;
    const list = out.get(target);
    if (list) list.push(voter);
    else out.set(target, [voter]);
  }
  return out;
}

/** How long vote withdrawals wait for a leave that would explain them. */
const LEAVE_WINDOW_MS = 250;

/** The bot's room, updated in place. */
class RoomState {
  id: RoomId;
  name: string;
  type: RoomType;
  layout: RoomLayout;
  isFull: boolean;
  userCount: number;
  readonly users = new Map<UserId, User>();
  readonly texts = new Map<UserId, string>();
  votes = new Map<UserId, UserId>();
  #view: Room | undefined;

  constructor(head: Pick<Room, "id" | "name" | "type" | "layout">) {
    this.id = head.id;
    this.name = head.name;
    this.type = head.type;
    this.layout = head.layout;
    this.isFull = false;
    this.userCount = 0;
  }

  changed(): void {
    this.#view = undefined;
  }

  view(): Room {
    return this.#view ??= Object.freeze({
      id: this.id,
      name: this.name,
      type: this.type,
      layout: this.layout,
      users: Object.freeze([...this.users.values()]),
      votes: votesByTarget(this.votes),
      texts: new Map(this.texts),
      isFull: this.isFull,
      userCount: this.userCount,
    });
  }
}

type Reducers = { [K in ServerEventName]?: (state: BotState, payload: ServerEvents[K]) => void };

/** Applies wire events to the state; unknown and board/dev events change nothing. */
const REDUCERS: Reducers = {
  "signin status": (s, p) => {
    if (!p.isSignedIn) return;
    s.me = Object.freeze({ id: p.userId, name: p.username, location: p.location, isBot: p.isBot });
    s.sink.signedIn(s.me);
  },
  "initial rooms": (s, p) => s.setLobby(p),
  "lobby update": (s, p) => s.setLobby(p),
  "room created": (s, p) => s.sink.roomCreated(p),
  "room joined": (s, p) => {
    s.me = Object.freeze({
      id: p.userId,
      name: p.username,
      location: p.location,
      isBot: s.me?.isBot ?? true,
    });
    s.dropRoom();
    // Joining unsubscribes from lobby updates (docs/protocol.md §16.12): forget the list rather than keep it stale.
    s.forgetLobby();
    const room = new RoomState({
      id: p.roomId,
      name: p.roomName,
      type: p.roomType,
      layout: p.layout,
    });
    s.fill(room, p.users, p.currentMessages, p.votes);
    room.userCount = room.users.size;
    room.isFull = room.userCount >= ROOM_CAPACITY;
    s.room = room;
    s.sink.roomJoined();
  },
  "user joined": (s, p) => {
    const room = s.room;
    if (!room || room.users.has(p.id)) return;
    const user = toUser(p);
    room.users.set(user.id, user);
    room.texts.set(user.id, "");
    room.userCount++;
    room.isFull = room.userCount >= ROOM_CAPACITY;
    room.changed();
    s.sink.userJoin(user);
  },
  "user left": (s, id) => s.left(id),
  "room update": (s, p) => {
    const room = s.room;
    if (!room || p.id !== room.id) return;
    if (s.me && !p.users.some((u) => u.id === s.me!.id)) {
      return s.leaveRoom(s.pendingLeave ?? "removed");
    }
    const before = new Map(room.users);
    room.name = p.name;
    room.type = p.type;
    room.layout = p.layout;
    room.isFull = p.isFull;
    room.userCount = p.userCount;
    room.users.clear();
    const previous = new Map(room.texts);
    room.texts.clear();
    s.fill(room, p.users, p.currentMessages, undefined);
    for (const [id, user] of before) {
      if (!room.users.has(id)) s.sink.userLeave(user, "vanished");
    }
    for (const [id, user] of room.users) {
      if (!before.has(id)) s.sink.userJoin(user);
    }
    for (const [id, user] of room.users) {
      const was = previous.get(id);
      if (id === s.me?.id) room.texts.set(id, was ?? room.texts.get(id) ?? "");
      else if (was !== undefined && was !== room.texts.get(id)) {
        s.sink.text(user, room.texts.get(id)!, was, true);
      }
    }
    s.setVotes(p.votes);
  },
  "chat update": (s, p) => {
    const room = s.room;
    if (!room || p.userId === s.me?.id) return;
    const previous = room.texts.get(p.userId) ?? "";
    // The server only sends full-replace (§5.5); any other diff is applied and sanitised as the
    // server applies a client's diff (§7.2, §7.4), with the same code as the local server.
    const text = sanitizeChat(applyDiff(previous, p.diff));
    if (text === previous) return;
    room.texts.set(p.userId, text);
    room.changed();
    s.sink.text(s.userFor(p.userId, p.username), text, previous, false);
  },
  "user typing": (s, p) => {
    if (s.room) s.sink.typing(s.userFor(p.userId, p.username), p.isTyping);
  },
  "update votes": (s, p) => s.setVotes(p),
  "kicked": (s) => {
    if (!s.room) return;
    s.pendingLeave = "kicked";
    s.sink.kicked(s.room.view());
  },
  "afk warning": (s, p) => s.sink.afkWarning(p.message, p.secondsRemaining),
  "afk timeout": (s, p) => {
    const closed = isRoomClosure(p.message);
    if (s.room) s.pendingLeave = closed ? "closed" : "afk";
    s.sink.afkTimeout(p.message, closed);
  },
};

/** The reducers by event name: a map, so finding one is a single lookup. */
const REDUCER_MAP: ReadonlyMap<string, unknown> = new Map(Object.entries(REDUCERS));

/** The bot's knowledge of the server: identity, lobby, room. */
export class BotState {
  me: Me | undefined;
  room: RoomState | undefined;
  pendingLeave: RoomLeftReason | undefined;
  readonly sink: StateSink;
  #lobby: readonly WireLobbyRoom[] = [];
  #rooms: readonly LobbyRoom[] | undefined = [];
  #users: ReadonlyMap<UserId, User> | undefined;
  /** Users with a majority of votes against them: their leave is a kick (§9). */
  #majority = new Set<UserId>();
  /** Vote withdrawals that a leave of one of `users` would explain. */
  #held:
    | { users: UserId[]; changes: [UserId, UserId][]; timer: unknown }
    | undefined;

  readonly #clock: Clock;

  constructor(sink: StateSink, clock: Clock = realClock) {
    this.sink = sink;
    this.#clock = clock;
  }

  /** Applies one validated wire event. */
  apply<K extends ServerEventName>(event: K, payload: ServerEvents[K]): void {
    if (this.#held && event !== "user left") this.#flush();
    const reduce = REDUCER_MAP.get(event) as
      | ((s: BotState, p: ServerEvents[K]) => void)
      | undefined;
    reduce?.(this, payload);
  }

  /** The lobby, converted when first read after a change. */
  get rooms(): readonly LobbyRoom[] {
    return this.#rooms ??= Object.freeze(this.#lobby.map(toLobbyRoom));
  }

  /** Everyone in the lobby list and in the bot's room. */
  get users(): ReadonlyMap<UserId, User> {
    if (this.#users) return this.#users;
    const users = new Map<UserId, User>();
    for (const room of this.rooms) for (const u of room.users) users.set(u.id, u);
    for (const [id, u] of this.room?.users ?? []) users.set(id, u);
    return this.#users = users;
  }

  /** The bot's room as a frozen view. */
  get roomView(): Room | undefined {
    return this.room?.view();
  }

  /** The bot's own text as the server has it. */
  get ownText(): string {
    return (this.me && this.room?.texts.get(this.me.id)) ?? "";
  }

  /** Records the bot's own text (after it was sent). */
  setOwnText(text: string): void {
    if (!this.room || !this.me) return;
    this.room.texts.set(this.me.id, text);
    this.room.changed();
  }

  /** Forgets the room (without events) and returns its last view. */
  dropRoom(): Room | undefined {
    const room = this.room?.view();
    this.room = undefined;
    this.pendingLeave = undefined;
    this.#majority.clear();
    this.#drop();
    this.#users = undefined;
    return room;
  }

  /** Forgets the room and reports why. */
  leaveRoom(reason: RoomLeftReason): void {
    const room = this.dropRoom();
    if (room) this.sink.roomLeft(room, reason);
  }

  /** The bot entered a room: the lobby list would only go stale (and it is the bulk of a bot's memory). */
  forgetLobby(): void {
    this.#lobby = [];
    this.#rooms = undefined;
    this.#users = undefined;
  }

  setLobby(list: readonly WireLobbyRoom[]): void {
    this.#lobby = list;
    this.#rooms = undefined;
    this.#users = undefined;
    this.sink.lobby();
  }

  fill(
    room: RoomState,
    users: readonly WireUserView[],
    texts: Readonly<Record<string, string>>,
    votes: Readonly<Record<string, string>> | undefined,
  ): void {
    for (const wire of users) {
      const known = room.users.get(wire.id);
      const user = known && known.name === wire.username && known.location === wire.location
        ? known
        : toUser(wire);
      room.users.set(user.id, user);
      room.texts.set(user.id, Object.hasOwn(texts, user.id) ? texts[user.id] : "");
    }
    if (votes) room.votes = new Map(Object.entries(votes));
    room.changed();
    this.#users = undefined;
  }

  userFor(id: UserId, name: string): User {
    return this.room?.users.get(id) ?? this.users.get(id) ??
      Object.freeze({ id, name, location: "", isDev: false });
  }

  left(id: UserId): void {
    const room = this.room;
    if (!room) return;
    if (id === this.me?.id) return this.leaveRoom(this.pendingLeave ?? "left");
    if (this.#held && !this.#held.users.includes(id)) this.#flush();
    const user = room.users.get(id);
    if (!user) return;
    this.#drop();
    const kicked = this.#majority.delete(id);
    room.users.delete(id);
    room.texts.delete(id);
    for (const [voter, target] of room.votes) {
      if (voter === id || target === id) room.votes.delete(voter);
    }
    room.userCount = Math.max(0, room.userCount - 1);
    room.isFull = room.userCount >= ROOM_CAPACITY;
    room.changed();
    this.#users = undefined;
    this.sink.userLeave(user, kicked ? "kicked" : "left");
  }

  /**
   * Applies a new vote map. Casts are reported at once. Withdrawals that a
   * leave may explain (§6.4 sends the votes before "user left") wait for it;
   * votes of users already gone are dropped silently.
   */
  setVotes(wire: Readonly<Record<string, string>>): void {
    const room = this.room;
    if (!room) return;
    const before = room.votes;
    const after = new Map(Object.entries(wire));
    room.votes = after;
    room.changed();
    const present = (id: UserId): boolean => room.users.has(id);
    const removed: [UserId, UserId][] = [];
    const added: [UserId, UserId][] = [];
    for (const [voter, target] of before) {
      if (after.get(voter) !== target && present(voter) && present(target)) {
        removed.push([voter, target]);
      }
    }
    for (const [voter, target] of after) {
      if (before.get(voter) !== target) added.push([voter, target]);
    }
    if (added.length === 0 && removed.length > 0) {
      const [v0, t0] = removed[0];
      const users = [v0, t0].filter((u) => removed.every(([v, t]) => v === u || t === u));
      if (users.length > 0) {
        // The majority stays as it was: a kick removes the votes, then the target leaves.
        const timer = this.#clock.setTimeout(() => this.#flush(), LEAVE_WINDOW_MS);
        this.#held = { users, changes: removed, timer };
        return;
      }
    }
    this.#countMajority();
    this.#report(removed, false);
    this.#report(added, true);
  }

  /** Who has more than half of the occupants voting against them (§9). */
  #countMajority(): void {
    const room = this.room;
    this.#majority.clear();
    if (!room) return;
    const counts = new Map<UserId, number>();
    for (const target of room.votes.values()) counts.set(target, (counts.get(target) ?? 0) + 1);
    for (const [target, n] of counts) {
      if (n > Math.floor(room.users.size / 2)) this.#majority.add(target);
    }
  }

  #report(changes: [UserId, UserId][], added: boolean): void {
    const room = this.room;
    if (!room) return;
    for (const [voter, target] of changes) {
      this.sink.vote(this.userFor(voter, ""), this.userFor(target, ""), added);
    }
  }

  /** Reports held withdrawals: no leave explained them. */
  #flush(): void {
    const held = this.#held;
    this.#drop();
    if (!held) return;
    this.#countMajority();
    this.#report(held.changes, false);
  }

  #drop(): void {
    if (this.#held) this.#clock.clearTimeout(this.#held.timer);
    this.#held = undefined;
  }
}
