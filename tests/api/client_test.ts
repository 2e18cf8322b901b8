import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import {
  ApiError,
  MemoryTokenStore,
  PayloadValidationError,
  TalkomaticApi,
  type TalkomaticApiOptions,
  TransportError,
} from "../../api/mod.ts";
import { TestServer } from "../../testing/mod.ts";
import { errorB, FakeTalkomatic, htmlError, USER_A, USER_B } from "./_server.ts";
import { refusedUrl } from "./_transport.ts";

async function withApi(
  fn: (api: TalkomaticApi, server: FakeTalkomatic) => Promise<void>,
  options: TalkomaticApiOptions = {},
): Promise<void> {
  const server = await FakeTalkomatic.start();
  try {
    await fn(
      new TalkomaticApi({
        baseUrl: server.url,
        tokenStore: new MemoryTokenStore(),
        logger: { warn: () => {} },
        ...options,
      }),
      server,
    );
  } finally {
    await server.close();
  }
}

function seedRooms(server: FakeTalkomatic): void {
  server.addRoom({
    id: "854431",
    name: "Lounge",
    type: "public",
    layout: "horizontal",
    users: [{ id: USER_A, username: "Ada", location: "London" }],
  });
  server.addRoom({
    id: "123456",
    name: "Hideout",
    type: "semi-private",
    layout: "vertical",
    accessCode: "424242",
    users: [],
  });
  server.addRoom({ id: "999001", name: "Secret", type: "private", layout: "vertical", users: [] });
  server.addRoom({
    id: "500500",
    name: "Packed",
    type: "public",
    layout: "horizontal",
    users: Array.from({ length: 5 }, (_, i) => ({
      id: `${USER_B.slice(0, 31)}${i}`,
      username: `U${i}`,
      location: "Here",
    })),
  });
}

Deno.test("TalkomaticApi.rooms() lists public and semi-private rooms", async () => {
  await withApi(async (api, server) => {
    seedRooms(server);
    const rooms = await api.rooms();
    assertEquals(rooms.map((room) => room.id).sort(), ["123456", "500500", "854431"]);
    const lounge = rooms.find((room) => room.id === "854431");
    assertEquals(lounge?.users[0].username, "Ada");
    assertEquals(lounge?.isFull, false);
  });
});

Deno.test("TalkomaticApi.room() gets a private room by id", async () => {
  await withApi(async (api, server) => {
    seedRooms(server);
    const room = await api.room("999001");
    assertEquals(room, { id: "999001", name: "Secret", type: "private", users: [], isFull: false });
  });
});

Deno.test("TalkomaticApi.room() throws ApiError NOT_FOUND for an unknown room", async () => {
  await withApi(async (api) => {
    const error = await assertRejects(() => api.room("100000"), ApiError);
    assertEquals(error.status, 404);
    assertEquals(error.code, "NOT_FOUND");
    assertEquals(error.message, "Room not found");
  });
});

Deno.test("TalkomaticApi.room() rejects an id that is not 6 digits without a request", async () => {
  await withApi(async (api, server) => {
    const short = await assertRejects(() => api.room("12345"), RangeError);
    assertEquals(short.message, 'Cannot get room "12345": room ids have 6 digits');
    await assertRejects(() => api.room("12345a"), RangeError);
    await assertRejects(() => api.room("../x"), RangeError);
    const numeric = await assertRejects(() => api.room(854431 as unknown as string), TypeError);
    assertStringIncludes(numeric.message, "room ids are strings");
    assertEquals(server.seen.length, 0);
  });
});

Deno.test("TalkomaticApi.createRoom() returns the new room id", async () => {
  await withApi(async (api, server) => {
    const id = await api.createRoom({
      name: "Tea <b>time</b>",
      type: "public",
      layout: "vertical",
    });
    assertMatch(id, /^\d{6}$/);
    assertEquals(server.rooms.get(id)?.name, "Tea &lt;b>time&lt;/b>");
    const [seen] = server.requests("/api/v1/rooms");
    assertEquals(JSON.parse(seen.body), {
      name: "Tea <b>time</b>",
      type: "public",
      layout: "vertical",
    });
  });
});

Deno.test("TalkomaticApi.createRoom() sends the access code of a semi-private room", async () => {
  await withApi(async (api, server) => {
    const id = await api.createRoom({
      name: "Club",
      type: "semi-private",
      layout: "horizontal",
      accessCode: "012345",
    });
    assertEquals(server.rooms.get(id)?.accessCode, "012345");
  });
});

