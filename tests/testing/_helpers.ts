// Raw socket.io clients for the TestServer conformance tests.
import { io, type Socket } from "socket.io-client";
import type { TestServer } from "../../testing/mod.ts";
import { until } from "../_support.ts";

/** Deno.test (op and resource sanitizers on: every test closes its clients and server). */
export function test(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, fn });
}

export { sleep, startServer } from "../_support.ts";

let ipCounter = 1;

/** A raw socket.io client recording every event as [name, payload]. */
export class Raw {
  socket!: Socket;
  events: [string, unknown][] = [];
  ip: string;
  cookie: string | undefined;
  userId = "";
  /** `get rooms` sent and `initial rooms` received, for the fence. */
  lobbyAsked = 0;
  lobbyAnswered = 0;
  constructor(readonly server: TestServer, ip?: string) {
    this.ip = ip ?? `10.9.${Math.floor(ipCounter / 250)}.${ipCounter++ % 250 + 1}`;
  }

  /** Gets a cookie over HTTP (unless `cookie: false`) and connects. Resolves with the connect_error message or "connect". */
  async connect(
    opts: {
      token?: string | null | number;
      cookie?: boolean;
      headers?: Record<string, string>;
      auth?: Record<string, unknown>;
    } = {},
  ): Promise<string> {
    if (opts.cookie !== false && !this.cookie) {
      const res = await fetch(`${this.server.url}/js/emojiList.json`, {
        headers: { "X-Forwarded-For": this.ip },
      });
      await res.body?.cancel();
      this.cookie = res.headers.getSetCookie()[0]?.split(";")[0];
    }
    const token = opts.token === undefined ? this.server.issueToken() : opts.token;
    this.socket = io(this.server.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      auth: token === null ? { ...opts.auth } : { token, ...opts.auth },
      extraHeaders: {
        "X-Forwarded-For": this.ip,
        ...(this.cookie && opts.cookie !== false ? { Cookie: this.cookie } : {}),
        ...opts.headers,
      },
    });
    this.socket.onAny((name, ...args) => {
      if (name === "initial rooms") this.lobbyAnswered++;
      this.events.push([name, args[0]]);
    });
    return await new Promise((resolve) => {
      this.socket.once("connect", () => resolve("connect"));
      this.socket.once("connect_error", (e) => {
        this.socket.close();
        resolve(e.message);
      });
    });
  }

  emit(event: string, ...args: unknown[]): void {
    if (event === "get rooms") this.lobbyAsked++;
    this.socket.emit(event, ...args);
  }

  /** Waits until an event with that name (and payload predicate) is recorded. */
  async until(
    name: string,
    pred: (p: unknown) => boolean = () => true,
    timeout = 3000,
  ): Promise<unknown> {
    const hit = await until(
      () => this.events.find(([n, p]) => n === name && pred(p)),
      `"${name}"`,
      timeout,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; got ${JSON.stringify(this.names())}`);
    });
    return hit[1];
  }

  names(): string[] {
    return this.events.map(([n]) => n);
  }

  /** Returns and clears the recorded events. */
  take(): unknown[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  async signIn(username: string, location: string): Promise<void> {
    this.emit("join lobby", { username, location });
    const s = await this.until("signin status") as { userId: string };
    this.userId = s.userId;
    this.take();
  }

  close(): void {
    this.socket?.close();
  }
}

/** A signed-in client. */
export async function signedIn(
  server: TestServer,
  username: string,
  location: string,
): Promise<Raw> {
  const c = new Raw(server);
  const r = await c.connect();
  if (r !== "connect") throw new Error(r);
  await c.signIn(username, location);
  return c;
}

/** Creates a room with `owner` and returns its id (events cleared on every client). */
export async function createRoom(
  owner: Raw,
  room: Record<string, unknown> = { name: "Room", type: "public", layout: "vertical" },
): Promise<string> {
  owner.emit("create room", room);
  const id = await owner.until("room created") as string;
  return id;
}

/** Joins and waits for the joiner's room update, then fences everyone; clears everyone's events. */
export async function join(c: Raw, roomId: string, all: Raw[], accessCode?: string): Promise<void> {
  c.emit("join room", accessCode ? { roomId, accessCode } : { roomId });
  await c.until("room update");
  await fence(...all);
  for (const x of all) x.take();
}

/** Fences every client and clears their events. */
export async function reset(all: Raw[]): Promise<void> {
  await fence(...all);
  for (const x of all) x.take();
}

/**
 * The protocol's fence (socket.io keeps each socket's order): per client in turn, `get rooms`
 * and its `initial rooms` answer, which comes after everything the server sent that client
 * before. Fencing the sender, then the others, proves that nothing more is coming from what
 * the sender sent before. The fence's own `initial rooms` answer is removed from the events.
 */
export async function fence(...clients: Raw[]): Promise<void> {
  for (const c of clients) {
    if (!c.socket?.connected) continue; // a closed client receives nothing more
    c.emit("get rooms");
    // Answers come in order: the fence's is the last one, once every request is answered.
    await until(() => c.lobbyAnswered >= c.lobbyAsked, `"initial rooms" (fence)`, 3000);
    const last = c.events.findLastIndex(([n]) => n === "initial rooms");
    if (last >= 0) c.events.splice(last, 1);
  }
}
