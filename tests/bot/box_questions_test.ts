// A Box with a replies section shows every open question, one line per person
// asked, and drops each line when its question ends.
import { assertEquals } from "@std/assert";
import { Box } from "../../bot/mod.ts";
import { person, scene, seen, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test("Box shows several open questions, one line per person asked, until each ends", async () => {
  await using s = await scene({}, { commandIdleMs: 5000 });
  const { bot, alice, server, roomId } = s;
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  const box = new Box(bot);
  box.text("title", "Quiz");
  bot.use(box.replies(box.text("answer")));
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  bot.command("quiz").handle(async (ctx) => {
    const reply = await ctx.ask("Capital of France?", { timeoutMs: 10_000 }).catch(() => undefined);
    if (reply === undefined) return; // replaced
    await ctx.reply(`${ctx.user.name}: ${reply === "Paris" ? "right" : "no"}`);
  });
  await box.flush();
  await enter(alice, "/quiz");
  await until(() => seen(alice, bot) === "Quiz\nCapital of France?", "Alice's question");
  await enter(bob, "/quiz");
  await until(
    () => seen(alice, bot) === "Quiz\nAlice: Capital of France?\nBob: Capital of France?",
    "both questions",
  );
  const asked = bot.ask(alice.userId!, "Alice: and Italy?", { timeoutMs: 10_000 });
  await until(
    () => seen(alice, bot) === "Quiz\nBob: Capital of France?\nAlice: and Italy?",
    "a newer question to Alice replacing hers, from bot.ask()",
  );
  await enter(alice, "Rome");
  assertEquals(await asked, "Rome");
  await until(() => seen(bob, bot) === "Quiz\nCapital of France?", "Bob's question left");
  await enter(bob, "Paris");
  await until(() => seen(alice, bot) === "Quiz\nBob: right", "Bob's answer, no question left");
});
