// Sessions against the local server: file storage across a restart of the bot,
// concurrent handlers, and the storages on their own.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  FileSessionStorage,
  MemorySessionStorage,
  session,
  sessionKey,
  type SessionStorage,
} from "../../bot/mod.ts";
import { makeBot, person, roomWith, scene, seen, startServer, until } from "./_helpers.ts";
import { settle } from "../_fake_clock.ts";
import { enter } from "../_support.ts";

Deno.test("session() with FileSessionStorage keeps a person's session across a restart of the bot", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/data/sessions.json`;
    await using server = await startServer();
    let alice = await person(server, "Alice");
    const start = async (name: string) => {
      const bot = makeBot(server, { username: name })
        .use(session({ initial: () => ({ count: 0 }), storage: new FileSessionStorage(file) }));
      bot.command("count").handle((ctx) => ctx.reply(`${ctx.user.name}: ${++ctx.session.count}`));
      await bot.start();
      return bot;
    };
    const first = await start("Counter");
    const roomId = await roomWith(first, alice);
    await enter(alice, "/count");
    await until(() => seen(alice, first) === "Alice: 1", "the first count");
    await enter(alice, "/count");
    await until(() => seen(alice, first) === "Alice: 2", "the second count");
    // Saved when the handler finished (just after its reply was sent).
    await until(
      () => Deno.readTextFileSync(file).includes('"alice/town": {"count":2}'),
      "the saved session",
    );
    await first.stop();
    assertEquals(JSON.parse(await Deno.readTextFile(file)), { "alice/town": { count: 2 } });
    const names = [...Deno.readDirSync(`${dir}/data`)].map((e) => e.name);
    assertEquals(names.filter((n) => !n.endsWith(".lock")), ["sessions.json"]); // the lock: its own test

    // Alice comes back without her cookie (a new user id) to a new bot process on the same file.
    const oldId = alice.userId;
    await alice.close();
    alice = await person(server, "Alice");
    await alice.joinRoom(roomId);
    assert(alice.userId !== oldId);
    const second = await start("Counter 2");
    await second.joinRoom(roomId);
    await enter(alice, "/count");
    await until(() => seen(alice, second) === "Alice: 3", "the count kept across the restart");
    await second.stop();
    await alice.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("session() loses no update when handlers of one person run at the same time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/sessions.json`;
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    const bot = makeBot(server)
      .use(session({
        initial: () => ({ added: [] as number[], keys: 0 }),
        storage: new FileSessionStorage(file),
      }));
    let running = 0;
    let most = 0;
    let messages = 0;
    let open!: () => void;
    const allStarted = new Promise<void>((resolve) => open = resolve);
    bot.command("add").param("n", { type: "integer" }).handle(async (ctx, args) => {
      running++;
      most = Math.max(most, running);
      if (running === 6) open();
      await allStarted; // all six run at the same time...
      for (let i = (args.n * 37) % 5; i > 0; i--) await settle(); // ...and finish out of order
      ctx.session.added.push(args.n);
      running--;
    });
    bot.on("message", async (ctx) => {
      messages++;
      for (let i = (ctx.text.length * 13) % 4; i > 0; i--) await settle();
      ctx.session.keys++;
    });
    try {
      await bot.start();
      await roomWith(bot, alice);
      for (let n = 1; n <= 6; n++) await enter(alice, `/add ${n}`);
      await until(() => running === 0 && most === 6, "the handlers, all at the same time");
      const stored = () => JSON.parse(Deno.readTextFileSync(file))["alice/town"];
      await until(() => stored().added.length === 6 && stored().keys === messages, "the saves")
        .catch(() => {}); // on a lost update, the assertions below say which
      assertEquals(stored().added.toSorted(), [1, 2, 3, 4, 5, 6], "every push kept");
      assertEquals(stored().keys, messages, "every message counted");
    } finally {
      await bot.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("session() checks its options; a key function can opt a context out", async () => {
  // @ts-expect-error initial is required
  assertThrows(() => session({}), TypeError, "initial must be a function");
  // @ts-expect-error not a storage
  assertThrows(() => session({ initial: () => 1, storage: {} }), TypeError, "has no read()");
  assertThrows(() => new FileSessionStorage(""), TypeError, "expected a path or a file: URL");
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const storage = new MemorySessionStorage();
  const bot = makeBot(server)
    .use(session({
      initial: () => ({ seen: 0 }),
      storage,
      key: (ctx) => ctx.user.name === "Alice" ? undefined : sessionKey(ctx),
    }));
  const errors: string[] = [];
  bot.catch((e) => void errors.push((e.error as Error).message));
  bot.command("peek").handle((ctx) => ctx.reply(`${ctx.session.seen}`));
  try {
    await bot.start();
    await roomWith(bot, alice);
    await enter(alice, "/peek");
    await until(() => errors.length === 1, "the refused read");
    assertEquals(errors, ["Cannot read session: the session key of this context is undefined"]);
    assertEquals(storage.keys(), []);
  } finally {
    await bot.stop();
  }
});

Deno.test("FileSessionStorage writes JSON atomically, reads copies, and leaves a corrupt file alone", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const url = new URL(`file://${dir}/s.json`);
    const store: SessionStorage<{ n: number }> = new FileSessionStorage(url);
    await Promise.all([store.write("a", { n: 1 }), store.write("b", { n: 2 })]);
    const value = await store.read("a");
    assertEquals(value, { n: 1 });
    value!.n = 5; // a copy
    assertEquals(await store.read("a"), { n: 1 });
    await store.delete("b");
    assertEquals(await Deno.readTextFile(url), '{\n  "a": {"n":1}\n}\n');
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => !n.endsWith(".lock"));
    assertEquals(names, ["s.json"], "no temporary file");
    await assertRejects(
      () => new FileSessionStorage(`${dir}/s.json`).write("c", 1n as unknown as number),
      TypeError,
      'Cannot save session "c"',
    );
    await Deno.writeTextFile(`${dir}/bad.json`, "{ not json");
    const bad = new FileSessionStorage(`${dir}/bad.json`);
    await assertRejects(() => bad.read("a"), SyntaxError, "Cannot read sessions from");
    await assertRejects(() => bad.write("a", { n: 1 }), SyntaxError);
    assertEquals(await Deno.readTextFile(`${dir}/bad.json`), "{ not json", "left as it was");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sessionKey() is the name and location, or the id of an anonymous person", () => {
  const user = (name: string, location: string) => ({
    user: { id: "u1", name, location, isDev: false },
  });
  assertEquals(sessionKey(user(" Alice ", "Town")), "alice/town");
  assertEquals(sessionKey(user("Anonymous", "On The Web")), "anonymous:u1");
});

Deno.test("Bot.stop() right after an answer waits for the session save still in flight", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => release = resolve);
  let written = false;
  const memory = new MemorySessionStorage<{ count: number }>();
  const storage: SessionStorage<{ count: number }> = {
    read: (key) => memory.read(key),
    write: async (key, value) => {
      await gate; // the save is slow: it ends only after stop() was called
      await memory.write(key, value);
      written = true;
    },
    delete: (key) => memory.delete(key),
  };
  await using s = await scene();
  const { alice } = s;
  const bot = s.bot.use(session({ initial: () => ({ count: 0 }), storage }));
  bot.command("count").handle((ctx) => ctx.reply(`${ctx.user.name}: ${++ctx.session.count}`));
  await enter(alice, "/count");
  await until(() => seen(alice, bot) === "Alice: 1", "the answer");
  const stopped = bot.stop().then(() => written);
  // Without the wait, stop() has resolved before this macrotask releases the save.
  await settle();
  release();
  assertEquals(await stopped, true);
  assertEquals(await memory.read("alice/town"), { count: 1 });
});
