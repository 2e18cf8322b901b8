import { assert, assertEquals, assertInstanceOf, assertStringIncludes } from "@std/assert";
import { HandlerError } from "../../bot/mod.ts";
import { scene, until } from "./_helpers.ts";

Deno.test("Bot.command() runs a slowly typed command once, when Enter is pressed", async () => {
  const { scope, bot, alice } = await scene({}, { commandIdleMs: 400 });
  try {
    let runs = 0;
    const seen: string[][] = [];
    bot.command("echo").param("words", { rest: true }).handle((ctx, args) => {
      runs++;
      seen.push(args.words);
      return ctx.reply(`${ctx.user.name} said: ${args.words.join(" ")}`);
    });
    await alice.type("/echo hello world", { cps: 15 });
    await alice.pressEnter();
    await until(() => alice.texts[bot.me!.id] === "Alice said: hello world", "the echo");
    await new Promise((r) => setTimeout(r, 600)); // past the idle time: no second run
    assertEquals(runs, 1);
    assertEquals(seen, [["hello", "world"]]);
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.command() runs a line left unchanged for the idle time, once", async () => {
  const { scope, bot, alice } = await scene({}, { commandIdleMs: 150 });
  try {
    let runs = 0;
    bot.command("ping").handle((ctx) => {
      runs++;
      return ctx.reply("Pong!");
    });
    await alice.type("/ping", { cps: 40 });
    await until(() => alice.texts[bot.me!.id] === "Pong!", "the pong");
    await alice.pressEnter(); // completing the same line does not run it again
    await new Promise((r) => setTimeout(r, 300));
    assertEquals(runs, 1);
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.command() replies with the usage line for a bad flag", async () => {
  const { scope, bot, alice } = await scene();
  try {
    let runs = 0;
    bot.command("roll").param("times", { type: "integer", flag: true, default: 1 })
      .handle(() => void runs++);
    await alice.type("/roll --times many", { cps: Infinity });
    await alice.pressEnter();
    const text = await until(() => alice.texts[bot.me!.id] || undefined, "the usage reply");
    assertStringIncludes(text, 'Invalid value "many" for --times');
    assertStringIncludes(text, "Usage: /roll [--times <integer>]");
    assertEquals(runs, 0);
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.command() survives a throwing handler and hands the error to catch()", async () => {
  const { scope, bot, alice } = await scene();
  try {
    const caught: HandlerError[] = [];
    bot.catch((e) => void caught.push(e));
    bot.command("boom").handle(() => {
      throw new Error("kaput");
    });
    bot.command("ok").handle((ctx) => ctx.reply("still here"));
    await alice.type("/boom", { cps: Infinity });
    await alice.pressEnter();
    await until(() => alice.texts[bot.me!.id] === "/boom failed: kaput", "the failure reply");
    assertEquals(caught.length, 1);
    assertInstanceOf(caught[0], HandlerError);
    assertEquals(caught[0].event, "/boom");
    assertEquals((caught[0].error as Error).message, "kaput");
    await alice.type("/ok", { cps: Infinity });
    await alice.pressEnter();
    await until(() => alice.texts[bot.me!.id] === "still here", "the bot to keep working");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot /help lists visible commands and explains one; hidden ones are omitted", async () => {
  const { scope, bot, alice } = await scene();
  try {
    bot.command("echo").description("Repeats").alias("e").param("words", { rest: true })
      .handle(() => {});
    bot.command("secret").hidden().handle(() => {});
    await alice.type("/help", { cps: Infinity });
    await alice.pressEnter();
    const list = await until(
      () => alice.texts[bot.me!.id]?.startsWith("Commands:") && alice.texts[bot.me!.id],
      "the help list",
    );
    assertStringIncludes(list, "/echo, /e - Repeats");
    assert(!list.includes("secret"));
    await alice.type("/help echo", { cps: Infinity });
    await alice.pressEnter();
    const one = await until(
      () => alice.texts[bot.me!.id]?.startsWith("Usage:") && alice.texts[bot.me!.id],
      "the command help",
    );
    assertStringIncludes(one, "Usage: /echo <words...>");
    await alice.type("/help secret", { cps: Infinity });
    await alice.pressEnter();
    await until(() => alice.texts[bot.me!.id] === 'Unknown command "/secret"', "hidden = unknown");
  } finally {
    await scope.close();
  }
});

Deno.test("Bot.command() honours a custom prefix and aliases, and ignores old lines on join", async () => {
  const { scope, bot, alice } = await scene({}, { prefix: "!" });
  try {
    let runs = 0;
    bot.command("hi").alias("hello").handle((ctx) => {
      runs++;
      return ctx.reply(`hi ${ctx.args === undefined ? "" : ctx.user.name}`);
    });
    await alice.type("/hello", { cps: Infinity });
    await alice.pressEnter();
    await alice.type("!hello", { cps: Infinity });
    await alice.pressEnter();
    await until(() => alice.texts[bot.me!.id] === "hi Alice", "the alias reply");
    assertEquals(runs, 1);
  } finally {
    await scope.close();
  }
});
