// Wording of the activity log (TestServerOptions.activity): one readable line
// per notable event. Names are quoted with JSON escapes; token values never appear.

import type { Conn, Room } from "./_model.ts";

/** A name or event as it appears in a line: quoted, control characters escaped. */
export function quote(text: unknown): string {
  return JSON.stringify(String(text));
}

/** A duration: `60 s`, `0.5 s`, `20 min`. */
export function seconds(ms: number): string {
  if (ms >= 120_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms) / 1000} s`;
}

/** A room: `"Lounge" (123456)`. */
export function roomName(room: Room): string {
  return `${quote(room.name)} (${room.id})`;
}

/** A user by the name its socket's session holds, else its socket id and IP. */
export function userName(conn: Conn): string {
  const d = conn.session.data;
  return d.username !== undefined
    ? quote(d.username)
    : `unnamed socket ${conn.socket.id} from ${conn.ip}`;
}

/** The subject of a rate-limit line: `socket of "Echo Bot"`. */
export function socketName(conn: Conn): string {
  const d = conn.session.data;
  return d.username !== undefined
    ? `socket of ${quote(d.username)}`
    : `socket ${conn.socket.id} from ${conn.ip}`;
}
