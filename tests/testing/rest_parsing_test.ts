// The HTTP-side divergences of issue 12, asserted against PROTOCOL.md §11: exact
// Authorization parsing, strict JSON bodies before the limiters, content types, repeated
// query parameters, x-api-key exactness, and REST join with a code the session holds.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { request } from "node:http";
import type { TestServer } from "../../testing/mod.ts";
import { startServer, test } from "./_helpers.ts";

interface Reply {
  status: number;
  type: string;
  body: unknown;
  headers: Headers;
}

/** One request with exactly these headers (plus a pseudo IP); JSON bodies are parsed. */
async function http(
  server: TestServer,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  const res = await fetch(server.url + path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { "X-Forwarded-For": "10.8.0.1", ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  const type = res.headers.get("content-type") ?? "";
  return {
    status: res.status,
    type,
    body: type.startsWith("application/json") ? JSON.parse(text) : text,
    headers: res.headers,
  };
}

const INVALID_BOT_TOKEN = {
  error: { code: "INVALID_BOT_TOKEN", message: "Invalid or expired bot token" },
};

test("TestServer REST takes the token from the whole Authorization header minus its first 'Bearer ' and never falls back to ?token= otherwise", async () => {
  await using server = await startServer();
  const token = server.issueToken();
  const health = (authorization: string | undefined, query = `?token=${token}`) =>
    http(server, `/api/v1/health${query}`, {
      headers: authorization === undefined ? {} : { Authorization: authorization },
    });
  for (
    const header of [
      `Token ${token}`,
      `bearer ${token}`,
      "Bearer", // what arrives for "Bearer ": HTTP parsers trim the trailing space
      `Bearer  ${token}`,
      `Bearer Bearer ${token}`,
      `Token Bearer ${token}`,
      `${token} Bearer `,
    ]
  ) {
    const res = await health(header);
    assertEquals([res.status, res.body], [401, INVALID_BOT_TOKEN], header);
  }
  assertEquals((await health(`Bearer ${token}`, "")).status, 200);
  // the first "Bearer " is removed wherever it stands
  assertEquals((await health(`${token.slice(0, 9)}Bearer ${token.slice(9)}`, "")).status, 200);
  assertEquals((await health(undefined)).status, 200); // no header: ?token= counts
  assertEquals((await health("")).status, 200); // an empty header leaves no token: ?token= counts
  // repeated query parameters collapse to the last value (§11)
  assertEquals((await health(undefined, `?token=tk_bad&token=${token}`)).status, 200);
  assertEquals((await health(undefined, `?token=${token}&token=tk_bad`)).status, 401);
  assertEquals((await health(undefined, "?token=")).body, {
    error: { code: "BOT_TOKEN_REQUIRED", message: "Bot token required for automated access." },
  });
  // a browser sending a bare "Bearer" sends a token
  const browser = await http(server, "/api/v1/health", {
    headers: {
      Authorization: "Bearer",
      "User-Agent": "Mozilla/5.0",
      "Accept-Language": "en",
      "Accept": "text/html",
    },
  });
  assertEquals([browser.status, browser.body], [403, {
    error: {
      code: "TOKEN_NOT_ALLOWED_IN_BROWSER",
      message: "Bot tokens cannot be used in web browsers.",
    },
  }]);
  // none of the refused calls was a use of the token
  const info = await http(server, "/api/v1/bot-tokens/info", {
    headers: { Authorization: `Bearer ${token}` },
  });
  assertEquals((info.body as { uses: number }).uses, 5);
});

test("TestServer parses the token of /api/v1/bot-tokens/info the same way", async () => {
  await using server = await startServer();
  const token = server.issueToken();
  const info = (headers: Record<string, string>, query = "") =>
    http(server, `/api/v1/bot-tokens/info${query}`, { headers });
  const invalid = {
    error: { code: "INVALID_TOKEN", message: "Invalid or expired bot token" },
  };
  assertEquals((await info({ Authorization: `bearer ${token}` }, `?token=${token}`)).body, invalid);
  assertEquals((await info({ Authorization: "Bearer" }, `?token=${token}`)).body, invalid);
  assertEquals((await info({}, `?token=${token}`)).status, 200);
  assertEquals((await info({ Authorization: `Bearer ${token}` })).status, 200);
  const missing = await info({});
  assertEquals([missing.status, missing.body], [400, {
    error: { code: "TOKEN_REQUIRED", message: "Bot token required" },
  }]);
});

test("TestServer answers a JSON body that is not an object or array with a 400 HTML page counted by neither the rate limiter nor the token", async () => {
  await using server = await startServer({
    rateLimits: { httpGlobal: { points: 3, windowMs: 60_000, blockMs: 0 } },
  });
  const token = server.issueToken();
  const headers = {
    Authorization: `Bearer ${token}`,
    "x-api-key": server.apiKey,
    "Content-Type": "application/json",
  };
  for (const body of ['"x"', "null", "1", "true", "  ", "{", '{"name": }']) {
    const res = await http(server, "/api/v1/rooms", { headers, body });
    assertEquals([res.status, res.type], [400, "text/html; charset=utf-8"], body);
    assertStringIncludes(String(res.body), "SyntaxError");
    assertEquals(res.headers.get("set-cookie"), null); // answered before the session layer
    assertEquals(res.headers.get("ratelimit-remaining"), null); // and before the limiter
  }
  // an array passes the parser (and fails validation); an empty body is {}
  const array = await http(server, "/api/v1/rooms", { headers, body: "[]" });
  assertEquals([array.status, (array.body as { error: { code: string } }).error.code], [
    400,
    "VALIDATION_ERROR",
  ]);
  assertEquals(array.headers.get("ratelimit-remaining"), "2");
  const info = await http(server, "/api/v1/bot-tokens/info", {
    headers: { Authorization: `Bearer ${token}` },
  });
  assertEquals((info.body as { uses: number }).uses, 1);
});

test("TestServer parses only application/json bodies in a UTF charset, up to 100 kB, on any method", async () => {
  await using server = await startServer();
  const token = server.issueToken();
  const auth = { Authorization: `Bearer ${token}`, "x-api-key": server.apiKey };
  const room = JSON.stringify({ name: "Typed", type: "public", layout: "vertical" });
  const post = (type: string, body: string) =>
    http(server, "/api/v1/rooms", { headers: { ...auth, "Content-Type": type }, body });
  // not JSON by media type: the body is not read, the route sees {}
  for (
    const type of ["text/plain", "application/json-patch+json", "text/plain; a=application/json"]
  ) {
    const res = await post(type, room);
    assertEquals((res.body as { error: { message: string } }).error.message, "Validation failed");
  }
  const big = await post("text/plain", "x".repeat(150_000));
  assertEquals(big.status, 400); // not read, so not too large
  const tooLarge = await post("application/json", JSON.stringify({ name: "x".repeat(102_400) }));
  assertEquals([tooLarge.status, tooLarge.type], [413, "text/html; charset=utf-8"]);
  assertStringIncludes(String(tooLarge.body), "PayloadTooLargeError");
  const latin = await post("application/json; charset=latin1", room);
  assertEquals([latin.status, latin.type], [415, "text/html; charset=utf-8"]);
  // quotes escaped as the real server's error pages do (issue 22)
  assertStringIncludes(String(latin.body), "unsupported charset &quot;LATIN1&quot;");
  const created = await post("Application/JSON; charset=utf-8", room);
  assertEquals(created.status, 201);
  // a GET with a malformed JSON body fails in the parser too
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${server.url}/api/v1/health`, {
      method: "GET",
      headers: { ...auth, "Content-Type": "application/json", "Content-Length": "1" },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end("{");
  });
  assertEquals(status, 400);
});

test("TestServer requires x-api-key to equal the key exactly", async () => {
  await using server = await startServer({ apiKey: "tK_exact" });
  const token = server.issueToken();
  const rooms = (headers: Record<string, string>, query = "") =>
    http(server, `/api/v1/rooms${query}`, {
      headers: { Authorization: `Bearer ${token}`, ...headers },
    });
  const denied = {
    error: {
      code: "UNAUTHORIZED",
      message: "Forbidden: invalid or missing x-api-key.",
      replaceDefaultText: false,
    },
  };
  for (
    const headers of [
      {} as Record<string, string>,
      { "x-api-key": "tk_exact" },
      { "x-api-key": "tK_exact2" },
      { "x-api-key": "Bearer tK_exact" },
    ]
  ) {
    assertEquals((await rooms(headers)).body, denied, JSON.stringify(headers));
  }
  assertEquals((await rooms({}, "?x-api-key=tK_exact")).body, denied);
  // a repeated header arrives joined ("k, k")
  const twice = new Headers({ Authorization: `Bearer ${token}`, "X-Forwarded-For": "10.8.0.1" });
  twice.append("x-api-key", "tK_exact");
  twice.append("x-api-key", "tK_exact");
  const res = await fetch(`${server.url}/api/v1/rooms`, { headers: twice });
  assertEquals([res.status, await res.json()], [403, denied]);
  assertEquals((await rooms({ "X-API-KEY": "tK_exact" })).status, 200);
});

test("TestServer REST join accepts without a code a semi-private room whose code the session stored by its own REST create", async () => {
  await using server = await startServer();
  const token = server.issueToken();
  const auth = {
    Authorization: `Bearer ${token}`,
    "x-api-key": server.apiKey,
    "Content-Type": "application/json",
  };
  const created = await http(server, "/api/v1/rooms", {
    headers: auth,
    body: JSON.stringify({
      name: "Held",
      type: "semi-private",
      layout: "vertical",
      accessCode: "424242",
    }),
  });
  assertEquals(created.status, 201);
  const cookie = created.headers.get("set-cookie")!.split(";")[0];
  const id = (created.body as { roomId: string }).roomId;
  const joinCheck = (headers: Record<string, string>, body = "") =>
    http(server, `/api/v1/rooms/${id}/join`, { headers: { ...auth, ...headers }, body });
  const held = await joinCheck({ Cookie: cookie });
  assertEquals([held.status, held.body], [200, {
    success: true,
    message: "Access granted. Connect via Socket.IO.",
  }]);
  assertEquals(held.headers.get("set-cookie"), null); // the session did not change
  const other = await joinCheck({});
  assertEquals([other.status, other.body], [403, {
    error: { code: "FORBIDDEN", message: "Access code required", replaceDefaultText: false },
  }]);
  const wrong = await joinCheck({}, JSON.stringify({ accessCode: "000000" }));
  assertEquals((wrong.body as { error: { message: string } }).error.message, "Wrong code");
  // a code in the body is checked even when the session holds the right one
  const heldWrong = await joinCheck({ Cookie: cookie }, JSON.stringify({ accessCode: "000000" }));
  assertEquals((heldWrong.body as { error: { message: string } }).error.message, "Wrong code");
  const right = await joinCheck({}, JSON.stringify({ accessCode: "424242" }));
  assertEquals(right.status, 200);
  assert(right.headers.get("set-cookie")?.startsWith("connect.sid="));
});

test("TestServer's HTML error pages escape quotes and apostrophes as the real server does", async () => {
  await using server = await startServer();
  const res = await http(server, "/it's/<b>&");
  assertEquals([res.status, res.type], [404, "text/html; charset=utf-8"]);
  assertStringIncludes(String(res.body), "<pre>Cannot GET /it&#39;s/%3Cb%3E&amp;</pre>");
  const bad = await http(server, "/api/v1/rooms", {
    headers: { "Content-Type": "application/json" },
    body: "x",
  });
  assertEquals(bad.status, 400);
  assertStringIncludes(
    String(bad.body),
    "<pre>SyntaxError: Unexpected token &#39;x&#39;, &quot;x&quot; is not valid JSON</pre>",
  );
});
