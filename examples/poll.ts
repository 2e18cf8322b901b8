/**
 * poll: the poll bot of issue 20, written from the README without a
 * workaround. `/poll "question" a b c` opens a poll (a cooldown on `/poll`
 * alone), `/vote <n>` votes, `/results` shows the count, a schedule closes the
 * poll after `POLL_SECONDS` (default 60) through `session().update()`, and
 * `/ask` asks a follow-up with a typed answer. The poll is kept in a file
 * session, so it survives a restart; everything shows in the bot's box, the
 * answers in its answer section; a typo gets a suggestion.
 *
 * Joins the room "Poll", creating it when there is none. The poll goes to the
 * file in `POLL_FILE`, by default `examples/poll.sessions.json`.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/poll.ts`
 *
 * @module
 */
import {
  Bot,
  Box,
  cooldown,
  FileSessionStorage,
  session,
  sessionKey,
} from "@talkomatic/talkomatic";

/** The room's poll. */
interface Poll {
  question: string;
  choices: string[];
  /** Votes by session key of the voter: the index of their choice. */
  votes: Record<string, number>;
  open: boolean;
}

const file = Deno.env.get("POLL_FILE") ?? new URL("./poll.sessions.json", import.meta.url);
const seconds = Number(Deno.env.get("POLL_SECONDS") ?? 60);

const polls = session({
  initial: (): Poll => ({ question: "", choices: [], votes: {}, open: false }),
  storage: new FileSessionStorage<Poll>(file),
  key: () => "poll", // one poll for the room
});
const bot = new Bot({
  username: "Poll Bot",
  location: "do /help",
  room: { name: "Poll", create: true },
  unknownCommands: "suggest",
}).use(polls);

const box = new Box(bot);
box.text("title", 'Poll Bot: /poll "question" a b c, /vote <n>, /results');
const board = box.text("poll");

function show(poll: Poll): void {
  if (poll.question === "") return void board.clear();
  const counts = poll.choices.map((_, i) =>
    Object.values(poll.votes).filter((v) => v === i).length
  );
  board.set([
    `${poll.question} (${poll.open ? "open" : "closed"})`,
    ...poll.choices.map((c, i) => `${i + 1}. ${c}: ${counts[i]}`),
  ].join("\n"));
}

bot.command("poll").description("Opens a poll")
  .param("question")
  .param("choices", { rest: true })
  .use(cooldown({ ms: 10_000, reply: (ms) => `Next poll in ${Math.ceil(ms / 1000)} s` }))
  .handle((ctx, args) => {
    if (args.choices.length < 2) return ctx.reply("A poll needs at least two choices");
    ctx.session = { question: args.question, choices: args.choices, votes: {}, open: true };
    show(ctx.session);
    bot.after(seconds * 1000, async () => {
      // A schedule has no ctx.session: it reaches the poll through session().update().
      const poll = await polls.update("poll", (p) => void (p.open = false));
      show(poll);
    });
    return ctx.reply(`Poll open for ${seconds} s`);
  });

bot.command("vote").description("Votes for a choice")
  .param("n", { type: "integer" })
  .handle((ctx, args) => {
    const poll = ctx.session;
    if (!poll.open) return ctx.reply("No poll is open");
    if (args.n < 1 || args.n > poll.choices.length) {
      return ctx.reply(`Choose 1 to ${poll.choices.length}`);
    }
    poll.votes[sessionKey(ctx)] = args.n - 1; // one vote per person, by name and location
    show(poll);
    return ctx.reply(`voted for ${poll.choices[args.n - 1]}`);
  });

bot.command("results").description("Shows the count").handle((ctx) => {
  show(ctx.session);
  return ctx.reply(`${Object.keys(ctx.session.votes).length} votes`);
});

bot.command("ask").description("Asks a follow-up question").handle(async (ctx) => {
  const stars = await ctx.ask("How many stars for this poll, 1 to 5?", {
    parse: (text) => {
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1 || n > 5) throw new Error("1 to 5, please.");
      return n;
    },
  });
  await ctx.reply(`thanks for the ${"*".repeat(stars)}`);
});

bot.on("roomJoined", async () => {
  const poll = await polls.read("poll"); // kept in the file across a restart
  if (poll) show(poll);
});

await bot.run();
