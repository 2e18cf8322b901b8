/**
 * hello_world: joins the first public room that is not full and says
 * "Hello, world!". Runs until Ctrl+C.
 *
 * Run: `TALKOMATIC_URL=http://127.0.0.1:3000 deno run -A examples/hello_world.ts`
 *
 * @module
 */
import { Bot } from "../bot/mod.ts";

const bot = new Bot({ username: "Hello", location: "world!" });

bot.on("ready", async ({ bot }) => {
  const room = bot.rooms.find((r) => r.type === "public" && !r.isFull);
  if (!room) {
    console.log("No public room with free seats to join :(");
    return bot.stop();
  }
  await bot.joinRoom(room);
});

bot.on("roomJoined", (ctx) => ctx.reply("Hello, world!"));

await bot.run();
