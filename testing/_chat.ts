// Chat batching (docs/protocol.md §7.3): accepted diffs wait in a queue per
// user and are applied every `batchIntervalMs`, at most 50 at a time (10 when
// the batch limiter is exhausted); the others in the room get the whole text.

import type { ChatUpdate, Diff } from "../schemas/mod.ts";
import type { Conn, WorldPort as World } from "./_model.ts";
import { sanitizeChat } from "./_text.ts";
import { applyDiff } from "../schemas/text.ts";
import { unref } from "./_platform.ts";

interface ChatQueue {
  diffs: Diff[];
  conn: Conn;
  timer?: ReturnType<typeof setTimeout>;
}

/** The chat queues of one world, by user id. */
export class ChatBatcher {
  #world: World;
  #queues = new Map<string, ChatQueue>();

  constructor(world: World) {
    this.#world = world;
  }

  /** Queues an accepted diff. */
  queue(conn: Conn, userId: string, diff: Diff): void {
    let q = this.#queues.get(userId);
    if (!q) {
      q = { diffs: [], conn };
      this.#queues.set(userId, q);
    }
    q.conn = conn;
    q.diffs.push(diff);
    if (!q.timer) this.#schedule(userId, q);
  }

  /** Drops the queue of a user who left. */
  drop(userId: string): void {
    const queue = this.#queues.get(userId);
    if (!queue) return;
    clearTimeout(queue.timer);
    this.#queues.delete(userId);
  }

  /** Drops the queues of the users in a deleted room. */
  dropRoom(roomId: string): void {
    for (const [userId, q] of [...this.#queues.entries()]) {
      if (q.conn.roomId === roomId) {
        clearTimeout(q.timer);
        this.#queues.delete(userId);
      }
    }
  }

  /** Stops every batch timer. */
  stop(): void {
    for (const q of this.#queues.values()) clearTimeout(q.timer);
  }

  #schedule(userId: string, q: ChatQueue): void {
    q.timer = unref(
      setTimeout(() => this.#run(userId, q), this.#world.opts.timing.batchIntervalMs),
    );
  }

  #run(userId: string, q: ChatQueue): void {
    const world = this.#world;
    q.timer = undefined;
    const conn = q.conn;
    const room = conn.roomId ? world.rooms.get(conn.roomId) : undefined;
    if (!room || !room.users.some((u) => u.id === userId)) {
      this.#queues.delete(userId);
      return;
    }
    const cost = q.diffs.length >= 10 ? 2 : 1;
    const limited = !world.limiters.chatBatch.consume(userId, cost).allowed;
    const batch = q.diffs.splice(0, limited ? 10 : 50);
    let m = room.messages.get(userId) ?? "";
    for (const d of batch) m = applyDiff(m, d);
    m = sanitizeChat(m);
    room.messages.set(userId, m);
    room.lastChatActivity = Date.now();
    world.resetAfk(conn);
    for (const other of world.members(room.id)) {
      if (other === conn) continue;
      world.send(
        other,
        "chat update",
        {
          userId,
          username: conn.session.data.username ?? "Anonymous",
          diff: { type: "full-replace", text: m },
        } satisfies ChatUpdate,
      );
    }
    if (q.diffs.length > 0) this.#schedule(userId, q);
    else this.#queues.delete(userId);
  }
}
