// Types that explain themselves (issue 20, item 9), and the types of the
// round-2 features: each @ts-expect-error line must fail to type-check.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  Bot,
  Composer,
  DenoKvSessionStorage,
  FileSessionStorage,
  type KvLike,
  MemorySessionStorage,
  type RedisClientLike,
  RedisSessionStorage,
  session,
  type SessionFlavor,
  type SessionStorage,
} from "../../bot/mod.ts";
import type { Redis } from "ioredis";

type Notes = { notes: string[] };
const options = { server: "http://127.0.0.1:1", token: "tk_0" };

Deno.test("Storages are generic classes: a storage of one shape does not fit a session of another", () => {
  const file = new FileSessionStorage<Notes>("notes.json");
  const bot = new Bot({ username: "Types", ...options })
    .use(session({ initial: (): Notes => ({ notes: [] }), storage: file }));
  void bot;
  // @ts-expect-error a storage of notes for a session of counts
  session({ initial: () => ({ count: 0 }), storage: file });
  const never = () => {
    // @ts-expect-error a note storage keeps notes
    void file.write("k", { count: 1 });
  };
  void never; // type-checked, never run (it would write the file)
  const untyped: SessionStorage<Notes> = new MemorySessionStorage(); // unknown fits any session
  const kv: SessionStorage<Notes> = new DenoKvSessionStorage<Notes>({ path: "x.kv" });
  const redis: SessionStorage<Notes> = new RedisSessionStorage({ url: "redis://127.0.0.1:1" });
  void [untyped, kv, redis];
  // A Deno.Kv and an ioredis client fit the storages' options.
  const asKv = (k: Deno.Kv): KvLike => k;
  const asClient = (c: Redis): RedisClientLike => c;
  void [asKv, asClient];
});

Deno.test("session()'s value reaches sessions from anywhere, typed from initial()", () => {
  const sessions = session({ initial: () => ({ count: 0 }) });
  const bot = new Bot({ username: "Types", ...options }).use(sessions);
  bot.every(1000, async () => {
    const after: { count: number } = await sessions.update("k", (s) => void s.count++);
    // @ts-expect-error the session has no notes
    await sessions.update("k", (s) => void s.notes);
    const read: { count: number } | undefined = await sessions.read("k");
    const key: string | undefined = sessions.keyOf({
      id: "u",
      name: "A",
      location: "B",
      isDev: false,
    });
    void [after, read, key];
  });
});

Deno.test("line handlers see what middleware adds; unknownCommand and command middleware are typed", () => {
  const bot = new Bot({ username: "Types", ...options })
    .use(session({ initial: () => ({ lines: 0 }) }));
  bot.on("line", (ctx) => {
    const line: string = ctx.line;
    ctx.session.lines++;
    return line;
  });
  bot.on("unknownCommand", (ctx) => {
    const name: string = ctx.name;
    const suggestion: string | undefined = ctx.suggestion;
    // @ts-expect-error unknownCommand does not run inside middleware
    void ctx.session;
    return [name, suggestion];
  });
  bot.command("roll").param("sides", { type: "integer" })
    .use((ctx, next) => {
      const sides: number = ctx.args.sides;
      // @ts-expect-error no such argument
      void ctx.args.faces;
      ctx.session.lines++;
      return sides > 0 ? next() : undefined;
    })
    .handle((ctx, args) => ctx.reply(`${args.sides}`));
  new Composer<SessionFlavor<{ lines: number }>>().on("line", (ctx) => ctx.session.lines);
});

const ROOT = new URL("../../", import.meta.url);

Deno.test("Mounting a composer that needs ctx.session on a bot without session() names session() in the error", async () => {
  const dir = await Deno.makeTempDir({ dir: new URL("tests/", ROOT).pathname });
  try {
    const file = `${dir}/mount.ts`;
    await Deno.writeTextFile(
      file,
      `import { Bot, Composer, type SessionFlavor } from "../../bot/mod.ts";\n` +
        `const bot = new Bot({ username: "Other" });\n` +
        `bot.use(new Composer<SessionFlavor<{ n: number }>>());\n` +
        `new Composer().use(new Composer<SessionFlavor<{ n: number }>>());\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--config", new URL("deno.json", ROOT).pathname, file],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 1, text);
    const named = text.split("\n").filter((l) =>
      l.includes("is missing in type 'Composer<SessionFlavor<{ n: number; }>>'") &&
      l.includes("bot.use(session({ initial })) for ctx.session")
    );
    assertEquals(named.length, 2, text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno doc: parameters with defaults are optional, generic classes keep their type parameters", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", "mod.ts", "bot/mod.ts", "api/mod.ts", "testing/mod.ts"],
    cwd: ROOT.pathname,
    stdout: "piped",
    stderr: "null",
  }).output();
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  const required: string[] = [];
  const generic = new Map<string, string[]>();
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, where));
    if (node === null || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    if (o.kind === "assign") required.push(where);
    for (const value of Object.values(o)) walk(value, where);
  };
  for (const file of Object.values(doc.nodes) as { symbols: Record<string, unknown>[] }[]) {
    for (const symbol of file.symbols) {
      walk(symbol, String(symbol.name));
      for (const decl of symbol.declarations as Record<string, unknown>[]) {
        const def = decl.def as { typeParams?: { name: string }[] } | undefined;
        if (decl.kind === "class") {
          generic.set(String(symbol.name), (def?.typeParams ?? []).map((t) => t.name));
        }
      }
    }
  }
  assertEquals(
    [...new Set(required)],
    [],
    "parameters shown as required although they have defaults",
  );
  for (const name of ["Bot", "Composer", "CommandBuilder"]) {
    assert(generic.get(name)!.length > 0, name);
  }
  for (
    const name of [
      "MemorySessionStorage",
      "FileSessionStorage",
      "DenoKvSessionStorage",
      "RedisSessionStorage",
    ]
  ) {
    assertEquals(generic.get(name), ["S"], name);
  }
  assertStringIncludes(JSON.stringify(doc), "MissingContext");
});
