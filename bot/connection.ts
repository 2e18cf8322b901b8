/**
 * One socket.io connection to a Talkomatic server: the bot token in the
 * handshake, the session cookie as a `Cookie` header (so the identity
 * survives reconnects, docs/protocol.md §2.1), no automatic reconnection (the
 * bot decides), a refused token replaced once, and every event in and out
 * passed through one hook each.
 *
 * @module
 */

import { io, type Socket } from "socket.io-client";
import { redactTokens } from "../api/errors.ts";
import { TransportError } from "./errors.ts";
import { handshakeRefusal } from "./server_messages.ts";

/** What a {@linkcode Connection} needs from its owner. */
export interface ConnectionOptions {
  /** The server base URL (`http(s)://host:port`). */
  readonly url: string;
  /** The bot token to present. */
  readonly token: () => Promise<string>;
  /** The server refused `token`; resolves `true` when another one can be had. */
  readonly rejectToken: (token: string) => Promise<boolean>;
  /** The `Cookie` header value (`connect.sid=…`), if any. */
  readonly cookie: string | undefined;
  /** Every incoming event, with its raw arguments. */
  readonly onEvent: (event: string, args: unknown[]) => void;
  /** The server or the network closed the connection. */
  readonly onClose: (reason: string) => void;
  /** Debug log sink; wire traffic is logged only when set. */
  readonly log?: (line: string) => void;
  /** Handshake timeout in ms. */
  readonly timeoutMs: number;
  /**
   * Dead-connection detection: after `probeAfterMs` without any packet from
   * the server (its pings included) `probe` is called once; after
   * `deadAfterMs` the connection is closed and reported through `onClose`
   * with reason `"no traffic"`.
   */
  readonly liveness?: { readonly probeAfterMs: number; readonly deadAfterMs: number };
  /** Sends something the server answers (called by the liveness check). */
  readonly probe?: () => void;
}

/** A socket.io connection, opened once. */
export class Connection {
  readonly #options: ConnectionOptions;
  #socket: Socket | undefined;
  #closedByUs = false;
  /** When the last packet came from the server. */
  #lastSeen = 0;
  #watchdog: ReturnType<typeof setInterval> | undefined;

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  /** Whether the socket is connected. */
  get connected(): boolean {
    return this.#socket?.connected === true;
  }

  #log(line: string): void {
    this.#options.log?.(redactTokens(line));
  }

  /**
   * Connects; a refused token is replaced once.
   *
   * @throws {TransportError} When the server cannot be reached or refuses the connection.
   */
  async open(signal?: AbortSignal): Promise<void> {
    const token = await this.#options.token();
    try {
      await this.#attempt(token, signal);
    } catch (error) {
      const refusal = error instanceof TransportError && error.cause !== undefined
        ? handshakeRefusal(String(error.cause))
        : undefined;
      if (!refusal?.badToken || !(await this.#options.rejectToken(token))) throw error;
      this.#log("token refused; retrying with a new one");
      await this.#attempt(await this.#options.token(), signal);
    }
  }

  async #attempt(token: string, signal?: AbortSignal): Promise<void> {
    this.close();
    this.#closedByUs = false;
    const { url, cookie, timeoutMs } = this.#options;
    this.#log(`connecting to ${url} with token ${token}`);
    const socket = io(url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout: timeoutMs,
      auth: { token },
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    });
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        socket.off("connect", onConnect);
        socket.off("connect_error", onError);
        signal?.removeEventListener("abort", onAbort);
      };
      const onConnect = (): void => {
        done();
        resolve();
      };
      const onError = (err: Error): void => {
        done();
        socket.close();
        const refusal = handshakeRefusal(err.message);
        reject(
          new TransportError(`Cannot connect to ${url}: ${refusal.hint}`, {
            kind: "network",
            url,
            cause: err.message,
          }),
        );
      };
      const onAbort = (): void => {
        done();
        socket.close();
        reject(signal!.reason);
      };
      socket.on("connect", onConnect);
      socket.on("connect_error", onError);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    this.#log(`connected as socket ${socket.id}`);
    const onEvent = this.#options.onEvent;
    this.#lastSeen = Date.now();
    // Serialise payloads only for a log sink: it was a large share of the inbound cost.
    socket.onAny(
      this.#options.log
        ? (event: string, ...args: unknown[]) => {
          this.#lastSeen = Date.now();
          this.#log(`<- ${event} ${args.map((a) => JSON.stringify(a)).join(" ")}`);
          onEvent(event, args);
        }
        : (event: string, ...args: unknown[]) => {
          this.#lastSeen = Date.now();
          onEvent(event, args);
        },
    );
    this.#watch(socket);
    socket.on("disconnect", (reason: string) => {
      this.#log(`disconnected: ${reason}`);
      if (this.#socket !== socket || this.#closedByUs) return;
      this.#socket = undefined;
      this.#options.onClose(reason);
    });
  }

  /**
   * Emits one event.
   *
   * @throws {TransportError} When not connected.
   */
  emit(event: string, payload?: unknown): void {
    const socket = this.#socket;
    if (!socket?.connected) {
      throw new TransportError(`Cannot send "${event}": not connected`, {
        kind: "network",
        url: this.#options.url,
      });
    }
    if (this.#options.log) {
      this.#log(`-> ${event}${payload === undefined ? "" : " " + JSON.stringify(payload)}`);
    }
    if (payload === undefined) socket.emit(event);
    else socket.emit(event, payload);
  }

  /** Probes a silent connection and closes a dead one (see `liveness`). */
  #watch(socket: Socket): void {
    const liveness = this.#options.liveness;
    if (!liveness) return;
    const { probeAfterMs, deadAfterMs } = liveness;
    // The server's pings count as traffic (they reach the Manager, not onAny).
    socket.io.on("ping", () => this.#lastSeen = Date.now());
    const tick = Math.max(10, Math.min(1000, probeAfterMs / 2, (deadAfterMs - probeAfterMs) / 2));
    let probedAt = 0;
    clearInterval(this.#watchdog);
    this.#watchdog = setInterval(() => {
      if (this.#socket !== socket) return clearInterval(this.#watchdog);
      const silent = Date.now() - this.#lastSeen;
      if (silent >= deadAfterMs) {
        this.#log(`no packet for ${silent} ms: the connection is dead`);
        this.close();
        this.#options.onClose("no traffic");
      } else if (silent >= probeAfterMs && probedAt !== this.#lastSeen) {
        probedAt = this.#lastSeen; // once per silence
        try {
          this.#options.probe?.();
        } catch {
          // not connected any more: the disconnect says so
        }
      }
    }, tick);
  }

  /** Closes the socket without reporting it through `onClose`. */
  close(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
    this.#closedByUs = true;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      socket.offAny();
      socket.removeAllListeners();
      socket.close();
    }
  }
}
