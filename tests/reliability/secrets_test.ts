// Secrets (issue 7 §5): tokens never appear in logs or error messages, even
// with the debug logger on and through faults; the token file is 0600 in a
// 0700 directory; a file with wrong permissions or corrupt content is
// replaced with a warning instead of being used.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { FileTokenStore, TalkomaticApi } from "../../api/mod.ts";
import { aliceInRoom, makeBot, startServer } from "./_bots.ts";
import { summary } from "./_config.ts";

const mode = async (path: string): Promise<number> => (await Deno.stat(path)).mode! & 0o777;
const secretPart = (token: string): string => token.slice(3); // the 64 hex digits

/** Everything a user could see: log lines, error messages, stacks and causes, serialised. */
function visible(lines: string[], errors: unknown[]): string {
  const parts = [...lines];
  for (const e of errors) {
    let cur: unknown = e;
    for (let depth = 0; cur !== undefined && depth < 5; depth++) {
      parts.push(String(cur));
      if (cur instanceof Error) {
        parts.push(cur.stack ?? "", JSON.stringify({ ...cur }));
        cur = cur.cause;
      } else break;
    }
  }
  return parts.join("\n");
}

Deno.test("Tokens never appear in debug logs or error messages, through reconnects and faults", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using server = await startServer();
    const warnings: string[] = [];
    const store = new FileTokenStore({
      path: `${dir}/cache/tokens.json`,
      logger: { warn: (m) => void warnings.push(m) },
    });
    const bot = makeBot(server, { tokenStore: store, debug: true });
    const tokens = new Set<string>();
    try {
      const me = await bot.start();
      tokens.add((await store.get(server.url))!.token);
      await using alice = await aliceInRoom(server, "Secrets");
      const roomId = alice.roomId!;
      await bot.joinRoom(roomId);
      await bot.send("nothing to hide");
      // A revoked token is replaced on reconnect: both tokens pass through the bot.
      server.revokeToken([...tokens][0]);
      server.disconnectUser(me.id);
      await server.waitFor((s) => s.room(roomId)?.messages[bot.me?.id ?? ""] === "nothing to hide");
      tokens.add((await store.get(server.url))!.token);
      assertEquals(tokens.size, 2);
      // Debug output really is on: the handshake line was logged, with the token redacted.
      assert(bot.log.some((l) => l.startsWith("debug connecting to")), "debug lines were captured");
    } finally {
      await bot.stop();
    }
    // REST errors with a rejected token, and a bot whose fixed token is rejected at start.
    const revoked = [...tokens][0];
    // The rejected token cannot be replaced either: every token request fails.
    server.injectHttpFault({ kind: "500", pathPrefix: "/api/v1/bot-tokens", times: Infinity });
    const api = new TalkomaticApi({ baseUrl: server.url, token: revoked });
    const apiErrors: unknown[] = [];
    await api.rooms().catch((e) => apiErrors.push(e));
    const fixed = makeBot(server, { token: revoked, debug: true });
    await fixed.start().catch((e) => apiErrors.push(e));
    await fixed.stop();
    assertEquals(apiErrors.length, 2);
    const seen = visible([...bot.log, ...fixed.log, ...warnings], [
      ...bot.errors,
      ...fixed.errors,
      ...apiErrors,
    ]);
    assert(seen.length > 0);
    for (const token of tokens) {
      assert(!seen.includes(secretPart(token)), `token ${token.slice(0, 8)}… leaked`);
    }
    summary("secrets", {
      "log lines checked": bot.log.length + fixed.log.length,
      "errors checked": bot.errors.length + fixed.errors.length + apiErrors.length,
      leaks: 0,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Token file is created 0600 in a 0700 directory; bad files are replaced with a warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/talkomatic/tokens.json`;
    const token = "tk_" + "ab12".repeat(16);
    const warnings: string[] = [];
    const logger = { warn: (m: string) => void warnings.push(m) };
    await new FileTokenStore({ path, logger }).set("http://s", {
      token,
      expiresAt: Date.now() + 1e9,
    });
    assertEquals(await mode(path), 0o600);
    assertEquals(await mode(`${dir}/talkomatic`), 0o700);
    assertEquals((await new FileTokenStore({ path, logger }).get("http://s"))?.token, token);
    assertEquals(warnings, []);

    // Readable by others: not used, replaced.
    await Deno.chmod(path, 0o644);
    assertEquals(await new FileTokenStore({ path, logger }).get("http://s"), undefined);
    assertEquals(warnings.length, 1);
    assertStringIncludes(warnings[0], "permissions are 0644");
    assertEquals(await mode(path), 0o600);

    // Corrupt content (with a token-looking string in it): not used, replaced, no crash.
    for (
      const junk of [
        "{not json",
        `{"version":1,"tokens":{"http://s":{"token":5}}}`,
        "\u0000\u0001",
        `["${token}"]`,
      ]
    ) {
      await Deno.writeTextFile(path, junk);
      await Deno.chmod(path, 0o600);
      const before = warnings.length;
      assertEquals(await new FileTokenStore({ path, logger }).get("http://s"), undefined);
      assertEquals(warnings.length, before + 1, `warned about ${JSON.stringify(junk)}`);
      assertStringIncludes(warnings.at(-1)!, "not a token cache");
      assertEquals(await mode(path), 0o600);
    }
    for (const w of warnings) assert(!w.includes(secretPart(token)), "a warning leaked the token");
    // The replaced file works again.
    await new FileTokenStore({ path, logger }).set("http://s", {
      token,
      expiresAt: Date.now() + 1e9,
    });
    assertEquals((await new FileTokenStore({ path, logger }).get("http://s"))?.token, token);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Bot with a file token store keeps its token private across runs", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using server = await startServer();
    const path = `${dir}/nested/dir/tokens.json`;
    const first = makeBot(server, { tokenStore: new FileTokenStore({ path }) });
    await first.start();
    await first.stop();
    assertEquals(await mode(path), 0o600);
    assertEquals(await mode(`${dir}/nested/dir`), 0o700);
    const stored = JSON.parse(await Deno.readTextFile(path)).tokens[server.url].token as string;
    const second = makeBot(server, { tokenStore: new FileTokenStore({ path }) });
    await second.start();
    // The cached token was reused, not a new one requested.
    assertEquals(JSON.parse(await Deno.readTextFile(path)).tokens[server.url].token, stored);
    await second.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
