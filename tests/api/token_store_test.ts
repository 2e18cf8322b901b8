import { assert, assertEquals, assertFalse, assertStringIncludes } from "@std/assert";
import { FileTokenStore, HttpTransport, MemoryTokenStore } from "../../api/mod.ts";
import { defaultTokenFilePath } from "../../api/token_store.ts";
import { redactTokens } from "../../schemas/errors.ts";
import { startServer } from "../_support.ts";
import { API_MOD, evalJson } from "./_transport.ts";

const SERVER = "http://127.0.0.1:3000";
const TOKEN = "tk_" + "0123456789abcdef".repeat(4);

function collector(): { warn(message: string): void; messages: string[] } {
  const messages: string[] = [];
  return { messages, warn: (message: string) => messages.push(message) };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const mode = async (path: string): Promise<number> => (await Deno.stat(path)).mode! & 0o777;

Deno.test("MemoryTokenStore keeps, returns and forgets tokens per server", async () => {
  const store = new MemoryTokenStore();
  assertEquals(await store.get(SERVER), undefined);
  await store.set(SERVER, { token: TOKEN, expiresAt: 42 });
  await store.set("https://classic.talkomatic.co", { token: "tk_other", expiresAt: 7 });
  assertEquals(await store.get(SERVER), { token: TOKEN, expiresAt: 42 });
  await store.delete(SERVER);
  assertEquals(await store.get(SERVER), undefined);
  assertEquals((await store.get("https://classic.talkomatic.co"))?.token, "tk_other");
});

Deno.test("FileTokenStore writes the file with mode 0600 in a new directory with mode 0700", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/talkomatic/tokens.json`;
    const store = new FileTokenStore({ path, logger: collector() });
    await store.set(SERVER, { token: TOKEN, expiresAt: 1234 });
    assertEquals(await mode(path), 0o600);
    assertEquals(await mode(`${dir}/talkomatic`), 0o700);
    const file = JSON.parse(await Deno.readTextFile(path));
    assertEquals(file, { version: 1, tokens: { [SERVER]: { token: TOKEN, expiresAt: 1234 } } });
    assertEquals([...Deno.readDirSync(`${dir}/talkomatic`)].map((entry) => entry.name), [
      "tokens.json",
    ]);
  });
});

Deno.test("FileTokenStore keeps tokens between instances and forgets deleted ones", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    await new FileTokenStore({ path }).set(SERVER, { token: TOKEN, expiresAt: 99 });
    await new FileTokenStore({ path }).set("http://other", { token: "tk_ab", expiresAt: 1 });
    const reader = new FileTokenStore({ path });
    assertEquals(await reader.get(SERVER), { token: TOKEN, expiresAt: 99 });
    await reader.delete(SERVER);
    const again = new FileTokenStore({ path });
    assertEquals(await again.get(SERVER), undefined);
    assertEquals((await again.get("http://other"))?.token, "tk_ab");
    assertEquals(await mode(path), 0o600);
  });
});

Deno.test("FileTokenStore keeps concurrent writes from the same store", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    const store = new FileTokenStore({ path });
    await Promise.all(
      Array.from(
        { length: 8 },
        (_, i) => store.set(`http://s${i}`, { token: `tk_${i}`, expiresAt: i }),
      ),
    );
    const file = JSON.parse(await Deno.readTextFile(path));
    assertEquals(Object.keys(file.tokens).length, 8);
  });
});

Deno.test("FileTokenStore replaces a file with loose permissions with a warning instead of using it", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    await Deno.writeTextFile(
      path,
      JSON.stringify({ version: 1, tokens: { [SERVER]: { token: TOKEN, expiresAt: 9e15 } } }),
    );
    await Deno.chmod(path, 0o644);
    const logger = collector();
    const store = new FileTokenStore({ path, logger });
    assertEquals(await store.get(SERVER), undefined);
    assertEquals(logger.messages.length, 1);
    assertStringIncludes(logger.messages[0], path);
    assertStringIncludes(logger.messages[0], "0644");
    assertEquals(await mode(path), 0o600);
    assertFalse((await Deno.readTextFile(path)).includes(TOKEN));
    await store.set(SERVER, { token: "tk_new", expiresAt: 5 });
    assertEquals((await new FileTokenStore({ path }).get(SERVER))?.token, "tk_new");
  });
});

