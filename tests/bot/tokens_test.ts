// Bot processes sharing one token cache ask the server for one token, not one each.
import { assert, assertEquals, assertMatch } from "@std/assert";
import { HttpTransport, MemoryTokenStore } from "../../api/mod.ts";
import { startServer, until } from "./_helpers.ts";

const ROOT = new URL("../../", import.meta.url);
const THREE_TOKENS = {
  rateLimits: {
    tokenRequests: { points: 3, windowMs: 3_600_000, blockMs: 3_600_000 },
    maxTokensPerIp: 3,
  },
};

/**
 * A bot process. With `gate`, it loads, writes `<gate>/<name>` and waits for its stdin to close
 * before it starts: a starting line for several processes, none of them still compiling.
 */
function botProcess(url: string, cache: string, name: string, gate?: string): Deno.ChildProcess {
  const wait = gate
    ? `await Deno.writeTextFile("${gate}/${name}", "");\nawait Deno.stdin.read(new Uint8Array(1));`
    : "";
  const code = `import { Bot, FileTokenStore } from "${new URL("mod.ts", ROOT).href}";
${wait}
const tokenStore = new FileTokenStore({ path: "${cache}/talkomatic/tokens.json" });
const bot = new Bot({ username: "${name}", server: "${url}", tokenStore, reconnect: false });
bot.on("ready", async ({ bot }) => { console.log("ready", bot.me.id); await bot.stop(); });
await bot.run();`;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "-q", "--config", new URL("deno.json", ROOT).pathname, code],
    env: { NO_COLOR: "1" },
    stdin: gate ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function finish(
  child: Deno.ChildProcess,
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await child.output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b).trim();
  return { code, out: text(stdout), err: text(stderr) };
}

Deno.test("Five bot processes with one empty token cache get in with a single token", async () => {
  await using server = await startServer(THREE_TOKENS);
  const cache = await Deno.makeTempDir();
  try {
    const gate = `${cache}/gate`;
    await Deno.mkdir(gate);
    const names = [1, 2, 3, 4, 5].map((i) => `Proc${i}`);
    const children = names.map((name) => botProcess(server.url, cache, name, gate));
    await until(
      async () => (await Array.fromAsync(Deno.readDir(gate))).length === names.length,
      "every process at the starting line",
      60_000,
    );
    // All at once: each process starts when its stdin closes.
    await Promise.all(children.map((child) => child.stdin.close()));
    const results = await Promise.all(children.map(finish));
    for (const r of results) assertEquals([r.code, r.err], [0, ""], r.out);
    assertEquals(results.filter((r) => r.out.startsWith("ready")).length, 5);
    const health = await fetch(`${server.url}/api/v1/health`, {
      headers: { Authorization: `Bearer ${server.issueToken()}` },
    }).then((r) => r.json());
    assertEquals(health.botTokens.active, 2, "one token for the five bots, one for this check");
    const file = JSON.parse(await Deno.readTextFile(`${cache}/talkomatic/tokens.json`));
    assertEquals(Object.keys(file.tokens), [server.url]);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("A bot that can get no token says why and what to do, in one line", async () => {
  await using server = await startServer(THREE_TOKENS);
  for (let i = 0; i < 3; i++) {
    await new HttpTransport({ baseUrl: server.url, tokenStore: new MemoryTokenStore() }).botToken();
  }
  const cache = await Deno.makeTempDir();
  try {
    const { code, err } = await finish(botProcess(server.url, cache, "Late"));
    assertEquals(code, 1);
    assert(!err.includes("\n"), err);
    assertMatch(err, /^Cannot get a bot token from http:\/\/127\.0\.0\.1:\d+: this IP /);
    assertMatch(err, /Set TALKOMATIC_TOKEN to a token you already have, or wait/);
  } finally {
    await Deno.remove(cache, { recursive: true });
  }
});
