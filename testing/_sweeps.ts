// The world's sweeps (docs/protocol.md §8.3, §10.2): unoccupied rooms, users
// without a live socket, rooms with a single occupant for too long, and the
// start-up purge.

import type { WorldPort as World } from "./_model.ts";
import { quote, roomName, seconds } from "./_activity.ts";
import { messageText } from "../schemas/messages.ts";
import { finalizeStroke } from "./_board.ts";

/** Deletes unoccupied rooms older than the max age. */
export function sweepEmptyRooms(world: World, now: number = Date.now()): void {
  let changed = false;
  for (const room of [...world.rooms.values()]) {
    if (
      room.users.length === 0 && now - room.lastActiveTime > world.opts.timing.emptyRoomMaxAgeMs
    ) {
      world.deleteRoom(room);
      changed = true;
    }
  }
  if (changed) world.broadcastLobby();
}

/** Removes occupants without a live socket (room update only, no user left). */
export function sweepGhosts(world: World): void {
  const live = new Set([...world.conns.values()].map((c) => c.session.data.userId));
  let changed = false;
  for (const room of world.rooms.values()) {
    const ghosts = room.users.filter((u) => !live.has(u.id));
    if (ghosts.length === 0) continue;
    for (const g of ghosts) {
      world.log(`${quote(g.username)} removed from room ${roomName(room)}: no live socket`);
      finalizeStroke(room, g.id);
      room.users = room.users.filter((u) => u.id !== g.id);
      room.messages.delete(g.id);
      for (const [voter, target] of [...room.votes]) {
        if (voter === g.id || target === g.id) room.votes.delete(voter);
      }
    }
    world.trackSolo(room);
    if (room.users.length === 0) world.scheduleDeletion(room);
    world.broadcastRoom(room);
    changed = true;
  }
  if (changed) world.broadcastLobby();
}

/** Closes rooms with a single occupant for longer than the solo TTL (§10.2). */
export function checkSoloRooms(world: World, now: number = Date.now()): void {
  const ttl = world.soloTtl();
  for (const room of [...world.rooms.values()]) {
    if (room.users.length !== 1 || room.soloSince === undefined || now - room.soloSince < ttl) {
      continue;
    }
    const userId = room.users[0].id;
    world.log(
      `${world.nameIn(room, userId)} removed from room ${roomName(room)}: room closed after ${
        seconds(ttl)
      } with a single occupant`,
    );
    const conn = world.members(room.id).find((c) => c.session.data.userId === userId);
    if (conn) {
      world.send(conn, "afk timeout", {
        message: messageText("ROOM_CLOSED"),
        redirectTo: "/",
      });
    }
    world.removeUser(room, userId, conn, { keepRoom: true });
    world.deleteRoom(room);
    world.broadcastLobby();
  }
}

/** Empties every room silently and broadcasts the lobby (start-up purge). */
export function startupPurge(world: World): void {
  const occupied = [...world.rooms.values()].filter((r) => r.users.length > 0).length;
  if (occupied > 0) {
    world.log(
      `start-up purge: emptied ${occupied} room(s) without notice, as the real server does`,
    );
  }
  for (const room of world.rooms.values()) {
    room.users = [];
    room.votes.clear();
    room.messages.clear();
    room.soloSince = undefined;
  }
  for (const conn of world.conns.values()) {
    if (conn.roomId) {
      conn.roomId = null;
      world.clearAfk(conn);
    }
  }
  world.broadcastLobby();
}
