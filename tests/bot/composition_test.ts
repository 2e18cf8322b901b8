// Middleware and composers against the local server, typed by scripted people.
import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { Bot, Composer, HandlerError, type Middleware } from "../../bot/mod.ts";
import { botSaw, person, scene, seen, until } from "./_helpers.ts";
import { settle } from "../_fake_clock.ts";
import { enter } from "../_support.ts";

/** Types a line and presses Enter. */
Deno.test("Bot.use() runs middleware in order around a command handler; no next() ends the chain", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const log: string[] = [];
  const tag = (name: string): Middleware => async (ctx, next) => {
    log.push(`${name} in ${"command" in ctx ? ctx.command : "message"}`);
    await next();
    log.push(`${name} out`);
  };
  bot.use(tag("a"), tag("b"))
    .use((ctx, next) => "command" in ctx && ctx.args.who === "nobody" ? undefined : next());
  bot.command("hi").param("who").handle(async (ctx, args) => {
    await settle(); // an async handler: the middleware after it waits for it
    log.push(`handler ${args.who}`);
    await ctx.reply(`hi ${args.who}`);
  });
  await enter(alice, "/hi you");
  await until(() => seen(alice, bot) === "hi you", "the answer");
  await until(() => log.length === 5, "the chain to unwind");
  assertEquals(log, ["a in hi", "b in hi", "handler you", "b out", "a out"]);
  log.length = 0;
  await enter(alice, "/hi nobody");
  await until(() => log.length === 4, "the short-circuited chain"); // unwound: no handler after
  assertEquals(log, ["a in hi", "b in hi", "b out", "a out"], "the handler never ran");
  assertEquals(seen(alice, bot), "hi you", "and nothing was answered");
});

Deno.test("Bot.use() runs middleware once around all message handlers, bot.on() and composers alike", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const log: string[] = [];
  const mod = new Composer();
  mod.on("message", async (ctx) => {
    await settle();
    log.push(`composer ${ctx.text}`);
  });
  bot.on("message", (ctx) => void log.push(`bot ${ctx.text}`));
  bot.use(async (ctx, next) => {
    if ("text" in ctx && ctx.text === "skip") return;
    log.push(`in ${"text" in ctx ? ctx.text : "?"}`);
    await next();
    log.push("out");
  }, mod);
  await alice.send("x");
  await until(() => log.length === 4, "one message through the chain");
  assertEquals(log, ["in x", "bot x", "composer x", "out"]);
  await alice.send("skip");
  await botSaw(bot, alice, (text) => text === "skip", "the bot to see skip");
  assertEquals(log.length, 4, "no handler ran for a message the middleware stopped");
});

Deno.test("Middleware errors go to bot.catch(); a command still gets the neutral answer", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const caught: HandlerError[] = [];
  bot.catch((e) => void caught.push(e));
  bot.use((ctx, next) => {
    if ("command" in ctx || ("text" in ctx && ctx.text === "boom")) {
      throw new Error(`no ${ctx.user.name}`);
    }
    return next();
  });
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  const texts: string[] = [];
  bot.on("message", (ctx) => void texts.push(ctx.text));
  await enter(alice, "/ping");
  await until(() => seen(alice, bot) === "Sorry, /ping failed.", "the neutral answer");
  await alice.send("boom");
  await until(() => caught.length === 2, "both failures");
  assertEquals(caught.map((e) => [e.event, (e.error as Error).message]), [
    ["/ping", "no Alice"],
    ["message", "no Alice"],
  ]);
  assert(caught.every((e) => e instanceof HandlerError));
  assert(texts.length > 0, "the message handler ran for messages the middleware let through");
  assert(!texts.includes("boom"), "but not for the one it threw on");
});

