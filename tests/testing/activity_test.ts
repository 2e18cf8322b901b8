// TestServerOptions.activity: one readable line per notable event, never a token value.
import { assert, assertEquals, assertRejects } from "@std/assert";
import { TestServer } from "../../testing/mod.ts";
import { createRoom, fence, join, Raw, reset, signedIn, startServer, test } from "./_helpers.ts";

test("TestServer activity log explains sign-ins, rooms, joins, leaves, kicks and refusals in one line each", async () => {
  const lines: string[] = [];
  await using server = await startServer({ activity: (line) => lines.push(line) });
  const token = server.issueToken();
  const stranger = new Raw(server, "10.20.0.9");
  assertEquals(await stranger.connect({ token: "tk_wrong" }), "Invalid bot token");
  assertEquals(await stranger.connect({ token: null }), "Bot token required");
  const a = await signedIn(server, "Alice", "Amsterdam");
  const b = await signedIn(server, "Bob", "Berlin");
  const c = await signedIn(server, "Carl", "Cork");
  const all = [a, b, c];
  const id = await createRoom(a, { name: "Lounge", type: "public", layout: "vertical" });
  for (const x of all) await join(x, id, all);
  a.emit("vote", { targetUserId: c.userId });
  b.emit("vote", { targetUserId: c.userId });
  await c.until("kicked");
  b.emit("leave room");
  await b.until("lobby update");
  a.close();
  await server.waitFor((s) => s.room(id)!.users.length === 0);
  await reset(all);
  const rest = await fetch(`${server.url}/api/v1/health`, {
    headers: { Authorization: "Bearer tk_nope", "X-Forwarded-For": "10.20.0.7" },
  });
  await rest.body?.cancel();
  const created = await fetch(`${server.url}/api/v1/rooms`, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${token}`,
      "x-api-key": server.apiKey,
      "Content-Type": "application/json",
      "X-Forwarded-For": "10.20.0.8",
    },
    body: JSON.stringify({ name: "Via REST", type: "private", layout: "horizontal" }),
  });
  const restId = (await created.json()).roomId;
  await fence(...all);
  const room = `"Lounge" (${id})`;
  assertEquals(lines, [
    "refused connection from 10.20.0.9: Invalid bot token",
    "refused connection from 10.20.0.9: Bot token required",
    `"Alice" from "Amsterdam" signed in (bot, ${a.ip})`,
    `"Bob" from "Berlin" signed in (bot, ${b.ip})`,
    `"Carl" from "Cork" signed in (bot, ${c.ip})`,
    `"Alice" created public room ${room}`,
    `"Alice" joined room ${room} (1 of 5)`,
    `"Bob" joined room ${room} (2 of 5)`,
    `"Carl" joined room ${room} (3 of 5)`,
    `"Carl" was voted out of room ${room} and banned`,
    `"Bob" left room ${room}`,
    `"Alice" left room ${room}: disconnected`,
    "refused GET /api/v1/health from 10.20.0.7: 401 INVALID_BOT_TOKEN Invalid or expired bot token",
    `REST client 10.20.0.8 created private room "Via REST" (${restId})`,
  ]);
  assert(!lines.some((l) => l.includes("tk_")), "no token value in the log");
  for (const x of all) x.close();
});

test("TestServer activity log tells when the AFK timer removes a user", async () => {
  const lines: string[] = [];
  await using server = await startServer({
    activity: (line) => lines.push(line),
    timing: { afkWarningMs: 50, afkTimeoutMs: 100 },
  });
  const dora = await signedIn(server, "Dora", "Dover");
  const id = await createRoom(dora, { name: "Idle", type: "public", layout: "vertical" });
  dora.emit("join room", { roomId: id });
  await dora.until("afk timeout");
  assertEquals(lines.slice(-1), [`"Dora" removed from room "Idle" (${id}): AFK for 0.1 s`]);
  dora.close();
});

test("TestServer activity log names the socket, the limit and the event of each dropped packet", async () => {
  const lines: string[] = [];
  await using server = await startServer({ activity: (line) => lines.push(line) });
  const bot = await signedIn(server, "Echo Bot", "Tests"); // 1 point of 500
  for (let i = 0; i < 499; i++) bot.emit("leave lobby");
  bot.emit("chat update", { diff: { type: "full-replace", text: "hi" } });
  await bot.until("error");
  const anonymous = new Raw(server, "10.20.1.1");
  await anonymous.connect({
    token: null,
    headers: { "User-Agent": "Mozilla/5.0", "Accept-Language": "en", "Accept": "text/html" },
  });
  for (let i = 0; i < 76; i++) anonymous.emit("get rooms"); // exempt: never dropped
  for (let i = 0; i < 76; i++) anonymous.emit("leave lobby");
  await anonymous.until("error");
  await fence(bot, anonymous);
  assertEquals(lines.slice(1), [
    'RATE_LIMITED: socket of "Echo Bot" over 500 events/60 s, event "chat update" dropped',
    `RATE_LIMITED: socket ${anonymous.socket.id} from 10.20.1.1 over 75 events/1 s, event "leave lobby" dropped`,
  ]);
  bot.close();
  anonymous.close();
});

test("TestServer keeps the activity log off by default and survives a callback that throws", async () => {
  await assertRejects(
    // deno-lint-ignore no-explicit-any
    () => TestServer.start({ activity: "yes" as any }),
    TypeError,
    'Cannot use option "activity" "yes": expected a function',
  );
  await using server = await startServer({
    activity: () => {
      throw new Error("broken log");
    },
  });
  const a = await signedIn(server, "Alice", "Amsterdam");
  const id = await createRoom(a);
  await join(a, id, [a]);
  assertEquals(server.room(id)!.users.length, 1);
  assertEquals("activity" in server.options, false);
  a.close();
});
