// Sessions on real databases: a Deno KV file and a real redis-server on a free
// loopback port, used by a bot against the local server, and by two processes
// updating one session at the same time (nothing lost). The FileSessionStorage
// lock keeps a second process off its file.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import {
  DenoKvSessionStorage,
  FileSessionStorage,
  RedisSessionStorage,
  session,
  type SessionStorage,
} from "../../bot/mod.ts";
import { makeBot, person, roomWith, seen, startServer, until } from "./_helpers.ts";
import { Redis } from "ioredis";
import { enter } from "../_support.ts";

const MOD = new URL("../../bot/mod.ts", import.meta.url).href;
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** A bot counting `/count` per person in `storage`, against the local server. */
async function countTwice(storage: SessionStorage<{ count: number }>): Promise<void> {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const bot = makeBot(server).use(session({ initial: () => ({ count: 0 }), storage }));
  bot.command("count").handle((ctx) => ctx.reply(`${ctx.user.name}: ${++ctx.session.count}`));
  try {
    await bot.start();
    await roomWith(bot, alice);
    await enter(alice, "/count");
    await until(() => seen(alice, bot) === "Alice: 1", "the first count");
    await enter(alice, "/count");
    await until(() => seen(alice, bot) === "Alice: 2", "the second count");
  } finally {
    await bot.stop();
  }
}

/** Runs `code` (which gets `storage()` and `N`) in `count` Deno processes at once. */
async function inProcesses(count: number, storageCode: string, code: string): Promise<string[]> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/worker.ts`;
    await Deno.writeTextFile(
      file,
      `import { DenoKvSessionStorage, RedisSessionStorage, session } from "${MOD}";\n` +
        `const storage = () => ${storageCode};\n${code}\n`,
    );
    const outputs = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", "--config", CONFIG, file, String(i)],
          env: { NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output()),
    );
    return outputs.map((o) => {
      const err = new TextDecoder().decode(o.stderr);
      assertEquals(o.code, 0, err);
      return new TextDecoder().decode(o.stdout).trim();
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Two processes, each 25 times `update()` of one person's session (a read-modify-write). */
const UPDATES = `
const store = storage();
const sessions = session({ initial: () => ({ visits: [] as string[] }), storage: store });
const me = Deno.args[0];
for (let i = 0; i < 25; i++) {
  await sessions.update("alice/town", async (s) => {
    const visits = s.visits;
    await new Promise((r) => setTimeout(r, Math.random() * 3)); // jitter: widen the race
    return { visits: [...visits, me + ":" + i] };
  });
}
await store.close();
`;

Deno.test("DenoKvSessionStorage keeps sessions for a bot, in a KV file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const storage = new DenoKvSessionStorage({ path: `${dir}/s.kv`, prefix: "quiz" });
    try {
      await countTwice(storage);
      assertEquals(await storage.read("alice/town"), { count: 2 });
    } finally {
      await storage.close();
    }
    const kv = await Deno.openKv(`${dir}/s.kv`);
    try {
      assertEquals((await kv.get(["quiz", "alice/town"])).value, { count: 2 });
      const other = new DenoKvSessionStorage({ kv, ttlMs: 60_000 });
      await other.write("k", { when: new Date(0) });
      assertEquals(await other.read("k"), { when: new Date(0) }, "structured clone");
      await other.delete("k");
      assertEquals(await other.read("k"), undefined);
      await other.close(); // a kv given is left open
      assertEquals((await kv.get(["quiz", "alice/town"])).value, { count: 2 });
    } finally {
      kv.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DenoKvSessionStorage: two processes updating one session lose nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/s.kv`;
    await inProcesses(2, `new DenoKvSessionStorage({ path: ${JSON.stringify(path)} })`, UPDATES);
    const storage = new DenoKvSessionStorage({ path });
    try {
      const value = await storage.read<{ visits: string[] }>("alice/town");
      assertEquals(value?.visits.length, 50, "every update kept");
      for (const p of ["0", "1"]) {
        const mine = value!.visits.filter((v) => v.startsWith(`${p}:`));
        assertEquals(mine, Array.from({ length: 25 }, (_, i) => `${p}:${i}`), "in order");
      }
    } finally {
      await storage.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DenoKvSessionStorage and RedisSessionStorage check their options", () => {
  assertThrows(
    // @ts-expect-error not both
    () => new DenoKvSessionStorage({ path: "a", kv: {} }),
    TypeError,
    "give path or kv, not both",
  );
  assertThrows(() => new DenoKvSessionStorage({ ttlMs: -1 }), RangeError, "ttlMs must be");
  assertThrows(() => new RedisSessionStorage({}), TypeError, "give url or client");
  assertThrows(
    () => new RedisSessionStorage({ url: "http://x" }),
    TypeError,
    'url must start with redis:// or rediss://, got "http://x"',
  );
});

