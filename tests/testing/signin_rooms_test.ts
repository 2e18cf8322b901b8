import { assertEquals } from "@std/assert";
import { createRoom, fence, join, Raw, reset, signedIn, startServer, test } from "./_helpers.ts";

const err = (code: string, message: string) => ({
  error: { code, message, replaceDefaultText: false },
});

test("TestServer handshake rejects with the real connect_error messages when the token is missing, invalid or not a string", async () => {
  await using server = await startServer();
  assertEquals(await new Raw(server).connect({ token: null }), "Bot token required");
  assertEquals(await new Raw(server).connect({ token: "tk_invalid" }), "Invalid bot token");
  assertEquals(await new Raw(server).connect({ token: 42 }), "Connection setup failed");
  const browser = {
    "User-Agent": "Mozilla/5.0",
    "Accept-Language": "en",
    "Accept": "text/html",
  };
  assertEquals(
    await new Raw(server).connect({ headers: browser }),
    "Bot tokens not allowed in browsers",
  );
  const human = new Raw(server);
  assertEquals(await human.connect({ token: null, headers: browser }), "connect");
  human.emit("check signin status");
  assertEquals(await human.until("signin status"), {
    isSignedIn: false,
    isBot: false,
    isDev: false,
  });
  human.close();
});

test("TestServer signs in with lobby update before signin status and reports validation errors when fields are bad", async () => {
  await using server = await startServer();
  const a = new Raw(server);
  await a.connect();
  a.emit("check signin status");
  a.emit("join lobby", { username: "Alice", location: "Amsterdam" });
  a.emit("join lobby", { username: "x".repeat(16), location: 5 });
  a.emit("join lobby", { username: "   " });
  a.emit("join lobby", "nope");
  a.emit("join lobby", { username: "\u202e" });
  a.emit("join lobby", { username: "fuckface" });
  a.emit("join lobby", { username: "Bob\tOne", location: "" });
  await fence(a);
  const id = (a.events[2][1] as { userId: string }).userId;
  assertEquals(id.length, 32);
  const signedIn = { isSignedIn: true, userId: id, isIPBased: false, isBot: true, isDev: false };
  const bobOne = { ...signedIn, username: "BobOne", location: "On The Web" };
  assertEquals(a.take(), [
    ["signin status", { isSignedIn: false, isBot: true, isDev: false }],
    ["lobby update", []],
    ["signin status", { ...signedIn, username: "Alice", location: "Amsterdam" }],
    ["validation_error", {
      username: "Username must be at most 15 characters.",
      location: "Location must be a string.",
    }],
    ["validation_error", { username: "Username cannot be empty." }],
    ["error", err("BAD_REQUEST", "Invalid data.")],
    ["error", err("VALIDATION_ERROR", "Username contains no valid characters.")],
    ["error", err("VALIDATION_ERROR", "Username contains forbidden words.")],
    ["lobby update", []],
    ["signin status", bobOne],
  ]);
  a.emit("check signin status");
  await fence(a);
  // check signin status adds isHidden to what join lobby answered
  assertEquals(a.take(), [["signin status", { ...bobOne, isHidden: false }], ["lobby update", []]]);
  a.close();
});

