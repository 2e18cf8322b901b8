// run() turns a failed start into one line on stderr and exit code 1.
import { assert, assertEquals, assertMatch } from "@std/assert";
import { startServer } from "./_helpers.ts";

const MOD = new URL("../../bot/mod.ts", import.meta.url).href;

async function runBot(
  env: Record<string, string>,
  extra = "",
): Promise<{ code: number; err: string }> {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/bot.ts`;
    await Deno.writeTextFile(
      file,
      `import { Bot, MemoryTokenStore } from "${MOD.replace("bot/mod.ts", "mod.ts")}";\n` +
        `const bot = new Bot({ username: "Starter", tokenStore: new MemoryTokenStore(), ${extra} });\n` +
        `await bot.run();\n`,
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "-q",
        "--config",
        new URL("../../deno.json", import.meta.url).pathname,
        file,
      ],
      env: { ...env, NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    return { code: out.code, err: new TextDecoder().decode(out.stderr).trim() };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Bot.run() against a closed port prints one line and exits 1", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close(); // nothing listens there now
  const { code, err } = await runBot({ TALKOMATIC_URL: `http://127.0.0.1:${port}` });
  assertEquals(code, 1);
  assertEquals(
    err,
    `Cannot reach http://127.0.0.1:${port}: connection refused. Is the server running?`,
  );
});

Deno.test("Bot.run() with a server address without http:// prints one line and exits 1", async () => {
  const { code, err } = await runBot({ TALKOMATIC_URL: "127.0.0.1:3000" });
  assertEquals(code, 1);
  assertEquals(
    err,
    'Cannot use server URL "127.0.0.1:3000": it must start with http:// or https://',
  );
});

Deno.test("Bot.run() that cannot enter its room prints one line and exits 1", async () => {
  await using server = await startServer();
  const { code, err } = await runBot(
    { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.issueToken() },
    `room: { id: "123456" }, reconnect: false`,
  );
  assertEquals(code, 1);
  assertMatch(
    err,
    /^Cannot join room "123456": there is no room with that id$|^Cannot join room "123456": Room not found$/,
  );
  assert(!err.includes("\n"));
});
