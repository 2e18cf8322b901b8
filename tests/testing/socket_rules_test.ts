// The socket-side divergences of issue 12, asserted against PROTOCOL.md: packets over the
// per-socket limit are dropped before any handler (§1.6), `dev force kick` is refused for
// non-developers (§4.13), and a disconnect deletes the shared user's chat buffer (§2.1).
import { assert, assertEquals } from "@std/assert";
import {
  createRoom,
  fence,
  join,
  Raw,
  reset,
  signedIn,
  sleep,
  startServer,
  test,
} from "./_helpers.ts";

const err = (code: string, message: string) => ({
  error: { code, message, replaceDefaultText: false },
});
const LIMITED = ["error", err("RATE_LIMITED", "Rate limit exceeded.")];
const BROWSER = { "User-Agent": "Mozilla/5.0", "Accept-Language": "en", "Accept": "text/html" };

test("TestServer drops a packet over the per-socket limit before its handler runs, whatever the event", async () => {
  await using server = await startServer({
    rateLimits: { socketBot: { points: 4, windowMs: 60_000, blockMs: 60_000 } },
  });
  const owner = await signedIn(server, "Owner", "Oslo");
  const id = await createRoom(owner);
  await join(owner, id, [owner]);
  const c = new Raw(server);
  await c.connect();
  await c.signIn("Alice", "Amsterdam"); // 1 point
  c.emit("leave lobby"); // 2: no handler, still counted (§4.14)
  c.emit("dev set color", { color: "#ff0000" }); // 3: ignored for non-developers
  c.emit("check signin status"); // 4
  await c.until("lobby update");
  await fence(c);
  c.take();
  // over the limit: every non-exempt event gets only the error, and nothing happens
  c.emit("join lobby", { username: "Mallory", location: "Moon" });
  c.emit("create room", { name: "Dropped", type: "public", layout: "vertical" });
  c.emit("join room", { roomId: id });
  c.emit("dev force kick", { targetUserId: owner.userId });
  c.emit("board open");
  c.emit("afk response");
  c.emit("game move", {});
  // exempt events still work while the socket is blocked
  c.emit("get rooms");
  c.emit("get room state", "999999");
  c.emit("typing", { isTyping: true });
  await fence(c, owner);
  const events = c.take() as [string, unknown][];
  assertEquals(events.map(([name]) => name), [...Array(7).fill("error"), "initial rooms", "error"]);
  assertEquals(events.slice(0, 7), Array(7).fill(LIMITED));
  assertEquals((events[7][1] as { id: string }[]).map((r) => r.id), [id]);
  assertEquals(events[8], ["error", err("NOT_FOUND", "Room not found.")]);
  const me = server.sockets().find((s) => s.userId === c.userId)!;
  assertEquals([me.username, me.location, me.roomId], ["Alice", "Amsterdam", null]);
  assertEquals(server.rooms().map((r) => r.name), ["Room"]);
  assertEquals(server.room(id)!.users.map((u) => u.username), ["Owner"]);
  assertEquals(owner.take(), []);
  owner.close();
  c.close();
});

test("TestServer drops a browser socket's packets over its limit the same way and serves it again when the block ends", async () => {
  await using server = await startServer({
    rateLimits: { socketHuman: { points: 2, windowMs: 60_000, blockMs: 150 } },
  });
  const c = new Raw(server);
  assertEquals(await c.connect({ token: null, headers: BROWSER }), "connect");
  c.emit("join lobby", { username: "Hana", location: "Hanoi" });
  c.emit("check signin status");
  await c.until("signin status", (p) => (p as { isHidden?: boolean }).isHidden === false);
  c.emit("join lobby", { username: "Dropped", location: "Nowhere" });
  c.emit("join lobby", { username: "Dropped", location: "Nowhere" });
  await fence(c);
  assertEquals(c.take().slice(-2), [LIMITED, LIMITED]);
  assertEquals(server.sockets()[0].username, "Hana");
  // Real time is the subject: the block ends and the key starts a fresh window
  // (rate-limiter-flexible counts in wall-clock time).
  await sleep(200);
  c.emit("join lobby", { username: "Later", location: "Lima" });
  c.emit("check signin status");
  await fence(c);
  assertEquals(c.names(), ["lobby update", "signin status", "signin status", "lobby update"]);
  assertEquals(server.sockets()[0].username, "Later");
  c.close();
});

