// `examples/hello_world.ts` as a Node user writes it with the npm package
// (the start-up benchmark runs it in Node; Deno runs the example itself).
// The import is dynamic only so that `deno check bench/` does not look for
// the npm package; it loads the same modules as `import { Bot } from "talkomatic/bot"`.
const sdk = "talkomatic/bot";
const { Bot } = await import(sdk);

const bot = new Bot({ username: "Hello", location: "world!", room: "first-public" });

bot.on(
  "roomJoined",
  (/** @type {{ reply(text: string): Promise<void> }} */ ctx) => ctx.reply("Hello, world!"),
);

await bot.run();
