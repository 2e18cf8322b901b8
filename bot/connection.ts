/**
 * One socket.io connection to a Talkomatic server: the bot token in the
 * handshake, the session cookie as a `Cookie` header (so the identity
 * survives reconnects), no automatic reconnection (the bot decides), a
 * rejected token replaced once, and every event in and out passed through
 * one hook each for logging.
 *
 * @example
 * ```ts ignore
 * import { Connection } from "./connection.ts";
 *
 * const conn = new Connection({
 *   url: "http://127.0.0.1:3000",
 *   token: () => Promise.resolve("tk_..."),
 *   rejectToken: () => Promise.resolve(false),
 *   cookie: () => Promise.resolve(undefined),
 *   onEvent: (name, args) => console.log(name, args),
 *   onClose: (reason) => console.log("closed", reason),
 * });
 * await conn.open();
 * ```
 *
 * @module
 */

import { io, type Socket } from "socket.io-client";
import { redactTokens } from "../api/errors.ts";
import { TransportError } from "./errors.ts";

/** What a {@linkcode Connection} needs from its owner. */
export interface ConnectionOptions {
  /** The server base URL (`http(s)://host:port`). */
  readonly url: string;
  /** The bot token to present. */
  readonly token: () => Promise<string>;
  /** Called when the server rejected `token`; resolves `true` when a new one can be obtained. */
  readonly rejectToken: (token: string) => Promise<boolean>;
  /** The `Cookie` header value (`connect.sid=…`), if any. */
  readonly cookie: () => Promise<string | undefined>;
  /** Every incoming event, with its raw arguments. */
  readonly onEvent: (event: string, args: unknown[]) => void;
  /** The connection closed after it was open (not after `close()`). */
  readonly onClose: (reason: string) => void;
  /** Debug log sink (tokens are redacted before it is called). */
  readonly log?: (line: string) => void;
  /** Handshake timeout in ms (default 10 000). */
  readonly timeoutMs?: number;
}

const TOKEN_REJECTIONS = new Set(["Invalid bot token", "Bot token required"]);

/**
 * A single socket.io connection with the bot's handshake rules.
 */
export class Connection {
  readonly #options: ConnectionOptions;
  #socket: Socket | undefined;
  #closedByUs = false;

  /**
   * Creates a closed connection.
   *
   * @param options Server, credentials and hooks.
   */
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
   * Connects. A token the server rejects is replaced once.
   *
   * @param signal Aborts the attempt.
   * @throws {TransportError} When the server cannot be reached or refuses the handshake.
   */
  async open(signal?: AbortSignal): Promise<void> {
    let token = await this.#options.token();
    try {
      await this.#attempt(token, signal);
    } catch (err) {
      if (
        err instanceof TransportError && TOKEN_REJECTIONS.has(String(err.cause)) &&
        await this.#options.rejectToken(token)
      ) {
        token = await this.#options.token();
        this.#log(`token rejected; retrying with a new one`);
        await this.#attempt(token, signal);
        return;
      }
      throw err;
    }
  }

  async #attempt(token: string, signal?: AbortSignal): Promise<void> {
    this.close();
    this.#closedByUs = false;
    const cookie = await this.#options.cookie();
    const timeout = this.#options.timeoutMs ?? 10_000;
    this.#log(`connecting to ${this.#options.url} with token ${token}`);
    const socket = io(this.#options.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      timeout,
      auth: { token },
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    });
    this.#socket = socket;
    await new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        socket.off("connect", onConnect);
        socket.off("connect_error", onError);
        signal?.removeEventListener("abort", onAbort);
      };
      const onConnect = (): void => {
        cleanup();
        resolve();
      };
      const onError = (err: Error): void => {
        cleanup();
        socket.close();
        reject(
          new TransportError(`Cannot connect to ${this.#options.url}: ${err.message}`, {
            kind: "network",
            url: this.#options.url,
            cause: err.message,
          }),
        );
      };
      const onAbort = (): void => {
        cleanup();
        socket.close();
        reject(signal!.reason);
      };
      socket.on("connect", onConnect);
      socket.on("connect_error", onError);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    this.#log(`connected as socket ${socket.id}`);
    socket.onAny((event: string, ...args: unknown[]) => {
      // Only with a log sink: serialising every payload was a large share of the inbound cost.
      if (this.#options.log) {
        this.#log(`<- ${event} ${args.map((a) => JSON.stringify(a)).join(" ")}`);
      }
      this.#options.onEvent(event, args);
    });
    socket.on("disconnect", (reason: string) => {
      this.#log(`disconnected: ${reason}`);
      if (this.#socket !== socket || this.#closedByUs) return;
      this.#socket = undefined;
      this.#options.onClose(reason);
    });
  }

  /**
   * Sends one event (no acknowledgement: the server never sends any).
   *
   * @param event The wire event name.
   * @param payload The payload, or `undefined` for none.
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

  /** Closes the socket without reporting it through `onClose`. */
  close(): void {
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
