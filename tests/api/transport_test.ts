import * as v from "valibot";
import {
  assert,
  assertEquals,
  assertFalse,
  assertMatch,
  assertNotEquals,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { ApiError, HttpTransport, MemoryTokenStore, TransportError } from "../../api/mod.ts";
import { DEFAULT_API_KEY, type OperationSpec, resolveBaseUrl } from "../../api/transport.ts";
import {
  answer,
  API_MOD,
  browserScore,
  emojiSpec,
  errorB,
  evalJson,
  healthSpec,
  recordingTransport,
  refusedUrl,
  roomsSpec,
  withServer,
} from "./_transport.ts";
import { until } from "../_support.ts";

Deno.test("HttpTransport.call() returns the validated body and sends no auth for auth none", async () => {
  await withServer(async (server, make) => {
    const transport = make();
    const emojis = await transport.call(emojiSpec);
    assert(Object.keys(emojis).length > 0, "the emoji list");
    const [seen] = server.requests("/js/emojiList.json");
    assertEquals(seen.headers.get("authorization"), null);
    assertEquals(seen.headers.get("x-api-key"), null);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 0);
  });
});

Deno.test("HttpTransport.call() sends Bearer for token and adds x-api-key for token+key", async () => {
  await withServer(async (server, make) => {
    const transport = make({ apiKey: DEFAULT_API_KEY });
    await transport.call(healthSpec);
    await transport.call(roomsSpec);
    const [health] = server.requests("/api/v1/health");
    const [rooms] = server.requests("/api/v1/rooms");
    assertMatch(health.headers.get("authorization") ?? "", /^Bearer tk_[0-9a-f]{64}$/);
    assertEquals(health.headers.get("x-api-key"), null);
    assertEquals(rooms.headers.get("authorization"), health.headers.get("authorization"));
    assertEquals(rooms.headers.get("x-api-key"), DEFAULT_API_KEY);
  });
});

Deno.test("HttpTransport.call() sends the configured apiKey and surfaces the key layer's 403", async () => {
  await withServer(async (_server, make) => {
    const error = await assertRejects(
      () => make({ apiKey: "wrong" }).call(roomsSpec),
      ApiError,
    );
    assertEquals(error.status, 403);
    assertEquals(error.code, "UNAUTHORIZED");
    assertEquals(error.message, "Forbidden: invalid or missing x-api-key.");
    assertEquals(error.variant, "detailed");
    assertEquals(error.replaceDefaultText, false);
  });
});

Deno.test("HttpTransport.call() sends headers that do not look like a browser", async () => {
  await withServer(async (server, make) => {
    await make().call(healthSpec);
    for (const seen of server.requests()) {
      assert(browserScore(seen.headers) < 3, `browser score ${browserScore(seen.headers)}`);
      assertEquals(seen.headers.get("origin"), null);
      assertFalse(
        /Mozilla|Chrome|Safari|Firefox|Edge|Opera/i.test(seen.headers.get("user-agent") ?? ""),
      );
      assertFalse((seen.headers.get("accept") ?? "").includes("text/html"));
    }
  });
});

Deno.test("HttpTransport.call() requests one token for many calls", async () => {
  await withServer(async (server, make) => {
    const transport = make();
    await Promise.all(Array.from({ length: 6 }, () => transport.call(healthSpec)));
    await transport.call(healthSpec);
    await transport.call(roomsSpec);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
    const tokens = new Set(server.requests().map((seen) => seen.headers.get("authorization")));
    tokens.delete(null);
    assertEquals(tokens.size, 1);
  });
});

Deno.test("HttpTransport.call() caches the requested token in the store keyed by server URL", async () => {
  await withServer(async (server, make) => {
    const store = new MemoryTokenStore();
    const before = Date.now();
    await make({ tokenStore: store, baseUrl: server.url + "/" }).call(healthSpec);
    const stored = await store.get(server.url);
    assert(stored !== undefined);
    const thirtyDays = 2592000000;
    assert(Math.abs(stored.expiresAt - (before + thirtyDays)) < 5_000);
    // A second transport sharing the store needs no new token.
    await make({ tokenStore: store }).call(healthSpec);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
    assert(server.revokeToken(stored.token), "the stored token is one the server issued");
  });
});

