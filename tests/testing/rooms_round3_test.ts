// Room rules checked in round 3 (issue 22), asserted on the events of PROTOCOL.md: a room fills
// to 5 and refuses a 6th (§8.4), majority votes with 5 people and a withdrawn vote (§9), and a
// rename while in a room (§4.2, §16.17).
import { assertEquals } from "@std/assert";
import {
  createRoom,
  fence,
  join,
  type Raw,
  reset,
  signedIn,
  startServer,
  test,
} from "./_helpers.ts";

const NAMES = [["Ann", "Amsterdam"], ["Ben", "Bergen"], ["Cat", "Cairo"], ["Dan", "Dublin"], [
  "Eve",
  "Essen",
]];

async function room5(server: Awaited<ReturnType<typeof startServer>>) {
  const all: Raw[] = [];
  for (const [name, location] of NAMES) all.push(await signedIn(server, name, location));
  const id = await createRoom(all[0]);
  for (const x of all) await join(x, id, all);
  return { all, id };
}

test("TestServer fills a room to 5 and answers a 6th with room full, leaving the room as it was", async () => {
  await using server = await startServer();
  const { all, id } = await room5(server);
  const sixth = await signedIn(server, "Fay", "Faro");
  sixth.emit("join room", { roomId: id });
  assertEquals(await sixth.until("room full"), {
    error: { code: "ROOM_FULL", message: "Room is full.", replaceDefaultText: false },
  });
  await fence(sixth, ...all);
  assertEquals(sixth.names().filter((n) => n !== "room full"), []);
  for (const x of all) assertEquals(x.take(), [], "nobody in the room hears of it");
  assertEquals(server.room(id)!.users.length, 5);
  const listed = server.rooms().find((r) => r.id === id)!;
  assertEquals(listed.users.length, 5);
  sixth.emit("get rooms");
  const rooms = await sixth.until("initial rooms") as { id: string; isFull: boolean }[];
  assertEquals(rooms.find((r) => r.id === id)!.isFull, true);
  for (const x of [...all, sixth]) x.close();
});

test("TestServer kicks with 3 votes of 5 (more than half) and not with 2, and a second vote withdraws", async () => {
  await using server = await startServer();
  const { all, id } = await room5(server);
  const [ann, ben, cat, dan, eve] = all;
  ben.emit("vote", { targetUserId: eve.userId });
  cat.emit("vote", { targetUserId: eve.userId });
  await fence(ben, cat);
  assertEquals(server.room(id)!.users.length, 5, "2 of 5 is not more than half");
  // Cat votes again for Eve: withdrawn, everyone is told
  await reset(all);
  cat.emit("vote", { targetUserId: eve.userId });
  await fence(cat, ...all);
  for (const x of all) assertEquals(x.take(), [["update votes", { [ben.userId]: eve.userId }]]);
  // Cat and Dan vote: 3 of 5, Eve is kicked and banned
  cat.emit("vote", { targetUserId: eve.userId });
  dan.emit("vote", { targetUserId: eve.userId });
  await eve.until("kicked");
  await fence(...all);
  assertEquals(server.room(id)!.users.map((u) => u.username), ["Ann", "Ben", "Cat", "Dan"]);
  assertEquals(server.room(id)!.banned, [eve.userId]);
  assertEquals(server.room(id)!.votes, {}, "the votes against the leaver are gone");
  // with 4 left, 2 votes are not enough and 3 are
  await reset(all);
  ann.emit("vote", { targetUserId: dan.userId });
  ben.emit("vote", { targetUserId: dan.userId });
  await fence(ann, ben);
  assertEquals(server.room(id)!.users.length, 4);
  cat.emit("vote", { targetUserId: dan.userId });
  await dan.until("kicked");
  for (const x of all) x.close();
});

test("TestServer keeps the old name in the room's lists after a rename in the room, and uses the new one in broadcasts", async () => {
  await using server = await startServer();
  const a = await signedIn(server, "Bob", "Berlin");
  const b = await signedIn(server, "Ann", "Athens");
  const id = await createRoom(a);
  for (const x of [a, b]) await join(x, id, [a, b]);
  a.emit("join lobby", { username: "Robert", location: "Rome" });
  await a.until("signin status");
  await reset([a, b]);
  a.emit("chat update", { diff: { type: "full-replace", text: "hi" } });
  a.emit("typing", { isTyping: false });
  a.emit("board chat", { text: "yo" });
  a.emit("board cursor", { x: 1, y: 2 });
  await b.until("chat update");
  await fence(a, b);
  const got = Object.fromEntries(
    (b.take() as [string, { username?: string }][]).map(([n, p]) => [n, p.username]),
  );
  assertEquals(got, {
    "user typing": "Robert",
    "board chat": "Robert",
    "board cursor": "Robert",
    "chat update": "Robert",
  });
  assertEquals(server.room(id)!.users.find((u) => u.id === a.userId)!.username, "Bob");
  // the stale list still holds the name+location: bob/BERLIN is refused a room (§8.6)
  const c = await signedIn(server, "bob", "BERLIN");
  c.emit("join room", { roomId: id });
  assertEquals(await c.until("error"), {
    error: {
      code: "FORBIDDEN",
      message: "This username/location is already in a room.",
      replaceDefaultText: false,
    },
  });
  for (const x of [a, b, c]) x.close();
});
