// The "Testing your bot" example of README.md, verbatim, so the README cannot rot.
import { assertEquals } from "@std/assert";
import { Bot } from "@talkomatic/talkomatic";
import { TestServer, TestUser } from "@talkomatic/talkomatic/testing";

Deno.test("the greeter bot welcomes people who join its room", async () => {
  await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
  await using alice = await TestUser.connect(server, { username: "Alice", location: "Tests" });
  const roomId = await alice.createRoom({ name: "Greetings", type: "public" });
  await alice.joinRoom(roomId);

  await using bot = new Bot({
    username: "Greeter",
    location: "Tests",
    server: server.url,
    token: server.issueToken(),
  });
  bot.on("userJoined", (ctx) => ctx.reply(`Welcome, ${ctx.user.name}!`));
  await bot.start();
  await bot.joinRoom(roomId);

  await using bob = await TestUser.connect(server, { username: "Bob", location: "Tests" });
  await bob.joinRoom(roomId);
  await server.waitFor(() => bob.texts[bot.me!.id] === "Welcome, Bob!");
  assertEquals(server.room(roomId)?.messages[bot.me!.id], "Welcome, Bob!");
});
