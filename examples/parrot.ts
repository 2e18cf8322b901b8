/**
 * parrot: joins the first public room with a free seat and shows what
 * every other user is typing, live.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/parrot.ts`
 *
 * @module
 */
import { Bot } from "../bot/mod.ts";

const bot = new Bot({ username: "Parrot", location: "Bot", room: "first-public" });

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
