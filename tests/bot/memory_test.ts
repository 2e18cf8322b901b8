// A bot that runs for weeks: what it keeps does not grow with time alone.
import { assertEquals } from "@std/assert";
import { makeBot, person, roomWith, startServer, until } from "./_helpers.ts";

function lobbyRoom(n: number, users: { id: string; username: string; location: string }[]) {
  return {
    id: String(100000 + n),
    name: `Room ${n}`,
    type: "public",
    layout: "vertical",
    isFull: users.length >= 5,
    userCount: users.length,
    visibleUserCount: users.length,
    lastChatActivity: 0,
    createdAt: Date.now(),
    users,
  };
}

Deno.test("bot.users holds the lobby's and the room's users, not everyone ever seen", async () => {
  await using server = await startServer();
  await using bot = makeBot(server);
  await bot.start();
  // 1000 people pass through the lobby, 5 rooms of 2 at a time.
  let lobbyUpdates = 0;
  bot.on("lobbyUpdate", () => void lobbyUpdates++);
  for (let wave = 0; wave < 100; wave++) {
    const rooms = [0, 1, 2, 3, 4].map((r) =>
      lobbyRoom(
        r,
        [0, 1].map((u) => {
          const n = wave * 10 + r * 2 + u;
          return { id: `user-${String(n).padStart(27, "0")}`, username: `P${n}`, location: "Town" };
        }),
      )
    );
    server.emitRaw(bot.me!.id, "lobby update", rooms);
  }
  await until(() => lobbyUpdates === 100, "the lobby updates");
  assertEquals(bot.users.size, 10);
  assertEquals(bot.rooms.length, 5);
  // People come and go through the bot's room.
  await using host = await person(server, "Host");
  const id = await roomWith(bot, host);
  assertEquals(
    bot.rooms,
    [],
    "no lobby updates reach a room: the list is forgotten, not kept stale",
  );
  assertEquals((await bot.refreshRooms()).map((r) => r.id), [id]);
  for (let i = 0; i < 30; i++) {
    await using guest = await person(server, `Guest${i}`);
    await guest.joinRoom(id);
    await until(() => bot.room?.users.length === 3, `guest ${i} in`);
    await guest.send(`/hello ${i}`);
  }
  await until(() => bot.room?.users.length === 2, "the last guest out");
  const kept = [...bot.users.values()].map((u) => u.name).sort();
  assertEquals(kept.filter((n) => n.startsWith("Guest")), []);
  assertEquals(kept.includes("Host") && kept.includes("TestBot"), true);
  assertEquals(bot.users.size <= 12, true, `${bot.users.size} users kept`);
});
