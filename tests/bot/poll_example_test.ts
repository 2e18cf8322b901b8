// examples/poll.ts, the poll bot of issue 20, run unchanged as a subprocess
// against the local server and used by a scripted person.
import { assert, assertEquals } from "@std/assert";
import { person, startServer, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test("examples/poll.ts: a poll with votes, a cooldown, a typed follow-up, closed by a schedule", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/poll.json`;
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../examples/poll.ts", import.meta.url).pathname],
      env: {
        TALKOMATIC_URL: server.url,
        TALKOMATIC_TOKEN: server.issueToken(),
        POLL_FILE: file,
        POLL_SECONDS: "3",
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      const room = await until(
        () =>
          server.rooms().find((r) =>
            r.name === "Poll" && r.users.some((u) => u.username === "Poll Bot")
          ),
        "the bot in its room",
        15_000,
      );
      await alice.joinRoom(room.id);
      const botId = room.users.find((u) => u.username === "Poll Bot")!.id;
      const box = () => alice.texts[botId] ?? "";
      const title = 'Poll Bot: /poll "question" a b c, /vote <n>, /results';
      await until(() => box() === title, "the title");

      await enter(alice, '/poll "Lunch?" pizza salad');
      const open = `${title}\nLunch? (open)\n1. pizza: 0\n2. salad: 0`;
      await until(() => box() === `${open}\nAlice: Poll open for 3 s`, "the poll");
      await enter(alice, "/vote");
      await until(
        () => box() === `${open}\nAlice: Missing required argument <n>\nUsage: /vote <n>`,
        "the usage error, under the poll",
      );
      await enter(alice, "/vote 1");
      const voted = `${title}\nLunch? (open)\n1. pizza: 1\n2. salad: 0`;
      await until(() => box() === `${voted}\nAlice: voted for pizza`, "the vote");
      await enter(alice, '/poll "Again?" a b');
      await until(() => /\nAlice: Next poll in \d+ s$/.test(box()), "the cooldown of /poll");
      await enter(alice, "/ask"); // waits while the schedule closes the poll
      await until(() => box().endsWith("Alice: How many stars for this poll, 1 to 5?"), "/ask");
      await until(() => box().includes("Lunch? (closed)"), "the poll closed by the schedule");
      await enter(alice, "9");
      await until(
        () => box().endsWith("Alice: 1 to 5, please. How many stars for this poll, 1 to 5?"),
        "the re-ask",
      );
      await enter(alice, "4");
      await until(() => box().endsWith("Alice: thanks for the ****"), "the typed answer");
      await enter(alice, "/vote 2");
      await until(() => box().endsWith("Alice: No poll is open"), "no vote after the close");
      await enter(alice, "/reslts");
      await until(
        () => box().endsWith("Alice: Unknown command /reslts. Did you mean /results?"),
        "the suggestion",
      );
      const stored = await until(async () => {
        const poll = JSON.parse(await Deno.readTextFile(file).catch(() => "{}")).poll;
        return poll && poll.open === false && poll;
      }, "the closed poll in the file");
      assertEquals(stored, {
        question: "Lunch?",
        choices: ["pizza", "salad"],
        votes: { "alice/town": 0 },
        open: false,
      });
    } finally {
      child.kill("SIGTERM");
      assertEquals((await child.status).code, 0);
      const err = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
      assert(!err.includes("Error"), err);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
