// `talkomatic rooms`, `room`, `health` and the command's bad input, run as
// subprocesses against the local server on 127.0.0.1.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { TestServer, TestUser } from "../../testing/mod.ts";
import { CLI, type Ran, talkomatic } from "./_cli.ts";

function hasScript(): boolean {
  try {
    return Deno.statSync("/usr/bin/script").isFile;
  } catch {
    return false;
  }
}

/** Cells of a table printed by the command (columns are 2+ spaces apart). */
function cells(stdout: string): string[][] {
  return stdout.trimEnd().split("\n").map((line) => line.split(/ {2,}/));
}

/** Exactly one line on stderr, nothing on stdout, the given exit code. */
function oneLine(ran: Ran, code: number): string {
  assertEquals(ran.code, code, ran.stderr);
  assertEquals(ran.stdout, "");
  const lines = ran.stderr.trimEnd().split("\n");
  assertEquals(lines.length, 1, ran.stderr);
  return lines[0];
}

/** A server with a public room (Alice, Bob), a semi-private one (Carol) and a private one (Dave). */
async function world() {
  const server = await TestServer.start({
    host: "127.0.0.1",
    timing: { startupPurgeDelayMs: false },
  });
  const people = await Promise.all(
    [["Alice", "Paris"], ["Bob", "Oslo"], ["Carol", "Rome"], ["Dave", "Lima"]].map(
      ([username, location]) => TestUser.connect(server, { username, location }),
    ),
  );
  const [alice, bob, carol, dave] = people;
  const alpha = await alice.createRoom({ name: "Alpha", type: "public" });
  await alice.joinRoom(alpha);
  await bob.joinRoom(alpha);
  const beta = await carol.createRoom({
    name: "Beta",
    type: "semi-private",
    layout: "vertical",
    accessCode: "123456",
  });
  await carol.joinRoom(beta, "123456");
  const gamma = await dave.createRoom({ name: "Gamma", type: "private" });
  await dave.joinRoom(gamma);
  const env = { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.issueToken() };
  const close = async () => {
    await Promise.all(people.map((p) => p.close()));
    await server.close();
  };
  return { server, env, alpha, beta, gamma, people, close };
}

Deno.test("talkomatic rooms lists every listed room with its people, as a table and as JSON", async () => {
  const w = await world();
  try {
    const table = await talkomatic(["rooms"], { env: w.env });
    assertEquals(table.code, 0, table.stderr);
    assertEquals(table.stderr, "");
    assert(!table.stdout.includes("\x1b["), "no colour when stdout is not a terminal");
    const rows = cells(table.stdout);
    assertEquals(rows[0], ["NAME", "ID", "TYPE", "PEOPLE", "WHO"]);
    assertEquals(rows.slice(1).sort((a, b) => a[0].localeCompare(b[0])), [
      ["Alpha", w.alpha, "public", "2/5", "Alice (Paris), Bob (Oslo)"],
      ["Beta", w.beta, "semi-private", "1/5", "Carol (Rome)"],
    ]);

    const json = await talkomatic(["rooms", "--json", "--server", w.server.url], {
      env: { TALKOMATIC_TOKEN: w.env.TALKOMATIC_TOKEN },
    });
    assertEquals(json.code, 0, json.stderr);
    const list = JSON.parse(json.stdout) as {
      id: string;
      name: string;
      type: string;
      people: number;
      capacity: number;
      isFull: boolean;
      users: { id: string; username: string; location: string }[];
    }[];
    list.sort((a, b) => a.name.localeCompare(b.name));
    assertEquals(list.map((r) => [r.name, r.id, r.type, r.people, r.capacity, r.isFull]), [
      ["Alpha", w.alpha, "public", 2, 5, false],
      ["Beta", w.beta, "semi-private", 1, 5, false],
    ]);
    const [alice, bob] = w.people;
    assertEquals(
      list[0].users.map((u) => [u.id, u.username, u.location]).sort(),
      [[alice.userId, "Alice", "Paris"], [bob.userId, "Bob", "Oslo"]].sort(),
    );
  } finally {
    await w.close();
  }
});

