/**
 * vote_guard: joins the first public room that is not full and keeps a live
 * board of the kick votes (who votes against whom), plus the users it saw
 * voted out.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/vote_guard.ts`
 *
 * @module
 */
import { Bot } from "../bot/mod.ts";

const bot = new Bot({ username: "Vote Guard", location: "Bot" });
const kicked = new Set<string>();

bot.on("ready", async ({ bot }) => {
  const room = bot.rooms.find((r) => r.type === "public" && !r.isFull);
  if (!room) {
    console.log("No public room with free seats to join :(");
    return bot.stop();
  }
  await bot.joinRoom(room);
});

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

// A user who leaves while a majority votes against them was voted out.
let lastVotes = new Map<string, number>();
bot.on("vote", () => {
  lastVotes = new Map([...(bot.room?.votes ?? [])].map(([t, v]) => [t, v.length]));
  return board();
});
bot.on("userLeave", ({ user, room }) => {
  const against = lastVotes.get(user.id) ?? 0;
  if (room && against > Math.floor((room.users.length + 1) / 2)) {
    kicked.add(`${user.name} / ${user.location}`);
  }
  return board();
});
bot.on("roomJoined", board).on("userJoin", board);

await bot.run();
