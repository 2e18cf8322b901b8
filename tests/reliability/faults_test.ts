// Fault injection against a Bot in a room (issue 7 §3): server-side close,
// server restart, a network stall longer than the ping timeout, a revoked
// token, REST answering 500 / HTML / invalid JSON, connection refused. Each
// asserts the outcome and that the last text the user asked for reaches the
// room again after the reconnect.
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import {
  ApiError,
  MemoryTokenStore,
  PayloadValidationError,
  TalkomaticApi,
  TransportError,
} from "../../api/mod.ts";
import { ActionError } from "../../bot/mod.ts";
import { TestUser } from "../../testing/mod.ts";
import { aliceInRoom, makeBot, startServer, until } from "./_bots.ts";
import { pick, summaryAtEnd } from "./_config.ts";
import { StallProxy } from "./_proxy.ts";
import { refusedUrl } from "../api/_transport.ts";

const ROUNDS = pick(1, 5);
let faults = 0;
let reconnects = 0;
summaryAtEnd("faults", () => ({ "faults injected": faults, reconnects, errors: 0 }));

Deno.test("Bot rejoins its room and finishes the text it was typing after a server-side close", async () => {
  await using server = await startServer();
  await using alice = await aliceInRoom(server, "Closing");
  const roomId = alice.roomId!;
  const bot = makeBot(server);
  try {
    const me = await bot.start();
    await bot.joinRoom(roomId);
    for (let round = 0; round < ROUNDS; round++) {
      const target = `round ${round}: nothing I type is lost`;
      const typing = bot.type(target, { cps: 60 }).catch(() => {});
      await server.waitFor((s) => (s.room(roomId)?.messages[me.id] ?? "").length >= 4);
      let duringOutage: Promise<void> | undefined;
      bot.once("disconnected", () => {
        duringOutage = bot.send("sent while offline");
        duringOutage.catch(() => {}); // asserted below
      });
      server.disconnectUser(me.id);
      faults++;
      await until(() => duringOutage !== undefined, "the disconnect");
      const err = await assertRejects(() => duringOutage!, ActionError);
      assertEquals(err.reason, "notConnected", "a send while offline fails loudly");
      await typing;
      await server.waitFor((s) => s.room(roomId)?.messages[me.id] === target, { timeoutMs: 5000 });
      reconnects++;
      assertEquals(bot.me?.id, me.id, "same identity");
      assertEquals(bot.room?.id, roomId, "same room");
      await until(() => alice.texts[me.id] === target, "the others see the whole text");
    }
    assertEquals(bot.errors, []);
  } finally {
    await bot.stop();
  }
});

Deno.test("Bot gets a new token and recreates its own room with its text after a server restart", async () => {
  await using server = await startServer();
  const store = new MemoryTokenStore();
  const bot = makeBot(server, { tokenStore: store });
  try {
    await bot.start();
    const oldToken = (await store.get(server.url))?.token;
    const id = await bot.createRoom({ name: "Phoenix", layout: "horizontal" });
    await bot.joinRoom(id);
    await bot.send("still here after the restart");
    await server.waitFor((s) =>
      s.room(id)?.messages[bot.me!.id] === "still here after the restart"
    );
    let reconnected = false;
    bot.on("reconnected", () => void (reconnected = true));
    await server.restart();
    faults++;
    await until(() => reconnected, "the reconnect", 8000);
    reconnects++;
    const room = await until(() => bot.room, "a room again");
    assertEquals([room.name, room.layout], ["Phoenix", "horizontal"]);
    await server.waitFor((s) =>
      s.room(room.id)?.messages[bot.me!.id] === "still here after the restart"
    );
    const newToken = (await store.get(server.url))?.token;
    assert(newToken && newToken !== oldToken, "a new token was requested");
    // The only error reported is the rejoin of the vanished room, before recreating it.
    for (const e of bot.errors) assertStringIncludes(e.message, "Room not found");
  } finally {
    await bot.stop();
  }
});

Deno.test("Bot in someone else's room reports the room is gone after a server restart and stays connected", async () => {
  await using server = await startServer();
  const alice = await TestUser.connect(server, { username: "Alice", location: "Here" });
  const roomId = await alice.createRoom({ name: "Ephemeral" });
  await alice.joinRoom(roomId);
  const bot = makeBot(server);
  try {
    await bot.start();
    await bot.joinRoom(roomId);
    let reconnected = false;
    bot.on("reconnected", () => void (reconnected = true));
    await alice.close();
    await server.restart();
    faults++;
    await until(() => reconnected, "the reconnect", 8000);
    reconnects++;
    const err = await until(() => bot.errors.find((e) => e instanceof ActionError), "an error");
    assertInstanceOf(err, ActionError);
    assertEquals(err.reason, "roomNotFound");
    assert(bot.connected && bot.room === undefined, "connected, in the lobby");
  } finally {
    await bot.stop();
  }
});