Deno.test("TalkomaticApi.createRoom() rejects bad fields without a request", async () => {
  await withApi(async (api, server) => {
    const ok = { name: "Fine", type: "public", layout: "vertical" } as const;
    const long = await assertRejects(
      () => api.createRoom({ ...ok, name: "x".repeat(26) }),
      RangeError,
    );
    assertEquals(
      long.message,
      `Cannot create room: room name "${"x".repeat(26)}" has 26 characters, at most 25 are allowed`,
    );
    await assertRejects(() => api.createRoom({ ...ok, name: "   " }), RangeError);
    await assertRejects(() => api.createRoom({ ...ok, name: 5 as unknown as string }), TypeError);
    await assertRejects(() => api.createRoom({ ...ok, type: "secret" as "public" }), RangeError);
    await assertRejects(() => api.createRoom({ ...ok, layout: "grid" as "vertical" }), RangeError);
    const missing = await assertRejects(
      () => api.createRoom({ ...ok, type: "semi-private" }),
      RangeError,
    );
    assertStringIncludes(missing.message, "need an access code");
    await assertRejects(
      () => api.createRoom({ ...ok, type: "semi-private", accessCode: "12345" }),
      RangeError,
    );
    await assertRejects(
      () =>
        api.createRoom({ ...ok, type: "semi-private", accessCode: 123456 as unknown as string }),
      TypeError,
    );
    assertEquals(server.seen.length, 0);
  });
});

Deno.test("TalkomaticApi.createRoom() surfaces ROOM_NAME_EXISTS as an ApiError", async () => {
  await withApi(async (api, server) => {
    seedRooms(server);
    const error = await assertRejects(
      () => api.createRoom({ name: "lounge", type: "public", layout: "vertical" }),
      ApiError,
    );
    assertEquals(error.status, 409);
    assertEquals(error.code, "ROOM_NAME_EXISTS");
  });
});

Deno.test("TalkomaticApi.canJoin() reports every refusal as a typed status", async () => {
  await withApi(async (api, server) => {
    seedRooms(server);
    assertEquals(await api.canJoin("854431"), { ok: true });
    assertEquals(await api.canJoin("123456", { accessCode: "424242" }), { ok: true });
    assertEquals(await api.canJoin("100000"), { ok: false, reason: "not_found" });
    assertEquals(await api.canJoin("500500"), { ok: false, reason: "full" });
    assertEquals(await api.canJoin("123456"), { ok: false, reason: "code_required" });
    assertEquals(await api.canJoin("123456", { accessCode: "000000" }), {
      ok: false,
      reason: "wrong_code",
    });
    const checks = server.requests("/api/v1/rooms/123456/join");
    assertEquals(JSON.parse(checks[0].body), { accessCode: "424242" });
    assertEquals(JSON.parse(checks[1].body), {});
  });
});

Deno.test("TalkomaticApi.canJoin() remembers a correct code in the session cookie", async () => {
  await withApi(async (api, server) => {
    seedRooms(server);
    await api.canJoin("123456", { accessCode: "424242" });
    const cookie = api.sessionCookie;
    assert(cookie !== undefined);
    const id = decodeURIComponent(cookie.split("=")[1]).slice(2).split(".")[0];
    assertEquals(server.sessions.get(id)?.validatedRooms, { "123456": "424242" });
  });
});

Deno.test("TalkomaticApi.canJoin() rethrows errors that are not refusals", async () => {
  await withApi(async (api, server) => {
    server.override = (_request, seen) =>
      seen.path.endsWith("/join") ? errorB(429, "RATE_LIMITED", "Too many requests.") : undefined;
    const error = await assertRejects(() => api.canJoin("854431"), ApiError);
    assertEquals(error.code, "RATE_LIMITED");
    await assertRejects(() => api.canJoin("854431", { accessCode: "12" }), RangeError);
  });
});

Deno.test("TalkomaticApi.config() returns limits, features and versions", async () => {
  await withApi(async (api) => {
    const config = await api.config();
    assertEquals(config.limits.MAX_ROOM_NAME_LENGTH, 25);
    assertEquals(config.limits.PRESSURE_TIERS[0], { threshold: 0, ttl: 1200000 });
    assertEquals(config.versions, { API: "v1", SERVER: "2.3.0" });
    assertEquals(config.features.ENABLE_BOT_TOKENS, true);
  });
});

Deno.test("TalkomaticApi.health() returns the server's report when it is up", async () => {
  await withApi(async (api) => {
    const health = await api.health();
    assert(health.status === "ok");
    assertEquals(health.version, "2.3.0");
    assertEquals(health.roomStatistics.hardCap, 50);
  });
});

Deno.test("TalkomaticApi.health() reports down when the connection is refused", async () => {
  const api = new TalkomaticApi({ baseUrl: refusedUrl(), tokenStore: new MemoryTokenStore() });
  const health = await api.health();
  assert(health.status === "down");
  assertInstanceOf(health.error, TransportError);
  assertEquals(health.error.kind, "network");
});

Deno.test("TalkomaticApi.health() reports down on a 5xx HTML answer", async () => {
  await withApi(async (api, server) => {
    server.override = (_request, seen) =>
      seen.path === "/api/v1/health" ? htmlError(503, "Service Unavailable") : undefined;
    const health = await api.health();
    assert(health.status === "down");
    assertInstanceOf(health.error, ApiError);
    assertEquals(health.error.status, 503);
  });
});

