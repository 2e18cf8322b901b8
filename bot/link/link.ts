/**
 * The bot's link to the server: session cookie, socket, sign-in, and coming
 * back after a loss (backoff; a new session after a server restart). The
 * cookie and the token are private to this module.
 *
 * @module
 */

import { HttpTransport } from "../../api/transport.ts";
import { MemoryTokenStore } from "../../api/token_store.ts";
import { Connection } from "./connection.ts";
import { ActionError } from "../errors.ts";
import type { ResolvedBotOptions } from "../options.ts";
import { delay } from "../out/pacer.ts";
import type { Me } from "../model.ts";
import type { ClientEventName, ClientEvents } from "../../schemas/events.gen.ts";

/** What the link needs from the bot: functions, no parts. */
export interface LinkHost {
  readonly options: ResolvedBotOptions;
  /** The bot's id from an earlier sign-in (another one after a reconnect: a new session). */
  myId(): string | undefined;
  /** Every wire event. */
  onWire(event: string, args: unknown[]): void;
  /** A new socket: what the server counts per socket starts over (budget, sent text). */
  newSocket(): void;
  /** Asks for the room list outside the request turns (the liveness probe). */
  probe(): void;
  /** Signs in on the new socket. */
  signIn(): Promise<Me>;
  /** The server gave the bot a new session (it restarted). */
  newSession(): void;
  /** Goes where the `room` option says (after the start and each reconnect). */
  place(): Promise<void>;
  /** Tries placing again later (placing failed after a reconnect). */
  retryPlace(): void;
  /** Stops trying to place the bot (it stops). */
  cancelPlace(): void;
  /** The bot lost its room with the connection. */
  dropRoom(): void;
  /** Connected and signed in after `start()`. */
  ready(me: Me): void;
  /** Connected and signed in again after a loss. */
  reconnected(attempt: number, me: Me): void;
  /** The connection ended. */
  disconnected(reason: string, willReconnect: boolean): void;
  /** A failure nobody awaits, to the `error` event. */
  report(error: unknown): void;
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
  readonly #stop: AbortController;
  #transport: HttpTransport | undefined;
  #cookie: string | undefined;
  #conn: Connection | undefined;
  #life: AbortController | undefined;
  #ready = false;
  #started: Promise<Me> | undefined;
  #resolveStopped!: () => void;
  readonly stopped: Promise<void> = new Promise((resolve) => this.#resolveStopped = resolve);

  /** `stop` aborts when the bot stops (the link aborts it in `stop()`). */
  constructor(host: LinkHost, token: string | undefined, stop: AbortController) {
    this.#host = host;
    this.#token = token;
    this.#stop = stop;
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
  emit<K extends ClientEventName>(event: K, payload: ClientEvents[K]): void {
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
      await this.#host.place();
      this.#host.ready(me);
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
    this.#host.cancelPlace();
    this.#close();
    this.#host.dropRoom();
    if (hadConnection) {
      this.#host.disconnected("stopped", false);
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
    const before = this.#host.myId();
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
        probe: () => this.#host.probe(),
        clock: o.clock,
      });
      await conn.open(signal);
      this.#conn = conn;
      this.#life = new AbortController();
      this.#host.newSocket();
      const me = await this.#host.signIn();
      const expected = sessionIdOf(this.#cookie);
      if (fresh > 0 || expected === undefined || expected === me.id) {
        if (before !== undefined && before !== me.id) this.#host.newSession();
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
    this.#host.disconnected(reason, willReconnect);
    this.#host.dropRoom();
    if (willReconnect) void this.#reconnect();
    else void this.stop();
  }

  async #reconnect(): Promise<void> {
    const { reconnect: o, clock } = this.#host.options;
    if (!o) return;
    const signal = this.#stop.signal;
    for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
      const base = Math.min(o.maxDelayMs, o.initialDelayMs * 2 ** Math.min(30, attempt - 1));
      try {
        await delay(Math.round(base * (0.8 + Math.random() * 0.4)), signal, clock);
      } catch {
        return; // stopped
      }
      let me: Me;
      try {
        me = await this.#connect();
      } catch (error) {
        if (signal.aborted) return;
        this.#host.report(error);
        continue;
      }
      try {
        await this.#host.place();
      } catch (error) {
        this.#host.report(error);
        this.#host.retryPlace();
      }
      if (signal.aborted) return;
      this.#host.reconnected(attempt, me);
      return;
    }
    this.#host.report(new Error(`Gave up reconnecting after ${o.maxAttempts} attempts`));
    void this.stop();
  }
}
