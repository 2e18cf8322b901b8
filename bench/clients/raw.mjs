// The raw baseline every benchmark compares the Bot with: a hand-written
// socket.io-client bot doing the handshake a bot needs (session cookie,
// connect, sign in) and nothing else: no validation, no state, no pacing.
// Plain JavaScript, so the same file runs in Deno and in Node.

import { io } from "socket.io-client";

/**
 * Fetches a session cookie the cheapest way the runtime offers: `fetch` in
 * Deno, `node:http` in Node (already loaded by socket.io-client's `ws`).
 *
 * @param {string} url The server base URL.
 * @returns {Promise<string | undefined>} `connect.sid=…`, if the server set one.
 */
export async function sessionCookie(url) {
  const pick = (/** @type {string[]} */ cookies) =>
    cookies.map((c) => c.split(";")[0]).find((c) => c.startsWith("connect.sid="));
  if (globalThis.Deno) {
    const res = await fetch(`${url}/js/emojiList.json`);
    await res.body?.cancel();
    return pick(res.headers.getSetCookie());
  }
  const http = await import(url.startsWith("https:") ? "node:https" : "node:http");
  return await new Promise((resolve, reject) => {
    http.get(`${url}/js/emojiList.json`, (res) => {
      res.resume();
      resolve(pick(res.headers["set-cookie"] ?? []));
    }).on("error", reject);
  });
}

/** A raw socket.io client: the handshake a bot needs, nothing else. */
export class RawClient {
  /** @param {import("socket.io-client").Socket} socket */
  constructor(socket) {
    this.socket = socket;
    this.userId = "";
  }

  /**
   * Fetches a session cookie (as the Bot does), connects and signs in.
   *
   * @param {string} url Server base URL.
   * @param {string} token Bot token.
   * @param {string} username Name to sign in with.
   * @returns {Promise<RawClient>} The signed-in client.
   */
  static async connect(url, token, username) {
    const cookie = await sessionCookie(url);
    const socket = io(url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      auth: { token },
      ...(cookie ? { extraHeaders: { Cookie: cookie } } : {}),
    });
    await new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(undefined));
      socket.once("connect_error", (e) => {
        socket.close();
        reject(e);
      });
    });
    const client = new RawClient(socket);
    const status = await client.request(
      "join lobby",
      { username, location: "bench" },
      "signin status",
    );
    client.userId = /** @type {{ userId: string }} */ (status).userId;
    return client;
  }

  /**
   * Emits an event and resolves with the payload of the next `answer` event;
   * rejects on `error` or `validation_error`.
   *
   * @param {string} event
   * @param {unknown} payload
   * @param {string} answer
   * @returns {Promise<unknown>}
   */
  request(event, payload, answer) {
    const failures = ["error", "validation_error", "room not found", "room full"];
    return new Promise((resolve, reject) => {
      const done = () => {
        this.socket.off(answer, ok);
        for (const f of failures) this.socket.off(f, bad);
      };
      const ok = (/** @type {unknown} */ p) => {
        done();
        resolve(p);
      };
      const bad = (/** @type {unknown} */ p) => {
        done();
        reject(new Error(`${event}: ${JSON.stringify(p)}`));
      };
      this.socket.on(answer, ok);
      for (const f of failures) this.socket.on(f, bad);
      this.socket.emit(event, payload);
    });
  }

  /**
   * Creates a public room.
   *
   * @param {string} name
   * @returns {Promise<string>} Its id.
   */
  async createRoom(name) {
    return /** @type {string} */ (await this.request(
      "create room",
      { name, type: "public", layout: "vertical" },
      "room created",
    ));
  }

  /**
   * Joins a room; resolves on `room joined`.
   *
   * @param {string} roomId
   */
  async joinRoom(roomId) {
    await this.request("join room", { roomId }, "room joined");
  }

  /** Closes the socket. */
  close() {
    this.socket.close();
  }
}

/**
 * The raw bot's job, as the Bot's: keep every person's text, answer `/echo`
 * when a line ending in Enter starts with it.
 *
 * @param {RawClient} raw
 * @returns {Map<string, string>} Everyone's text.
 */
export function rawEcho(raw) {
  const texts = new Map();
  raw.socket.on("chat update", (/** @type {{ userId: string; diff: { text: string } }} */ p) => {
    const text = p.diff.text;
    texts.set(p.userId, text);
    if (!text.endsWith("\n")) return;
    const lines = text.split("\n");
    const line = lines[lines.length - 2].trim();
    if (!line.startsWith("/echo ")) return;
    raw.socket.emit("chat update", { diff: { type: "full-replace", text: line.slice(6) } });
  });
  return texts;
}