Deno.test("FileTokenStore replaces a corrupt file with a warning instead of crashing", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/tokens.json`;
    for (const content of ["{not json", "[]", '{"version":1,"tokens":{"x":{"token":5}}}']) {
      await Deno.writeTextFile(path, content, { mode: 0o600 });
      await Deno.chmod(path, 0o600);
      const logger = collector();
      const store = new FileTokenStore({ path, logger });
      assertEquals(await store.get(SERVER), undefined);
      assertEquals(logger.messages.length, 1, content);
      assertStringIncludes(logger.messages[0], "not a token cache");
      assertEquals(JSON.parse(await Deno.readTextFile(path)), { version: 1, tokens: {} });
    }
  });
});

Deno.test("FileTokenStore falls back to memory with a warning when the file cannot be written", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/blocker`, "a file, not a directory");
    const logger = collector();
    const store = new FileTokenStore({ path: `${dir}/blocker/tokens.json`, logger });
    await store.set(SERVER, { token: TOKEN, expiresAt: 3 });
    assertEquals(await store.get(SERVER), { token: TOKEN, expiresAt: 3 });
    assertEquals(logger.messages.length, 1);
    assertStringIncludes(logger.messages[0], "in memory");
    assertFalse(logger.messages[0].includes(TOKEN));
  });
});

Deno.test("FileTokenStore never writes tokens into warnings", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/tk_${"f".repeat(64)}.json`;
    await Deno.writeTextFile(path, "garbage", { mode: 0o600 });
    await Deno.chmod(path, 0o600);
    const logger = collector();
    await new FileTokenStore({ path, logger }).get(SERVER);
    assertEquals(logger.messages.length, 1);
    assertFalse(logger.messages[0].includes("f".repeat(64)));
    assertStringIncludes(logger.messages[0], "tk_…");
  });
});

Deno.test("defaultTokenFilePath() uses the platform's cache directory", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(
    defaultTokenFilePath({ os: "linux", env: env({ HOME: "/home/ada" }) }),
    "/home/ada/.cache/talkomatic/tokens.json",
  );
  assertEquals(
    defaultTokenFilePath({ os: "linux", env: env({ HOME: "/home/ada", XDG_CACHE_HOME: "/xdg/" }) }),
    "/xdg/talkomatic/tokens.json",
  );
  assertEquals(
    defaultTokenFilePath({ os: "darwin", env: env({ HOME: "/Users/ada" }) }),
    "/Users/ada/Library/Caches/talkomatic/tokens.json",
  );
  assertEquals(
    defaultTokenFilePath({
      os: "windows",
      env: env({ LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local" }),
    }),
    "C:\\Users\\ada\\AppData\\Local\\talkomatic\\tokens.json",
  );
  assertEquals(defaultTokenFilePath({ os: "linux", env: env({}) }), undefined);
});

Deno.test("FileTokenStore without a path falls back to memory when no cache directory is known", async () => {
  const home = Deno.env.get("HOME") ?? "";
  const denoDir = Deno.env.get("DENO_DIR") ?? `${home}/.cache/deno`;
  const script = `
    import { FileTokenStore } from ${API_MOD};
    const warnings = [];
    const store = new FileTokenStore({ logger: { warn: (m) => warnings.push(m) } });
    await store.set("http://x", { token: "tk_1", expiresAt: 1 });
    console.log(JSON.stringify({ path: store.path ?? null, got: await store.get("http://x"), warnings }));
  `;
  const result = await evalJson(script, { DENO_DIR: denoDir, NO_COLOR: "1" }, {
    clearEnv: true,
  }) as { path: string | null; got: unknown; warnings: string[] };
  assertEquals(result.path, null);
  assertEquals(result.got, { token: "tk_1", expiresAt: 1 });
  assertEquals(result.warnings.length, 1);
  assertStringIncludes(result.warnings[0], "no cache directory");
});

Deno.test("HttpTransport persists a requested token in a FileTokenStore for the next run", async () => {
  await using server = await startServer();
  await withDir(async (dir) => {
    const path = `${dir}/cache/talkomatic/tokens.json`;
    const first = new HttpTransport({
      baseUrl: server.url,
      tokenStore: new FileTokenStore({ path }),
    });
    const token = await first.botToken();
    const second = new HttpTransport({
      baseUrl: server.url,
      tokenStore: new FileTokenStore({ path }),
    });
    // The same token: read from the file (a new request would have given another one).
    assertEquals(await second.botToken(), token);
    assertEquals(await mode(path), 0o600);
  });
});

Deno.test("redactTokens() hides every bot token", () => {
  const text = `Bearer ${TOKEN} and tk_ABC123 but not tk_`;
  const redacted = redactTokens(text);
  assertEquals(redacted, "Bearer tk_… and tk_… but not tk_");
  assert(!redacted.includes("0123456789abcdef"));
});
