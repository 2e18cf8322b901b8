// The listener every inbound benchmark runs: the Bot, or the raw client,
// doing the same job (keep every person's text, answer `/echo`) in a room of
// its own. Plain JavaScript: runs in Deno and Node; the Bot comes from
// `$BENCH_SDK` ("talkomatic" in Node, the sources' mod.ts in Deno).

import process from "node:process";
import { RawClient, rawEcho } from "./raw.mjs";

/**
 * Signs in, creates a room named `name` and joins it.
 *
 * @param {string} kind `bot` or `raw`.
 * @param {string} url Server base URL.
 * @param {string} token Bot token.
 * @param {string} name User and room name.
 * @returns {Promise<{ roomId: string; stop(): Promise<void> | void }>}
 */
export async function startListener(kind, url, token, name) {
  if (kind === "bot") {
    const { Bot, MemoryTokenStore } = await import(process.env.BENCH_SDK ?? "talkomatic");
    const bot = new Bot({
      username: name,
      location: "bench",
      server: url,
      token,
      tokenStore: new MemoryTokenStore(),
      reconnect: false,
      help: false,
      logger: { debug() {}, warn() {}, error: (/** @type {string} */ m) => console.error(m) },
    });
    const texts = new Map();
    bot.on("message", (/** @type {{ user: { id: string }; text: string }} */ ctx) => {
      texts.set(ctx.user.id, ctx.text);
    });
    bot.command("echo").param("words", { rest: true })
      .handle((
        /** @type {{ reply(t: string): Promise<void> }} */ ctx,
        /** @type {{ words: string[] }} */ args,
      ) => ctx.reply(args.words.join(" ")));
    await bot.start();
    const roomId = await bot.createRoom({ name });
    await bot.joinRoom(roomId);
    return { roomId, stop: () => bot.stop() };
  }
  const raw = await RawClient.connect(url, token, name);
  rawEcho(raw);
  const roomId = await raw.createRoom(name);
  await raw.joinRoom(roomId);
  return { roomId, stop: () => raw.close() };
}