Deno.test("talkomatic room shows one room (private too) and its people; an unknown room is one line", async () => {
  const w = await world();
  try {
    const table = await talkomatic(["room", w.gamma], { env: w.env });
    assertEquals(table.code, 0, table.stderr);
    const [head, people] = table.stdout.trimEnd().split("\n\n").map(cells);
    assertEquals(head, [["NAME", "ID", "TYPE", "PEOPLE"], ["Gamma", w.gamma, "private", "1/5"]]);
    assertEquals(people, [["PERSON", "LOCATION", "USER ID"], [
      "Dave",
      "Lima",
      w.people[3].userId!,
    ]]);

    const json = await talkomatic(["room", w.alpha, "--json"], { env: w.env });
    assertEquals(json.code, 0, json.stderr);
    const room = JSON.parse(json.stdout);
    assertEquals([room.id, room.name, room.type, room.people, room.capacity, room.isFull], [
      w.alpha,
      "Alpha",
      "public",
      2,
      5,
      false,
    ]);
    assertEquals(room.users.map((u: { username: string }) => u.username).sort(), ["Alice", "Bob"]);

    const missing = w.alpha === "999999" ? "999998" : "999999";
    const notFound = await talkomatic(["room", missing], { env: w.env });
    assertEquals(
      oneLine(notFound, 1),
      `Room "${missing}" does not exist on ${w.server.url}`,
    );
    const bad = await talkomatic(["room", "12345"], { env: w.env });
    assertEquals(bad.code, 2);
    assertEquals(bad.stderr.split("\n")[0], 'Cannot get room "12345": room ids have 6 digits');
  } finally {
    await w.close();
  }
});

Deno.test("talkomatic health shows health and config, as a table and as JSON", async () => {
  const w = await world();
  try {
    const table = await talkomatic(["health"], { env: w.env });
    assertEquals(table.code, 0, table.stderr);
    const rows = Object.fromEntries(cells(table.stdout).map(([k, v]) => [k, v]));
    assertEquals(rows.status, "ok");
    assertEquals(rows.server, w.server.url);
    assertMatch(rows.version, /^\d+\.\d+\.\d+ \(API v1\)$/);
    assertMatch(rows.uptime, /^\d+ s$/);
    assertMatch(rows.rooms, /^3 of \d+ \(public 1, semi-private 1, private 1\)$/);
    assertEquals(rows["people in rooms"], "4");
    assertEquals(rows.MAX_MESSAGE_LENGTH, "5000");
    assertEquals(rows.MAX_USERNAME_LENGTH, "15");

    const json = await talkomatic(["health", "--json"], { env: w.env });
    assertEquals(json.code, 0, json.stderr);
    const { health, config } = JSON.parse(json.stdout);
    assertEquals(health.status, "ok");
    assertEquals(health.roomStatistics.totalRooms, 3);
    assertEquals(health.roomStatistics.totalUsers, 4);
    assertEquals(config.limits.MAX_MESSAGE_LENGTH, 5000);
    assertEquals(config.versions.API, "v1");
  } finally {
    await w.close();
  }
});

Deno.test("talkomatic rooms takes its token from the token store: requested once, then reused", async () => {
  const server = await TestServer.start({ host: "127.0.0.1" });
  const cache = await Deno.makeTempDir({ prefix: "talkomatic-cli-cache-" });
  // Deno keeps its own cache under XDG_CACHE_HOME too: keep it where it is.
  const info = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const denoDir = JSON.parse(new TextDecoder().decode(info.stdout)).denoDir as string;
  try {
    const env = { TALKOMATIC_URL: server.url, XDG_CACHE_HOME: cache, DENO_DIR: denoDir };
    for (let i = 0; i < 2; i++) {
      const ran = await talkomatic(["rooms"], { env });
      assertEquals(ran.code, 0, ran.stderr);
    }
    const stored = JSON.parse(await Deno.readTextFile(`${cache}/talkomatic/tokens.json`));
    assertEquals(JSON.stringify(stored).match(/tk_[0-9a-f]{64}/g)?.length, 1);
    const health = await (await fetch(`${server.url}/api/v1/health`, {
      headers: { Authorization: `Bearer ${server.issueToken()}` },
    })).json();
    assertEquals(health.botTokens.active, 2, "one token for both runs, plus this request's own");
  } finally {
    await server.close();
    await Deno.remove(cache, { recursive: true });
  }
});