/** Why the Redis tests cannot run here, or `undefined` when redis-server is installed. */
const NO_REDIS = (() => {
  try {
    new Deno.Command("redis-server", { args: ["--version"], stdout: "null" }).outputSync();
    return undefined;
  } catch (error) {
    const why = `redis-server cannot run here (${(error as Error).message})`;
    console.log(`Skipping the Redis session tests: ${why}; .ci/run installs it`);
    return why;
  }
})();

/** A real redis-server on a free loopback port, or `undefined` (with the reason printed). */
async function startRedis(): Promise<(AsyncDisposable & { url: string }) | undefined> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("redis-server", {
      args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (error) {
    console.log(`Skipped: cannot start redis-server (${(error as Error).message})`);
    return undefined;
  }
  const url = `redis://127.0.0.1:${port}`;
  await until(
    async () => {
      try {
        (await Deno.connect({ hostname: "127.0.0.1", port })).close();
        return true;
      } catch {
        return false;
      }
    },
    "redis-server listening",
    10_000,
  ).catch(async (error) => {
    child.kill();
    await child.status;
    throw error;
  });
  return {
    url,
    async [Symbol.asyncDispose]() {
      child.kill();
      await child.status;
    },
  };
}

Deno.test({
  name: "RedisSessionStorage keeps sessions for a bot, on a real redis-server",
  ignore: NO_REDIS !== undefined,
}, async () => {
  await using redis = await startRedis();
  if (!redis) return;
  const storage = new RedisSessionStorage({ url: redis.url, prefix: "quiz:", ttlMs: 60_000 });
  try {
    await countTwice(storage);
    assertEquals(await storage.read("alice/town"), { count: 2 });
  } finally {
    await storage.close();
  }
  const client = new Redis(redis.url);
  try {
    assertEquals(await client.get("quiz:alice/town"), '{"count":2}');
    const ttl = await client.pttl("quiz:alice/town");
    assert(ttl > 0 && ttl <= 60_000, `expiry set: ${ttl}`);
    const other = new RedisSessionStorage({ client });
    await other.write("k", { n: 1 });
    assertEquals(await other.update<{ n: number }>("k", (v) => ({ n: v!.n + 1 })), { n: 2 });
    await assertRejects(() => other.write("bad", 1n), TypeError, 'Cannot save session "bad"');
    await other.delete("k");
    assertEquals(await other.read("k"), undefined);
    await other.close(); // a client given is left open
    assertEquals(await client.get("quiz:alice/town"), '{"count":2}');
  } finally {
    await client.quit();
  }
});

Deno.test({
  name: "RedisSessionStorage: two processes updating one session lose nothing",
  ignore: NO_REDIS !== undefined,
}, async () => {
  await using redis = await startRedis();
  if (!redis) return;
  await inProcesses(
    2,
    `new RedisSessionStorage({ url: ${JSON.stringify(redis.url)} })`,
    UPDATES,
  );
  const storage = new RedisSessionStorage({ url: redis.url });
  try {
    const value = await storage.read<{ visits: string[] }>("alice/town");
    assertEquals(value?.visits.length, 50, "every update kept");
  } finally {
    await storage.close();
  }
});

Deno.test("FileSessionStorage refuses a file another live process uses, and takes over a dead one's", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sessions.json`;
    const holder = `${dir}/holder.ts`;
    await Deno.writeTextFile(
      holder,
      `import { FileSessionStorage } from "${MOD}";\n` +
        `await new FileSessionStorage(${JSON.stringify(path)}).write("a", 1);\n` +
        `console.log("ready");\n` +
        `for await (const _ of Deno.stdin.readable) {} // until stdin closes\n`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", CONFIG, holder],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    assertEquals((await reader.read()).value?.trim(), "ready");
    const mine = new FileSessionStorage(path);
    const error = await assertRejects(() => mine.write("b", 2), Error);
    assertEquals(
      error.message,
      `Cannot use session file "${path}": process ${child.pid} uses it (lock file "${path}.lock"). A session file belongs to one process; share sessions between processes with DenoKvSessionStorage or RedisSessionStorage, or delete the lock file if that process is gone`,
    );
    await assertRejects(() => mine.read("a"), Error, `process ${child.pid} uses it`);
    assertEquals(JSON.parse(await Deno.readTextFile(path)), { a: 1 }, "nothing written");
    child.kill("SIGKILL"); // dies without removing its lock
    await child.status;
    await reader.cancel();
    await child.stdin.close().catch(() => {});
    assert((await Deno.readTextFile(`${path}.lock`)).includes(String(child.pid)));
    await mine.write("b", 2); // the dead process's lock is taken over
    assertEquals(JSON.parse(await Deno.readTextFile(path)), { a: 1, b: 2 });
    await mine.close();
    assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "holder.ts",
      "sessions.json",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