Deno.test("Composer commands are listed by /help and run inside their own composer's middleware", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const log: string[] = [];
  const notes = new Composer()
    .use((ctx, next) => (log.push(`notes mw ${ctx.user.name}`), next()));
  notes.command("note").description("Keeps a note").param("text", { rest: true })
    .handle((ctx, args) => ctx.reply(`noted: ${args.text.join(" ")}`));
  const games = new Composer();
  games.command("roll").description("Rolls a die").handle((ctx) => ctx.reply("4"));
  const nested = new Composer();
  nested.command("flip").alias("coin").handle((ctx) => ctx.reply("heads"));
  games.use(nested);
  bot.command("ping").handle((ctx) => ctx.reply("pong"));
  bot.use(notes, games);

  await enter(alice, "/help");
  const help = await until(
    () => seen(alice, bot)?.startsWith("Commands:") && seen(alice, bot),
    "help",
  );
  assertEquals(help.split("\n"), [
    "Commands:",
    "• /help - Lists the commands, or explains one",
    "• /ping",
    "• /note - Keeps a note",
    "• /roll - Rolls a die",
    "• /flip, /coin",
    "Type /help <command> for details.",
  ]);
  await enter(alice, "/help note");
  await until(() => seen(alice, bot)?.startsWith("Usage: /note"), "help for a composer's command");
  await enter(alice, "/coin");
  await until(() => seen(alice, bot) === "heads", "a nested composer's alias");
  await enter(alice, "/note milk");
  await until(() => seen(alice, bot) === "noted: milk", "the note");
  await enter(alice, "/roll");
  await until(() => seen(alice, bot) === "4", "the roll");
  assertEquals(log, ["notes mw Alice"], "a composer's middleware runs for its commands only");
});

Deno.test("Composer.filter() runs its handlers only when the predicate holds", async () => {
  await using s = await scene();
  const { bot, alice, server, roomId } = s;
  await using bob = await person(server, "Bob");
  await bob.joinRoom(roomId);
  const texts: string[] = [];
  const admin = bot.filter((ctx) => ctx.user.name === "Alice");
  const askedFor: string[] = [];
  admin.command("secret").handle((ctx) => {
    askedFor.push(ctx.user.name);
    return ctx.reply(`the secret, ${ctx.user.name}`);
  });
  admin.on("message", (ctx) => void texts.push(`${ctx.user.name}: ${ctx.text}`));
  await until(() => bot.room?.users.length === 3, "Bob in the bot's room");
  await enter(bob, "/secret");
  await botSaw(bot, bob, (text) => text.includes("/secret"), "the bot to see Bob's line");
  assertEquals(askedFor, [], "Bob is not let in");
  await enter(alice, "/secret");
  await until(() => seen(alice, bot) === "the secret, Alice", "Alice is");
  assertEquals(texts.every((t) => t.startsWith("Alice: ")), true);
  assert(texts.length > 0);
});

Deno.test("Composers check what they are given, and command names stay unique across a bot", () => {
  const bot = new Bot({ username: "Strict", server: "http://127.0.0.1:1", token: "tk_0" });
  assertThrows(
    // @ts-expect-error not middleware
    () => bot.use("x"),
    TypeError,
    "Cannot add middleware: expected a function or a Composer, got string",
  );
  // @ts-expect-error not a function
  assertThrows(() => new Composer().on("message", 1), TypeError, "expected a function, got number");
  // @ts-expect-error composers take "message" only
  assertThrows(() => new Composer().on("userJoined", () => {}), TypeError, "use bot.on()");
  // @ts-expect-error not a predicate
  assertThrows(() => bot.filter(null), TypeError, "expected a predicate function, got null");
  bot.command("echo");
  const mod = new Composer();
  mod.command("echo");
  assertThrows(() => bot.use(mod), TypeError, 'its command "echo" uses the name "echo" of "echo"');
  const ok = new Composer();
  bot.use(ok);
  assertThrows(
    () => ok.command("echo"),
    TypeError,
    'Cannot create command "echo": it already exists',
  );
  assertThrows(() => ok.command("e2").alias("echo"), TypeError, 'it is already a name of "echo"');
  assertThrows(() => bot.use(ok), TypeError, "it is mounted already");
  const outer = new Composer();
  const inner = new Composer();
  outer.use(inner);
  assertThrows(() => inner.use(outer), TypeError, "it would contain itself");
  // A command named "help" replaces the automatic one, in a composer too.
  const help = new Composer();
  help.command("help").handle(() => {});
  bot.use(help);
});

Deno.test("A composer's own help command replaces the automatic /help", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const mod = new Composer();
  mod.command("help").handle((ctx) => ctx.reply("my own help"));
  bot.use(mod);
  await enter(alice, "/help");
  await until(() => seen(alice, bot) === "my own help", "the composer's help");
  assertStringIncludes(seen(alice, bot)!, "own");
});
