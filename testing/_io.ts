// The socket side of the test server (docs/protocol.md §1.1–§1.6, §2.1):
// the socket.io server on the HTTP server, the handshake checks, and one
// connection's life from its first packet to its disconnect.

import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { Server as IoServer, Socket } from "socket.io";
import type { ResolvedOptions } from "./_options.ts";
import type { Conn, World } from "./_world.ts";
import { clientIp, isBrowser, originAllowed } from "./_request.ts";
import { envelope, HANDLERS, LIMITER_EXEMPT } from "./_socket.ts";
import { messageText } from "../schemas/messages.ts";
import { BOARD_HANDLERS } from "./_board.ts";
import { roomName, seconds, socketName, userName } from "./_activity.ts";
import { loadSocketIo } from "./_socket_io.ts";

const { Server: SocketIoServer } = await loadSocketIo();

/** What the socket side needs from the server it belongs to. */
export interface IoContext {
  /** The resolved options. */
  opts: ResolvedOptions;
  /** The current world (a restart makes a new one). */
  world: () => World;
  /** The server's own origins (see `originAllowed`). */
  ownOrigins: () => ReadonlySet<string>;
}

/** Attaches a socket.io server, configured as the real one, to `http`. */
export function attachSockets(http: HttpServer, ctx: IoContext): IoServer {
  const io = new SocketIoServer(http, {
    pingInterval: 25_000,
    pingTimeout: 60_000,
    connectTimeout: 45_000,
    maxHttpBufferSize: 2_000_000,
    cors: {
      origin: (origin: string | undefined, cb: (err: Error | null, ok?: boolean) => void) =>
        originAllowed(origin, ctx.ownOrigins()) ? cb(null, true) : cb(new Error("CORS blocked")),
      credentials: true,
      methods: ["GET", "POST"],
    },
  });
  io.use((socket, next) => {
    let error: string | undefined;
    try {
      error = handshake(ctx, socket);
    } catch {
      error = messageText("HANDSHAKE_SETUP_FAILED");
    }
    if (error) {
      const ip = clientIp(socket.handshake.headers, socket.handshake.address);
      ctx.world().log(`refused connection from ${ip}: ${error}`);
    }
    next(error ? new Error(error) : undefined);
  });
  io.on("connection", (socket) => onConnection(ctx, socket));
  io.engine.on("connection_error", (e: { req: IncomingMessage; message: string }) => {
    const origin = e.req.headers.origin;
    const why = origin !== undefined && !originAllowed(origin, ctx.ownOrigins())
      ? `Origin ${origin} is not allowed (CORS)`
      : e.message;
    ctx.world().log(
      `refused connection from ${clientIp(e.req.headers, e.req.socket?.remoteAddress)}: ${why}`,
    );
  });
  return io;
}

/** The handshake checks (§1.4): the refusal's message, or undefined to accept. */
function handshake(ctx: IoContext, socket: Socket): string | undefined {
  const world = ctx.world();
  const hs = socket.handshake;
  const sid = world.sessions.idFromCookieHeader(hs.headers.cookie);
  const session = (sid ? world.sessions.load(sid) : undefined) ?? world.sessions.create();
  const browser = isBrowser(hs.headers);
  const auth = (hs.auth ?? {}) as Record<string, unknown>;
  const token = auth.token || hs.query.token;
  if (token && typeof token !== "string") throw new TypeError("token is not a string");
  if (!browser && !token && ctx.opts.requireToken) return messageText("HANDSHAKE_TOKEN_REQUIRED");
  if (!browser && token && !world.tokens.get(token)) return messageText("HANDSHAKE_INVALID_TOKEN");
  if (browser && token) return messageText("HANDSHAKE_TOKEN_IN_BROWSER");
  const ip = clientIp(hs.headers, hs.address);
  if (!world.limiters.connectionAttempts.consume(ip).allowed) {
    return messageText("HANDSHAKE_IP_RATE_LIMIT");
  }
  if ((world.connectionsPerIp.get(ip) ?? 0) >= ctx.opts.rateLimits.maxConnectionsPerIp) {
    return messageText("HANDSHAKE_TOO_MANY_CONNECTIONS");
  }
  socket.data = { ip, isBot: !browser, session };
  return undefined;
}

function onConnection(ctx: IoContext, socket: Socket): void {
  const world = ctx.world();
  const { ip, isBot, session } = socket.data as Pick<Conn, "ip" | "isBot" | "session">;
  const conn: Conn = {
    socket,
    ip,
    isBot,
    session,
    roomId: null,
    lobby: false,
    boardOpen: false,
    handlerErrors: 0,
  };
  world.conns.set(socket.id, conn);
  world.connectionsPerIp.set(ip, (world.connectionsPerIp.get(ip) ?? 0) + 1);
  const limiter = isBot ? world.limiters.socketBot : world.limiters.socketHuman;
  const limit = isBot ? ctx.opts.rateLimits.socketBot : ctx.opts.rateLimits.socketHuman;
  const handlers = { ...HANDLERS, ...BOARD_HANDLERS };
  // The limiter comes first, as the real server's socket middleware: a packet over the
  // limit gets one RATE_LIMITED error and reaches no handler (§1.6). (onAny listeners would
  // run before any middleware.) Handlers run here, in arrival order.
  socket.use(([event, data], _next) => {
    if (!LIMITER_EXEMPT.has(event) && !limiter.consume(socket.id).allowed) {
      world.log(
        `RATE_LIMITED: ${socketName(conn)} over ${limit.points} events/${
          seconds(limit.windowMs)
        }, event ${JSON.stringify(event)} dropped`,
      );
      return world.send(conn, "error", envelope("RATE_LIMIT_EXCEEDED"));
    }
    const handler = Object.hasOwn(handlers, event) ? handlers[event] : undefined;
    if (!handler || world !== ctx.world()) return;
    try {
      handler(world, conn, data);
    } catch {
      world.send(conn, "error", envelope("INTERNAL_SERVER_ERROR"));
      if (++conn.handlerErrors > 10) socket.disconnect(true);
    }
    world.changed();
  });
  socket.on("disconnect", () => {
    world.conns.delete(socket.id);
    world.connectionsPerIp.set(ip, Math.max(0, (world.connectionsPerIp.get(ip) ?? 1) - 1));
    world.clearAfk(conn);
    const room = conn.roomId ? world.rooms.get(conn.roomId) : undefined;
    const userId = conn.session.data.userId;
    // Every disconnect deletes the session user's chat buffer, even when another socket
    // of the same session is still in the room (§2.1).
    if (userId) world.dropBuffer(userId);
    if (room && userId) {
      world.log(`${userName(conn)} left room ${roomName(room)}: disconnected`);
      world.removeUser(room, userId, undefined);
    }
    world.changed();
  });
  world.changed();
}
