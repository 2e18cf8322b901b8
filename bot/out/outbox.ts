/**
 * The way out: every emission of the bot goes through here, in order,
 * within the event budget, and only while its action is alive.
 *
 * - Requests (join, create, leave, vote, sign-in, ...) take turns: the
 *   protocol has no request ids (docs/protocol.md §16.5), so one request at
 *   a time waits for its answer. After a request whose answer never came, the
 *   next one first fences the wire (`get rooms` → `initial rooms`) so that a
 *   late answer cannot be taken for its own.
 * - Chat: one pending text, the latest wins; superseded texts are never sent
 *   and cost nothing.
 * - An action whose life ended before its emission is never emitted.
 *
 * @module
 */

import { type ActionError, refused } from "../errors.ts";
import { endedError, type Life } from "./life.ts";
import type { EventBudget } from "./pacer.ts";
import { failureOf, type ServerFailure } from "../in/server_messages.ts";
import { diffTexts } from "./diff.ts";
import type {
  ClientEventName,
  ClientEvents,
  ServerEventName,
  ServerEvents,
} from "../../schemas/events.gen.ts";
import type { Emit, ServerMessage } from "../wire.ts";
import { type Clock, realClock } from "../clock.ts";

/** Events the server does not count against the per-socket limit (§1.6). */
const EXEMPT: ReadonlySet<string> = new Set(["typing", "get rooms", "get room state"]);

/** The transport under the outbox. */
export interface OutboxWire {
  /** Emits one event; throws when not connected. */
  emit: Emit;
  /** The server reported a failure no request was waiting for, or a late one. */
  unclaimed(failure: ServerFailure, late: boolean): void;
  /** A chat text reached the wire. */
  chatSent(text: string): void;
}

/** One request: what to emit and how to recognise its answer. */
export type RequestSpec<T, K extends ClientEventName = ClientEventName> = {
  /** The action, for errors (`joinRoom`). */
  readonly action: string;
  /** The error message's start (`Cannot join room "123456"`). */
  readonly context: string;
  /** The wire event. */
  readonly event: K;
  /** Waits (cooldowns) inside the turn, before the budget. */
  readonly prepare?: (life: Life) => Promise<void>;
  /** The payload, built when it is emitted (`() => undefined` for events that carry none). */
  readonly payload: () => ClientEvents[K];
  /** The answer, or `undefined` for events that are not it. */
  readonly match: (...message: ServerMessage) => T | undefined;
};

/** A request's `match` as the way in calls it: with the typed pair, as two arguments. */
type Match = <E extends ServerEventName>(event: E, payload: ServerEvents[E]) => unknown;

/**
 * `match` as the way in calls it. A function of every `ServerMessage` takes every typed pair
 * `(E, ServerEvents[E])`, but TypeScript cannot correlate a generic pair with that union: the way
 * out's one cast (made once per request, never per event; checked by tests/bot/casts_test.ts).
 */
const typedMatch = (match: (...message: ServerMessage) => unknown): Match => match as Match; // wire-boundary: every real pair is a ServerMessage

/** The answer to a fence: the room list. */
const fenceAnswer = (event: ServerEventName): true | undefined =>
  event === "initial rooms" ? true : undefined;

interface Pending {
  readonly spec: RequestSpec<unknown, ClientEventName>;
  /** `spec.match`, typed for the way in. */
  readonly match: Match;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** A fence: failures before its answer belong to an earlier request. */
  readonly fence: boolean;
}

interface ChatWaiter {
  readonly text: string;
  readonly diff: boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** The bot's single way out. */
export class Outbox {
  readonly #wire: OutboxWire;
  readonly #budget: EventBudget;
  readonly #sendIntervalMs: number;
  #locked = false;
  readonly #turns: { go: () => void; signal: AbortSignal }[] = [];
  #current: Pending | undefined;
  #fence = false;
  // Chat: the texts waiting (newest last), what the server has, when we last sent.
  #chat: ChatWaiter[] = [];
  #chatQueued: AbortController | undefined;
  #chatTimer: unknown;
  #sent: string | undefined = "";
  #lastChatAt = 0;
  /**
   * Who sent each `get rooms` not answered yet, in order (socket.io keeps it):
   * the answer to a liveness probe must not be taken for a request's.
   */
  #roomsAsked: ("probe" | "request")[] = [];

