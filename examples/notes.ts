/**
 * notes: a bot built from parts. Everyone keeps their own notes
 * (`/note add <text>`, `/note list`, `/note clear`) in a session stored in a
 * file, so they survive a restart of the bot; `/note add` has a cooldown;
 * `/quiz` asks a question and waits for the answer; a schedule refreshes a
 * "last seen" line per person. The commands live in two composers, and
 * everything shows in the bot's box (a title, the last-seen lines, the latest
 * answer).
 *
 * Joins the room "Notes", creating it when there is none. Sessions go to the
 * file in `NOTES_FILE`, by default `examples/notes.sessions.json`.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/notes.ts`
 *
 * @module
 */
import {
  AskError,
  Bot,
  Box,
  Composer,
  cooldown,
  FileSessionStorage,
  type Middleware,
  session,
  type SessionFlavor,
} from "@talkomatic/talkomatic";

/** What each person's session holds. */
interface Notes {
  notes: string[];
}

const file = Deno.env.get("NOTES_FILE") ?? new URL("./notes.sessions.json", import.meta.url);

const bot = new Bot({
  username: "Notes Bot",
  location: "do /help",
  room: { name: "Notes", create: true },
}).use(session({ initial: (): Notes => ({ notes: [] }), storage: new FileSessionStorage(file) }));

// The box: a title, one "last seen" line per person, and the latest answer,
// where ctx.reply() (answers, questions, cooldown replies) goes.
const box = new Box(bot);
box.text("title", "Notes Bot: /note add <text>, /note list, /note clear, /quiz");
const lastSeen = box.lines("seen", { header: "Last seen:" });
bot.use(box.replies(box.text("answer")));

// ------------------------------------------------------------- module: notes

const notes = new Composer<SessionFlavor<Notes>>();

const addCooldown = cooldown({
  ms: 5_000,
  per: "user",
  reply: (ms, ctx) => `${ctx.user.name}, wait ${Math.ceil(ms / 1000)} s before adding a note.`,
});
const onAdd: Middleware = (ctx, next) =>
  "command" in ctx && ctx.command === "note" && ctx.args.action === "add"
    ? addCooldown(ctx, next)
    : next();

notes.use(onAdd)
  .command("note")
  .description("Your notes: add <text>, list, clear")
  .param("action", { description: "add, list or clear" })
  .param("text", { rest: true, optional: true, description: "the note, for add" })
  .handle((ctx, args) => {
    const name = ctx.user.name;
    switch (args.action) {
      case "add": {
        if (args.text.length === 0) return ctx.reply(`${name}, what should I note?`);
        ctx.session.notes.push(args.text.join(" "));
        return ctx.reply(`${name}, noted (${ctx.session.notes.length}).`);
      }
      case "list": {
        const list = ctx.session.notes.map((note, i) => `${i + 1}. ${note}`);
        return ctx.reply(
          list.length ? [`${name}'s notes:`, ...list].join("\n") : `${name}, no notes.`,
        );
      }
      case "clear":
        ctx.session.notes = [];
        return ctx.reply(`${name}, your notes are gone.`);
      default:
        return ctx.reply(`${name}, "${args.action}" is not add, list or clear.`);
    }
  });

// -------------------------------------------------------------- module: quiz

const QUESTIONS: readonly (readonly [string, string])[] = [
  ["What is 6 × 7?", "42"],
  ["What is the capital of France?", "paris"],
  ["How many people fit in a Talkomatic room?", "5"],
];

const quiz = new Composer();

quiz.command("quiz").description("Asks you a question").handle(async (ctx) => {
  const [question, answer] = QUESTIONS[Math.floor(Math.random() * QUESTIONS.length)];
  const name = ctx.user.name;
  try {
    const reply = await ctx.ask(`${name}: ${question}`, { timeoutMs: 30_000 });
    await ctx.reply(
      reply.toLowerCase() === answer ? `Right, ${name}!` : `No, ${name}: it is ${answer}.`,
    );
  } catch (error) {
    if (!(error instanceof AskError)) throw error;
    if (error.reason === "timeout") await ctx.reply(`Time's up, ${name}: it is ${answer}.`);
  }
});

bot.use(notes, quiz);

// ----------------------------------------------------------------- last seen

/** When each person last typed, by user id. */
const typedAt = new Map<string, number>();

function ago(ms: number): string {
  if (ms < 10_000) return "just now";
  if (ms < 60_000) return `${Math.floor(ms / 1000)} s ago`;
  return `${Math.floor(ms / 60_000)} min ago`;
}

function refresh(): void {
  const now = Date.now();
  for (const user of bot.room?.users ?? []) {
    if (user.id === bot.me?.id) continue;
    const at = typedAt.get(user.id);
    lastSeen.set(user, `${user.name}: ${at === undefined ? "not typed yet" : ago(now - at)}`);
  }
}

bot.on("message", ({ user }) => void typedAt.set(user.id, Date.now()))
  .on("roomJoined", refresh)
  .on("userJoined", refresh)
  .on("userLeft", ({ user }) => {
    typedAt.delete(user.id);
    lastSeen.delete(user);
  });
bot.every(10_000, refresh);

await bot.run();