Deno.test("talkomatic: a server that is down, not Talkomatic, or a bad URL is one line and the right exit code", async () => {
  // A port nobody listens on.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const downUrl = `http://127.0.0.1:${(probe.addr as Deno.NetAddr).port}`;
  probe.close();
  // A web server that is not Talkomatic: HTML 404s, and a JSON answer of another shape.
  const other = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) =>
      new URL(req.url).pathname === "/api/v1/rooms"
        ? Response.json([{ hello: "world" }])
        : new Response("<h1>Not here</h1>", {
          status: 404,
          headers: { "content-type": "text/html" },
        }),
  );
  const otherUrl = `http://127.0.0.1:${other.addr.port}`;
  const env = { TALKOMATIC_TOKEN: "tk_" + "0".repeat(64) };
  try {
    for (const command of ["rooms", "health"]) {
      assertEquals(
        oneLine(await talkomatic([command, "--server", downUrl], { env }), 1),
        `Cannot reach ${downUrl}: connection refused. Is the server running?`,
      );
    }
    assertEquals(
      oneLine(await talkomatic(["health", "--server", otherUrl], { env }), 1),
      `${otherUrl} is not a Talkomatic server: GET /api/v1/health answered 404 with a body that is not JSON`,
    );
    assertEquals(
      oneLine(await talkomatic(["rooms", "--server", otherUrl], { env }), 1),
      `${otherUrl} is not a Talkomatic server: GET /api/v1/rooms answered an unexpected shape`,
    );
    const badUrl = await talkomatic(["rooms", "--server", "example.com"], { env });
    assertEquals(badUrl.code, 2);
    assertMatch(badUrl.stderr.split("\n")[0], /^Cannot use server URL "example\.com"/);
  } finally {
    await other.shutdown();
  }
});

Deno.test("talkomatic: unknown commands and flags exit 2 with the message and the usage; --help exits 0", async () => {
  const cases: [string[], string, string][] = [
    [[], "Missing the command", "usage: talkomatic <command>"],
    [["bogus"], 'Unknown command "bogus"', "usage: talkomatic <command>"],
    [["rooms", "--nope"], "Unknown option '--nope'", "usage: talkomatic rooms"],
    [["room"], "Missing the room id", "usage: talkomatic room <id>"],
    [["health", "extra"], 'Unexpected argument "extra"', "usage: talkomatic health"],
    [["dev"], "Missing the bot file to run", "usage: talkomatic dev <bot file>"],
    [["dev", "bot.ts", "--port", "x"], 'Invalid --port "x"', "usage: talkomatic dev <bot file>"],
    [["server", "--afk", "9"], 'Invalid --afk "9"', "usage: talkomatic server"],
    [["new"], "Missing the folder to create", "usage: talkomatic new <folder>"],
  ];
  for (const [args, message, usage] of cases) {
    const ran = await talkomatic(args);
    assertEquals(ran.code, 2, args.join(" "));
    const [first, blank, head] = ran.stderr.split("\n");
    assert(first.startsWith(message), `${args.join(" ")}: ${first}`);
    assertEquals(blank, "");
    assert(head.startsWith(usage), head);
    assertEquals(ran.stdout, "");
  }
  for (const command of [[], ["dev"], ["server"], ["new"], ["rooms"], ["room"], ["health"]]) {
    const ran = await talkomatic([...command, "--help"]);
    assertEquals(ran.code, 0, ran.stderr);
    assertEquals(ran.stderr, "");
    assert(ran.stdout.startsWith(`usage: talkomatic ${command[0] ?? "<command>"}`), ran.stdout);
  }
});

Deno.test({
  name: "talkomatic rooms colours its header on a terminal, and not with NO_COLOR",
  // `script` (util-linux) gives the command a terminal as stdout.
  ignore: Deno.build.os !== "linux" || !hasScript(),
  fn: async () => {
    const w = await world();
    try {
      const onTerminal = async (noColor: string) => {
        const out = await new Deno.Command("script", {
          args: ["-qec", `"${Deno.execPath()}" run -A -q "${CLI}" rooms`, "/dev/null"],
          env: { ...w.env, NO_COLOR: noColor },
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).output();
        return new TextDecoder().decode(out.stdout);
      };
      const colour = await onTerminal("");
      assertMatch(colour, new RegExp(String.raw`\x1b\[1mNAME {2,}ID`));
      assertStringIncludes(colour, "Alpha");
      const plain = await onTerminal("1");
      assert(!plain.includes("\x1b["), JSON.stringify(plain));
      assertStringIncludes(plain, "NAME");
    } finally {
      await w.close();
    }
  },
});
