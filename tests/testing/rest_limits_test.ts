import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { TestServer } from "../../testing/mod.ts";
import { createRoom, fence, join, Raw, signedIn, startServer, test } from "./_helpers.ts";

const err = (code: string, message: string) => ({
  error: { code, message, replaceDefaultText: false },
});

async function call(
  server: TestServer,
  path: string,
  init: {
    method?: string;
    token?: string;
    key?: string | true;
    body?: unknown;
    ip?: string;
    cookie?: string;
  } = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const headers: Record<string, string> = { "X-Forwarded-For": init.ip ?? "10.7.0.1" };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  if (init.key) headers["x-api-key"] = init.key === true ? server.apiKey : init.key;
  if (init.cookie) headers.Cookie = init.cookie;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(server.url + path, {
    method: init.method ?? "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, body, headers: res.headers };
}

test("TestServer REST applies the token layer, then the API key, with the real status codes and bodies", async () => {
  await using server = await startServer();
  const token = server.issueToken();
  assertEquals((await call(server, "/api/v1/health")).body, {
    error: { code: "BOT_TOKEN_REQUIRED", message: "Bot token required for automated access." },
  });
  const invalid = await call(server, "/api/v1/health", { token: "tk_x" });
  assertEquals([invalid.status, invalid.body], [401, {
    error: { code: "INVALID_BOT_TOKEN", message: "Invalid or expired bot token" },
  }]);
  const health = await call(server, "/api/v1/health", { token });
  assertEquals(health.status, 200);
  assertEquals((health.body as { version: string }).version, "2.3.0");
  const noKey = await call(server, "/api/v1/rooms", { token });
  assertEquals([noKey.status, noKey.body], [
    403,
    err("UNAUTHORIZED", "Forbidden: invalid or missing x-api-key."),
  ]);
  const bad = await call(server, "/api/v1/rooms", {
    token,
    key: true,
    method: "POST",
    body: { name: "", type: "bogus", layout: "diagonal" },
  });
  assertEquals(bad.status, 400);
  const created = await call(server, "/api/v1/rooms", {
    token,
    key: true,
    method: "POST",
    body: { name: "REST <i>room</i>", type: "public", layout: "horizontal" },
  });
  assertEquals(created.status, 201);
  const id = (created.body as { roomId: string }).roomId;
  assertEquals(server.room(id)!.name, "REST &lt;i>room&lt;/i>");
  const again = await call(server, "/api/v1/rooms", {
    token,
    key: true,
    method: "POST",
    body: { name: "Another", type: "public", layout: "horizontal" },
  });
  assertEquals([again.status, again.body], [429, err("RATE_LIMITED", "Creating rooms too fast")]);
  const list = await call(server, "/api/v1/rooms", { token, key: true });
  assertEquals(list.body, [{
    id,
    name: "REST &lt;i>room&lt;/i>",
    type: "public",
    users: [],
    isFull: false,
  }]);
  const missing = await call(server, "/api/v1/rooms/999999", { token, key: true });
  assertEquals([missing.status, missing.body], [404, err("NOT_FOUND", "Room not found")]);
  const info = await call(server, "/api/v1/bot-tokens/info", { token });
  assertEquals((info.body as { uses: number }).uses, 7);
  const notFound = await call(server, "/nowhere");
  assertEquals(notFound.status, 404);
  assert(String(notFound.body).includes("Cannot GET /nowhere"));
  assertEquals(notFound.headers.get("ratelimit-policy"), "100;w=900");
});

test("TestServer issues at most three tokens per IP and limits HTTP requests per IP", async () => {
  await using server = await startServer({
    rateLimits: { httpGlobal: { points: 4, windowMs: 60_000, blockMs: 0 } },
  });
  const statuses = [];
  for (let i = 0; i < 4; i++) {
    statuses.push(
      (await call(server, "/api/v1/bot-tokens/request", { method: "POST", ip: "10.1.1.1" })).status,
    );
  }
  assertEquals(statuses, [201, 201, 201, 429]);
  const limited = await call(server, "/api/v1/health", { ip: "10.1.1.1" });
  assertEquals([limited.status, limited.body], [429, {
    error: { code: "RATE_LIMITED", message: "Too many requests." },
  }]);
  assertEquals((await call(server, "/js/emojiList.json", { ip: "10.1.1.1" })).status, 200);
  assertEquals(Object.keys((await call(server, "/js/emojiList.json")).body as object).length, 115);
});

test("TestServer drops events over the per-socket limit with RATE_LIMITED errors", async () => {
  await using server = await startServer({
    rateLimits: { socketBot: { points: 5, windowMs: 60_000, blockMs: 60_000 } },
  });
  const c = new Raw(server);
  await c.connect();
  for (let i = 0; i < 8; i++) c.emit("leave lobby");
  c.emit("get rooms");
  await fence(c);
  assertEquals(c.take(), [
    ...Array(3).fill(["error", err("RATE_LIMITED", "Rate limit exceeded.")]),
    ["initial rooms", []],
  ]);
  c.close();
});

test("TestServer refuses connections over the per-IP limits and room creation within the cooldowns", async () => {
  await using server = await startServer({ rateLimits: { maxConnectionsPerIp: 2 } });
  const ip = "10.3.3.3";
  const [a, b, c] = [new Raw(server, ip), new Raw(server, ip), new Raw(server, ip)];
  assertEquals(await a.connect(), "connect");
  assertEquals(await b.connect(), "connect");
  assertEquals(await c.connect(), "Too many connections");
  await a.signIn("Alice", "Amsterdam");
  await b.signIn("Bob", "Berlin");
  const id = await createRoom(a);
  await join(a, id, [a, b]);
  await a.until("lobby update", () => true, 100).catch(() => undefined);
  a.emit("leave room");
  await fence(a, b);
  a.take();
  a.emit("create room", { name: "Second", type: "public", layout: "vertical" });
  b.emit("create room", { name: "Third", type: "public", layout: "vertical" });
  await fence(a, b);
  assertEquals(a.take(), [["error", err("RATE_LIMITED", "Creating rooms too fast.")]]);
  const e = (b.take() as [string, { error: { message: string } }][]).find(([n]) => n === "error")!;
  assert(/^Please wait (29|30)s before creating another room\.$/.test(e[1].error.message));
  a.close();
  b.close();
});

test("TestServer trips the join-attempt detector and then blacklists the IP", async () => {
  await using server = await startServer({ rateLimits: { joinAttemptThreshold: 2 } });
  const owner = await signedIn(server, "Owner", "Oslo");
  const id = await createRoom(owner);
  const c = await signedIn(server, "Carl", "Cork");
  for (let i = 0; i < 6; i++) {
    c.emit("join room", { roomId: id });
    c.emit("leave room");
  }
  await fence(c);
  const errors = (c.take() as [string, { error: { message: string } }][])
    .filter(([n]) => n === "error").map(([, p]) => p.error.message);
  assertEquals(errors, [
    "Too many join attempts.",
    "Too many join attempts.",
    "Too many join attempts.",
    "Access denied.",
  ]);
  owner.close();
  c.close();
});

test("TestServer survives bad payloads, restarts with fresh state and offers fault hooks", async () => {
  await using server = await startServer();
  const c = await signedIn(server, "Dora", "Dover");
  const id = await createRoom(c);
  await join(c, id, [c]);
  const junk: unknown[] = [null, undefined, 1, "x", [], { diff: null }, { roomId: {} }, {
    toString: 1,
  }];
  for (
    const event of [
      "join lobby",
      "create room",
      "join room",
      "chat update",
      "vote",
      "typing",
      "get room state",
    ]
  ) {
    for (const j of junk) c.emit(event, j);
  }
  c.emit("board open");
  c.emit("board stroke start", { color: "#fff", size: 3, point: { x: 1, y: 1 } });
  c.emit("board stroke move", { points: [null] });
  c.emit("constructor", {});
  c.emit("__proto__", {});
  await fence(c);
  assert(c.names().includes("error"));
  assert(c.socket.connected);
  assertEquals(server.emitRaw(c.userId, "room update", "corrupt"), 1);
  await c.until("room update", (p) => p === "corrupt");
  server.injectHttpFault({ kind: "html", pathPrefix: "/api/v1/health" });
  assertEquals((await call(server, "/api/v1/health")).status, 502);
  const port = server.port;
  const token = server.issueToken();
  assertEquals(server.disconnectUser(c.userId), 1);
  await server.restart();
  assertEquals(server.port, port);
  assertEquals(server.rooms(), []);
  assertEquals((await call(server, "/api/v1/health", { token })).status, 401);
  assertThrows(() => server.injectHttpFault({ kind: "nope" as "500" }), TypeError);
  await assertRejects(() => TestServer.start({ host: "0.0.0.0" }), TypeError);
  await assertRejects(() => TestServer.start({ timing: { afkWarningMs: -1 } }), RangeError);
  await assertRejects(() => server.waitFor(() => false, { timeoutMs: 20 }), Error);
});

test("TestServer answers an injected answer fault with its status, body and headers, once", async () => {
  await using server = await startServer();
  server.injectHttpFault({
    kind: "answer",
    pathPrefix: "/js/emojiList.json",
    status: 429,
    body: '{"error":"slow down"}',
    headers: { "Retry-After": "7", "content-type": "application/json" },
  });
  const first = await fetch(`${server.url}/js/emojiList.json`);
  assertEquals(
    [first.status, first.headers.get("retry-after"), first.headers.get("content-type")],
    [429, "7", "application/json"],
  );
  assertEquals(await first.text(), '{"error":"slow down"}');
  const second = await fetch(`${server.url}/js/emojiList.json`);
  assertEquals(second.status, 200); // once by default
  await second.body?.cancel();
  assertThrows(() => server.injectHttpFault({ kind: "answer", status: 99 }), RangeError);
});
