// The two kinds of client every benchmark compares: the Bot, and a
// hand-written raw socket.io-client doing the same work without validation,
// state or dispatch.

import { io, type Socket } from "socket.io-client";
import { MemoryTokenStore } from "../api/mod.ts";
import { Bot, type BotOptions } from "../bot/mod.ts";
import { quietLogger } from "./_util.ts";

/** Options every benchmark Bot gets: the server, its token, no disk, no noise. */
export function benchBot(
  url: string,
  token: string,
  options: Partial<BotOptions> & { username: string },
  errors?: { count: number; last?: string },
): Bot {
  return new Bot({
    location: "bench",
    server: url,
    token,
    tokenStore: new MemoryTokenStore(),
    reconnect: false,
    help: false,
    logger: quietLogger(errors),
    ...options,
  });
}

/** A raw socket.io client: the handshake a bot needs, nothing else. */
export class RawClient {
  readonly socket: Socket;
  userId = "";

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  /**
   * Fetches a session cookie (as the Bot does), connects and signs in.
   *
   * @param url Server base URL.
   * @param token Bot token.
   * @param username Name to sign in with.
   * @returns The signed-in client.
   */
  static async connect(url: string, token: string, username: string): Promise<RawClient> {
    const res = await fetch(`${url}/js/emojiList.json`);
    await res.body?.cancel();
    const cookie = res.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) =>
      c.startsWith("connect.sid=")
    );
    const socket = io(url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      auth: { token },
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (e) => {
        socket.close();
        reject(e);
      });
    });
    const client = new RawClient(socket);
    const status = await client.request<{ userId: string }>(
      "join lobby",
      { username, location: "bench" },
      "signin status",
    );
    client.userId = status.userId;
    return client;
  }

  /**
   * Emits an event and resolves with the payload of the next `answer` event;
   * rejects on `error` or `validation_error`.
   */
  request<T>(event: string, payload: unknown, answer: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        this.socket.off(answer, ok);
        this.socket.off("error", bad);
        this.socket.off("validation_error", bad);
        this.socket.off("room not found", bad);
        this.socket.off("room full", bad);
      };
      const ok = (p: T): void => {
        done();
        resolve(p);
      };
      const bad = (p: unknown): void => {
        done();
        reject(new Error(`${event}: ${JSON.stringify(p)}`));
      };
      this.socket.on(answer, ok);
      this.socket.on("error", bad);
      this.socket.on("validation_error", bad);
      this.socket.on("room not found", bad);
      this.socket.on("room full", bad);
      this.socket.emit(event, payload);
    });
  }

  /** Creates a public room and returns its id. */
  createRoom(name: string): Promise<string> {
    return this.request(
      "create room",
      { name, type: "public", layout: "vertical" },
      "room created",
    );
  }

  /** Joins a room; resolves on `room joined`. */
  async joinRoom(roomId: string): Promise<void> {
    await this.request("join room", { roomId }, "room joined");
  }

  /** Closes the socket. */
  close(): void {
    this.socket.close();
  }
}