Deno.test("HttpTransport.call() replaces a stored token that is about to expire", async () => {
  await withServer(async (server, make) => {
    const store = new MemoryTokenStore();
    const old = server.issueToken();
    await store.set(server.url, { token: old, expiresAt: Date.now() + 1_000 });
    await make({ tokenStore: store }).call(healthSpec);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
    assertNotEquals((await store.get(server.url))?.token, old);
  });
});

Deno.test("HttpTransport.call() retries once with a new token when the server rejects it", async () => {
  await withServer(async (server, make) => {
    const store = new MemoryTokenStore();
    const transport = make({ tokenStore: store });
    await transport.call(healthSpec);
    const first = (await store.get(server.url))?.token;
    await server.restart(); // tokens die with the server process
    const health = await transport.call(healthSpec);
    assertEquals(health.status, "ok");
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 2);
    assertEquals(server.requests("/api/v1/health").length, 3);
    const second = (await store.get(server.url))?.token;
    assert(second !== undefined && second !== first);
  });
});

Deno.test("HttpTransport.call() gives up after one retry when the new token is rejected too", async () => {
  await withServer(async (server, make) => {
    await answer(server, errorB(401, "INVALID_BOT_TOKEN", "Invalid or expired bot token"), {
      pathPrefix: "/api/v1/health",
      times: Infinity,
    });
    const error = await assertRejects(() => make().call(healthSpec), ApiError);
    assertEquals(error.status, 401);
    assertEquals(error.code, "INVALID_BOT_TOKEN");
    assertEquals(error.variant, "simple");
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 2);
    assertEquals(server.requests("/api/v1/health").length, 2);
  });
});

Deno.test("HttpTransport.call() replaces a rejected explicit token once, then keeps the new one", async () => {
  await withServer(async (server, make) => {
    const transport = make({ token: "tk_" + "ab".repeat(32) });
    await transport.call(healthSpec);
    await transport.call(healthSpec);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
    assertEquals(server.requests("/api/v1/health").length, 3);
    assertFalse(transport.tokens.fixed);
  });
});

Deno.test("HttpTransport.call() uses an explicit token without requesting one", async () => {
  await withServer(async (server, make) => {
    const token = server.issueToken();
    await make({ token }).call(roomsSpec);
    assertEquals(
      server.requests("/api/v1/rooms")[0].headers.get("authorization"),
      `Bearer ${token}`,
    );
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 0);
  });
});

Deno.test("HttpTransport.call() drops the token on INVALID_TOKEN from a bearer-only endpoint without retrying", async () => {
  await withServer(async (server, make) => {
    const store = new MemoryTokenStore();
    const transport = make({ tokenStore: store });
    await transport.call(healthSpec);
    await server.restart();
    const infoSpec: OperationSpec<unknown> = {
      id: "getBotTokenInfo",
      method: "GET",
      path: "/api/v1/bot-tokens/info",
      auth: "bearer",
      success: { 200: v.unknown() },
    };
    const error = await assertRejects(() => transport.call(infoSpec), ApiError);
    assertEquals(error.code, "INVALID_TOKEN");
    assertEquals(server.requests("/api/v1/bot-tokens/info").length, 1);
    assertEquals(await store.get(server.url), undefined);
    await transport.call(infoSpec);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 2);
  });
});

Deno.test("HttpTransport.call() surfaces a refused token request as an ApiError", async () => {
  await withServer(async (server, make) => {
    await answer(server, errorB(429, "TOKEN_LIMIT_EXCEEDED", "Max 3 tokens per IP"), {
      pathPrefix: "/api/v1/bot-tokens/request",
    });
    const error = await assertRejects(() => make().call(healthSpec), ApiError);
    assertEquals(error.status, 429);
    assertEquals(error.code, "TOKEN_LIMIT_EXCEEDED");
    assertEquals(error.operation, "requestBotToken");
    assertEquals(server.requests("/api/v1/health").length, 0);
  });
});

Deno.test("HttpTransport.call() fails with a timeout TransportError naming the URL", async () => {
  await withServer(async (server, make) => {
    await answer(server, new Response("{}"), { delayMs: 5_000 }); // a server slower than 100 ms
    const error = await assertRejects(
      () => make({ timeoutMs: 100 }).call(emojiSpec),
      TransportError,
    );
    assertEquals(error.kind, "timeout");
    assertEquals(error.timeoutMs, 100);
    assertStringIncludes(error.message, `${server.url}/js/emojiList.json`);
  });
});

