/**
 * create_room: creates its own public room, joins it and greets visitors; it
 * goes back to it (creating it again if needed) after a reconnect or a
 * server restart.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/create_room.ts`
 *
 * @module
 */
import { Bot } from "@talkomatic/talkomatic";

const bot = new Bot({
  username: "My Room",
  location: "Bot",
  room: { name: "My awesome room!", type: "public", layout: "horizontal", create: true },
});

bot.on("roomJoined", (ctx) =>
  ctx.reply(
    "Welcome to my awesome room!\n\nThis is an automated message from a talkomatic bot.\n" +
      "Bot owner: press Ctrl+C in the terminal to stop me.",
  ));

bot.on("userJoined", ({ user }) => console.log(`${user.name} / ${user.location} came in`));

await bot.run();
