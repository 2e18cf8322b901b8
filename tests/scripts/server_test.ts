// `deno task server`: every flag, run as a subprocess on 127.0.0.1 with an ephemeral port.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { fileURLToPath } from "node:url";
import { io } from "socket.io-client";
import { sleep, until } from "../_support.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The server script as a child process, its stdout collected line by line. */
class Cli {
  readonly lines: string[] = [];
  stderr = "";
  #child: Deno.ChildProcess;
  #reading: Promise<void>;

  constructor(args: string[], viaTask = false) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: viaTask
        ? ["task", "-q", "server", ...args]
        : ["run", "-A", "-q", "scripts/server.ts", ...args],
      cwd: ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const collect = async (stream: ReadableStream<Uint8Array>, onText: (t: string) => void) => {
      for await (const text of stream.pipeThrough(new TextDecoderStream())) onText(text);
    };
    let partial = "";
    this.#reading = Promise.all([
      collect(this.#child.stdout, (text) => {
        const parts = (partial + text).split("\n");
        partial = parts.pop()!;
        this.lines.push(...parts);
      }),
      collect(this.#child.stderr, (text) => (this.stderr += text)),
    ]).then(() => {
      if (partial) this.lines.push(partial);
    });
  }

  /** Waits for a stdout line matching `pattern` and returns it. */
  async line(pattern: RegExp, timeout = 10_000): Promise<string> {
    return await until(
      () => this.lines.find((l) => pattern.test(l)),
      `a line matching ${pattern}`,
      timeout,
    )
      .catch(() => {
        throw new Error(
          `no line matching ${pattern}; got:\n${this.lines.join("\n")}\n${this.stderr}`,
        );
      });
  }

  /** The server's base URL, from its first line. */
  async url(): Promise<string> {
    const line = await this.line(/^Talkomatic test server listening on /);
    return line.slice("Talkomatic test server listening on ".length);
  }

  /** Waits for the exit (after SIGTERM unless it exits by itself) and returns the status code. */
  async exit(signal = true): Promise<number> {
    if (signal) {
      try {
        this.#child.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    const status = await this.#child.status;
    await this.#reading;
    return status.code;
  }
}

/** Connects a socket.io client; resolves with it once connected, or the connect_error message. */
function connect(url: string, auth: Record<string, unknown>) {
  const socket = io(url, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    auth,
    extraHeaders: { "X-Forwarded-For": "10.30.0.1" },
  });
  return new Promise<{ socket: typeof socket; result: string }>((resolve) => {
    socket.once("connect", () => resolve({ socket, result: "connect" }));
    socket.once("connect_error", (e) => {
      socket.close();
      resolve({ socket, result: e.message });
    });
  });
}

async function json(url: string, init: RequestInit = {}): Promise<[number, unknown]> {
  const res = await fetch(url, {
    ...init,
    headers: { "X-Forwarded-For": "10.30.0.2", ...init.headers },
  });
  return [res.status, await res.json()];
}

Deno.test("deno task server --help lists every flag and exits 0", async () => {
  // On a cold cache Deno prints its downloads on stderr: fetch first, so stderr is the task's own.
  await new Deno.Command(Deno.execPath(), {
    args: ["cache", "-q", "scripts/server.ts"],
    cwd: ROOT,
    stdout: "null",
    stderr: "null",
  }).output();
  const cli = new Cli(["--help"], true);
  assertEquals(await cli.exit(false), 0);
  const help = cli.lines.join("\n");
  assert(help.startsWith("usage: talkomatic server [flags]"), help);
  for (
    const flag of [
      "--port <n>",
      "--host <address>",
      "--no-token",
      "--relax-limits",
      "--afk <warning>,<timeout>",
      "--no-startup-purge",
      "--quiet",
      "-h, --help",
    ]
  ) {
    assertStringIncludes(help, flag);
  }
  assertEquals(cli.stderr, "");
});

Deno.test("deno task server answers a bad flag with one line of error and the usage, and exits 2", async () => {
  const cases: [string[], string][] = [
    [["--nope"], "Unknown option '--nope'"],
    [["--port"], "Option '--port <value>' argument missing"],
    [["--port", "http"], 'Invalid --port "http": expected an integer 0..65535'],
    [["--port", "70000"], 'Invalid --port "70000": expected an integer 0..65535'],
    [["--host", "0.0.0.0"], 'Cannot listen on host "0.0.0.0": the test server binds loopback only'],
    [["--afk", "150"], 'Invalid --afk "150": expected <warning>,<timeout> in seconds'],
    [["--afk", "20,10"], 'Invalid --afk "20,10": expected <warning>,<timeout> in seconds'],
    [["--quiet=yes"], "Option '--quiet' does not take an argument"],
    [["serve"], 'Unexpected argument "serve"'],
  ];
  for (const [args, message] of cases) {
    const cli = new Cli(args);
    assertEquals(await cli.exit(false), 2, args.join(" "));
    const [first, blank, usage] = cli.stderr.split("\n");
    assert(first.startsWith(message), `${args.join(" ")}: ${first}`);
    assertEquals([blank, usage], ["", "usage: talkomatic server [flags]"]);
    assertEquals(cli.lines, []);
  }
});

