/**
 * The bot's actions, each the same way out: check the arguments → wait for
 * its turn and pacing → emit → await the server's answer or a typed error,
 * all within one life (caller's signal, timeout, connection, stop).
 *
 * @module
 */

import {
  checkAccessCode,
  checkLayout,
  checkNumber,
  checkRoomId,
  checkRoomName,
  checkRoomType,
  checkText,
} from "../../schemas/checks.ts";
import { MIN_USERS_FOR_VOTING } from "../../schemas/limits.gen.ts";
import { sanitizeChat } from "../../schemas/text.ts";
import { typingFrames } from "./diff.ts";
import { ActionError } from "../errors.ts";
import { type EndKind, Life } from "./life.ts";
import type { ResolvedBotOptions } from "../options.ts";
import type { Outbox, RequestSpec } from "./outbox.ts";
import { Cooldown, delay, type EventBudget, SlidingCounter } from "./pacer.ts";
import type { BotState } from "../in/state.ts";
import type { LobbyRoom, Me, Room, RoomLayout, RoomType, User, UserId } from "../model.ts";

/** What every action accepts. */
export interface ActionOptions {
  /** Aborts the action; an action aborted before it was sent is never sent. */
  readonly signal?: AbortSignal;
  /** How long the whole action may take, its pacing included. Default `actionTimeoutMs`. */
  readonly timeoutMs?: number;
}

/** Options of `bot.createRoom()`. */
export interface CreateRoomOptions extends ActionOptions {
  /** Room name (1–25 characters, unique on the server). */
  readonly name: string;
  /** Default `"public"`. */
  readonly type?: RoomType;
  /** Default `"vertical"`. */
  readonly layout?: RoomLayout;
  /** Six digits; required for (and only for) semi-private rooms. */
  readonly accessCode?: string;
}

/** Options of `bot.joinRoom()`. */
export interface JoinRoomOptions extends ActionOptions {
  /** The six-digit code of a semi-private room (remembered once it worked). */
  readonly accessCode?: string;
}

/** Options of `bot.type()`. */
export interface TypeOptions extends ActionOptions {
  /** Letters per second. Default `pacing.typingCps` (6). */
  readonly cps?: number;
}

/** A room the bot created, as it was asked for. */
export interface RoomSpec {
  readonly name: string;
  readonly type: RoomType;
  readonly layout: RoomLayout;
  readonly accessCode?: string;
}

/** What the actions need from the bot. */
export interface ActionHost {
  readonly options: ResolvedBotOptions;
  /** What the bot knows (read; `pendingLeave` is written before a leave). */
  readonly state: Pick<BotState, "me" | "room" | "roomView" | "rooms" | "ownText" | "pendingLeave">;
  /** The way out. */
  readonly outbox: Pick<Outbox, "request" | "post" | "chat" | "sentText">;
  /** The per-socket event budget the outbox also draws from. */
  readonly budget: EventBudget;
  /** Aborts when the current connection ends; `undefined` when not connected. */
  connection(): AbortSignal | undefined;
  /** Signed in on the current connection. */
  ready(): boolean;
  /** Aborts when the bot stops. */
  readonly stopSignal: AbortSignal;
  /** The program wants its text to be `text` (shown again after a reconnect). */
  intend(text: string): void;
  /** …unless the action was aborted or timed out before it was sent. */
  withdraw(): void;
}

