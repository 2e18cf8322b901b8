/**
 * parrot: joins the first public room with a free seat and shows what
 * every other user is typing, live: one line each in its box, which stays
 * within 5000 characters however much they type (long lines share the room
 * fairly, each cut with "…").
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/parrot.ts`
 *
 * @module
 */
import { Bot, Box, type User } from "@talkomatic/talkomatic";

const bot = new Bot({ username: "Parrot", location: "Bot", room: "first-public" });

const box = new Box(bot);
box.text("title", "Parrot: I repeat what you type.");
const lines = box.lines("typed");

function repeat(user: User, text = bot.textOf(user) ?? ""): void {
  if (user.id !== bot.me?.id) lines.set(user, `${user.name}: ${text.trim()}`);
}

bot.on("roomJoined", ({ room }) => {
  lines.clear();
  for (const user of room.users) repeat(user);
})
  .on("message", ({ user, text }) => repeat(user, text))
  .on("userJoined", ({ user }) => repeat(user))
  .on("userLeft", ({ user }) => void lines.delete(user));

await bot.run();
