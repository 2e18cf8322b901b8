/**
 * vote_guard: joins the first public room with a free seat and keeps a live
 * board of the kick votes (who votes against whom), plus the users it saw
 * voted out, in two sections of its box (the newest of them kept when the
 * list grows past the 5000-character box).
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/vote_guard.ts`
 *
 * @module
 */
import { Bot, Box } from "@talkomatic/talkomatic";

const bot = new Bot({ username: "Vote Guard", location: "Bot", room: "first-public" });
const box = new Box(bot);
const votes = box.text("votes");
const kicked = box.log("kicked", { header: "Voted out:" });

function nameOf(id: string): string {
  const user = bot.users.get(id);
  return user ? `${user.name} / ${user.location}` : id;
}

function board(): void {
  const room = bot.room;
  if (!room) return;
  const lines = ["Votes:"];
  for (const [target, voters] of room.votes) {
    lines.push(`${nameOf(target)} (${voters.length}/${Math.floor(room.users.length / 2) + 1})`);
    for (const voter of voters) lines.push(`  - ${nameOf(voter)}`);
  }
  if (room.votes.size === 0) lines.push("Nobody is voting to kick anyone.");
  votes.set(lines.join("\n"));
}

bot.on("vote", board);
bot.on("userLeft", ({ user, reason }) => {
  if (reason === "kicked") kicked.add(`  - ${user.name} / ${user.location}`);
  board();
});
bot.on("roomJoined", board).on("userJoined", board);

await bot.run();
