// A TCP proxy on 127.0.0.1 that can stall the network: while stalled it
// forwards nothing in either direction and holds new connections. It tells
// websocket clients short Engine.IO ping settings (the TestServer keeps the
// real 25 s / 60 s) and sends them the pings itself, so a stall longer than
// the ping timeout is detected in under a second, like on the real server
// after 85 s. The server side of a stalled connection is closed after the
// same timeout, as the server's own ping timeout would.

const enc = new TextEncoder();
const dec = new TextDecoder();
const PING_FRAME = new Uint8Array([0x81, 0x01, 0x32]); // text frame "2" (Engine.IO ping)

/** Length of the first complete websocket frame in `buf`, if complete. */
function frameLength(buf: Uint8Array): number | undefined {
  if (buf.length < 2) return undefined;
  let len = buf[1] & 0x7f;
  let off = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = (buf[2] << 8) | buf[3];
    off = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(new DataView(buf.buffer, buf.byteOffset + 2, 8).getBigUint64(0));
    off = 10;
  }
  if (buf[1] & 0x80) off += 4;
  return buf.length >= off + len ? off + len : undefined;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Rewrites the numbers of the Engine.IO open packet in place (same length: padded with spaces). */
function rewriteOpen(frame: Uint8Array, intervalMs: number, timeoutMs: number): Uint8Array {
  const text = dec.decode(frame);
  if (!text.includes('"pingInterval"')) return frame;
  const swap = (s: string, key: string, value: number) =>
    s.replace(new RegExp(`"${key}":(\\d+)`), (_m, old: string) => {
      const v = String(value);
      if (v.length > old.length) throw new Error(`Cannot shorten ${key} to ${v}`);
      return `"${key}":${v.padStart(old.length, " ")}`;
    });
  const out = enc.encode(swap(swap(text, "pingInterval", intervalMs), "pingTimeout", timeoutMs));
  if (out.length !== frame.length) throw new Error("Open packet changed length");
  return out;
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

interface Pair {
  client: Deno.Conn;
  server: Deno.Conn;
  frozen: boolean;
  closed: boolean;
  timer?: ReturnType<typeof setInterval>;
  killer?: ReturnType<typeof setTimeout>;
  queue: Promise<void>;
}

/** Options of {@linkcode StallProxy.start}. */
export interface StallProxyOptions {
  /** Ping interval told to clients and used for the proxy's own pings (ms). */
  pingIntervalMs?: number;
  /** Ping timeout told to clients (ms). */
  pingTimeoutMs?: number;
  /**
   * Leave the server's ping settings (25 s / 60 s) and pings alone: the
   * client cannot count on Engine.IO to notice a stall quickly. The server
   * side of a stalled connection is still closed after the two values above.
   */
  realPings?: boolean;
}

/** See the module comment. */
export class StallProxy {
  #listener: Deno.Listener;
  #target: number;
  #pairs = new Set<Pair>();
  #stalled: PromiseWithResolvers<void> | undefined;
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly #realPings: boolean;
  /** Connections accepted so far. */
  connections = 0;

  private constructor(listener: Deno.Listener, target: number, o: StallProxyOptions) {
    this.#listener = listener;
    this.#target = target;
    this.pingIntervalMs = o.pingIntervalMs ?? 150;
    this.pingTimeoutMs = o.pingTimeoutMs ?? 250;
    this.#realPings = o.realPings ?? false;
    void this.#accept();
  }

  /** Listens on a free port of 127.0.0.1 and forwards to `targetPort`. */
  static start(targetPort: number, options: StallProxyOptions = {}): StallProxy {
    return new StallProxy(Deno.listen({ hostname: "127.0.0.1", port: 0 }), targetPort, options);
  }

  /** The proxy's base URL. */
  get url(): string {
    return `http://127.0.0.1:${(this.#listener.addr as Deno.NetAddr).port}`;
  }

  /** Stops forwarding on every connection and holds new ones until {@linkcode StallProxy.resume}. */
  stall(): void {
    this.#stalled ??= Promise.withResolvers<void>();
    for (const p of this.#pairs) {
      p.frozen = true;
      // The server notices the dead peer after its ping timeout. With real pings the
      // client's side stays open (half-open): only the client's own check can notice.
      p.killer ??= setTimeout(() => { // model: the server's ping timeout, not a wait
        if (!this.#realPings) return this.#close(p);
        try {
          p.server.close();
        } catch {
          // already closed
        }
      }, this.pingIntervalMs + this.pingTimeoutMs);
    }
  }

  /** The network works again (for new connections; stalled ones are dead). */
  resume(): void {
    this.#stalled?.resolve();
    this.#stalled = undefined;
  }

  async #accept(): Promise<void> {
    for await (const client of this.#listener) {
      this.connections++;
      void this.#serve(client);
    }
  }

  async #serve(client: Deno.Conn): Promise<void> {
    if (this.#stalled) await this.#stalled.promise;
    let server: Deno.Conn;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: this.#target });
    } catch {
      client.close();
      return;
    }
    const p: Pair = { client, server, frozen: false, closed: false, queue: Promise.resolve() };
    this.#pairs.add(p);
    void this.#pump(p, client, server, (chunk) => p.frozen ? undefined : chunk);
    void this.#serverToClient(p);
  }

  #toClient(p: Pair, data: Uint8Array): void {
    p.queue = p.queue.then(() => writeAll(p.client, data)).catch(() => this.#close(p));
  }

  async #serverToClient(p: Pair): Promise<void> {
    let buf: Uint8Array = new Uint8Array(0);
    let headersDone = false;
    let opened = false;
    const chunk = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await p.server.read(chunk);
        if (n === null) break;
        if (p.frozen) continue;
        buf = concat(buf, chunk.subarray(0, n));
        if (!headersDone) {
          const end = dec.decode(buf).indexOf("\r\n\r\n");
          if (end < 0) continue;
          headersDone = true;
          this.#toClient(p, buf.slice(0, end + 4));
          buf = buf.slice(end + 4);
        }
        for (let len = frameLength(buf); len !== undefined; len = frameLength(buf)) {
          let frame: Uint8Array = buf.slice(0, len);
          buf = buf.slice(len);
          if (!opened && !this.#realPings) {
            opened = true;
            const header = frame.length - (frame[1] & 0x7f);
            const payload = rewriteOpen(
              frame.slice(header),
              this.pingIntervalMs,
              this.pingTimeoutMs,
            );
            frame = concat(frame.slice(0, header), payload);
            p.timer = setInterval(() => {
              if (!p.frozen && !p.closed) this.#toClient(p, PING_FRAME);
            }, this.pingIntervalMs);
          }
          this.#toClient(p, frame);
        }
      }
    } catch {
      // closed
    }
    if (!p.frozen) this.#close(p);
  }

  async #pump(
    p: Pair,
    from: Deno.Conn,
    to: Deno.Conn,
    filter: (chunk: Uint8Array) => Uint8Array | undefined,
  ): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(chunk);
        if (n === null) break;
        const out = filter(chunk.slice(0, n));
        if (out) await writeAll(to, out);
      }
    } catch {
      // closed
    }
    if (!p.frozen) this.#close(p);
  }

  #close(p: Pair): void {
    if (p.closed) return;
    p.closed = true;
    clearInterval(p.timer);
    clearTimeout(p.killer);
    this.#pairs.delete(p);
    for (const c of [p.client, p.server]) {
      try {
        c.close();
      } catch {
        // already closed
      }
    }
  }

  /** Closes the listener and every connection. */
  close(): void {
    this.resume();
    for (const p of [...this.#pairs]) this.#close(p);
    try {
      this.#listener.close();
    } catch {
      // already closed
    }
  }
}