Deno.test("HttpTransport.call() lets a per-call timeout override the default", async () => {
  await withServer(async (server, make) => {
    await answer(server, new Response("{}"), { delayMs: 300 });
    const transport = make({ timeoutMs: 60 });
    const error = await assertRejects(() => transport.call(emojiSpec), TransportError);
    assertEquals(error.kind, "timeout");
    await answer(server, new Response(JSON.stringify({ a: "b" })), { delayMs: 150 });
    assertEquals(await transport.call(emojiSpec, { timeoutMs: 5_000 }), { a: "b" });
  });
});

Deno.test("HttpTransport.call() fails with an aborted TransportError when the signal aborts", async () => {
  await withServer(async (server, make) => {
    await answer(server, new Response("{}"), { delayMs: 5_000 });
    const controller = new AbortController();
    const call = make().call(emojiSpec, { signal: controller.signal });
    // Aborted while the server holds the request.
    await until(() => server.requests("/js/emojiList.json").length === 1, "the request");
    controller.abort();
    const error = await assertRejects(() => call, TransportError);
    assertEquals(error.kind, "aborted");
    assertStringIncludes(error.message, "aborted");
  });
});

Deno.test("HttpTransport.call() sends nothing when the signal is already aborted", async () => {
  await withServer(async (server, make) => {
    const error = await assertRejects(
      () => make().call(healthSpec, { signal: AbortSignal.abort() }),
      TransportError,
    );
    assertEquals(error.kind, "aborted");
    assertEquals(server.requests().length, 0);
  });
});

Deno.test("HttpTransport.call() fails with a network TransportError when the connection is refused", async () => {
  const baseUrl = refusedUrl();
  const transport = new HttpTransport({ baseUrl, tokenStore: new MemoryTokenStore() });
  const error = await assertRejects(() => transport.call(emojiSpec), TransportError);
  assertEquals(error.kind, "network");
  assertStringIncludes(error.message, `${baseUrl}/js/emojiList.json`);
  assert(error.cause !== undefined);
});

Deno.test("new HttpTransport() rejects a non-positive default timeout", () => {
  assertThrows(
    () => new HttpTransport({ baseUrl: "http://127.0.0.1:1", timeoutMs: 0 }),
    RangeError,
  );
});

Deno.test("HttpTransport.call() rejects a non-positive timeout before sending anything", async () => {
  const { transport, urls } = recordingTransport("{}");
  for (const timeout of [0, -1, NaN]) {
    for (const spec of [emojiSpec, healthSpec]) {
      const error = await assertRejects(
        () => transport.call(spec, { timeoutMs: timeout }),
        RangeError,
      );
      assertStringIncludes(error.message, `timeoutMs "${timeout}"`);
    }
  }
  assertEquals(urls, []); // not even a token request
});

Deno.test("HttpTransport.call() keeps the session cookie and sends it back", async () => {
  await withServer(async (server, make) => {
    const transport = make();
    assertEquals(transport.sessionCookie, undefined);
    await transport.call(emojiSpec);
    const cookie = transport.sessionCookie;
    assertMatch(cookie ?? "", /^connect\.sid=s%3A[^.;]+\.[^;]+$/);
    await transport.call(healthSpec);
    for (const seen of server.requests().slice(1)) assertEquals(seen.headers.get("cookie"), cookie);
    assertEquals(server.requests()[0].headers.get("cookie"), null);
    assertEquals(transport.sessionCookie, cookie, "one session: the server set no other cookie");
  });
});

Deno.test("HttpTransport.call() starts from a given session cookie", async () => {
  await withServer(async (server, make) => {
    const transport = make({ sessionCookie: "connect.sid=s%3Aabc.def" });
    assertEquals(transport.sessionCookie, "connect.sid=s%3Aabc.def");
    await transport.call(emojiSpec);
    assertEquals(server.requests()[0].headers.get("cookie"), "connect.sid=s%3Aabc.def");
  });
});

