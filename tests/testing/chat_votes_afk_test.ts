import { assertEquals } from "@std/assert";
import { TestUser } from "../../testing/mod.ts";
import { createRoom, fence, join, reset, signedIn, startServer, test } from "./_helpers.ts";

const err = (code: string, message: string) => ({
  error: { code, message, replaceDefaultText: false },
});

async function room3(server: Awaited<ReturnType<typeof startServer>>) {
  const a = await signedIn(server, "Alice", "Amsterdam");
  const b = await signedIn(server, "Bob", "Berlin");
  const c = await signedIn(server, "Carol", "Cairo");
  const all = [a, b, c];
  const id = await createRoom(a);
  for (const x of all) await join(x, id, all);
  return { a, b, c, all, id };
}

test("TestServer re-broadcasts all four diff types as sanitised full-replace to the others only when a user chats", async () => {
  await using server = await startServer();
  const { a, b, c, all, id } = await room3(server);
  const diffs = [
    { type: "full-replace", text: "Hello world" },
    { type: "add", index: 99, text: " again" },
    { type: "delete", index: 5, count: 6 },
    { type: "replace", index: 0, text: "J" },
    { type: "full-replace", text: "line1\r\nline2\u202e end" },
  ];
  for (const diff of diffs) {
    b.emit("chat update", { diff });
    await fence(...all);
  }
  b.emit("chat update", { diff: { type: "bogus" } });
  b.emit("chat update", { diff: { type: "add", index: 0 } });
  b.emit("chat update", { diff: { type: "add", index: -1, text: "x" } });
  b.emit("chat update", { diff: { type: "delete", index: 0 } });
  b.emit("chat update", { nodiff: true });
  await fence(...all);
  const expected = [
    "Hello world",
    "Hello world again",
    "Hello again",
    "Jello again",
    "line1\nline2 end",
  ]
    .map((
      text,
    ) => ["chat update", {
      userId: b.userId,
      username: "Bob",
      diff: { type: "full-replace", text },
    }]);
  assertEquals(a.take(), expected);
  assertEquals(c.take(), expected);
  assertEquals(b.take(), [
    ["error", err("BAD_REQUEST", "Unknown diff type.")],
    ["error", err("BAD_REQUEST", "Diff text must be string.")],
    ["error", err("BAD_REQUEST", "Invalid diff index.")],
    ["error", err("BAD_REQUEST", "Invalid delete count.")],
    ["error", err("BAD_REQUEST", "Invalid chat data.")],
  ]);
  assertEquals(server.room(id)!.messages[b.userId], "line1\nline2 end");
  // two diffs back to back are coalesced into one broadcast
  b.emit("chat update", { diff: { type: "full-replace", text: "a" } });
  b.emit("chat update", { diff: { type: "add", index: 1, text: "b" } });
  await fence(...all);
  assertEquals(a.take(), [["chat update", {
    userId: b.userId,
    username: "Bob",
    diff: { type: "full-replace", text: "ab" },
  }]]);
  for (const x of all) x.close();
});

test("TestServer broadcasts typing with an automatic false after the typing timeout when isTyping is true", async () => {
  await using server = await startServer({ timing: { typingTimeoutMs: 80 } });
  const { a, b, c, all } = await room3(server);
  b.emit("typing", { isTyping: true });
  b.emit("typing", { isTyping: "yes" });
  const stopped = (p: unknown) => (p as { isTyping: boolean }).isTyping === false;
  await a.until("user typing", stopped);
  await c.until("user typing", stopped);
  b.emit("typing", { isTyping: true });
  b.emit("typing", { isTyping: false });
  // The explicit false cleared Bob's typing timer (80 ms), so no automatic false follows. The
  // fence for it is a timer of the same length started later: Alice's typing, once Bob's events
  // were handled. The server's timers of one length fire in the order they were set, so when
  // Alice's automatic false reaches Carol, Bob's would have reached everyone before it.
  await fence(b);
  a.emit("typing", { isTyping: true });
  const alice = (p: unknown) => (p as { userId: string }).userId === a.userId;
  await c.until("user typing", (p) => alice(p) && stopped(p));
  await fence(...all);
  const t = (isTyping: boolean) => ["user typing", { userId: b.userId, username: "Bob", isTyping }];
  const tA = (isTyping: boolean) => [
    "user typing",
    { userId: a.userId, username: "Alice", isTyping },
  ];
  assertEquals(a.take(), [t(true), t(false), t(true), t(false)]);
  assertEquals(c.take(), [t(true), t(false), t(true), t(false), tA(true), tA(false)]);
  assertEquals(b.take(), [tA(true), tA(false)]);
  for (const x of all) x.close();
});

