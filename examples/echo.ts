/**
 * echo: joins the room named "Echo", creating it when there is none.
 * `/echo <words>` adds "<user> said: <words>" to its text (one line per user,
 * replaced by that user's next /echo, removed when they leave); `/ping` is
 * hidden from `/help`, which is automatic.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/echo.ts`
 *
 * @module
 */
import { Bot } from "../bot/mod.ts";

const bot = new Bot({
  username: "Echo Bot",
  location: "do /help",
  room: { name: "Echo", create: true },
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
