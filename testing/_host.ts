// DNS rebinding guard (not in the real server; see the README's "Not reproduced"):
// a page on a rebound name (`rebind.example` → 127.0.0.1) would otherwise read a
// developer's running local server. Like current dev servers, only requests whose
// Host is a loopback name or address (or the host the server was given) are
// answered; everything else, the socket.io handshake and upgrades included, is a 403.

import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** Whether a Host header value names this loopback server (any port). */
function hostAllowed(host: string | undefined, given: string): boolean {
  if (host === undefined) return true; // no browser omits it: not a rebinding
  const name = (/^\[[^\]]*\]/.exec(host)?.[0] ?? host.replace(/:\d*$/, "")).toLowerCase();
  if (name === "localhost" || name.endsWith(".localhost") || name === "[::1]") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)) return true;
  const own = given.includes(":") ? `[${given}]` : given;
  return name === own.toLowerCase();
}

/**
 * Puts the Host check in front of every `request` and `upgrade` listener of
 * `http` (call it after socket.io attached its own).
 */
export function guardHost(
  http: HttpServer,
  given: string,
  log: (line: string) => void,
): void {
  const why = (req: IncomingMessage) =>
    `refused ${req.method} ${req.url} from ${req.socket.remoteAddress}: Host ${
      JSON.stringify(req.headers.host)
    } is not a loopback name or address (DNS rebinding guard)`;
  const requests = http.listeners("request") as ((...a: unknown[]) => void)[];
  http.removeAllListeners("request");
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (hostAllowed(req.headers.host, given)) {
      for (const listener of requests) listener.call(http, req, res);
      return;
    }
    log(why(req));
    req.resume();
    res.writeHead(403, { "Content-Type": "text/plain" });
    res.end("Forbidden: this host name is not allowed");
  });
  const upgrades = http.listeners("upgrade") as ((...a: unknown[]) => void)[];
  http.removeAllListeners("upgrade");
  http.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (hostAllowed(req.headers.host, given)) {
      for (const listener of upgrades) listener.call(http, req, socket, head);
      return;
    }
    log(why(req));
    socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  });
}