Deno.test("TalkomaticApi.health() throws on a 4xx answer", async () => {
  await withApi(async (api, server) => {
    server.override = (_request, seen) =>
      seen.path === "/api/v1/health"
        ? errorB(429, "RATE_LIMITED", "Too many requests.")
        : undefined;
    await assertRejects(() => api.health(), ApiError);
  });
});

Deno.test("TalkomaticApi.me() reflects the session", async () => {
  await withApi(async (api, server) => {
    assertEquals(await api.me(), { isSignedIn: false, isBot: true });
    const cookie = api.sessionCookie!;
    const id = decodeURIComponent(cookie.split("=")[1]).slice(2).split(".")[0];
    Object.assign(server.sessions.get(id)!, {
      username: "Ada",
      location: "London",
      userId: USER_A,
    });
    assertEquals(await api.me(), {
      isSignedIn: true,
      username: "Ada",
      location: "London",
      userId: USER_A,
      isIPBased: false,
      isBot: true,
    });
  });
});

Deno.test("TalkomaticApi.wordFilter(), emojis() and characterSubstitutions() read the static files", async () => {
  await withApi(async (api, server) => {
    assertEquals(await api.wordFilter(), {
      offensiveWords: ["badword", "worse"],
      whitelistedWords: ["badwordless"],
    });
    assertEquals((await api.emojis()).smile, "/images/emoticons/smile.png");
    assertEquals((await api.characterSubstitutions())["@"], "a");
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 0);
  });
});

Deno.test("TalkomaticApi.emojis() rejects an emoji list of the wrong shape", async () => {
  await withApi(async (api, server) => {
    server.override = () => new Response(JSON.stringify({ smile: 1 }));
    const error = await assertRejects(() => api.emojis(), PayloadValidationError);
    assertEquals(error.path, "smile");
    assertEquals(error.target, "getEmojiList");
  });
});

Deno.test("TalkomaticApi.botToken() and tokenInfo() describe the token in use", async () => {
  await withApi(async (api, server) => {
    const token = await api.botToken();
    assert(server.tokens.has(token));
    await api.health();
    const info = await api.tokenInfo();
    assertEquals(info.valid, true);
    assertEquals(info.uses, 1);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
    assertEquals(
      server.requests("/api/v1/bot-tokens/info")[0].headers.get("authorization"),
      `Bearer ${token}`,
    );
  });
});

Deno.test("TalkomaticApi shares its transport's token and cookie", async () => {
  await withApi(async (api, server) => {
    await api.ensureSessionCookie();
    const other = new TalkomaticApi({ transport: api.transport });
    await other.health();
    await api.health();
    assertEquals(other.sessionCookie, api.sessionCookie);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
    assertEquals(other.baseUrl, server.url);
  });
});

Deno.test("TalkomaticApi works against the local TestServer", async () => {
  const server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
  try {
    const api = new TalkomaticApi({ baseUrl: server.url, tokenStore: new MemoryTokenStore() });
    const health = await api.health();
    assertEquals(health.status, "ok");
    const id = await api.createRoom({
      name: "Rest room",
      type: "semi-private",
      layout: "horizontal",
      accessCode: "135790",
    });
    const room = await api.room(id);
    assertEquals(room.name, "Rest room");
    assertEquals(room.type, "semi-private");
    assert((await api.rooms()).some((listed) => listed.id === id));
    // the session holds the code since its own create (PROTOCOL §11.3); another one does not
    assertEquals(await api.canJoin(id), { ok: true });
    const other = new TalkomaticApi({ baseUrl: server.url, tokenStore: new MemoryTokenStore() });
    assertEquals(await other.canJoin(id), { ok: false, reason: "code_required" });
    assertEquals(await api.canJoin(id, { accessCode: "000000" }), {
      ok: false,
      reason: "wrong_code",
    });
    assertEquals(await api.canJoin(id, { accessCode: "135790" }), { ok: true });
    assertEquals(await api.canJoin("100000"), { ok: false, reason: "not_found" });
    const me = await api.me();
    assertEquals(me.isSignedIn, false);
    assertEquals((await api.config()).versions.API, "v1");
    const filter = await api.wordFilter();
    assertEquals<unknown>(filter, server.options.wordFilter); // the lists the server filters with
    assert(filter.offensiveWords.length > 0);
    assertEquals(typeof (await api.emojis()), "object");
    assertEquals((await api.tokenInfo()).valid, true);
    assertMatch(api.sessionCookie ?? "", /^connect\.sid=/);
    const missing = await assertRejects(() => api.room("100000"), ApiError);
    assertEquals(missing.code, "NOT_FOUND");
    // Tokens die with the server process: the client replaces a revoked one once.
    assert(server.revokeToken(await api.botToken()));
    assertEquals((await api.health()).status, "ok");
  } finally {
    await server.close();
  }
});
