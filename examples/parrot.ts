/**
 * parrot: joins the first public room that is not full and shows what every
 * other user is typing, live.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/parrot.ts`
 *
 * @module
 */
import { Bot } from "../bot/mod.ts";

const bot = new Bot({ username: "Parrot", location: "Bot" });

bot.on("ready", async ({ bot }) => {
  const room = bot.rooms.find((r) => r.type === "public" && !r.isFull);
  if (!room) {
    console.log("No public room with free seats to join :(");
    return bot.stop();
  }
  await bot.joinRoom(room);
});

function repeat(): Promise<void> | undefined {
  const room = bot.room;
  if (!room) return;
  const lines = room.users
    .filter((u) => u.id !== bot.me?.id)
    .map((u) => `${u.name}: ${(bot.textOf(u) ?? "").trim()}`);
  return bot.send(lines.join("\n"));
}

bot.on("roomJoined", repeat)
  .on("message", repeat)
  .on("userJoin", repeat)
  .on("userLeave", repeat);

await bot.run();