/** Checks `{ signal, timeoutMs }` of an action: a clear, typed error before anything is sent. */
export function checkActionOptions(options: unknown, what: string): ActionOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot ${what}: options must be an object`);
  }
  const { signal, timeoutMs } = options as ActionOptions;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`Cannot ${what}: signal must be an AbortSignal`);
  }
  if (timeoutMs !== undefined) checkNumber(timeoutMs, "timeoutMs", 1);
  return options as ActionOptions;
}

/** The actions of one bot, with the pacing state that belongs to the server session. */
export class Actions {
  readonly #host: ActionHost;
  readonly budget: EventBudget;
  readonly #joins: SlidingCounter;
  readonly #createCooldown: Cooldown;
  /** Rooms this bot created, by id (to create them again after a server restart). */
  readonly created = new Map<string, RoomSpec>();
  /** Access codes that worked, by room id. */
  readonly #codes = new Map<string, string>();
  #typingGen = 0;

  constructor(host: ActionHost) {
    this.#host = host;
    const p = host.options.pacing;
    this.budget = host.budget;
    const clock = host.options.clock;
    this.#joins = new SlidingCounter({
      limit: p.joinsPerWindow,
      windowMs: p.joinWindowMs,
      clock,
    });
    this.#createCooldown = new Cooldown(p.createCooldownMs, clock);
  }

  /** A new server session (the server restarted): its cooldowns and codes are gone. */
  newSession(): void {
    this.#joins.reset();
    this.#createCooldown.reset();
    this.#codes.clear();
  }

  /** The life of one action, or the error it cannot start with. */
  life(
    action: string,
    context: string,
    options: ActionOptions,
    defaultMs?: number,
    beforeSignIn = false,
  ): Life {
    const { stopSignal } = this.#host;
    const connection = this.#host.connection();
    const ended = (kind: EndKind, code: string, reason: ActionError["reason"], why: string) =>
      new ActionError(action, `${context}: ${why}`, { code, reason, cause: kind });
    if (stopSignal.aborted) throw ended("stopped", "STOPPED", "stopped", "the bot was stopped");
    if (!connection || !(beforeSignIn || this.#host.ready())) {
      throw ended("disconnected", "NOT_CONNECTED", "notConnected", "not connected");
    }
    return new Life(options.timeoutMs ?? defaultMs ?? this.#host.options.actionTimeoutMs, [
      { signal: options.signal, kind: "aborted" },
      { signal: stopSignal, kind: "stopped" },
      { signal: connection, kind: "disconnected" },
    ], this.#host.options.clock);
  }

  async #run<T>(spec: RequestSpec<T>, options: ActionOptions, beforeSignIn = false): Promise<T> {
    const life = this.life(spec.action, spec.context, options, undefined, beforeSignIn);
    try {
      return await this.#host.outbox.request(spec, life);
    } finally {
      life.end();
    }
  }

  /** Waits out a known cooldown within the action's life, or rejects at once. */
  async #cooldown(ms: number, life: Life, action: string, context: string): Promise<void> {
    if (ms <= 0) return;
    if (this.#host.options.pacing.onCooldown === "reject" || ms > life.remainingMs()) {
      throw new ActionError(action, `${context}: wait ${Math.ceil(ms / 1000)} s (cooldown)`, {
        code: "RATE_LIMITED",
        reason: "rateLimited",
        retryAfterMs: ms,
      });
    }
    await delay(ms, life.signal, this.#host.options.clock);
  }

  #requireRoom(action: string, context: string): Room {
    const room = this.#host.state.roomView;
    if (!room) {
      throw new ActionError(action, `${context}: the bot is not in a room`, {
        code: "NOT_IN_ROOM",
        reason: "notInRoom",
      });
    }
    return room;
  }

  signIn(options: ActionOptions = {}): Promise<Me> {
    const { username, location } = this.#host.options;
    return this.#run(
      {
        action: "signIn",
        context: `Cannot sign in as "${username}"`,
        event: "join lobby",
        payload: () => ({ username, location }),
        match: (event, p) =>
          event === "signin status" && p.isSignedIn ? this.#host.state.me : undefined,
      },
      options,
      true,
    );
  }

  async createRoom(options: CreateRoomOptions): Promise<string> {
    if (options === null || typeof options !== "object") {
      throw new TypeError("Cannot create room: options must be an object with a name");
    }
    checkActionOptions(options, "create room");
    const name = checkRoomName(options.name);
    const type = checkRoomType(options.type ?? "public");
    const layout = checkLayout(options.layout ?? "vertical");
    let accessCode: string | undefined;
    if (type === "semi-private") accessCode = checkAccessCode(options.accessCode, "create room");
    else if (options.accessCode !== undefined) {
      throw new TypeError(
        `Cannot create room "${name}": only semi-private rooms have access codes`,
      );
    }
    const context = `Cannot create room "${name}"`;
    const life = this.life("createRoom", context, options);
    try {
      const room = this.#host.state.room;
      if (room) {
        throw new ActionError(
          "createRoom",
          `${context}: the bot is in room ${room.id}; leave it first`,
          {
            code: "FORBIDDEN",
            reason: "alreadyInRoom",
          },
        );
      }
      const spec: RequestSpec<string> = {
        action: "createRoom",
        context,
        event: "create room",
        payload: () => ({ name, type, layout, ...(accessCode ? { accessCode } : {}) }),
        prepare: (l) =>
          this.#cooldown(this.#createCooldown.remainingMs(), l, "createRoom", context),
        match: (event, p) => event === "room created" ? p : undefined,
      };
      let id: string;
      try {
        id = await this.#host.outbox.request(spec, life);
      } catch (error) {
        // The server knows a cooldown the bot did not (another bot on this IP): wait it out once.
        const wait = error instanceof ActionError && error.reason === "rateLimited"
          ? error.retryAfterMs
          : undefined;
        if (wait === undefined) throw error;
        this.#createCooldown.start(wait);
        id = await this.#host.outbox.request(spec, life);
      }
      this.#createCooldown.start();
      this.created.set(id, { name, type, layout, ...(accessCode ? { accessCode } : {}) });
      if (accessCode) this.#codes.set(id, accessCode);
      return id;
    } finally {
      life.end();
    }
  }

  async joinRoom(
    room: { readonly id: string } | string,
    options: JoinRoomOptions = {},
  ): Promise<Room> {
    const id = checkRoomId(typeof room === "object" && room !== null ? room.id : room, "join room");
    checkActionOptions(options, `join room "${id}"`);
    const given = options.accessCode;
    const accessCode = given !== undefined
      ? checkAccessCode(given, `join room "${id}"`)
      : this.#codes.get(id);
    const context = `Cannot join room "${id}"`;
    const life = this.life("joinRoom", context, options);
    try {
      const state = this.#host.state;
      if (state.room?.id === id) return state.roomView!;
      if (state.room) await this.#leave(life, state.room.id);
      const joined = await this.#host.outbox.request({
        action: "joinRoom",
        context,
        event: "join room",
        payload: () => ({ roomId: id, ...(accessCode ? { accessCode } : {}) }),
        prepare: async (l) => {
          await this.#cooldown(this.#joins.waitMs(), l, "joinRoom", context);
          this.#joins.record();
        },
        match: (event, p) =>
          event === "room joined" && p.roomId === id ? state.roomView : undefined,
      }, life);
      if (accessCode) this.#codes.set(id, accessCode);
      return joined;
    } finally {
      life.end();
    }
  }

  async leaveRoom(options: ActionOptions = {}): Promise<void> {
    checkActionOptions(options, "leave room");
    const room = this.#host.state.room;
    if (!room) return;
    const context = `Cannot leave room "${room.id}"`;
    const life = this.life("leaveRoom", context, options);
    try {
      await this.#leave(life, room.id);
    } finally {
      life.end();
    }
  }

  async #leave(life: Life, roomId: string): Promise<void> {
    this.#typingGen++;
    const state = this.#host.state;
    await this.#host.outbox.request({
      action: "leaveRoom",
      context: `Cannot leave room "${roomId}"`,
      event: "leave room",
      payload: () => undefined,
      prepare: () => {
        state.pendingLeave = "left";
        return Promise.resolve();
      },
      match: (event, _payload) =>
        (event === "user left" || event === "room update") && !state.room ? true : undefined,
    }, life);
  }

  async send(text: string, options: ActionOptions = {}): Promise<void> {
    checkText(text, "send");
    checkActionOptions(options, "send");
    const life = this.life("send", "Cannot send", options);
    try {
      this.#requireRoom("send", "Cannot send");
      this.#typingGen++;
      const clean = sanitizeChat(text);
      this.#host.intend(clean);
      await this.#host.outbox.chat(clean, false, life, "Cannot send").catch((error) => {
        if (life.signal.aborted && !this.#host.stopSignal.aborted) this.#host.withdraw();
        throw error;
      });
    } finally {
      life.end();
    }
  }

  async type(text: string, options: TypeOptions = {}): Promise<void> {
    checkText(text, "type");
    checkActionOptions(options, "type");
    const cps = checkNumber(
      options.cps ?? this.#host.options.pacing.typingCps,
      "cps",
      Number.MIN_VALUE,
    );
    const outbox = this.#host.outbox;
    const shown = outbox.sentText ?? this.#host.state.ownText;
    const target = sanitizeChat(text);
    const frames = typingFrames(shown, target);
    const interval = 1000 / cps;
    const life = this.life(
      "type",
      "Cannot type",
      options,
      frames.length * interval + this.#host.options.actionTimeoutMs,
    );
    try {
      this.#requireRoom("type", "Cannot type");
      const gen = ++this.#typingGen;
      this.#host.intend(target);
      const clock = this.#host.options.clock;
      const start = clock.now();
      for (let next = 0; next < frames.length;) {
        await delay(start + (next + 1) * interval - clock.now(), life.signal, clock);
        if (gen !== this.#typingGen) return;
        // Behind schedule (pacing): skip to the frame that is due.
        const due = Math.floor((clock.now() - start) / interval) - 1;
        const index = Math.min(frames.length - 1, Math.max(next, due));
        await outbox.chat(frames[index], true, life, "Cannot type");
        if (gen !== this.#typingGen) return;
        next = index + 1;
      }
    } finally {
      life.end();
    }
  }

  async vote(user: User | UserId, options: ActionOptions = {}): Promise<boolean> {
    const id = typeof user === "string" ? user : user?.id;
    if (typeof id !== "string" || id === "") {
      throw new TypeError("Cannot vote: pass a user or a user id");
    }
    checkActionOptions(options, "vote");
    const context = `Cannot vote against "${id}"`;
    const refuse = (why: string) =>
      new ActionError("vote", `${context}: ${why}`, { code: "VOTE_IGNORED", reason: "badRequest" });
    const life = this.life("vote", context, options);
    try {
      const room = this.#requireRoom("vote", context);
      const me = this.#host.state.me!.id;
      // The server ignores these silently (§4.10): refuse them here.
      if (id === me) throw refuse("the bot cannot vote against itself");
      if (!room.users.some((u) => u.id === id)) throw refuse("that user is not in the room");
      if (room.users.length < MIN_USERS_FOR_VOTING) {
        throw refuse(`votes need ${MIN_USERS_FOR_VOTING} or more users in the room`);
      }
      const before = this.#host.state.room?.votes.get(me);
      const expected = before === id ? undefined : id;
      return await this.#host.outbox.request({
        action: "vote",
        context,
        event: "vote",
        payload: () => ({ targetUserId: id }),
        match: (event, p) =>
          event === "update votes" && p[me] === expected ? expected !== undefined : undefined,
      }, life);
    } finally {
      life.end();
    }
  }

  async typing(on: boolean, options: ActionOptions = {}): Promise<void> {
    if (typeof on !== "boolean") throw new TypeError("Cannot set typing: pass true or false");
    checkActionOptions(options, "set typing");
    const life = this.life("typing", "Cannot set typing", options);
    try {
      this.#requireRoom("typing", "Cannot set typing");
      await this.#host.outbox.post("typing", { isTyping: on }, life, "Cannot set typing");
    } finally {
      life.end();
    }
  }

  /** Answers an AFK warning (no answer expected). */
  async afkResponse(): Promise<void> {
    const life = this.life("afkResponse", "Cannot answer the AFK warning", {});
    try {
      await this.#host.outbox.post(
        "afk response",
        undefined,
        life,
        "Cannot answer the AFK warning",
      );
    } finally {
      life.end();
    }
  }

  refreshRooms(options: ActionOptions = {}): Promise<readonly LobbyRoom[]> {
    checkActionOptions(options, "list rooms");
    return this.#run({
      action: "refreshRooms",
      context: "Cannot list rooms",
      event: "get rooms",
      payload: () => undefined,
      match: (event, _payload) => event === "initial rooms" ? this.#host.state.rooms : undefined,
    }, options);
  }

  /** Whether the server lists the bot in `roomId` (`get room state`). */
  async isMember(roomId: string): Promise<boolean> {
    const users = await this.#run({
      action: "verifyRoom",
      context: `Cannot check room "${roomId}"`,
      event: "get room state",
      payload: () => roomId,
      match: (event, p) => event === "room state" && p.id === roomId ? p.users : undefined,
    }, {});
    return users.some((u) => u.id === this.#host.state.me?.id);
  }

  /** Stops any `type()` in progress (the bot left, or a newer text replaced it). */
  cancelTyping(): void {
    this.#typingGen++;
  }
}