test("TestServer toggles votes, kicks at more than half and bans the target when two of three vote", async () => {
  await using server = await startServer();
  const { a, b, c, all, id } = await room3(server);
  a.emit("vote", { targetUserId: a.userId });
  a.emit("vote", { targetUserId: "nobody" });
  a.emit("vote", { targetUserId: b.userId });
  a.emit("vote", { targetUserId: b.userId });
  a.emit("vote", { targetUserId: b.userId });
  await fence(...all);
  assertEquals(a.take(), [["update votes", { [a.userId]: b.userId }], ["update votes", {}], [
    "update votes",
    { [a.userId]: b.userId },
  ]]);
  await reset(all);
  c.emit("vote", { targetUserId: b.userId });
  await fence(...all);
  const names = (b.take() as [string, unknown][]).map(([n, p]) =>
    n === "update votes" ? `${n} ${Object.keys(p as object).length}` : n
  );
  assertEquals(names, [
    "update votes 2",
    "kicked",
    "update votes 0",
    "user left",
    "room update",
    "lobby update",
  ]);
  assertEquals((a.take() as [string][]).map(([n]) => n), [
    "update votes",
    "update votes",
    "user left",
    "room update",
  ]);
  assertEquals(server.room(id)!.banned, [b.userId]);
  b.emit("join room", { roomId: id });
  assertEquals(await b.until("error"), err("FORBIDDEN", "You are banned from this room."));
  for (const x of all) x.close();
});

test("TestServer warns and removes an idle user when the AFK timers expire", async () => {
  await using server = await startServer({ timing: { afkWarningMs: 100, afkTimeoutMs: 200 } });
  const a = await signedIn(server, "Idle", "Ibiza");
  const id = await createRoom(a);
  await join(a, id, [a]);
  await a.until("lobby update", () => true, 1000);
  assertEquals(
    (a.take() as [string, unknown][]).map(([n, p]) =>
      n === "afk warning" || n === "afk timeout" ? [n, p] : n
    ),
    [
      ["afk warning", { message: "You have been inactive.", secondsRemaining: 30 }],
      ["afk timeout", { message: "Removed from room due to inactivity.", redirectTo: "/" }],
      "update votes",
      "user left",
      "room update",
      "lobby update",
    ],
  );
  assertEquals(server.room(id)!.users, []);
  a.close();
});

test("TestServer closes a room with a single occupant and deletes unjoined rooms when the sweeps run", async () => {
  await using server = await startServer({
    timing: {
      pressureIntervalMs: 50,
      pressureTiers: [{ threshold: 0, ttlMs: 100 }],
      emptyRoomSweepIntervalMs: 50,
      emptyRoomMaxAgeMs: 100,
    },
  });
  const a = await signedIn(server, "Solo", "Sofia");
  const id = await createRoom(a);
  // Not join(): it clears the events once quiet, and the closure may come before that.
  a.emit("join room", { roomId: id });
  const closure = await a.until("afk timeout", () => true, 2000);
  assertEquals(closure, {
    message:
      "Your room was closed due to extended single-occupancy. You can create a new room anytime.",
    redirectTo: "/",
  });
  await server.waitFor((s) => s.room(id) === undefined, { timeoutMs: 1000 });
  const b = await signedIn(server, "Bea", "Bern");
  const id2 = await createRoom(b, { name: "Empty", type: "public", layout: "vertical" });
  await server.waitFor((s) => s.room(id2) === undefined, { timeoutMs: 2000 });
  a.close();
  b.close();
});

test("TestUser types letter by letter, deletes, replaces and presses Enter when chatting with another user", async () => {
  await using server = await startServer();
  await using alice = await TestUser.connect(server, { username: "Alice", location: "Here" });
  await using bob = await TestUser.connect(server, { username: "Bob", location: "There" });
  const id = await alice.createRoom({ name: "Lounge" });
  await alice.joinRoom(id);
  await bob.joinRoom(id);
  await alice.type("Hellp", { cps: 200 });
  await alice.backspace(1, { cps: 200 });
  await alice.type("o", { cps: 200 });
  await alice.replace(0, "J");
  await alice.pressEnter();
  await bob.waitFor("chat update", (p: { diff: { text: string } }) => p.diff.text === "Jello\n", {
    since: 0,
  });
  assertEquals(bob.texts[alice.userId!], "Jello\n");
  assertEquals(alice.text, "Jello\n");
  assertEquals(server.room(id)!.messages[alice.userId!], "Jello\n");
  await alice.send("bye");
  await bob.waitFor("chat update", (p: { diff: { text: string } }) => p.diff.text === "bye", {
    since: 0,
  });
  await bob.leaveRoom();
  assertEquals(bob.roomId, null);
});
