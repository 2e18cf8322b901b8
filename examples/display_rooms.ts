/**
 * display_rooms: signs in, prints every room of the lobby, and stops.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/display_rooms.ts`
 *
 * @module
 */
import { Bot } from "@talkomatic/talkomatic";

const bot = new Bot({ username: "Room Display", location: "Bot" });

bot.on("ready", ({ bot }) => {
  if (bot.rooms.length === 0) console.log("The lobby is empty.");
  for (const room of bot.rooms) {
    const people = room.users.map((u) => `${u.name} / ${u.location}`).join(", ") || "nobody";
    console.log(
      `${room.id} "${room.name}" (${room.type}, ${room.layout}) ${room.userCount}/5${
        room.isFull ? " full" : ""
      }: ${people}`,
    );
  }
  return bot.stop();
});

await bot.run();
