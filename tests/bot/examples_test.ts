// Examples run unchanged as subprocesses against the local server.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import type { TestServer } from "../../testing/mod.ts";
import { person, startServer, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

/** Runs an example against `server`; dispose to stop it. */
function runExample(
  server: TestServer,
  name: string,
  env: Record<string, string> = {},
): AsyncDisposable {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(`../../examples/${name}`, import.meta.url).pathname],
    env: { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.issueToken(), ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  return {
    async [Symbol.asyncDispose]() {
      child.kill("SIGTERM");
      await child.status;
      await child.stderr.cancel();
    },
  };
}

Deno.test("examples/notes.ts keeps notes in a file, with a cooldown, a quiz and a last-seen line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/notes.json`;
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    await using _bot = runExample(server, "notes.ts", { NOTES_FILE: file });
    const room = await until(
      () =>
        server.rooms().find((r) =>
          r.name === "Notes" && r.users.some((u) => u.username === "Notes Bot")
        ),
      "the bot in its room",
      15_000,
    );
    await alice.joinRoom(room.id);
    const botId = room.users.find((u) => u.username === "Notes Bot")!.id;
    const box = () => alice.texts[botId] ?? "";
    await until(() => box().includes("Last seen:\nAlice: not typed yet"), "the last-seen line");
    assert(box().startsWith("Notes Bot: /note add <text>"), box());

    await enter(alice, "/note add buy milk");
    await until(() => box().endsWith("\nAlice, noted (1)."), "the note");
    await enter(alice, "/note add eggs"); // inside the cooldown of /note add
    await until(() => /Alice, wait \d s before adding a note\.$/.test(box()), "the cooldown");
    await enter(alice, "/note list"); // /note list has none
    await until(() => box().endsWith("Alice's notes:\n1. buy milk"), "the list");
    await until(async () => {
      const text = await Deno.readTextFile(file).catch(() => "{}");
      return JSON.stringify(JSON.parse(text)) === '{"alice/town":{"notes":["buy milk"]}}';
    }, "the session file");

    await enter(alice, "/quiz");
    await until(() => /\nAlice: [^\n]+\?$/.test(box()), "the question");
    await enter(alice, "42");
    await until(() => /\n(Right, Alice!|No, Alice: it is \w+\.)$/.test(box()), "the verdict");
    assertStringIncludes(box(), "Last seen:\nAlice: ");
    assert(box().length <= 5000);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("examples/notes.ts keeps running when a person leaves right after /quiz", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await using server = await startServer();
    await using alice = await person(server, "Alice");
    await using mallory = await person(server, "Mallory");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../examples/notes.ts", import.meta.url).pathname],
      env: {
        TALKOMATIC_URL: server.url,
        TALKOMATIC_TOKEN: server.issueToken(),
        NOTES_FILE: `${dir}/notes.json`,
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    let exited = false;
    const status = child.status.finally(() => exited = true);
    try {
      const room = await until(
        () =>
          server.rooms().find((r) =>
            r.name === "Notes" && r.users.some((u) => u.username === "Notes Bot")
          ),
        "the bot in its room",
        15_000,
      );
      const botId = room.users.find((u) => u.username === "Notes Bot")!.id;
      await alice.joinRoom(room.id);
      for (let i = 0; i < 3; i++) {
        await mallory.joinRoom(room.id);
        const since = alice.events.length;
        await enter(mallory, "/quiz");
        // The server drops a leaving person's chat still in its batch: once Alice has the line,
        // the batch went out to the bot too (one loop sends it to every other member).
        await alice.waitFor<{ userId: string; diff: { text?: string } }>(
          "chat update",
          (p) => p.userId === mallory.userId && (p.diff.text ?? "").endsWith("/quiz\n"),
          { since },
        );
        await mallory.leaveRoom(); // before the question had its turn to be sent
      }
      await enter(alice, "/note list");
      await until(() => (alice.texts[botId] ?? "").endsWith("Alice, no notes."), "an answer");
      assertEquals(exited, false);
    } finally {
      child.kill("SIGTERM");
      await status;
    }
    const errors = await stderr;
    assert(!errors.includes("Uncaught"), errors);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("examples/parrot.ts stays within its box however much people type", async () => {
  await using server = await startServer();
  await using ann = await person(server, "Ann");
  await using ben = await person(server, "Ben");
  const id = await ann.createRoom({ name: "Chatter" });
  await ann.joinRoom(id);
  await ben.joinRoom(id);
  await using _bot = runExample(server, "parrot.ts");
  const parrot = await until(
    () => server.room(id)?.users.find((u) => u.username === "Parrot"),
    "the parrot",
    15_000,
  );
  const box = () => ann.texts[parrot.id] ?? "";
  await until(() => box().includes("Ben: "), "the parrot's lines");
  await ann.send("a".repeat(4990));
  await ben.send(`${"😀".repeat(2000)}\n${"b".repeat(990)}`);
  await until(() => box().includes("Ann: aaa") && box().includes("Ben: 😀😀"), "both long texts");
  const lines = box().split("\n");
  assertEquals(lines[0], "Parrot: I repeat what you type.");
  assert(box().length <= 5000, `${box().length} characters`);
  assert(lines[1].endsWith("…") && lines[2].endsWith("…"), "each line cut to its share");
  assert(box().isWellFormed());
});

Deno.test("examples/draw.ts draws on the board on /draw from the board chat and the room text", async () => {
  await using server = await startServer();
  await using alice = await person(server, "Alice");
  await using _bot = runExample(server, "draw.ts");
  const room = await until(
    () =>
      server.rooms().find((r) =>
        r.name === "Draw" && r.users.some((u) => u.username === "Draw Bot")
      ),
    "the bot in its room",
    15_000,
  );
  const botId = room.users.find((u) => u.username === "Draw Bot")!.id;
  await alice.joinRoom(room.id);
  const since = alice.events.length;
  alice.emit("board open");
  alice.emit("board chat", { text: "/draw square" });
  const done = await alice.waitFor<{ userId: string; text: string }>(
    "board chat",
    (p) => p.userId === botId,
    { since, timeoutMs: 10_000 },
  );
  assertEquals(done.text, "Done, Alice!");
  const start = await alice.waitFor<{ color: string; point: { x: number; y: number } }>(
    "board stroke start",
    () => true,
    { since },
  );
  assertEquals([start.color, start.point], ["#e53935", { x: 100, y: 100 }]);
  await enter(alice, "/draw text hi");
  await until(() => alice.texts[botId] === "Done, Alice!", "the answer in the room text", 10_000);
  alice.emit("board close");
  alice.emit("board open");
  const state = await alice.waitFor<{ strokes: { color: string }[] }>(
    "board state",
    (p) => p.strokes.length > 1,
    { since },
  );
  // the square, then "hi" in small capitals: H (3 strokes) and I (3 strokes)
  assertEquals(state.strokes.map((s) => s.color), ["#e53935", ...Array(6).fill("#43a047")]);
});
