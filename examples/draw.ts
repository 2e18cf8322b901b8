/**
 * draw: joins the room named "Draw" (creating it), opens its Talkoboard and
 * draws on request, from the room text or the board chat:
 * `/draw square`, `/draw circle`, `/draw star`, `/draw text <words>`,
 * `/draw clear`. Drawings are paced inside the bot's event budget; a new
 * `/draw` cancels the one in progress (its stroke is ended cleanly).
 *
 * Run: `deno task dev examples/draw.ts`, then open the page it prints.
 *
 * @module
 */
import { ActionError, Bot } from "@talkomatic/talkomatic";
import type { BoardPoint } from "@talkomatic/talkomatic/bot";

const bot = new Bot({
  username: "Draw Bot",
  location: "do /draw",
  room: { name: "Draw", create: true },
  boardCommands: true,
});

/** The drawing in progress, cancelled by the next /draw. */
let current: AbortController | undefined;

/** A five-pointed star around (cx, cy), drawn as one stroke. */
function star(cx: number, cy: number, r: number): BoardPoint[] {
  return Array.from({ length: 11 }, (_, i) => {
    const radius = i % 2 === 0 ? r : r * 0.4;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    return { x: cx + radius * Math.cos(angle), y: cy + radius * Math.sin(angle) };
  });
}

bot.on("roomJoined", () => bot.board.open());

bot.command("draw")
  .description("Draws on the board: square, circle, star, text <words>, clear")
  .param("what", { description: "square, circle, star, text or clear" })
  .param("words", { rest: true, optional: true, description: "the words of text" })
  .handle(async (ctx, args) => {
    current?.abort();
    const mine = current = new AbortController();
    const signal = mine.signal;
    const board = ctx.bot.board;
    if (!board.isOpen) await board.open();
    try {
      switch (args.what.toLowerCase()) {
        case "square":
          await board.rect(100, 100, 200, 200, { color: "#e53935", size: 6 }, { signal });
          break;
        case "circle":
          await board.circle(200, 200, 100, { color: "#1e88e5", size: 6 }, { signal });
          break;
        case "star":
          await board.polyline(star(200, 200, 110), { color: "#fdd835", size: 6 }, { signal });
          break;
        case "text": {
          const words = (args.words ?? []).join(" ").slice(0, 40);
          if (words === "") return ctx.reply("What should I write? /draw text <words>");
          await board.text(words, { x: 50, y: 350, height: 40, color: "#43a047" }, { signal });
          break;
        }
        case "clear":
          await board.clear();
          break;
        default:
          return ctx.reply("I can draw: square, circle, star, text <words>, clear");
      }
      await ctx.reply(`Done, ${ctx.user.name}!`);
    } catch (error) {
      // A newer /draw took over: that is not a failure.
      if (error instanceof ActionError && error.reason === "aborted") return;
      throw error;
    } finally {
      if (current === mine) current = undefined;
    }
  });

await bot.run();