Deno.test("HttpTransport.ensureSessionCookie() fetches the emoji list once and only when no cookie is held", async () => {
  await withServer(async (server, make) => {
    const transport = make();
    const [a, b] = await Promise.all([
      transport.ensureSessionCookie(),
      transport.ensureSessionCookie(),
    ]);
    assertStrictEquals(a, b);
    assertEquals(await transport.ensureSessionCookie(), a);
    assertEquals(server.requests().map((seen) => seen.path), ["/js/emojiList.json"]);
    assertEquals(server.requests()[0].headers.get("authorization"), null);
  });
});

Deno.test("HttpTransport.ensureSessionCookie(): a caller that gives up does not fail the others waiting with it", async () => {
  await withServer(async (server, make) => {
    const transport = make();
    const controller = new AbortController();
    const first = transport.ensureSessionCookie({ signal: controller.signal });
    const second = transport.ensureSessionCookie();
    controller.abort(new Error("Ctrl+C"));
    const error = await assertRejects(() => first, TransportError);
    assertEquals(error.kind, "aborted");
    assertStringIncludes(await second, "connect.sid=");
    assertEquals(server.requests().length, 1, "one request, shared");
  });
});

Deno.test("HttpTransport.ensureSessionCookie() fails when the server sets no cookie", async () => {
  await withServer(async (server, make) => {
    await answer(server, new Response("{}", { headers: { "set-cookie": "other=1; Path=/" } }));
    const error = await assertRejects(() => make().ensureSessionCookie(), ApiError);
    assertEquals(error.code, "SESSION_COOKIE_MISSING");
  });
});

Deno.test("HttpTransport.call() sends query parameters and a JSON body", async () => {
  await withServer(async (server, make) => {
    await answer(server, new Response("{}"), { pathPrefix: "/probe/" });
    await make().call({
      id: "probe",
      method: "POST",
      path: "/probe/a%20b",
      query: { q: "x y", n: 3, flag: true, skip: undefined },
      body: { accessCode: "123456" },
      auth: "none",
      success: { 200: v.object({}) },
    });
    const [seen] = server.requests();
    assertEquals(seen.method, "POST");
    assertEquals(seen.path, "/probe/a%20b");
    assertEquals(seen.query, "?q=x+y&n=3&flag=true");
    assertEquals(seen.headers.get("content-type"), "application/json");
    assertEquals(JSON.parse(seen.body), { accessCode: "123456" });
  });
});

Deno.test("HttpTransport.call() uses an injected fetch", async () => {
  const { transport, urls } = recordingTransport(JSON.stringify({ wave: "/w.png" }));
  assertEquals(await transport.call(emojiSpec), { wave: "/w.png" });
  assertEquals(urls, ["http://talkomatic.invalid/js/emojiList.json"]);
});

Deno.test("HttpTransport.botToken() returns the cached token without another request", async () => {
  await withServer(async (server, make) => {
    const transport = make();
    const token = await transport.botToken();
    assertMatch(token, /^tk_[0-9a-f]{64}$/);
    assertEquals(await transport.botToken(), token);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
  });
});

Deno.test("resolveBaseUrl() rejects URLs that are not absolute http(s)", () => {
  assertEquals(resolveBaseUrl("https://classic.talkomatic.co/"), "https://classic.talkomatic.co");
  assertEquals(resolveBaseUrl("http://host:8080/prefix//"), "http://host:8080/prefix");
  const relative = assertThrows(() => resolveBaseUrl("classic.talkomatic.co"), TypeError);
  assertStringIncludes(relative.message, '"classic.talkomatic.co"');
  assertThrows(() => resolveBaseUrl("ftp://example.com"), TypeError);
});

Deno.test("HttpTransport honours TALKOMATIC_URL and TALKOMATIC_TOKEN", async () => {
  await withServer(async (server) => {
    const token = server.issueToken();
    const script = `
      import { HttpTransport, MemoryTokenStore } from ${API_MOD};
      import * as v from "valibot";
      const t = new HttpTransport({ tokenStore: new MemoryTokenStore() });
      const body = await t.call({ id: "getHealth", method: "GET", path: "/api/v1/health",
        auth: "token", success: { 200: v.object({ status: v.string() }) } });
      console.log(JSON.stringify({ baseUrl: t.baseUrl, status: body.status }));
    `;
    const result = await evalJson(script, { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: token });
    assertEquals(result, { baseUrl: server.url, status: "ok" });
    assertEquals(
      server.requests("/api/v1/health")[0].headers.get("authorization"),
      `Bearer ${token}`,
    );
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 0);
  });
});
