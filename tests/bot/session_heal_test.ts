// Sessions that cannot collide or get stuck: the unambiguous default key (and
// the move of sessions saved under the old one), and FileSessionStorage
// healing from a broken file, a BOM, and temporary files of a crashed write.
import { assert, assertEquals, assertNotEquals, assertRejects } from "@std/assert";
import { FileSessionStorage, session, sessionKey } from "../../bot/mod.ts";
import { TestUser } from "../../testing/mod.ts";
import { makeBot, person, roomWith, seen, startServer, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

const ctxOf = (name: string, location: string, id = "u1") => ({
  user: { id, name, location, isDev: false },
});

Deno.test("sessionKey() never gives two name+location pairs one key", () => {
  assertNotEquals(sessionKey(ctxOf("Ann / Lab", "X")), sessionKey(ctxOf("Ann", "Lab / X")));
  assertNotEquals(sessionKey(ctxOf("a/b", "c")), sessionKey(ctxOf("a", "b/c")));
  assertNotEquals(sessionKey(ctxOf("a%2Fb", "c")), sessionKey(ctxOf("a/b", "c")));
  assertEquals(sessionKey(ctxOf(" Alice ", "Town")), "alice/town");
  assertEquals(sessionKey(ctxOf("Ann / Lab", "X")), "ann %2F lab/x");
  assertEquals(sessionKey(ctxOf("Anonymous", "On The Web")), "anonymous:u1");
});

Deno.test("session(): 'Ann / Lab' from X and 'Ann' from 'Lab / X', in one room at once, keep their own sessions", async () => {
  await using server = await startServer();
  const bot = makeBot(server)
    .use(session({ initial: () => ({ notes: [] as string[] }) }));
  bot.command("note").param("text").handle((ctx, { text }) => {
    ctx.session.notes.push(text);
    return ctx.reply(`${ctx.user.name}: ${ctx.session.notes.join(", ")}`);
  });
  await bot.start();
  const one = await TestUser.connect(server, {
    username: "Ann / Lab",
    location: "X",
  });
  const two = await TestUser.connect(server, {
    username: "Ann",
    location: "Lab / X",
  });
  try {
    const roomId = await roomWith(bot, one);
    await two.joinRoom(roomId);
    await enter(one, "/note secret");
    await until(() => seen(two, bot) === "Ann / Lab: secret", "the first note");
    await enter(two, "/note mine");
    await until(() => seen(two, bot) === "Ann: mine", "the second person's own session");
  } finally {
    await bot.stop();
    await one.close();
    await two.close();
  }
});

Deno.test("session(): a session saved under the old key ('alice / town') is found once and moved", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/sessions.json`;
    await Deno.writeTextFile(file, '{\n  "alice / town": {"count":41}\n}\n');
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    const bot = makeBot(server)
      .use(session({ initial: () => ({ count: 0 }), storage: new FileSessionStorage(file) }));
    bot.command("count").handle((ctx) => ctx.reply(`${ctx.user.name}: ${++ctx.session.count}`));
    await bot.start();
    try {
      await roomWith(bot, alice);
      await enter(alice, "/count");
      await until(() => seen(alice, bot) === "Alice: 42", "the old session");
      await until(
        () =>
          JSON.stringify(JSON.parse(Deno.readTextFileSync(file))) === '{"alice/town":{"count":42}}',
        "the session moved to the new key",
      );
      await enter(alice, "/count");
      await until(() => seen(alice, bot) === "Alice: 43", "the moved session");
    } finally {
      await bot.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FileSessionStorage retries a failed load on the next use: a fixed file works without a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/s.json`;
    await Deno.writeTextFile(file, "{ not json");
    const store = new FileSessionStorage(file);
    await assertRejects(() => store.read("a"), SyntaxError, "Cannot read sessions from");
    await assertRejects(() => store.read("a"), SyntaxError, "Cannot read sessions from");
    await Deno.writeTextFile(file, '{"a": {"n": 1}}');
    assertEquals(await store.read("a"), { n: 1 });
    await store.write("b", { n: 2 });
    assertEquals(JSON.parse(await Deno.readTextFile(file)), { a: { n: 1 }, b: { n: 2 } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("session() with a broken session file: commands fail, then work once the file is fixed, without a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/sessions.json`;
    await Deno.writeTextFile(file, "{ broken");
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    const bot = makeBot(server)
      .use(session({ initial: () => ({ count: 0 }), storage: new FileSessionStorage(file) }));
    bot.command("count").handle((ctx) => ctx.reply(`${ctx.user.name}: ${++ctx.session.count}`));
    const failures: string[] = [];
    bot.catch((e) => void failures.push(String(e.error)));
    await bot.start();
    try {
      await roomWith(bot, alice);
      await enter(alice, "/count");
      await until(() => seen(alice, bot) === "Sorry, /count failed.", "the failure");
      assertEquals(failures.length, 1);
      assert(failures[0].startsWith("SyntaxError: Cannot read sessions from"), failures[0]);
      await Deno.writeTextFile(file, '{"alice/town": {"count": 6}}');
      await enter(alice, "/count");
      await until(() => seen(alice, bot) === "Alice: 7", "the session from the fixed file");
      assertEquals(failures.length, 1);
    } finally {
      await bot.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FileSessionStorage reads a file that starts with a UTF-8 BOM", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/s.json`, '\uFEFF{"a": {"n": 1}}\n');
    assertEquals(await new FileSessionStorage(`${dir}/s.json`).read("a"), { n: 1 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("FileSessionStorage removes the temporary files of a crashed write when it starts", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/s.json`;
    await Deno.writeTextFile(file, '{"a": 1}');
    const old = new Date(Date.now() - 3_600_000);
    const stale = [1, 2, 3].map(() => `s.json.${crypto.randomUUID()}.tmp`);
    for (const name of stale) {
      await Deno.writeTextFile(`${dir}/${name}`, "x".repeat(1000));
      await Deno.utime(`${dir}/${name}`, old, old);
    }
    const fresh = `s.json.${crypto.randomUUID()}.tmp`; // a write in progress right now
    await Deno.writeTextFile(`${dir}/${fresh}`, "{}");
    await Deno.writeTextFile(`${dir}/other.json.${crypto.randomUUID()}.tmp`, "{}");
    await Deno.utime(`${dir}/${fresh}`, new Date(), new Date());
    assertEquals(await new FileSessionStorage(file).read("a"), 1);
    // (the storage's lock file has its own test)
    const left = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => !n.endsWith(".lock"))
      .sort();
    assertEquals(left.length, 3, left.join(", "));
    assert(left.includes("s.json") && left.includes(fresh));
    assert(left.some((n) => n.startsWith("other.json.")), "another file's temporary file stays");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
