/**
 * The bot's link to the server: session cookie, socket, sign-in, and coming
 * back after a loss (backoff; a new session after a server restart). The
 * cookie and the token are private to this module.
 *
 * @module
 */

import { HttpTransport } from "../api/transport.ts";
import { MemoryTokenStore } from "../api/token_store.ts";
import type { Actions } from "./actions.ts";
import { Connection } from "./connection.ts";
import { ActionError } from "./errors.ts";
import type { Handlers } from "./handlers.ts";
import type { ResolvedBotOptions } from "./options.ts";
import type { Outbox } from "./outbox.ts";
import { delay } from "./pacer.ts";
import type { Placement } from "./placement.ts";
import type { BotState, Me } from "./state.ts";

/** What the link needs from the bot. */
export interface LinkHost {
  readonly options: ResolvedBotOptions;
  readonly state: BotState;
  readonly outbox: Outbox;
  readonly actions: Actions;
  readonly handlers: Handlers;
  readonly placement: Placement;
  /** Every wire event. */
  onWire(event: string, args: unknown[]): void;
  /** The bot lost its room with the connection. */
  dropRoom(): void;
}

function sessionIdOf(cookie: string | undefined): string | undefined {
  if (!cookie) return undefined;
  const value = decodeURIComponent(cookie.replace(/^connect\.sid=/, ""));
  return /^s:([^.]+)\./.exec(value)?.[1];
}