Deno.test("Bot notices a network stall longer than the ping timeout and comes back with its text", async () => {
  await using server = await startServer();
  const proxy = StallProxy.start(server.port);
  await using alice = await aliceInRoom(server, "Stalled");
  const roomId = alice.roomId!;
  const bot = makeBot(proxy.url, { token: server.issueToken() });
  try {
    const me = await bot.start();
    await bot.joinRoom(roomId);
    for (let round = 0; round < ROUNDS; round++) {
      const text = `said before stall ${round}`;
      await bot.send(text);
      await server.waitFor((s) => s.room(roomId)?.messages[me.id] === text);
      const reasons: string[] = [];
      bot.once("disconnected", (ctx) => void reasons.push(ctx.reason));
      proxy.stall();
      faults++;
      // The bot's side: pings stop, the ping timeout fires.
      await until(() => reasons.length > 0, "the bot to notice the stall", 3000);
      assertEquals(reasons, ["ping timeout"]);
      // The server's side: the dead peer is dropped from the room.
      await server.waitFor((s) => !s.room(roomId)?.users.some((u) => u.id === me.id));
      proxy.resume();
      await server.waitFor((s) => s.room(roomId)?.messages[me.id] === text, { timeoutMs: 5000 });
      reconnects++;
      await until(() => alice.texts[me.id] === text, "the others see the text again");
    }
    assertEquals(bot.errors, []);
  } finally {
    await bot.stop();
    proxy.close();
  }
});

Deno.test("Bot replaces a revoked token on reconnect; a revoked fixed token is a clear error", async () => {
  await using server = await startServer();
  const store = new MemoryTokenStore();
  const bot = makeBot(server, { tokenStore: store });
  try {
    const me = await bot.start();
    const alice = await TestUser.connect(server, { username: "Alice", location: "Here" });
    const roomId = await alice.createRoom({ name: "Revoked" });
    await alice.joinRoom(roomId);
    await bot.joinRoom(roomId);
    await bot.send("my token was revoked");
    const old = (await store.get(server.url))!.token;
    assert(server.revokeToken(old));
    server.disconnectUser(me.id);
    faults++;
    await server.waitFor((s) =>
      s.room(roomId)?.messages[bot.me?.id ?? ""] === "my token was revoked"
    );
    reconnects++;
    assert((await store.get(server.url))!.token !== old, "a new token");
    await alice.close();
  } finally {
    await bot.stop();
  }

  // A fixed (user-given) token that was revoked is replaced once, too; when no
  // replacement can be had, the bot gives up with a clear error.
  const token = server.issueToken();
  const fixed = makeBot(server, {
    token,
    reconnect: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 2 },
  });
  try {
    const me = await fixed.start();
    server.revokeToken(token);
    server.injectHttpFault({ kind: "500", pathPrefix: "/api/v1/bot-tokens", times: Infinity });
    server.disconnectUser(me.id);
    faults++;
    await until(() => fixed.stopped, "the bot to give up");
    assert(fixed.errors.length >= 2, "each failed attempt is reported");
    for (const e of fixed.errors) {
      assert(!e.message.includes(token.slice(3)), "the token is not in the message");
    }
    assertStringIncludes(fixed.errors.at(-1)!.message, "Gave up reconnecting after 2 attempts");
  } finally {
    server.clearHttpFaults();
    await fixed.stop();
  }
});

Deno.test("REST answering 500, HTML or invalid JSON gives typed errors; the bot starts once it recovers", async () => {
  await using server = await startServer();
  const api = new TalkomaticApi({
    baseUrl: server.url,
    token: server.issueToken(),
    tokenStore: new MemoryTokenStore(),
  });
  server.injectHttpFault({ kind: "500", pathPrefix: "/api/v1/rooms" });
  const e500 = await assertRejects(() => api.rooms(), ApiError);
  assertEquals(e500.status, 500);
  server.injectHttpFault({ kind: "html", pathPrefix: "/api/v1/rooms" });
  const html = await assertRejects(() => api.rooms(), ApiError);
  assertEquals(html.variant, "notJson");
  server.injectHttpFault({ kind: "invalid-json", pathPrefix: "/api/v1/rooms" });
  const bad = await assertRejects(() => api.rooms(), PayloadValidationError);
  assertEquals(bad.direction, "inbound");
  faults += 3;
  assertEquals(await api.rooms(), []);

  // A bot whose token request fails: start() rejects with the typed error, then works.
  for (const kind of ["500", "html", "invalid-json"] as const) {
    const bot = makeBot(server);
    try {
      server.injectHttpFault({ kind, pathPrefix: "/api/v1/bot-tokens" });
      faults++;
      const err = await assertRejects(() => bot.start());
      // The token path reports every bad answer as an ApiError (a non-JSON 200 included).
      assertInstanceOf(err, ApiError);
      assertEquals(err.operation, "requestBotToken");
      assertEquals(err.status, { "500": 500, html: 502, "invalid-json": 200 }[kind]);
      server.clearHttpFaults();
      const me = await bot.start();
      assert(me.id.length > 0 && bot.connected);
    } finally {
      await bot.stop();
    }
  }
});

Deno.test("Bot and REST client report a refused connection at start with the server's address", async () => {
  const url = refusedUrl();
  const bot = makeBot(url, { token: "tk_" + "0".repeat(64) });
  const err = await assertRejects(() => bot.start(), TransportError);
  assertStringIncludes(err.message, url.replace("http://", ""));
  assert(!bot.connected);
  await bot.stop();
  const api = new TalkomaticApi({
    baseUrl: url,
    token: "tk_" + "0".repeat(64),
    tokenStore: new MemoryTokenStore(),
  });
  const restErr = await assertRejects(() => api.rooms(), TransportError);
  assertEquals(restErr.kind, "network");
  assertStringIncludes(restErr.message, url.replace("http://", ""));
  faults += 2;
});
