/**
 * api/display_rooms: lists the lobby's rooms through the REST API (no socket).
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/api/display_rooms.ts`
 *
 * @module
 */
import { TalkomaticApi } from "@talkomatic/talkomatic/api";

const api = new TalkomaticApi();
const rooms = await api.rooms();
if (rooms.length === 0) console.log("The lobby is empty.");
for (const room of rooms) {
  const people = room.users.map((u) => `${u.username} / ${u.location}`).join(", ") || "nobody";
  console.log(`${room.id} "${room.name}" (${room.type})${room.isFull ? " full" : ""}: ${people}`);
}
