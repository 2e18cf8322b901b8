/**
 * vote_guard: joins the first public room with a free seat and keeps a live
 * board of the kick votes (who votes against whom), plus the users it saw
 * voted out.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/vote_guard.ts`
 *
 * @module
 */
import { Bot } from "../bot/mod.ts";

const bot = new Bot({ username: "Vote Guard", location: "Bot", room: "first-public" });
const kicked = new Set<string>();

function nameOf(id: string): string {
  const user = bot.users.get(id);
  return user ? `${user.name} / ${user.location}` : id;
}

function board(): Promise<void> | undefined {
  const room = bot.room;
  if (!room) return;
  const lines = ["Votes:"];
  for (const [target, voters] of room.votes) {
    lines.push(`${nameOf(target)} (${voters.length}/${Math.floor(room.users.length / 2) + 1})`);
    for (const voter of voters) lines.push(`  - ${nameOf(voter)}`);
  }
  if (room.votes.size === 0) lines.push("Nobody is voting to kick anyone.");
  if (kicked.size > 0) lines.push("", "Voted out:", ...[...kicked].map((n) => `  - ${n}`));
  return bot.send(lines.join("\n"));
}

bot.on("vote", board);
bot.on("userLeave", ({ user, reason }) => {
  if (reason === "kicked") kicked.add(`${user.name} / ${user.location}`);
  return board();
});
bot.on("roomJoined", board).on("userJoin", board);

await bot.run();
