/**
 * Where the program wants the bot to be, and getting it there: at start,
 * after every reconnect, after a server restart (new session: the room is
 * found again by id, else by name, else created again if the bot had created
 * it) and after the server removed it (idle, closure, start-up purge). A
 * vote kick or an explicit `leaveRoom()` ends the wish. Failures are retried
 * with backoff, never in a tight loop (the join detector, docs/protocol.md
 * §12.4).
 *
 * @module
 */

import type { Actions, RoomSpec } from "./actions.ts";
import { ActionError } from "./errors.ts";
import type { RoomTarget } from "./options.ts";
import type { BotState, LobbyRoom, RoomLeftReason } from "./state.ts";

/** What the placement needs from the bot. */
export interface PlacementHost {
  readonly actions: Actions;
  readonly state: BotState;
  /** A failure nobody awaits. */
  report(error: unknown): void;
  warn(message: string): void;
  debug(message: string): void;
  /** Whether the bot is connected and signed in. */
  connected(): boolean;
  /** After joining, check membership this many ms later (0: never). */
  readonly verifyAfterMs: number;
  /** Shows the bot's text again after it came back. */
  resend(text: string): void;
}

type Wish =
  | { kind: "id"; id: string; accessCode?: string; name?: string }
  | { kind: "name"; spec: RoomSpec; create: boolean; id?: string }
  | { kind: "first-public" };

/** Failures that waiting will not fix. */
const FINAL = new Set<ActionError["reason"]>([
  "banned",
  "wrongAccessCode",
  "accessCodeRequired",
  "accessDenied",
  "validation",
  "unauthorized",
  "forbidden",
  "badRequest",
]);

const RETRY_MS = [1000, 5000, 15_000, 60_000];

function gone(id: string): ActionError {
  return new ActionError("joinRoom", `Cannot go back to room "${id}": it no longer exists`, {
    code: "NOT_FOUND",
    reason: "roomNotFound",
  });
}

