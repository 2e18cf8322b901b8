// What the bot says about itself, against the local server: waiting for a
// room is logged once, a refused given token that is replaced warns that a new
// token was spent, and Ctrl+C while the server does not answer exits at once.
import { assert, assertEquals } from "@std/assert";
import { makeBot, person, quietLogger, startServer, until } from "./_helpers.ts";

Deno.test('A bot waiting for a room logs "Waiting for a room named …" once, then joins it', async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  const logger = quietLogger();
  const bot = makeBot(server, { room: { name: "Quiz" }, logger });
  try {
    await bot.start();
    const other = await alice.createRoom({ name: "Other", type: "public" });
    await alice.joinRoom(other); // lobby updates: the bot looks again, and waits again
    await until(() => bot.rooms.some((r) => r.name === "Other"), "the lobby update");
    await alice.leaveRoom();
    await using bob = await person(server, "Bob");
    const quiz = await bob.createRoom({ name: "Quiz", type: "public" });
    await bob.joinRoom(quiz);
    await until(() => bot.room?.id === quiz, "the bot in Quiz");
    const waits = logger.lines.filter((l) => l.includes("Waiting"));
    assertEquals(waits, ['warn Waiting for a room named "Quiz" (create: false)']);
  } finally {
    await bot.stop();
  }
});

Deno.test('A bot with room: "first-public" and no room logs that it waits for one', async () => {
  await using server = await startServer();
  const logger = quietLogger();
  const bot = makeBot(server, { room: "first-public", logger });
  try {
    await bot.start();
    assertEquals(logger.lines.filter((l) => l.includes("Waiting")), [
      "warn Waiting for a public room with a free seat",
    ]);
  } finally {
    await bot.stop();
  }
});

Deno.test("A refused given token that is replaced is a warning that a new token was spent", async () => {
  await using server = await startServer();
  const logger = quietLogger();
  const bot = makeBot(server, { token: "tk_not_a_real_token", logger });
  try {
    const me = await bot.start();
    assert(me.id);
    assertEquals(logger.lines.filter((l) => l.includes("token")), [
      "warn The given bot token (token option or TALKOMATIC_TOKEN) was refused; a new token was requested, which spends one of the 3 tokens the server gives an IP",
    ]);
  } finally {
    await bot.stop();
  }
});

const MOD = new URL("../../mod.ts", import.meta.url).href;
/** The default timeout of one HTTP request of the bot (`HttpTransport`). */
const REST_TIMEOUT_MS = 10_000;

/** Starts a bot process against a server that accepts connections and never answers; Ctrl+C once it connected. */
async function interruptHangingStart(env: Record<string, string>): Promise<{
  code: number;
  err: string;
  ms: number;
}> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const conns: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) conns.push(conn); // read nothing, answer nothing
  })().catch(() => {});
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/bot.ts`;
    await Deno.writeTextFile(
      file,
      `import { Bot, MemoryTokenStore } from "${MOD}";\n` +
        // A connect timeout of 10 minutes: the exit below cannot come from it.
        `const bot = new Bot({ username: "Starter", tokenStore: new MemoryTokenStore(), actionTimeoutMs: 600000 });\n` +
        `await bot.run();\n`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../../deno.json", import.meta.url).pathname, file],
      env: { ...env, TALKOMATIC_URL: `http://127.0.0.1:${port}`, NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await until(() => conns.length > 0, "the bot's request", 30_000);
    const start = performance.now();
    child.kill("SIGINT");
    const out = await child.output();
    return {
      code: out.code,
      err: new TextDecoder().decode(out.stderr).trim(),
      ms: performance.now() - start,
    };
  } finally {
    listener.close();
    for (const conn of conns) conn.close();
    await accepting;
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Ctrl+C while the token request hangs stops the bot process without waiting out the timeout", async () => {
  const { code, err, ms } = await interruptHangingStart({});
  assertEquals(code, 0);
  assertEquals(err, "[talkomatic] SIGINT received, stopping");
  // Without the abort, the process waited for the request's own 10 s timeout. The bound is the
  // issue's requirement with a wide margin (measured: under 50 ms).
  assert(ms < REST_TIMEOUT_MS / 2, `exited ${Math.round(ms)} ms after SIGINT`);
});

Deno.test("Ctrl+C while the session request hangs (token given) stops the bot process", async () => {
  const { code, err, ms } = await interruptHangingStart({ TALKOMATIC_TOKEN: "tk_given" });
  assertEquals(code, 0);
  assertEquals(err, "[talkomatic] SIGINT received, stopping");
  // Without the abort, the process waited for the request's own 10 s timeout. The bound is the
  // issue's requirement with a wide margin (measured: under 50 ms).
  assert(ms < REST_TIMEOUT_MS / 2, `exited ${Math.round(ms)} ms after SIGINT`);
});

Deno.test("Ctrl+C while the socket handshake hangs stops the bot process", async () => {
  // A server that answers the session request and never the socket.io handshake.
  let handshakes = 0;
  const never = Promise.withResolvers<Response>();
  await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname.startsWith("/socket.io/")) {
      handshakes++;
      return never.promise;
    }
    return new Response("{}", {
      headers: { "content-type": "application/json", "set-cookie": "connect.sid=s%3Aa.b; Path=/" },
    });
  });
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/bot.ts`;
    await Deno.writeTextFile(
      file,
      `import { Bot, MemoryTokenStore } from "${MOD}";\n` +
        `const bot = new Bot({ username: "Starter", tokenStore: new MemoryTokenStore(), actionTimeoutMs: 600000 });\n` +
        `await bot.run();\n`,
    );
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("../../deno.json", import.meta.url).pathname, file],
      env: {
        TALKOMATIC_URL: `http://127.0.0.1:${server.addr.port}`,
        TALKOMATIC_TOKEN: "tk_given",
        NO_COLOR: "1",
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    await until(() => handshakes > 0, "the socket handshake", 30_000);
    const start = performance.now();
    child.kill("SIGINT");
    const out = await child.output();
    const ms = performance.now() - start;
    never.resolve(new Response(null, { status: 503 }));
    assertEquals(out.code, 0);
    assertEquals(
      new TextDecoder().decode(out.stderr).trim(),
      "[talkomatic] SIGINT received, stopping",
    );
    assert(ms < REST_TIMEOUT_MS / 2, `exited ${Math.round(ms)} ms after SIGINT`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
