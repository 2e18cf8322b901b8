// The server's state and the event sequences of docs/protocol.md §6: rooms,
// connections, lobby subscriptions, join/leave/kick/AFK. Chat batching is in
// _chat.ts, the sweeps in _sweeps.ts.

import type {
  Diff,
  ListedRoom,
  MessageMap,
  RoomJoined,
  RoomSnapshot,
  RoomStatistics,
  UserJoined,
  VoteMap,
} from "../schemas/mod.ts";
import type { ResolvedOptions } from "./_options.ts";
import { Limiter, SlidingCounter } from "./_limiter.ts";
import { type SessionStore, TokenStore } from "./_session.ts";
import { WordFilter } from "./_text.ts";
import { unref } from "./_platform.ts";
import { quote, roomName, seconds } from "./_activity.ts";
import { messageText } from "../schemas/messages.ts";
import { ChatBatcher } from "./_chat.ts";
import { finalizeStroke } from "./_board.ts";
import { checkSoloRooms, startupPurge, sweepEmptyRooms, sweepGhosts } from "./_sweeps.ts";

export type { Diff };
export type { Conn, Room } from "./_model.ts";
import type { Conn, Room, WorldPort } from "./_model.ts";

/** Everything that dies with a restart. */
export class World implements WorldPort {
  readonly opts: ResolvedOptions;
  readonly sessions: SessionStore;
  readonly tokens: TokenStore;
  readonly filter: WordFilter | undefined;
  readonly rooms = new Map<string, Room>();
  readonly conns = new Map<string, Conn>();
  readonly startedAt = Date.now();
  readonly lastCreateByUser = new Map<string, number>();
  readonly lastCreateByIp = new Map<string, number>();
  readonly lastRestCreateByIp = new Map<string, number>();
  readonly blacklistUsers = new Set<string>();
  readonly blacklistIps = new Set<string>();
  readonly joinUser: SlidingCounter;
  readonly joinIp: SlidingCounter;
  readonly limiters: Record<
    | "socketHuman"
    | "socketBot"
    | "connectionAttempts"
    | "httpGlobal"
    | "apiBot"
    | "apiHuman"
    | "tokenRequests"
    | "chatBatch",
    Limiter
  >;
  readonly connectionsPerIp = new Map<string, number>();
  readonly cache = new Map<string, { at: number; value: unknown }>();
  /** The chat queues (§7.3). */
  readonly chat: ChatBatcher = new ChatBatcher(this);
  #timers: ReturnType<typeof setInterval | typeof setTimeout>[] = [];
  #onChange: () => void;
  #closed = false;
  /** Writes one line to the activity log (a no-op unless `activity` was given). */
  readonly log: (line: string) => void;

  constructor(
    opts: ResolvedOptions,
    sessions: SessionStore,
    onChange: () => void,
    log: (line: string) => void = () => {},
  ) {
    this.opts = opts;
    this.log = log;
    this.sessions = sessions;
    this.tokens = new TokenStore(opts.timing.tokenExpiryMs);
    this.filter = opts.wordFilter === false ? undefined : new WordFilter(opts.wordFilter);
    const r = opts.rateLimits;
    this.limiters = {
      socketHuman: new Limiter(r.socketHuman),
      socketBot: new Limiter(r.socketBot),
      connectionAttempts: new Limiter(r.connectionAttempts),
      httpGlobal: new Limiter(r.httpGlobal),
      apiBot: new Limiter(r.apiBot),
      apiHuman: new Limiter(r.apiHuman),
      tokenRequests: new Limiter(r.tokenRequests),
      chatBatch: new Limiter(r.chatBatch),
    };
    this.joinUser = new SlidingCounter(r.joinAttemptWindowMs);
    this.joinIp = new SlidingCounter(r.joinAttemptWindowMs);
    this.#onChange = onChange;
    const t = opts.timing;
    this.#timers.push(
      setInterval(() => sweepEmptyRooms(this), t.emptyRoomSweepIntervalMs),
      setInterval(() => sweepGhosts(this), t.ghostSweepIntervalMs),
      setInterval(() => checkSoloRooms(this), t.pressureIntervalMs),
    );
    if (t.startupPurgeDelayMs !== false) {
      this.#timers.push(setTimeout(() => startupPurge(this), t.startupPurgeDelayMs));
    }
    for (const timer of this.#timers) unref(timer);
  }