  readonly #clock: Clock;

  constructor(
    wire: OutboxWire,
    budget: EventBudget,
    sendIntervalMs: number,
    clock: Clock = realClock,
  ) {
    this.#clock = clock;
    this.#wire = wire;
    this.#budget = budget;
    this.#sendIntervalMs = sendIntervalMs;
  }

  /** Emits a request when its turn and a slot come, then resolves with its answer. */
  async request<T, K extends ClientEventName>(spec: RequestSpec<T, K>, life: Life): Promise<T> {
    let sent = false;
    try {
      await this.#turn(life.signal);
      try {
        if (this.#fence) await this.#fenceWire(life);
        await spec.prepare?.(life);
        return await this.#ask(spec, life, () => sent = true);
      } finally {
        this.#next();
      }
    } catch (error) {
      throw endedError(spec.action, spec.context, error, life.timeoutMs, sent);
    }
  }

  /** Emits an event that gets no answer (`typing`, `afk response`) within the budget. */
  async post<K extends ClientEventName>(
    event: K,
    payload: ClientEvents[K],
    life: Life,
    context: string,
  ): Promise<void> {
    try {
      await this.#slot(event, life.signal, () => {
        this.#wire.emit(event, payload);
        return true;
      });
    } catch (error) {
      throw endedError(event, context, error, life.timeoutMs, false);
    }
  }

  /**
   * Shows `text` as the bot's text: resolves when it (or a newer text) was
   * sent. `diff`: send a small diff instead of the whole text.
   */
  chat(text: string, diff: boolean, life: Life, context: string): Promise<void> {
    if (life.signal.aborted) {
      return Promise.reject(endedError("send", context, life.signal.reason, life.timeoutMs, false));
    }
    if (this.#chat.length === 0 && text === this.#sent) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: ChatWaiter = { text, diff, resolve, reject };
      life.signal.addEventListener("abort", () => {
        const i = this.#chat.indexOf(waiter);
        if (i < 0) return;
        this.#chat.splice(i, 1);
        reject(endedError("send", context, life.signal.reason, life.timeoutMs, false));
        if (this.#chat.length === 0) this.#cancelChat();
      }, { once: true });
      this.#chat.push(waiter);
      this.#scheduleChat();
    });
  }

  /** Asks for the room list outside the turns (a liveness probe); its answer is nobody's. */
  probe(): void {
    this.#wire.emit("get rooms", undefined);
    this.#roomsAsked.push("probe");
  }