/** Connects, signs in, reconnects; owns the secrets. */
export class Link {
  readonly #host: LinkHost;
  readonly #token: string | undefined;
  readonly #stop = new AbortController();
  #transport: HttpTransport | undefined;
  #cookie: string | undefined;
  #conn: Connection | undefined;
  #life: AbortController | undefined;
  #ready = false;
  #started: Promise<Me> | undefined;
  #resolveStopped!: () => void;
  readonly stopped: Promise<void> = new Promise((resolve) => this.#resolveStopped = resolve);

  constructor(host: LinkHost, token: string | undefined) {
    this.#host = host;
    this.#token = token;
  }

  /** Aborts when the bot stops. */
  get stopSignal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Aborts when the current connection ends; `undefined` while not connected. */
  get connection(): AbortSignal | undefined {
    return this.#conn ? this.#life?.signal : undefined;
  }

  /** Connected and signed in on this connection. */
  get ready(): boolean {
    return this.#ready && this.#conn?.connected === true;
  }

  /** The server's base URL (known once started). */
  get url(): string {
    return this.#transport?.baseUrl ?? this.#host.options.server ?? "the server";
  }

  /** Emits on the current connection. */
  emit(event: string, payload?: unknown): void {
    if (!this.#conn) {
      throw new ActionError(event, `Cannot send "${event}": not connected`, {
        code: "NOT_CONNECTED",
        reason: "notConnected",
      });
    }
    this.#conn.emit(event, payload);
  }

  /** Connects, signs in and goes where the `room` option says; once. */
  start(): Promise<Me> {
    if (this.#stop.signal.aborted) {
      return Promise.reject(
        new ActionError("start", "Cannot start: the bot was stopped", {
          code: "STOPPED",
          reason: "stopped",
        }),
      );
    }
    this.#started ??= (async () => {
      const me = await this.#connect();
      await this.#host.placement.ensure();
      this.#host.handlers.emit("ready", { me });
      return me;
    })().catch((error) => {
      this.#started = undefined;
      this.#close();
      throw error;
    });
    return this.#started;
  }

  /** Disconnects for good. */
  stop(): Promise<void> {
    if (this.#stop.signal.aborted) return this.stopped;
    const hadConnection = this.#conn !== undefined;
    this.#ready = false;
    this.#stop.abort();
    this.#host.placement.cancel();
    this.#close();
    this.#host.dropRoom();
    if (hadConnection) {
      this.#host.handlers.emit("disconnected", { reason: "stopped", willReconnect: false });
    }
    this.#resolveStopped();
    return this.stopped;
  }

  #transportFor(): HttpTransport {
    const o = this.#host.options;
    return this.#transport ??= new HttpTransport({
      ...(o.server !== undefined ? { baseUrl: o.server } : {}),
      ...(this.#token !== undefined ? { token: this.#token } : {}),
      ...(o.tokenStore !== undefined ? { tokenStore: o.tokenStore } : {}),
      logger: { warn: (m) => o.logger.warn(m) },
    });
  }

  async #connect(): Promise<Me> {
    const signal = this.#stop.signal;
    const transport = this.#transportFor();
    if (this.#cookie === undefined) {
      // A token request (when the bot needs one) answers with a session cookie as well:
      // asking for the token first saves the cookie's own round trip.
      await transport.botToken({ signal });
      this.#cookie = await transport.ensureSessionCookie({ signal });
    }
    const before = this.#host.state.me?.id;
    for (let fresh = 0;; fresh++) {
      this.#close();
      const o = this.#host.options;
      const conn = new Connection({
        url: transport.baseUrl,
        token: () => transport.botToken({ signal }),
        rejectToken: (token) => transport.tokens.invalidate(token),
        cookie: this.#cookie,
        onEvent: (event, args) => this.#host.onWire(event, args),
        onClose: (reason) => this.#onClose(reason),
        ...(o.debug ? { log: (line: string) => o.logger.debug(line) } : {}),
        timeoutMs: o.actionTimeoutMs,
        ...(o.liveness ? { liveness: o.liveness } : {}),
        probe: () => this.#host.outbox.probe(),
      });
      await conn.open(signal);
      this.#conn = conn;
      this.#life = new AbortController();
      this.#host.actions.budget.reset(); // the server's budget is per socket
      this.#host.outbox.connected();
      const me = await this.#host.actions.signIn();
      const expected = sessionIdOf(this.#cookie);
      if (fresh > 0 || expected === undefined || expected === me.id) {
        if (before !== undefined && before !== me.id) this.#host.actions.newSession();
        this.#ready = true;
        return me;
      }
      // The server no longer knows the cookie (it restarted): take a new one, for a stable identity.
      this.#host.options.logger.debug("session cookie not recognised; fetching a new one");
      this.#cookie = await new HttpTransport({
        baseUrl: transport.baseUrl,
        token: "tk_unused",
        tokenStore: new MemoryTokenStore(),
      }).ensureSessionCookie({ signal });
    }
  }

  #close(): void {
    this.#ready = false;
    this.#life?.abort();
    this.#life = undefined;
    this.#conn?.close();
    this.#conn = undefined;
  }

  #onClose(reason: string): void {
    this.#ready = false;
    this.#close();
    const o = this.#host.options;
    const willReconnect = !this.#stop.signal.aborted && o.reconnect !== false;
    this.#host.handlers.emit("disconnected", { reason, willReconnect });
    this.#host.dropRoom();
    if (willReconnect) void this.#reconnect();
    else void this.stop();
  }

  async #reconnect(): Promise<void> {
    const o = this.#host.options.reconnect;
    if (!o) return;
    const signal = this.#stop.signal;
    for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
      const base = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** Math.min(30, attempt - 1));
      try {
        await delay(Math.round(base * (0.8 + Math.random() * 0.4)), signal);
      } catch {
        return; // stopped
      }
      let me: Me;
      try {
        me = await this.#connect();
      } catch (error) {
        if (signal.aborted) return;
        this.#host.handlers.report(error);
        continue;
      }
      try {
        await this.#host.placement.ensure();
      } catch (error) {
        this.#host.handlers.report(error);
        this.#host.placement.retry();
      }
      if (signal.aborted) return;
      this.#host.handlers.emit("reconnected", { attempt, me });
      return;
    }
    this.#host.handlers.report(new Error(`Gave up reconnecting after ${o.maxAttempts} attempts`));
    void this.stop();
  }
}