  /** Stops every timer. */
  stop(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t as ReturnType<typeof setTimeout>);
    for (const room of this.rooms.values()) this.#clearRoomTimers(room);
    this.chat.stop();
    for (const conn of this.conns.values()) this.clearAfk(conn);
  }

  /** Emits an event to one connection and notifies waiters. */
  send(conn: Conn, event: string, ...args: unknown[]): void {
    if (this.#closed) return;
    conn.socket.emit(event, ...args);
    this.#onChange();
  }

  /** Notifies waiters of a state change. */
  changed(): void {
    this.#onChange();
  }

  /** The session user id of a connection, if any. */
  userIdOf(conn: Conn): string | undefined {
    return conn.session.data.userId;
  }

  /** Saves the connection's session copy to the store. */
  save(conn: Conn): void {
    this.sessions.save(conn.session);
  }

  /** Connections currently in a room. */
  members(roomId: string): Conn[] {
    return [...this.conns.values()].filter((c) => c.roomId === roomId);
  }

  /** Current room limit (§8.5). */
  currentLimit(): number {
    const l = this.opts.limits;
    return l.baseMaxRooms + l.roomScalingIncrement * Math.floor(this.totalUsers() / 75);
  }

  /** Users in rooms. */
  totalUsers(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.users.length;
    return n;
  }

  /** True when the room counts as healthy (§8.5). */
  isHealthy(room: Room, now: number = Date.now()): boolean {
    return room.users.length >= 2 ||
      now - (room.createdAt ?? room.lastActiveTime) < this.opts.timing.healthyRoomAgeMs;
  }

  /** Current solo-room TTL in ms. */
  soloTtl(): number {
    let ttl = this.opts.timing.pressureTiers[0].ttlMs;
    for (const tier of this.opts.timing.pressureTiers) {
      if (this.rooms.size >= tier.threshold) ttl = tier.ttlMs;
    }
    return ttl;
  }

  /** `roomStatistics` of health/config/REST create. */
  statistics(): RoomStatistics {
    const rooms = [...this.rooms.values()];
    const limit = this.currentLimit();
    const now = Date.now();
    return {
      totalRooms: rooms.length,
      totalUsers: this.totalUsers(),
      currentLimit: limit,
      healthyRooms: rooms.filter((r) => this.isHealthy(r, now)).length,
      soloRooms: rooms.filter((r) => r.users.length === 1).length,
      roomsWithUsers: rooms.filter((r) => r.users.length > 0).length,
      emptyRooms: rooms.filter((r) => r.users.length === 0).length,
      roomTypes: {
        public: rooms.filter((r) => r.type === "public").length,
        "semi-private": rooms.filter((r) => r.type === "semi-private").length,
        private: rooms.filter((r) => r.type === "private").length,
      },
      currentSoloTTL: Math.round(this.soloTtl() / 1000),
      hardCap: this.opts.limits.hardMaxRooms,
      utilizationPercentage: Math.min(100, Math.round(rooms.length / Math.max(1, limit) * 100)),
    };
  }

  // ------------------------------------------------------------ payloads

  /** `ListedRoom[]`. */
  lobbyList(): ListedRoom[] {
    return [...this.rooms.values()].filter((r) => r.type !== "private").map((r): ListedRoom => ({
      id: r.id,
      name: r.name,
      type: r.type as ListedRoom["type"],
      layout: r.layout,
      isFull: r.users.length >= this.opts.limits.roomCapacity,
      userCount: r.users.length,
      visibleUserCount: r.users.length,
      lastChatActivity: r.lastChatActivity,
      createdAt: r.createdAt ?? r.lastActiveTime,
      users: r.users.map((u) => ({ ...u })),
    }));
  }

  /** `RoomSnapshot`. */
  snapshot(room: Room): RoomSnapshot {
    return {
      id: room.id,
      name: room.name,
      type: room.type,
      layout: room.layout,
      users: room.users.map((u) => ({ ...u })),
      votes: Object.fromEntries(room.votes) as VoteMap,
      currentMessages: this.messagesOf(room),
      isFull: room.users.length >= this.opts.limits.roomCapacity,
      userCount: room.users.length,
      visibleUserCount: room.users.length,
    };
  }

  /** `MessageMap` of a room. */
  messagesOf(room: Room): MessageMap {
    return Object.fromEntries(room.users.map((u) => [u.id, room.messages.get(u.id) ?? ""]));
  }

  /** Sends `lobby update` to every lobby subscriber. */
  broadcastLobby(): void {
    const list = this.lobbyList();
    for (const conn of this.conns.values()) {
      if (conn.lobby) this.send(conn, "lobby update", structuredClone(list));
    }
  }

  /** Sends `room update` to every member. */
  broadcastRoom(room: Room): void {
    for (const conn of this.members(room.id)) this.send(conn, "room update", this.snapshot(room));
  }

  // ------------------------------------------------------------ rooms

  /** Generates a free 6-digit id, or undefined after 100 attempts. */
  newRoomId(): string | undefined {
    for (let i = 0; i < 100; i++) {
      const id = String(100000 + Math.floor(Math.random() * 900000));
      if (!this.rooms.has(id)) return id;
    }
    return undefined;
  }

  /** Whether a live room has this name (trimmed, case-insensitive; §8.1). */
  nameTaken(name: string): boolean {
    const wanted = name.trim().toLowerCase();
    for (const room of this.rooms.values()) {
      if (room.name.trim().toLowerCase() === wanted) return true;
    }
    return false;
  }

  /**
   * Stores a room from a validated `create room` / `POST /api/v1/rooms` body:
   * the access code is kept for semi-private rooms only (§4.5). REST-created
   * rooms have no `createdAt` (§11.3), so `createdAt` is optional.
   */
  createRoom(
    id: string,
    name: string,
    data: Record<string, unknown>,
    times: { createdAt?: number; lastActiveTime: number },
  ): Room {
    const type = data.type as Room["type"];
    return this.addRoom({
      id,
      name,
      type,
      layout: data.layout as Room["layout"],
      accessCode: type === "semi-private" ? data.accessCode as string : undefined,
      ...times,
    });
  }

  /** Stores a new room. */
  addRoom(
    room: Omit<
      Room,
      | "users"
      | "votes"
      | "banned"
      | "messages"
      | "typingTimers"
      | "strokes"
      | "activeStrokes"
      | "lastChatActivity"
    >,
  ): Room {
    const full: Room = {
      ...room,
      users: [],
      votes: new Map(),
      banned: new Set(),
      messages: new Map(),
      lastChatActivity: 0,
      typingTimers: new Map(),
      strokes: [],
      activeStrokes: new Map(),
    };
    this.rooms.set(room.id, full);
    this.cache.delete("rooms");
    return full;
  }

  /** Deletes a room and its timers. */
  deleteRoom(room: Room): void {
    this.#clearRoomTimers(room);
    this.rooms.delete(room.id);
    this.chat.dropRoom(room.id);
  }

  #clearRoomTimers(room: Room): void {
    clearTimeout(room.deletionTimer);
    for (const t of room.typingTimers.values()) clearTimeout(t);
    room.typingTimers.clear();
  }

  /** Updates single-occupancy tracking after a membership change. */
  trackSolo(room: Room, now: number = Date.now()): void {
    if (room.users.length === 1) room.soloSince ??= now;
    else room.soloSince = undefined;
  }

  /** Adds the connection's user to the room and runs the join sequence (§6.3). */
  completeJoin(conn: Conn, room: Room): void {
    const data = conn.session.data;
    const userId = data.userId!;
    clearTimeout(room.deletionTimer);
    room.deletionTimer = undefined;
    if (!room.users.some((u) => u.id === userId)) {
      room.users.push({ id: userId, username: data.username!, location: data.location! });
    }
    room.lastActiveTime = Date.now();
    this.trackSolo(room);
    conn.roomId = room.id;
    conn.lobby = false;
    data.currentRoom = room.id;
    this.save(conn);
    this.resetAfk(conn);
    const user = room.users.find((u) => u.id === userId)!;
    this.send(
      conn,
      "room joined",
      {
        roomId: room.id,
        userId,
        username: data.username!,
        location: data.location!,
        isDev: false,
        isHidden: false,
        isVanished: false,
        roomName: room.name,
        roomType: room.type,
        users: room.users.map((u) => ({ ...u })),
        layout: room.layout,
        votes: Object.fromEntries(room.votes),
        currentMessages: this.messagesOf(room),
      } satisfies RoomJoined,
    );
    for (const other of this.members(room.id)) {
      if (other.session.data.userId === userId) continue;
      const joined: UserJoined = { ...user, roomName: room.name, roomType: room.type };
      this.send(other, "user joined", joined);
    }
    this.broadcastRoom(room);
    this.broadcastLobby();
    this.log(
      `${quote(user.username)} joined room ${
        roomName(room)
      } (${room.users.length} of ${this.opts.limits.roomCapacity})`,
    );
  }

  /** Deletes a user's chat buffer, wherever it is (§2.1: every disconnect of its sessions does). */
  dropBuffer(userId: string): void {
    for (const room of this.rooms.values()) room.messages.delete(userId);
  }

  /** The name a room lists a user under. */
  nameIn(room: Room, userId: string): string {
    return quote(room.users.find((u) => u.id === userId)?.username ?? userId);
  }

  /**
   * Removes a user from a room and runs the leave sequence (§6.4). `conn` is the
   * leaver's connection when it is still connected.
   */
  removeUser(
    room: Room,
    userId: string,
    conn: Conn | undefined,
    opts: { keepRoom?: boolean } = {},
  ): void {
    room.users = room.users.filter((u) => u.id !== userId);
    for (const [voter, target] of [...room.votes]) {
      if (voter === userId || target === userId) room.votes.delete(voter);
    }
    room.messages.delete(userId);
    clearTimeout(room.typingTimers.get(userId));
    room.typingTimers.delete(userId);
    finalizeStroke(room, userId);
    this.chat.drop(userId);
    room.lastActiveTime = Date.now();
    this.trackSolo(room);
    const members = this.members(room.id);
    for (const m of members) this.send(m, "update votes", Object.fromEntries(room.votes));
    for (const m of members) this.send(m, "user left", userId);
    for (const m of members) this.send(m, "room update", this.snapshot(room));
    for (const m of members) {
      if (m.session.data.userId !== userId) continue;
      m.roomId = null;
      m.lobby = true;
      m.boardOpen = false;
      this.clearAfk(m);
      m.session.data.currentRoom = null;
      delete m.session.data.validatedRooms[room.id];
      this.save(m);
    }
    if (conn && conn.roomId === room.id) {
      conn.roomId = null;
      this.clearAfk(conn);
    }
    if (room.users.length === 0 && !opts.keepRoom) this.scheduleDeletion(room);
    this.broadcastLobby();
  }

  /** Starts the empty-room deletion timer. */
  scheduleDeletion(room: Room): void {
    clearTimeout(room.deletionTimer);
    room.deletionTimer = unref(setTimeout(() => {
      if (this.rooms.get(room.id) === room && room.users.length === 0) {
        this.deleteRoom(room);
        this.broadcastLobby();
      }
    }, this.opts.timing.roomDeletionTimeoutMs));
  }

  /** Vote kick: `kicked`, ban, leave sequence (§9). */
  kick(room: Room, targetId: string): void {
    const target = this.members(room.id).find((c) => c.session.data.userId === targetId);
    if (!target) return;
    this.log(`${this.nameIn(room, targetId)} was voted out of room ${roomName(room)} and banned`);
    this.send(target, "kicked");
    room.banned.add(targetId);
    this.removeUser(room, targetId, target);
  }

  // ------------------------------------------------------------ AFK

  /** Restarts the AFK timers of a connection in a room. */
  resetAfk(conn: Conn): void {
    this.clearAfk(conn);
    if (!conn.roomId || conn.boardOpen) return;
    const t = this.opts.timing;
    conn.afkWarn = unref(setTimeout(() => {
      if (conn.roomId) {
        this.send(conn, "afk warning", {
          message: messageText("AFK_WARNING"),
          secondsRemaining: 30,
        });
      }
    }, t.afkWarningMs));
    conn.afkKick = unref(setTimeout(() => {
      const room = conn.roomId ? this.rooms.get(conn.roomId) : undefined;
      const userId = conn.session.data.userId;
      if (!room || !userId) return;
      this.log(
        `${this.nameIn(room, userId)} removed from room ${roomName(room)}: AFK for ${
          seconds(t.afkTimeoutMs)
        }`,
      );
      this.send(conn, "afk timeout", {
        message: messageText("AFK_TIMEOUT"),
        redirectTo: "/",
      });
      this.removeUser(room, userId, conn);
    }, t.afkTimeoutMs));
  }

  /** Stops the AFK timers of a connection. */
  clearAfk(conn: Conn): void {
    clearTimeout(conn.afkWarn);
    clearTimeout(conn.afkKick);
    conn.afkWarn = conn.afkKick = undefined;
  }
}
