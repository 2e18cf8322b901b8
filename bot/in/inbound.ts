/**
 * The way in: wire event → validate → state → dispatch. The state reports
 * each change here ({@linkcode StateSink}); this module keeps the command
 * line watcher and the placement informed and dispatches the friendly events,
 * building their data only when someone listens.
 *
 * @module
 */

import { validateSoon } from "../../schemas/validate.ts";
import { serverEventValidators } from "../../schemas/lazy.gen.ts";
import type { LazyValidator } from "../../schemas/lazy.ts";
import type { ServerEventName, ServerEvents } from "../../schemas/events.gen.ts";
import type { RawEvent } from "../events.ts";
import type { Actions } from "../out/actions.ts";
import type { Board } from "../board/board.ts";
import type { Handlers } from "../handlers.ts";
import type { LineWatcher } from "./lines.ts";
import type { ResolvedBotOptions } from "../options.ts";
import type { Outbox } from "../out/outbox.ts";
import type { Placement } from "../link/placement.ts";
import { BotState, type StateSink } from "./state.ts";
import type { Me, Room, RoomLeftReason, User, UserLeftReason } from "../model.ts";
import { failureOf, type ServerFailure } from "./server_messages.ts";
import { refused } from "../errors.ts";

/** What the way in needs from the bot: functions, no parts. */
export interface InboundHost {
  readonly options: ResolvedBotOptions;
  /** The user's event bus. */
  readonly handlers: Pick<Handlers, "emit" | "has" | "report">;
  /** The line watcher: texts become lines. */
  readonly lines: Pick<LineWatcher, "baseline" | "update" | "forget" | "clear">;
  /** The way out: answers to its requests, the per-socket budget, the bot's text. */
  readonly outbox: Pick<Outbox, "inbound" | "resetText">;
  /** The server dropped a packet: stop sending for `ms`. */
  block(ms: number): void;
  /** Stops a `type()` in progress (the bot left). */
  readonly cancelTyping: Actions["cancelTyping"];
  /** Answers an AFK warning. */
  readonly afkResponse: Actions["afkResponse"];
  /** The placement: the lobby changed, the bot left its room. */
  readonly placement: Pick<Placement, "lobbyChanged" | "left">;
  /** The board: its events, a person leaving, the bot leaving. */
  readonly board: Pick<Board, "receive" | "userLeft" | "reset">;
  /** People and the bot leaving end their questions. */
  readonly asks: { userLeft(id: string): void; roomLeft(reason: string): void };
  /** Runs a fire-and-forget action (its failure goes to `error`). */
  background(work: Promise<unknown>): void;
}

/**
 * Every server event's validator (`null`: no payload), in one map: one lookup per event on
 * the hot path. Each asks its generated guard first; valibot is loaded only when a payload
 * fails, to name the issues.
 */
const ROUTES: ReadonlyMap<string, LazyValidator<unknown> | null> = new Map(
  Object.entries(serverEventValidators),
);

/** The bot's way in. */
export class Inbound implements StateSink {
  readonly #host: InboundHost;
  /**
   * The room and its texts when the connection was lost: back in that room,
   * lines people completed meanwhile (still in their texts) run.
   */
  #lost: { readonly id: string; readonly texts: ReadonlyMap<string, string> } | undefined;

  /** What the bot knows, kept from the wire events; its changes come back here. */
  readonly state: BotState;

  constructor(host: InboundHost) {
    this.#host = host;
    this.state = new BotState(this, host.options.clock);
  }

  /** One wire event. */
  receive(event: string, args: readonly unknown[]): void {
    const route = ROUTES.get(event);
    if (route === undefined) {
      const { options } = this.#host;
      if (options.debug) options.logger.debug(`ignored unknown event "${event}"`);
      return;
    }
    if (route === null) return this.#apply(event, undefined);
    const value = args[0];
    if (route.guard(value)) return this.#apply(event, value); // valid
    // Invalid (the guard and the validator apply the same rules): the validator names the
    // issues, once valibot is loaded (the first time, a moment later).
    let checked: unknown;
    try {
      checked = validateSoon(route, value, { direction: "inbound", target: event });
    } catch (error) {
      return this.#host.handlers.report(error);
    }
    if (!(checked instanceof Promise)) return this.#apply(event, checked);
    checked.then(
      (payload) => this.#apply(event, payload),
      (error) => this.#host.handlers.report(error),
    );
  }

