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
import { TestServer, TestUser } from "../../testing/mod.ts";
import { answer, errorB, refusedUrl } from "./_transport.ts";
import { startServer } from "../_support.ts";

/** A local TestServer that records requests, a client of it, and the people `seedRooms` made. */
async function withApi(
  fn: (api: TalkomaticApi, server: TestServer, people: TestUser[]) => Promise<void>,
  options: TalkomaticApiOptions = {},
): Promise<void> {
  await using server = await startServer({ recordRequests: true });
  const people: TestUser[] = [];
  try {
    await fn(
      new TalkomaticApi({
        baseUrl: server.url,
        tokenStore: new MemoryTokenStore(),
        logger: { warn: () => {} },
        ...options,
      }),
      server,
      people,
    );
  } finally {
    for (const person of people) await person.close();
  }
}

/** Express's default HTML error page. */
function htmlError(status: number, text: string): Response {
  return new Response(
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${text}</pre>\n</body>\n</html>\n`,
    { status, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

/** The rooms the tests read, made by people on the server: their ids by name. */
interface Seeded {
  lounge: string;
  hideout: string;
  secret: string;
  packed: string;
  ada: TestUser;
}

async function seedRooms(server: TestServer, people: TestUser[]): Promise<Seeded> {
  const person = async (username: string, location = "Here") => {
    const user = await TestUser.connect(server, { username, location });
    people.push(user);
    return user;
  };
  const ada = await person("Ada", "London");
  const lounge = await ada.createRoom({ name: "Lounge", type: "public", layout: "horizontal" });
  await ada.joinRoom(lounge);
  const hideout = await (await person("Hal")).createRoom({
    name: "Hideout",
    type: "semi-private",
    layout: "vertical",
    accessCode: "424242",
  });
  const secret = await (await person("Sam")).createRoom({
    name: "Secret",
    type: "private",
    layout: "vertical",
  });
  const owner = await person("U0");
  const packed = await owner.createRoom({ name: "Packed", type: "public", layout: "horizontal" });
  await owner.joinRoom(packed);
  for (let i = 1; i < 5; i++) await (await person(`U${i}`)).joinRoom(packed);
  return { lounge, hideout, secret, packed, ada };
}

Deno.test("TalkomaticApi.rooms() lists public and semi-private rooms", async () => {
  await withApi(async (api, server, people) => {
    const seeded = await seedRooms(server, people);
    const rooms = await api.rooms();
    assertEquals(
      rooms.map((room) => room.id).sort(),
      [seeded.hideout, seeded.packed, seeded.lounge].sort(),
    );
    const lounge = rooms.find((room) => room.id === seeded.lounge);
    assertEquals(lounge?.users[0].username, "Ada");
    assertEquals(lounge?.isFull, false);
  });
});

Deno.test("TalkomaticApi.room() gets a private room by id", async () => {
  await withApi(async (api, server, people) => {
    const { secret } = await seedRooms(server, people);
    const room = await api.room(secret);
    assertEquals(room, { id: secret, name: "Secret", type: "private", users: [], isFull: false });
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
    assertEquals(server.requests().length, 0);
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
    assertEquals(server.room(id)?.name, "Tea &lt;b>time&lt;/b>");
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
    assertEquals(server.room(id)?.accessCode, "012345");
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
    assertEquals(server.requests().length, 0);
  });
});

Deno.test("TalkomaticApi.createRoom() surfaces ROOM_NAME_EXISTS as an ApiError", async () => {
  await withApi(async (api, server, people) => {
    await seedRooms(server, people);
    const error = await assertRejects(
      () => api.createRoom({ name: "lounge", type: "public", layout: "vertical" }),
      ApiError,
    );
    assertEquals(error.status, 409);
    assertEquals(error.code, "ROOM_NAME_EXISTS");
  });
});

Deno.test("TalkomaticApi.canJoin() reports every refusal as a typed status", async () => {
  await withApi(async (api, server, people) => {
    const { lounge, hideout, packed } = await seedRooms(server, people);
    assertEquals(await api.canJoin(lounge), { ok: true });
    const stranger = new TalkomaticApi({ baseUrl: server.url, tokenStore: new MemoryTokenStore() });
    assertEquals(await api.canJoin(hideout, { accessCode: "424242" }), { ok: true });
    assertEquals(await api.canJoin("100000"), { ok: false, reason: "not_found" });
    assertEquals(await api.canJoin(packed), { ok: false, reason: "full" });
    assertEquals(await stranger.canJoin(hideout), { ok: false, reason: "code_required" });
    assertEquals(await api.canJoin(hideout, { accessCode: "000000" }), {
      ok: false,
      reason: "wrong_code",
    });
    const checks = server.requests(`/api/v1/rooms/${hideout}/join`);
    assertEquals(JSON.parse(checks[0].body), { accessCode: "424242" });
    assertEquals(JSON.parse(checks[1].body), {});
  });
});

Deno.test("TalkomaticApi.canJoin() remembers a correct code in the session cookie", async () => {
  await withApi(async (api, server, people) => {
    const { hideout } = await seedRooms(server, people);
    await api.canJoin(hideout, { accessCode: "424242" });
    const cookie = api.sessionCookie;
    assert(cookie !== undefined);
    // The session holds the code: asked again without it, the same session may join...
    assertEquals(await api.canJoin(hideout), { ok: true });
    // ...and another session may not.
    const other = new TalkomaticApi({ baseUrl: server.url, tokenStore: new MemoryTokenStore() });
    assertEquals(await other.canJoin(hideout), { ok: false, reason: "code_required" });
    const [, again] = server.requests(`/api/v1/rooms/${hideout}/join`);
    assertEquals(again.headers.get("cookie"), cookie);
  });
});

Deno.test("TalkomaticApi.canJoin() rethrows errors that are not refusals", async () => {
  await withApi(async (api, server) => {
    await answer(server, errorB(429, "RATE_LIMITED", "Too many requests."), {
      pathPrefix: "/api/v1/rooms/854431/join",
    });
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
    await answer(server, htmlError(503, "Service Unavailable"), { pathPrefix: "/api/v1/health" });
    const health = await api.health();
    assert(health.status === "down");
    assertInstanceOf(health.error, ApiError);
    assertEquals(health.error.status, 503);
  });
});

Deno.test("TalkomaticApi.health() throws on a 4xx answer", async () => {
  await withApi(async (api, server) => {
    await answer(server, errorB(429, "RATE_LIMITED", "Too many requests."), {
      pathPrefix: "/api/v1/health",
    });
    await assertRejects(() => api.health(), ApiError);
  });
});

Deno.test("TalkomaticApi.me() reflects the session", async () => {
  await withApi(async (api, server, people) => {
    assertEquals(await api.me(), { isSignedIn: false, isBot: true });
    // Ada signs in over a socket with the client's session cookie.
    const ada = await TestUser.connect(server, {
      username: "Ada",
      location: "London",
      cookie: api.sessionCookie!,
    });
    people.push(ada);
    assertEquals(await api.me(), {
      isSignedIn: true,
      username: "Ada",
      location: "London",
      userId: ada.userId!,
      isIPBased: false,
      isBot: true,
    });
  });
});

Deno.test("TalkomaticApi.wordFilter(), emojis() and characterSubstitutions() read the static files", async () => {
  await withApi(async (api, server) => {
    const filter = await api.wordFilter();
    assertEquals<unknown>(filter, server.options.wordFilter); // the lists the server filters with
    assert(filter.offensiveWords.length > 0 && filter.whitelistedWords.length > 0);
    assert(Object.keys(await api.emojis()).length > 0, "the emoji list");
    assertEquals((await api.characterSubstitutions())["@"], "a");
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 0);
  });
});

Deno.test("TalkomaticApi.emojis() rejects an emoji list of the wrong shape", async () => {
  await withApi(async (api, server) => {
    await answer(server, new Response(JSON.stringify({ smile: 1 })));
    const error = await assertRejects(() => api.emojis(), PayloadValidationError);
    assertEquals(error.path, "smile");
    assertEquals(error.target, "getEmojiList");
  });
});

Deno.test("TalkomaticApi.botToken() and tokenInfo() describe the token in use", async () => {
  await withApi(async (api, server) => {
    const token = await api.botToken();
    await api.health();
    const info = await api.tokenInfo();
    assertEquals(info.valid, true);
    assertEquals(info.uses, 1);
    assertEquals(server.requests("/api/v1/bot-tokens/request").length, 1);
    assertEquals(
      server.requests("/api/v1/bot-tokens/info")[0].headers.get("authorization"),
      `Bearer ${token}`,
    );
    assert(server.revokeToken(token), "a token the server issued");
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

Deno.test("TalkomaticApi.config() reads a local server with relaxed rate limits (no Infinity on the wire)", async () => {
  await using server = await startServer({ relaxRateLimits: true });
  const api = new TalkomaticApi({
    baseUrl: server.url,
    tokenStore: new MemoryTokenStore(),
    logger: { warn: () => {} },
  });
  const config = await api.config();
  assertEquals(config.limits.BOT_DETECTION_JOIN_THRESHOLD, Number.MAX_SAFE_INTEGER);
  assertEquals(config.limits.MAX_USERNAME_LENGTH, 15);
});
