/**
 * echo: joins the room named "Echo", creating it when there is none.
 * `/echo <words>` sets "<user> said: <words>" as that user's line of its box
 * (one line per user, replaced by their next /echo, removed when they leave;
 * the box stays within 5000 characters whatever people type); `/ping` is
 * hidden from `/help`, which is automatic.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/echo.ts`
 *
 * @module
 */
import { Bot, Box } from "@talkomatic/talkomatic";

const bot = new Bot({
  username: "Echo Bot",
  location: "do /help",
  room: { name: "Echo", create: true },
});

/** The bot's text: one line per user. */
const said = new Box(bot).lines("said");

bot.command("echo")
  .description("Repeats your message")
  .param("message", { rest: true, description: "the words to repeat" })
  .handle((ctx, args) => {
    said.set(ctx.user, `${ctx.user.name} said: ${args.message.join(" ")}`);
  });

bot.on("userLeft", ({ user }) => void said.delete(user));

bot.command("ping").hidden().handle((ctx) => ctx.reply("Pong!"));

await bot.run();
