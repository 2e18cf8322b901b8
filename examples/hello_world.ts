/**
 * hello_world: joins the first public room with a free seat (waiting for
 * one if there is none) and says "Hello, world!". Runs until Ctrl+C.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/hello_world.ts`
 *
 * @module
 */
import { Bot } from "@talkomatic/talkomatic";

const bot = new Bot({ username: "Hello", location: "world!", room: "first-public" });

bot.on("roomJoined", (ctx) => ctx.reply("Hello, world!"));

await bot.run();