test("TestServer exempts exactly typing, get rooms and get room state from the per-socket limiter", async () => {
  await using server = await startServer({
    rateLimits: { socketBot: { points: 1, windowMs: 60_000, blockMs: 60_000 } },
  });
  const c = new Raw(server);
  await c.connect();
  for (let i = 0; i < 3; i++) {
    c.emit("get rooms");
    c.emit("get room state", "123456");
    c.emit("typing", { isTyping: true });
  }
  await fence(c);
  assertEquals(c.take(), [
    ...Array(3).fill(0).flatMap(() => [
      ["initial rooms", []],
      ["error", err("NOT_FOUND", "Room not found.")],
    ]),
  ]);
  // "error" is a reserved name: exempt, no handler, and it must not break the socket
  c.emit("error", { anything: true });
  for (const event of ["check signin status", "vote", "leave room", "afk response"]) c.emit(event);
  await fence(c);
  assertEquals(c.take(), [
    ["signin status", { isSignedIn: false, isBot: true, isDev: false }],
    LIMITED,
    LIMITED,
    LIMITED,
  ]);
  assert(c.socket.connected);
  c.close();
});

test("TestServer refuses dev force kick with Access denied and ignores the other dev events when the socket is not a developer", async () => {
  await using server = await startServer();
  const owner = await signedIn(server, "Owner", "Oslo");
  const id = await createRoom(owner);
  const all = [owner];
  await join(owner, id, all);
  // a developer key is ignored, as on a server without DEV_KEY_HASH (the default)
  const dev = new Raw(server);
  await dev.connect({ auth: { devKey: "letmein" } });
  dev.emit("check signin status");
  assertEquals(await dev.until("signin status"), { isSignedIn: false, isBot: true, isDev: false });
  await dev.signIn("Dev", "Desk");
  all.push(dev);
  await join(dev, id, all);
  dev.emit("dev force kick", { targetUserId: owner.userId });
  dev.emit("dev force kick");
  dev.emit("dev force kick", { targetUserId: 42 });
  dev.emit("dev set color", { color: "#123456" });
  dev.emit("dev set vanish", { isVanished: true });
  dev.emit("dev set vanish");
  dev.emit("dev set hide", { isHidden: true });
  await fence(...all);
  const denied = ["error", err("FORBIDDEN", "Access denied.")];
  assertEquals(dev.take(), [denied, denied, denied]);
  assertEquals(owner.take(), []);
  assertEquals(server.room(id)!.users.map((u) => u.username), ["Owner", "Dev"]);
  for (const x of all) x.close();
});

test("TestServer deletes the shared chat buffer when one of two sockets on one cookie disconnects", async () => {
  await using server = await startServer();
  const a = await signedIn(server, "Alice", "Amsterdam");
  const watcher = await signedIn(server, "Wes", "Wells");
  const id = await createRoom(a);
  const all = [a, watcher];
  await join(a, id, all);
  await join(watcher, id, all);
  const twin = new Raw(server, a.ip); // same session: the same user to the server
  twin.cookie = a.cookie;
  assertEquals(await twin.connect(), "connect");
  twin.emit("check signin status");
  assertEquals((await twin.until("signin status") as { userId: string }).userId, a.userId);
  a.emit("chat update", { diff: { type: "add", index: 0, text: "Hi" } });
  await watcher.until("chat update");
  await reset([...all, twin]);
  twin.close();
  await server.waitFor((s) => s.sockets().length === 2);
  await fence(...all);
  assertEquals(watcher.take(), []); // no leave: the survivor is still in the room
  assertEquals(server.room(id)!.messages[a.userId], "");
  a.emit("chat update", { diff: { type: "add", index: 2, text: "!" } });
  assertEquals(await watcher.until("chat update"), {
    userId: a.userId,
    username: "Alice",
    diff: { type: "full-replace", text: "!" },
  });
  assertEquals(server.room(id)!.users.map((u) => u.username), ["Alice", "Wes"]);
  for (const x of all) x.close();
});