  /** Offers an inbound event to the waiting request; `true` when it was its answer. */
  inbound<E extends ServerEventName>(event: E, payload: ServerEvents[E]): boolean {
    // `event` and `payload` are one ServerMessage pair, passed on as two arguments so that no
    // array is made per event.
    if (event === "initial rooms" && this.#roomsAsked.shift() === "probe") return false;
    const pending = this.#current;
    const failure = failureOf(event, payload);
    if (failure?.dropped) this.#sent = undefined; // a chat update may be lost: send whole texts
    if (!pending) {
      if (failure) this.#wire.unclaimed(failure, false);
      return false;
    }
    const answer = pending.match(event, payload);
    if (answer !== undefined) {
      this.#current = undefined;
      pending.resolve(answer);
      return true;
    }
    if (!failure) return false;
    if (pending.fence) {
      this.#wire.unclaimed(failure, true);
      return true;
    }
    this.#current = undefined;
    pending.reject(refused(pending.spec.action, pending.spec.context, failure));
    return true;
  }

  /** A new connection: the server's copy of the bot's text starts empty. */
  connected(): void {
    this.#roomsAsked = [];
    this.#sent = "";
    this.#lastChatAt = 0;
  }

  /** The connection is gone or the bot stopped: fail what is waiting for it. */
  fail(error: () => ActionError): void {
    const pending = this.#current;
    this.#current = undefined;
    pending?.reject(error());
    this.#cancelChat();
    for (const waiter of this.#chat.splice(0)) waiter.reject(error());
  }

  /** The text the server has for the bot, as far as the bot knows. */
  get sentText(): string | undefined {
    return this.#sent;
  }

  /** Forgets the server's copy of the bot's text (the bot joined a room: it is empty). */
  resetText(): void {
    this.#sent = "";
  }

  #ask<T, K extends ClientEventName>(
    spec: RequestSpec<T, K>,
    life: Life,
    onSent: () => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = {
        spec,
        match: typedMatch(spec.match),
        resolve: resolve as (v: unknown) => void,
        reject,
        fence: false,
      };
      let sent = false;
      life.signal.addEventListener("abort", () => {
        if (this.#current === pending) this.#current = undefined;
        if (sent) this.#fence = true; // its answer may still come
        reject(life.signal.reason);
      }, { once: true });
      this.#slot(spec.event, life.signal, () => {
        this.#current = pending;
        try {
          this.#wire.emit<K>(spec.event, spec.payload());
          if (spec.event === "get rooms") this.#roomsAsked.push("request");
        } catch (error) {
          this.#current = undefined;
          throw error;
        }
        sent = true;
        onSent();
        return true;
      }).catch(reject);
    });
  }

  /** Waits until everything sent before has been answered (or never will be). */
  #fenceWire(life: Life): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const pending: Pending = {
        spec: {
          action: "fence",
          context: "Cannot continue",
          event: "get rooms",
          payload: () => undefined,
          match: (event, _payload) => fenceAnswer(event),
        },
        match: fenceAnswer,
        resolve: () => {
          this.#fence = false;
          resolve();
        },
        reject,
        fence: true,
      };
      life.signal.addEventListener("abort", () => {
        if (this.#current === pending) this.#current = undefined;
        reject(life.signal.reason);
      }, { once: true });
      this.#current = pending;
      try {
        this.#wire.emit("get rooms", undefined);
        this.#roomsAsked.push("request");
      } catch (error) {
        this.#current = undefined;
        reject(error);
      }
    });
  }

  /** Runs `grant` with a budget slot (exempt events need none). */
  #slot(event: string, signal: AbortSignal, grant: () => boolean): Promise<boolean> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (!EXEMPT.has(event)) return this.#budget.take(grant, signal);
    try {
      return Promise.resolve(grant());
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #turn(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const turn = {
        go: () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        signal,
      };
      const onAbort = (): void => {
        const i = this.#turns.indexOf(turn);
        if (i >= 0) this.#turns.splice(i, 1);
        reject(signal.reason);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.#turns.push(turn);
    });
  }

  #next(): void {
    const turn = this.#turns.shift();
    if (turn) turn.go();
    else this.#locked = false;
  }

  #scheduleChat(): void {
    if (this.#chatQueued || this.#chatTimer !== undefined) return;
    const wait = this.#lastChatAt + this.#sendIntervalMs - this.#clock.now();
    if (wait > 0) {
      this.#chatTimer = this.#clock.setTimeout(() => {
        this.#chatTimer = undefined;
        this.#queueChat();
      }, wait);
    } else this.#queueChat();
  }

  #queueChat(): void {
    if (this.#chat.length === 0) return;
    const queued = new AbortController();
    this.#chatQueued = queued;
    this.#budget.take(() => this.#sendChat(), queued.signal).then(
      () => {
        if (this.#chatQueued === queued) this.#chatQueued = undefined;
        if (this.#chat.length > 0) this.#scheduleChat();
      },
      (error) => {
        if (this.#chatQueued === queued) this.#chatQueued = undefined;
        if (queued.signal.aborted) return; // cancelled: nothing left to send
        for (const waiter of this.#chat.splice(0)) waiter.reject(error);
      },
    );
  }

  /** Sends the newest text (called with a budget slot); `false` if nothing is left to send. */
  #sendChat(): boolean {
    const waiters = this.#chat.splice(0);
    const newest = waiters[waiters.length - 1];
    const settle = (): void => {
      for (const waiter of waiters) waiter.resolve();
    };
    if (!newest || newest.text === this.#sent) {
      settle();
      return false;
    }
    const diff = newest.diff && this.#sent !== undefined
      ? diffTexts(this.#sent, newest.text)
      : undefined;
    try {
      this.#wire.emit("chat update", {
        diff: diff ?? { type: "full-replace", text: newest.text },
      });
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return false;
    }
    this.#sent = newest.text;
    this.#lastChatAt = this.#clock.now();
    this.#wire.chatSent(newest.text);
    settle();
    return true;
  }

  #cancelChat(): void {
    this.#clock.clearTimeout(this.#chatTimer);
    this.#chatTimer = undefined;
    this.#chatQueued?.abort();
    this.#chatQueued = undefined;
  }
}
