// Secrets stay secret: the token and the session cookie never show in any
// printed form of the bot, its options, contexts or errors.
import { assert, assertEquals } from "@std/assert";
import { inspect } from "node:util";
import { HttpTransport, MemoryTokenStore, PayloadValidationError } from "../../api/mod.ts";
import { makeBot, person, roomWith, startServer, until } from "./_helpers.ts";

function printed(value: unknown): string[] {
  return [
    Deno.inspect(value, { depth: 8, showHidden: true, getters: true }),
    inspect(value, { depth: 8, showHidden: true, getters: true }),
    JSON.stringify(value, (_k, v) => typeof v === "function" ? String(v) : v) ?? "",
  ];
}

function assertNoSecret(value: unknown, token: string, what: string): void {
  for (const text of printed(value)) {
    assert(!text.includes(token), `${what} shows the token: ${text.slice(0, 300)}`);
    assert(
      !/connect\.sid|s%3A|s:[\w-]{20,}\./.test(text),
      `${what} shows the cookie: ${text.slice(0, 300)}`,
    );
  }
}

Deno.test("Bot, its options and every context never print the token or the cookie", async () => {
  await using server = await startServer();
  const token = server.issueToken();
  await using bot = makeBot(server, { token });
  const contexts: unknown[] = [];
  bot.on("ready", (ctx) => void contexts.push(ctx))
    .on("roomJoined", (ctx) => void contexts.push(ctx))
    .on("message", (ctx) => void contexts.push(ctx));
  bot.command("hi").handle((ctx) => void contexts.push(ctx));
  await bot.start();
  await using alice = await person(server, "Alice");
  await roomWith(bot, alice);
  await alice.type("/hi", { cps: Infinity });
  await alice.pressEnter();
  await until(() => contexts.length >= 4, "ready, roomJoined, message and command contexts");
  assertNoSecret(bot, token, "the bot");
  assertNoSecret(bot.options, token, "bot.options");
  for (const ctx of contexts) assertNoSecret(ctx, token, "a context");
  assertEquals(JSON.parse(JSON.stringify(bot)).username, "TestBot");
});

Deno.test("A token response that fails validation does not keep the token in the error", async () => {
  const token = "tk_" + "ab12".repeat(16);
  const transport = new HttpTransport({
    baseUrl: "http://127.0.0.1:9",
    tokenStore: new MemoryTokenStore(),
    fetch: () =>
      Promise.resolve(
        new Response(JSON.stringify({ token, expiresIn: "soon", expiresAt: 5 }), {
          status: 201,
          headers: { "content-type": "application/json" },
        }),
      ),
  });
  const error = await transport.botToken().then(() => undefined, (e) => e);
  assert(error instanceof PayloadValidationError, String(error));
  for (const text of printed(error)) assert(!text.includes(token), text.slice(0, 400));
  for (
    const text of printed({ payload: error.payload, issues: error.issues, message: error.message })
  ) {
    assert(!text.includes(token), text.slice(0, 400));
  }
});
