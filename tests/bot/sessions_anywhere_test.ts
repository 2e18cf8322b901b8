// Sessions reached from outside handlers (session().read/update/delete/keyOf)
// against the local server: the poll race of issue 20 (a schedule closes a poll
// while a handler waits on ctx.ask()) keeps the close.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { FileSessionStorage, MemorySessionStorage, session } from "../../bot/mod.ts";
import { makeBot, person, roomWith, seen, startServer, until } from "./_helpers.ts";
import { enter, settle } from "../_support.ts";

Deno.test("session().update() from a schedule keeps a poll closed while a handler waits on ctx.ask()", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/poll.json`;
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    const polls = session({
      initial: () => ({ open: false, question: "", votes: [] as number[], note: "" }),
      storage: new FileSessionStorage(file),
      key: () => "poll", // one poll for the room
    });
    const bot = makeBot(server).use(polls);
    bot.command("poll").param("question").handle(async (ctx, args) => {
      ctx.session.open = true;
      ctx.session.question = args.question;
      const note = await ctx.ask("Any note for the poll?", { timeoutMs: 10_000 });
      ctx.session.note = note; // the handler saves its live session afterwards
      await ctx.reply(`Poll ${ctx.session.open ? "open" : "closed"}, note ${note}`);
    });
    bot.command("vote").param("n", { type: "integer" }).handle((ctx, args) => {
      if (!ctx.session.open) return ctx.reply("The poll is closed");
      ctx.session.votes.push(args.n);
      return ctx.reply(`Votes: ${ctx.session.votes.join(",")}`);
    });
    let closed = false;
    try {
      await bot.start();
      await roomWith(bot, alice);
      await enter(alice, "/poll Lunch?");
      await until(() => seen(alice, bot) === "Any note for the poll?", "the question");
      // The closer runs as a schedule (no ctx.session there).
      bot.after(1, async () => {
        await polls.update("poll", (s) => void (s.open = false));
        closed = true;
      });
      await until(() => closed, "the close");
      assertEquals(JSON.parse(await Deno.readTextFile(file)).poll.open, false, "saved closed");
      assertEquals((await polls.read("poll"))?.open, false);
      await enter(alice, "bring cake");
      await until(() => seen(alice, bot) === "Poll closed, note bring cake", "the handler's end");
      await until(
        () => JSON.parse(Deno.readTextFileSync(file)).poll.note === "bring cake",
        "the handler's save",
      );
      const stored = JSON.parse(await Deno.readTextFile(file)).poll;
      assertEquals(stored, { open: false, question: "Lunch?", votes: [], note: "bring cake" });
      await enter(alice, "/vote 1");
      await until(() => seen(alice, bot) === "The poll is closed", "the refused vote");
    } finally {
      await bot.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("session().delete() is not undone by a handler that still holds the session; keyOf() finds a person's key", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const storage = new MemorySessionStorage();
  const counts = session({ initial: () => ({ count: 0 }), storage });
  const bot = makeBot(server).use(counts);
  bot.command("count").handle(async (ctx) => {
    const s = ctx.session;
    s.count++;
    const answer = await ctx.ask(`Count ${s.count}. More?`, { timeoutMs: 10_000 });
    s.count++; // on the object deleted meanwhile
    await ctx.reply(`ok ${answer}`);
  });
  try {
    await bot.start();
    await roomWith(bot, alice);
    await enter(alice, "/count");
    await until(() => seen(alice, bot) === "Count 1. More?", "the question");
    const user = [...bot.room!.users.values()].find((u) => u.name === "Alice")!;
    const key = counts.keyOf(user)!;
    assertEquals(key, "alice/town");
    assertEquals(await counts.read(key), { count: 1 }, "the live session");
    await counts.delete(key);
    assertEquals(storage.read(key), undefined);
    await enter(alice, "yes");
    await until(() => seen(alice, bot) === "ok yes", "the handler's end");
    // Whether or not the handler has saved yet, the update starts from nothing.
    assertEquals(await counts.update(key, (s) => ({ count: s.count + 10 })), { count: 10 });
    assertEquals(storage.read(key), { count: 10 }, "nothing resurrected");
  } finally {
    await bot.stop();
  }
});

Deno.test("session().update() runs one update after the other; read/update/delete/keyOf check their input", async () => {
  const storage = new MemorySessionStorage();
  const s = session({ initial: () => ({ n: 0 }), storage });
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      s.update("k", async (v) => {
        const n = v.n;
        for (let k = (i * 7) % 5; k > 0; k--) await settle(); // each ends after its own turns
        v.n = n + 1; // a read-modify-write across an await: only safe when serialised
      })),
  );
  assertEquals(storage.read("k"), { n: 20 });
  assertEquals(await s.read("missing"), undefined);
  await assertRejects(
    () => s.update("k", () => Promise.reject(new Error("boom"))),
    Error,
    "boom",
  );
  assertEquals(await s.update("k", (v) => void v.n++), { n: 21 }, "the queue goes on");
  // @ts-expect-error not a key
  await assertRejects(() => s.read(1), TypeError, "the key must be a string, got number");
  // @ts-expect-error not a function
  await assertRejects(() => s.update("k", 1), TypeError, 'Cannot update session "k"');
  // @ts-expect-error not a user
  assertThrows(() => s.keyOf("alice"), TypeError, "expected a user, got string");
  const custom = session({ initial: () => 0, key: (ctx) => `id:${ctx.user.id}` });
  assertEquals(custom.keyOf({ id: "u1", name: "A", location: "B", isDev: false }), "id:u1");
  assert(typeof s === "function", "still middleware for bot.use()");
});
