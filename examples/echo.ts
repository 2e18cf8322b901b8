/**
 * echo: joins the first public room that is not full; `/echo <words>` adds
 * "<user> said: <words>" to its text (one line per user, replaced by that
 * user's next /echo, removed when they leave); `/ping` is hidden from
 * `/help`, which is automatic.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/echo.ts`
 *
 * @module
 */
import { Bot } from "../bot/mod.ts";

const bot = new Bot({ username: "Echo Bot", location: "do /help" });

bot.on("ready", async ({ bot }) => {
  const room = bot.rooms.find((r) => r.type === "public" && !r.isFull);
  if (!room) {
    console.log("No public room with free seats to join :(");
    return bot.stop();
  }
  const joined = await bot.joinRoom(room);
  console.log(`Joined "${joined.name}" (${joined.id})`);
});

/** One line per user id. */
const lines = new Map<string, string>();
const show = () => bot.send([...lines.values()].join("\n"));

bot.command("echo")
  .description("Repeats your message")
  .param("message", { rest: true, description: "the words to repeat" })
  .handle((ctx, args) => {
    lines.set(ctx.user.id, `${ctx.user.name} said: ${args.message.join(" ")}`);
    return show();
  });

bot.on("userLeave", ({ user }) => {
  if (lines.delete(user.id)) return show();
});

bot.command("ping").hidden().handle((ctx) => ctx.reply("Pong!"));

await bot.run();
