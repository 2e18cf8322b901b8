// Type-level tests: each @ts-expect-error line must fail to type-check
// (`deno check` fails when one of them compiles), the others must compile.
import { assertEquals } from "@std/assert";
import {
  Bot,
  Composer,
  MemorySessionStorage,
  type Middleware,
  session,
  type SessionFlavor,
  type SessionStorage,
} from "../../bot/mod.ts";

Deno.test("Bot.on() and the command builder are typed from their tables", () => {
  const bot = new Bot({ username: "Types", server: "http://127.0.0.1:1", token: "tk_0" });
  bot.on("message", (ctx) => {
    const text: string = ctx.text;
    const previous: string = ctx.previous;
    const name: string = ctx.user.name;
    // @ts-expect-error a message has no voter
    void ctx.voter;
    return [text, previous, name];
  });
  bot.on("vote", (ctx) => {
    const added: boolean = ctx.added;
    const target: string = ctx.target.id;
    return [added, target];
  });
  bot.on("raw", (ctx) => {
    if (ctx.event === "user left") {
      const id: string = ctx.payload;
      return id;
    }
  });
  // @ts-expect-error unknown event name
  assertEqualsThrows(() => bot.on("mesage", () => {}));

  bot.command("t")
    .param("words", { rest: true })
    .param("times", { type: "integer", flag: true, default: 1 })
    .param("loud", { type: "boolean", flag: true })
    .param("ratio", { type: "number", flag: true, optional: true })
    .handle((ctx, args) => {
      const words: string[] = args.words;
      const times: number = args.times;
      const loud: boolean = args.loud;
      const ratio: number | undefined = args.ratio;
      // @ts-expect-error optional without default may be undefined
      const sure: number = args.ratio;
      // @ts-expect-error no such parameter
      void args.nope;
      const user: string = ctx.user.name;
      const same: string[] = ctx.args.words;
      return [words, times, loud, ratio, sure, user, same];
    });
  // @ts-expect-error default must match the type
  assertEqualsThrows(() => bot.command("u").param("n", { type: "integer", default: "one" }));
  // @ts-expect-error duplicate parameter name
  assertEqualsThrows(() => bot.command("v").param("a").param("a"));
});

Deno.test("session() types ctx.session from initial(); composers need the context they use", () => {
  type Notes = { notes: string[] };
  const options = { server: "http://127.0.0.1:1", token: "tk_0" };
  const base = new Bot({ username: "Types", ...options });
  const bot = base.use(session({ initial: () => ({ notes: [] as string[] }) }));
  bot.command("note").handle((ctx) => {
    const notes: string[] = ctx.session.notes;
    // @ts-expect-error the notes are strings
    const counts: number[] = ctx.session.notes;
    // @ts-expect-error no such field
    void ctx.session.count;
    ctx.session = { notes: [] };
    // @ts-expect-error a session of another shape
    ctx.session = { count: 1 };
    return [notes, counts];
  });
  bot.on("message", (ctx) => ctx.session.notes.length + ctx.text.length);
  // @ts-expect-error only command and message handlers run inside middleware
  bot.on("userJoined", (ctx) => ctx.session);
  base.command("plain").handle((ctx) => {
    // @ts-expect-error a bot without session()
    void ctx.session;
  });
  const takesAnyBot = (b: Bot) => b.options.username;
  assertEquals(takesAnyBot(bot), "Types", "a bot with sessions is still a Bot");

  // Modules declare the context they need; mounting checks it.
  const notes = new Composer<SessionFlavor<Notes>>();
  notes.command("add").param("text").handle((ctx, args) => ctx.session.notes.push(args.text));
  notes.on("message", (ctx) => ctx.session.notes);
  notes.filter((ctx) => ctx.session.notes.length > 0).command("clear")
    .handle((ctx) => void (ctx.session.notes = []));
  bot.use(notes, new Composer());
  const other = new Bot({ username: "Other", ...options });
  // @ts-expect-error the module needs session()
  other.use(new Composer<SessionFlavor<Notes>>());
  // @ts-expect-error a composer needs what it mounts, too
  new Composer().use(new Composer<SessionFlavor<Notes>>());

  // Storages are typed: a storage of other sessions does not fit.
  const counts: SessionStorage<{ count: number }> = new MemorySessionStorage();
  // @ts-expect-error a storage of another shape
  session({ initial: () => ({ notes: [] as string[] }), storage: counts });

  // Middleware sees commands, messages and lines; narrowing tells them apart.
  const mw: Middleware = (ctx, next) => {
    if ("command" in ctx) {
      const name: string = ctx.command;
      const args: unknown = ctx.args;
      void [name, args];
    } else if ("text" in ctx) {
      const text: string = ctx.text;
      void text;
    } else {
      const line: string = ctx.line;
      void line;
    }
    // @ts-expect-error a message has no command
    void ctx.command;
    return next();
  };
  const same = bot.use(mw);
  same.command("quiz").handle(async (ctx) => {
    const answer: string = await ctx.ask("?", { timeoutMs: 1000 });
    // @ts-expect-error ask resolves with a string
    const wrong: number = await ctx.ask("?");
    return [answer, wrong, ctx.session.notes];
  });
});

function assertEqualsThrows(f: () => unknown): void {
  let threw = false;
  try {
    f();
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assertEquals(threw, true);
}
