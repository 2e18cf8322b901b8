// The HTTP-side divergences of issue 12, asserted against PROTOCOL.md §11: exact
// Authorization parsing and repeated query parameters.
import { assertEquals } from "@std/assert";
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
