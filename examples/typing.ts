/**
 * typing: joins the first public room with a free seat and types its
 * answers letter by letter, as people do on Talkomatic. `/say <words>` makes it type
 * them; `--cps <n>` sets the speed.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/typing.ts`
 *
 * @module
 */
import { Bot } from "@talkomatic/talkomatic";

const bot = new Bot({ username: "Typist", location: "Bot", room: "first-public" });

bot.on(
  "roomJoined",
  ({ bot }) => bot.type("Hi! Type /say <words> and I will type them.", { cps: 8 }),
);

bot.command("say")
  .description("Types your words letter by letter")
  .param("words", { rest: true })
  .param("cps", { type: "number", flag: true, default: 6, description: "letters per second" })
  .handle(({ bot, user }, args) => {
    if (args.cps <= 0 || args.cps > 8) return bot.send("cps must be between 0 and 8");
    return bot.type(`${user.name} asked me to say: ${args.words.join(" ")}`, { cps: args.cps });
  });

await bot.run();