test("TestServer runs the create, join and leave sequences of PROTOCOL §6 when two users meet in a room", async () => {
  await using server = await startServer();
  const a = await signedIn(server, "Alice", "Amsterdam");
  const b = await signedIn(server, "Bob", "Berlin");
  const all = [a, b];
  await reset(all);
  const id = await createRoom(a, { name: "Test <b>Room</b>", type: "public", layout: "vertical" });
  await fence(...all);
  const lobbyRoom = (n: number, users: unknown[]) => ({
    id,
    name: "Test <b>Room</b>",
    type: "public",
    layout: "vertical",
    isFull: false,
    userCount: n,
    visibleUserCount: n,
    lastChatActivity: 0,
    createdAt: server.room(id)!.createdAt,
    users,
  });
  assertEquals(a.take(), [["room created", id], ["lobby update", [lobbyRoom(0, [])]]]);
  assertEquals(b.take(), [["lobby update", [lobbyRoom(0, [])]]]);
  const ua = { id: a.userId, username: "Alice", location: "Amsterdam" };
  const ub = { id: b.userId, username: "Bob", location: "Berlin" };
  await join(a, id, all);
  b.emit("join room", { roomId: id });
  await fence(...all);
  const snap = (users: unknown[], messages: Record<string, string>) => ({
    id,
    name: "Test <b>Room</b>",
    type: "public",
    layout: "vertical",
    users,
    votes: {},
    currentMessages: messages,
    isFull: false,
    userCount: users.length,
    visibleUserCount: users.length,
  });
  assertEquals(a.take(), [
    ["user joined", { ...ub, roomName: "Test <b>Room</b>", roomType: "public" }],
    ["room update", snap([ua, ub], { [a.userId]: "", [b.userId]: "" })],
  ]);
  assertEquals(b.take(), [
    ["room joined", {
      roomId: id,
      userId: b.userId,
      username: "Bob",
      location: "Berlin",
      isDev: false,
      isHidden: false,
      isVanished: false,
      roomName: "Test <b>Room</b>",
      roomType: "public",
      users: [ua, ub],
      layout: "vertical",
      votes: {},
      currentMessages: { [a.userId]: "", [b.userId]: "" },
    }],
    ["room update", snap([ua, ub], { [a.userId]: "", [b.userId]: "" })],
  ]);
  b.emit("join room", { roomId: id });
  b.emit("create room", { name: "Other", type: "public", layout: "vertical" });
  b.emit("leave room");
  await fence(...all);
  assertEquals(b.take(), [
    ["error", err("FORBIDDEN", "This username/location is already in a room.")],
    ["error", err("FORBIDDEN", "Already in a room.")],
    ["update votes", {}],
    ["user left", b.userId],
    ["room update", snap([ua], { [a.userId]: "" })],
    ["lobby update", [lobbyRoom(1, [ua])]],
  ]);
  assertEquals(a.take(), [
    ["update votes", {}],
    ["user left", b.userId],
    ["room update", snap([ua], { [a.userId]: "" })],
  ]);
  a.close();
  b.close();
});

test("TestServer answers access code required, bad format, wrong code and room full when joining is refused", async () => {
  await using server = await startServer();
  const owner = await signedIn(server, "Owner", "Oslo");
  const id = await createRoom(owner, {
    name: "Secret",
    type: "semi-private",
    layout: "horizontal",
    accessCode: "123456",
  });
  const all = [owner];
  await join(owner, id, all);
  const c = await signedIn(server, "Carol", "Cairo");
  c.emit("join room", { roomId: id });
  c.emit("join room", { roomId: id, accessCode: "12ab" });
  c.emit("join room", { roomId: id, accessCode: "000000" });
  c.emit("join room", { roomId: "999999" });
  c.emit("join room", { roomId: Number(id) });
  c.emit("join room", {});
  await fence(c);
  assertEquals(c.take(), [
    ["access code required", undefined],
    ["error", err("VALIDATION_ERROR", "Invalid access code format.")],
    ["error", err("FORBIDDEN", "Incorrect access code.")],
    ["room not found", err("NOT_FOUND", "Room not found.")],
    ["room not found", err("NOT_FOUND", "Room not found.")],
    ["error", err("BAD_REQUEST", "Invalid data.")],
  ]);
  for (let i = 0; i < 4; i++) {
    const u = await signedIn(server, `User${i}`, "Here");
    all.push(u);
    await join(u, id, all, "123456");
  }
  assertEquals(server.room(id)!.users.length, 5);
  c.emit("join room", { roomId: id, accessCode: "123456" });
  assertEquals(await c.until("room full"), err("ROOM_FULL", "Room is full."));
  for (const x of [...all, c]) x.close();
});

test("TestServer lets an unsigned user join anonymously but refuses it room creation", async () => {
  await using server = await startServer();
  const owner = await signedIn(server, "Owner", "Oslo");
  const id = await createRoom(owner, { name: "Open", type: "private", layout: "vertical" });
  const anon = new Raw(server);
  await anon.connect();
  anon.emit("create room", { name: "X", type: "public", layout: "vertical" });
  anon.emit("get rooms");
  anon.emit("join room", { roomId: id });
  await fence(anon);
  const [e, rooms, joined] = anon.take() as [string, unknown][];
  assertEquals(e, ["error", err("UNAUTHORIZED", "Sign in to create a room.")]);
  assertEquals(rooms, ["initial rooms", []]);
  assertEquals((joined[1] as { username: string; location: string }).username, "Anonymous");
  anon.emit("create room", { name: "X", type: "public", layout: "vertical" });
  assertEquals(await anon.until("error"), err("FORBIDDEN", "Anonymous users cannot create rooms."));
  anon.close();
  owner.close();
});