/** The bot was never in the room of `id`, and nothing else is known of it. */
function unknownRoom(id: string): ActionError {
  return new ActionError("joinRoom", `Cannot join room "${id}": there is no room with that id`, {
    code: "NOT_FOUND",
    reason: "roomNotFound",
  });
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The bot's wish for a room, applied when needed. */
export class Placement {
  readonly #host: PlacementHost;
  #wish: Wish | undefined;
  /** The text the program last asked for in the wished room: shown again when the bot comes back. */
  #text = "";
  /** The text last sent (what people saw). */
  #shown = "";
  #waiting = false;
  /** The wait for the current wish was logged. */
  #toldWaiting = false;
  #running: Promise<void> | undefined;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #verify: ReturnType<typeof setTimeout> | undefined;

  constructor(host: PlacementHost, target: RoomTarget | undefined) {
    this.#host = host;
    this.set(target);
  }

  /** Sets the wish (`undefined`: none). */
  set(target: RoomTarget | undefined): void {
    this.cancel();
    this.#failures = 0;
    this.#toldWaiting = false;
    this.#text = this.#shown = "";
    if (target === undefined) this.#wish = undefined;
    else if (target === "first-public") this.#wish = { kind: "first-public" };
    else if ("id" in target) this.#wish = { kind: "id", ...target };
    else {
      const { name, type = "public", layout = "vertical", accessCode, create = false } = target;
      this.#wish = {
        kind: "name",
        spec: { name, type, layout, ...(accessCode ? { accessCode } : {}) },
        create,
      };
    }
  }

  /** The program joined a room itself: that is where it wants to be now. */
  joined(roomId: string, accessCode?: string): void {
    const wish = this.#wish;
    if (wish?.kind === "name" && wish.id === roomId) return;
    if (wish?.kind === "id" && wish.id === roomId) return;
    this.set({ id: roomId, ...(accessCode ? { accessCode } : {}) });
  }

  /** The program asked to show `text` (`send()`, `type()`). */
  intend(text: string): void {
    if (this.#wish) this.#text = text;
  }

  /** The program withdrew its last text (aborted before it was sent). */
  withdraw(): void {
    this.#text = this.#shown;
  }

  /** `text` was sent. */
  shown(text: string): void {
    this.#shown = text;
  }

  /** Goes where the wish says, now; resolves when there or waiting for a room to appear. */
  ensure(): Promise<void> {
    this.#running ??= this.#go().finally(() => this.#running = undefined);
    return this.#running;
  }

  /** Like {@linkcode Placement.ensure}, in the background, retrying failures. */
  retry(): void {
    this.ensure().then(() => this.#failures = 0, (error) => {
      if (!this.#wish || !this.#host.connected()) return;
      this.#host.report(error);
      if (error instanceof ActionError && FINAL.has(error.reason)) {
        this.#host.warn(`Not trying to enter the room again: ${error.message}`);
        this.#wish = undefined;
        return;
      }
      this.#later(RETRY_MS[Math.min(this.#failures++, RETRY_MS.length - 1)]);
    });
  }

  /** The lobby changed: a room the bot waits for may be there. */
  lobbyChanged(): void {
    if (this.#waiting && this.#host.connected() && !this.#running) this.retry();
  }

  /** The bot is no longer in its room. */
  left(reason: RoomLeftReason): void {
    clearTimeout(this.#verify);
    if (reason === "kicked" || reason === "left") {
      this.set(undefined); // voted out (and banned), or the program left: no longer wanted
      return;
    }
    // Removed by the server (idle, closure, purge): go back soon. A reconnect handles "disconnected".
    if (reason !== "disconnected") this.#later(RETRY_MS[0]);
  }

  /** Stops pending retries and checks. */
  cancel(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#verify);
    this.#timer = undefined;
    this.#waiting = false;
  }

  #later(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#host.connected()) this.retry();
    }, ms);
  }

  async #go(): Promise<void> {
    const wish = this.#wish;
    this.#waiting = false;
    if (!wish) return;
    const { state, actions } = this.#host;
    const here = state.room?.id;
    if (here !== undefined && (wish.kind === "first-public" || here === this.#idOf(wish))) return;
    switch (wish.kind) {
      case "id": {
        if (await this.#join(wish.id, wish.accessCode)) return;
        // Gone (a server restart): the listed room of that name, else created again if it was ours.
        const spec = actions.created.get(wish.id);
        const found = wish.name === undefined ? undefined : this.#find(wish.name);
        if (!found && !spec) throw wish.name === undefined ? unknownRoom(wish.id) : gone(wish.id);
        wish.id = found?.id ?? await this.#create(spec!);
        if (!(await this.#join(wish.id, wish.accessCode))) throw gone(wish.id);
        return;
      }
      case "name": {
        const code = wish.spec.accessCode;
        if (wish.id !== undefined && await this.#join(wish.id, code)) return;
        const found = this.#find(wish.spec.name);
        if (found) wish.id = found.id;
        else if (wish.create) wish.id = await this.#create(wish.spec);
        else return this.#wait(`a room named ${JSON.stringify(wish.spec.name)} (create: false)`);
        if (!(await this.#join(wish.id, code))) throw gone(wish.id);
        return;
      }
      case "first-public": {
        const found = state.rooms.find((r) => r.type === "public" && !r.isFull);
        if (!found) return this.#wait("a public room with a free seat");
        if (!(await this.#join(found.id))) this.#waiting = true;
        return;
      }
    }
  }

  /** Waits for a room to appear in the lobby; says so once per wish. */
  #wait(what: string): void {
    this.#waiting = true;
    if (this.#toldWaiting) return;
    this.#toldWaiting = true;
    this.#host.warn(`Waiting for ${what}`);
  }

  #idOf(wish: Wish): string | undefined {
    return wish.kind === "first-public" ? undefined : wish.id;
  }

  #find(name: string): LobbyRoom | undefined {
    return this.#host.state.rooms.find((r) => sameName(r.name, name));
  }

  async #create(spec: RoomSpec): Promise<string> {
    this.#host.debug(`Creating room "${spec.name}"`);
    return await this.#host.actions.createRoom({ ...spec, timeoutMs: 60_000 });
  }

  /** Joins `id`: `true` when in, `false` when the room does not exist. */
  async #join(id: string, accessCode?: string): Promise<boolean> {
    try {
      const room = await this.#host.actions.joinRoom(id, {
        ...(accessCode ? { accessCode } : {}),
        timeoutMs: 60_000,
      });
      const wish = this.#wish;
      if (wish?.kind === "id" && wish.id === id) wish.name = room.name;
      this.#scheduleVerify(id);
      if (this.#text) this.#host.resend(this.#text);
      return true;
    } catch (error) {
      if (error instanceof ActionError && error.reason === "roomNotFound") return false;
      throw error;
    }
  }

  /** The server silently drops people who join just after it started (§8.3): check later. */
  #scheduleVerify(id: string): void {
    const ms = this.#host.verifyAfterMs;
    if (ms <= 0) return;
    clearTimeout(this.#verify);
    this.#verify = setTimeout(async () => {
      const { state, actions } = this.#host;
      if (state.room?.id !== id || !this.#host.connected()) return;
      try {
        if (await actions.isMember(id)) return;
        this.#host.warn(`The server dropped the bot from room ${id}; going back`);
        state.leaveRoom("removed");
      } catch (error) {
        if (this.#host.connected()) this.#host.report(error);
      }
    }, ms);
  }
}