Deno.test("deno task server prints its address and, by default, an activity line per refusal, sign-in, room and join", async () => {
  const cli = new Cli(["--port", "0", "--host", "localhost"]);
  try {
    const url = await cli.url();
    assertMatch(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assertEquals(await cli.line(/^Open /), `Open ${url}/ in a browser to chat`);
    assertEquals(cli.lines.indexOf(`Open ${url}/ in a browser to chat`), 1);
    assertMatch(
      await cli.line(/tokens/),
      /^bot tokens required; production rate limits; AFK warning after 150 s, removal after 180 s; rooms emptied 2 s after start\. Ctrl\+C stops\.$/,
    );
    const refused = await connect(url, {});
    assertEquals(refused.result, "Bot token required");
    await cli.line(/refused connection from 10\.30\.0\.1: Bot token required$/);
    const [status, body] = await json(`${url}/api/v1/bot-tokens/request`, { method: "POST" });
    assertEquals(status, 201);
    const token = (body as { token: string }).token;
    const { socket } = await connect(url, { token });
    socket.emit("join lobby", { username: "Echo Bot", location: "Here" });
    socket.emit("create room", { name: "CLI room", type: "public", layout: "vertical" });
    const id = await new Promise<string>((r) => socket.once("room created", r));
    socket.emit("join room", { roomId: id });
    await cli.line(/"Echo Bot" joined room "CLI room"/);
    // the start-up purge empties the room 2 s after start, without notice
    await cli.line(/start-up purge: emptied 1 room/, 5000);
    socket.close();
    const log = cli.lines.slice(3);
    assertMatch(
      log[0],
      /^\d\d:\d\d:\d\d refused connection from 10\.30\.0\.1: Bot token required$/,
    );
    assertMatch(log[1], /^\d\d:\d\d:\d\d "Echo Bot" from "Here" signed in \(bot, 10\.30\.0\.1\)$/);
    assertMatch(
      log[2],
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d "Echo Bot" created public room "CLI room" \\(${id}\\)$`),
    );
    assert(!cli.lines.some((l) => l.includes(token)), "no token in the output");
  } finally {
    assertEquals(await cli.exit(), 0);
  }
});

Deno.test("deno task server --no-token --relax-limits --afk --no-startup-purge --quiet each change the server", async () => {
  const cli = new Cli([
    "--port=0",
    "--no-token",
    "--relax-limits",
    "--afk",
    "0.2,0.4",
    "--no-startup-purge",
    "--quiet",
  ]);
  try {
    const url = await cli.url();
    // --no-token: REST and sockets work without a token
    assertEquals((await json(`${url}/api/v1/health`))[0], 200);
    const { socket, result } = await connect(url, {});
    assertEquals(result, "connect");
    // --relax-limits: a fourth token for one IP
    for (let i = 0; i < 4; i++) {
      assertEquals((await json(`${url}/api/v1/bot-tokens/request`, { method: "POST" }))[0], 201);
    }
    // --afk 0.2,0.4: warned and removed within half a second
    const [, config] = await json(`${url}/api/v1/config`);
    assertEquals((config as { limits: { MAX_AFK_TIME: number } }).limits.MAX_AFK_TIME, 400);
    socket.emit("join lobby", { username: "Idle Bot", location: "Here" });
    socket.emit("create room", { name: "Quiet room", type: "public", layout: "vertical" });
    const id = await new Promise<string>((r) => socket.once("room created", r));
    socket.emit("join room", { roomId: id });
    await new Promise((r) => socket.once("afk warning", r));
    await new Promise((r) => socket.once("afk timeout", r));
    // --no-startup-purge: still in the room 2.5 s after start (kept from AFK meanwhile)
    socket.emit("join room", { roomId: id });
    // Real time is the subject: the start-up purge would come 2–4 s after the start.
    const started = Date.now();
    while (Date.now() - started < 2500) {
      socket.emit("afk response");
      await sleep(100); // the purge's timer runs in the server's process: no clock to inject
    }
    const [, health] = await json(`${url}/api/v1/health`);
    assertEquals(
      (health as { roomStatistics: { totalUsers: number } }).roomStatistics.totalUsers,
      1,
    );
    socket.close();
    // --quiet: the address and nothing else
    assertEquals(cli.lines, [
      `Talkomatic test server listening on ${url}`,
      `Open ${url}/ in a browser to chat`,
    ]);
  } finally {
    assertEquals(await cli.exit(), 0);
  }
});

Deno.test("deno task server exits 1 with the reason when the port is taken", async () => {
  const first = new Cli(["--port", "0", "--quiet"]);
  try {
    const port = new URL(await first.url()).port;
    const second = new Cli(["--port", port]);
    assertEquals(await second.exit(false), 1);
    assertMatch(
      second.stderr.trim(),
      new RegExp(`^Cannot listen on 127\\.0\\.0\\.1 port ${port}: `),
    );
  } finally {
    assertEquals(await first.exit(), 0);
  }
});