  /**
   * A validated event: `raw`, state, board, answers to requests. A failure on the way (a bug,
   * never a handler's: those are caught where they run) is reported, never thrown into the
   * socket: nothing a server or a person sends may end the process.
   *
   * The validation boundary, the one place in bot/ where a payload becomes typed: `event` has a
   * route (it is a server event name) and `value` passed that route's guard or validator, so
   * the pair is a `ServerMessage` (bot/wire.ts). A guard picked by a name known only at run time
   * cannot narrow statically, hence the casts, on the lines marked `wire-boundary` (checked by
   * tests/bot/casts_test.ts). Past them everything is typed `<K>(name: K, payload:
   * ServerEvents[K])`; the pair travels as two arguments, so no array is made per event.
   */
  #apply(event: string, value: unknown): void {
    const name = event as ServerEventName; // wire-boundary: a routed event is a server event
    const payload = value as ServerEvents[ServerEventName]; // wire-boundary: validated above
    const { handlers, options, outbox } = this.#host;
    try {
      if (handlers.has("raw")) {
        handlers.emit("raw", { event: name, payload } as RawEvent); // wire-boundary: the same pair
      }
      if (name === "error" && failureOf<ServerEventName>(name, payload)?.dropped) {
        // The server dropped a packet and blocks this socket: stop sending for a while (§1.6).
        this.#host.block(options.pacing.rateLimitBackoffMs);
      }
      this.state.apply(name, payload);
      if (name.startsWith("board ")) this.#host.board.receive(name, payload);
      outbox.inbound(name, payload);
    } catch (error) {
      handlers.report(error);
    }
  }

  /** A failure no request was waiting for (or a late answer). */
  unclaimed(failure: ServerFailure, late: boolean): void {
    const context = late ? "Late answer from the server" : "The server reported an error";
    this.#host.handlers.report(refused("server", context, failure));
  }

  signedIn(_me: Me): void {}

  lobby(): void {
    const { handlers, placement } = this.#host;
    handlers.emit("lobbyUpdate", () => ({ rooms: this.state.rooms }));
    placement.lobbyChanged();
  }

  roomCreated(roomId: string): void {
    this.#host.handlers.emit("roomCreated", { roomId });
  }

  roomJoined(): void {
    const { lines, outbox, handlers } = this.#host;
    const state = this.state;
    lines.clear();
    const room = state.room!;
    const lost = this.#lost?.id === room.id ? this.#lost.texts : undefined;
    this.#lost = undefined;
    const missed: [string, string][] = [];
    for (const [id, text] of room.texts) {
      const before = id === state.me?.id ? undefined : lost?.get(id);
      if (before === undefined || before === text) lines.baseline(id, text);
      else {
        lines.baseline(id, before);
        missed.push([id, text]);
      }
    }
    outbox.resetText();
    handlers.emit("roomJoined", () => ({ room: state.roomView! }));
    for (const [id, text] of missed) lines.update(id, text);
  }

  roomLeft(room: Room, reason: RoomLeftReason): void {
    const { lines, handlers, placement } = this.#host;
    this.#lost = reason === "disconnected" ? { id: room.id, texts: room.texts } : undefined;
    lines.clear();
    this.#host.cancelTyping();
    this.#host.board.reset();
    this.#host.asks.roomLeft(reason);
    handlers.emit("roomLeft", { room, reason });
    placement.left(reason);
  }

  userJoin(user: User): void {
    this.#host.lines.baseline(user.id, "");
    this.#host.handlers.emit("userJoined", { user });
  }

  userLeave(user: User, reason: UserLeftReason): void {
    this.#host.lines.forget(user.id);
    this.#host.board.userLeft(user);
    this.#host.asks.userLeft(user.id);
    this.#host.handlers.emit("userLeft", { user, reason });
  }

  text(user: User, text: string, previous: string, bulk: boolean): void {
    if (bulk) this.#host.lines.baseline(user.id, text);
    else this.#host.lines.update(user.id, text);
    this.#host.handlers.emit("message", { user, text, previous });
  }

  typing(user: User, isTyping: boolean): void {
    this.#host.handlers.emit("typing", { user, isTyping });
  }

  vote(voter: User, target: User, added: boolean): void {
    this.#host.handlers.emit("vote", { voter, target, added });
  }

  kicked(room: Room): void {
    this.#host.handlers.emit("kicked", { room });
  }

  afkWarning(message: string, secondsRemaining: number): void {
    const { options, handlers } = this.#host;
    if (options.answerAfk && this.state.room) this.#host.background(this.#host.afkResponse());
    handlers.emit("afkWarning", { message, remainingMs: secondsRemaining * 1000 });
  }

  afkTimeout(message: string, closed: boolean): void {
    this.#host.handlers.emit("afkTimeout", { message, closed });
  }
}
