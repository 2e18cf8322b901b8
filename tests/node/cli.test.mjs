// The `talkomatic` command from the npm tarball, in Node: every subcommand as
// a subprocess of the package's bin, a lean install without socket.io, and a
// project made by `talkomatic new --node` whose own test and dev scripts work.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { consumer, exec, freePort, tarball as tarball_ } from "./_consumer.mjs";
import { until } from "./fixtures/_wait.mjs";

const temps = [];
let tarball;
let full; // tarball + socket.io
let lean; // tarball only

async function temp(prefix) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Runs the installed bin to its end: { code, stdout, stderr }. */
// `deno task test` sets INIT_CWD (where the task was typed) and the command prefers it to its working
// directory, as it must for users' tasks; the runs here mean their own folders.
delete process.env.INIT_CWD;

function talkomatic(project, args, options = {}) {
  return new Promise((resolve) => {
    execFile(
      join(project, "node_modules", ".bin", "talkomatic"),
      args,
      {
        cwd: options.cwd ?? project,
        env: { ...process.env, NO_COLOR: "1", ...options.env },
        timeout: 60_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }),
    );
  });
}

/** A long-running child with its output collected; wait(pattern) resolves with the match. */
function running(command, args, options) {
  // Its own process group, so stop() reaches every process in it, as Ctrl+C in a terminal does
  // (`npm run` starts a shell that does not pass signals on).
  const child = spawn(command, args, {
    ...options,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const waiters = new Set();
  const feed = () => waiters.forEach((w) => w());
  child.stdout.on("data", (d) => (out += d, feed()));
  child.stderr.on("data", (d) => (err += d, feed()));
  const exited = new Promise((r) => child.once("exit", (code, signal) => r(code ?? signal)));
  return {
    child,
    exited,
    stop(signal) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Gone.
      }
      return exited;
    },
    get out() {
      return out;
    },
    wait(pattern, timeout = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(pattern);
          if (!m) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => { // guard
          waiters.delete(check);
          reject(new Error(`no ${pattern} within ${timeout} ms:\n${out}\nstderr:\n${err}`));
        }, timeout);
        waiters.add(check);
        check();
      });
    },
  };
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("the talkomatic command from the npm package", { concurrency: true }, () => {
  before(async () => {
    tarball = await tarball_();
    [full, lean] = await Promise.all([
      consumer("talkomatic-cli-full-", ["socket.io@^4.8.1"]),
      consumer("talkomatic-cli-lean-", []),
    ]);
    temps.push(full, lean);
  }, { timeout: 300_000 });

  after(async () => {
    await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
  });

  test("every subcommand answers --help; bad input exits 2 with the usage", async () => {
    for (const command of ["dev", "server", "new", "rooms", "room", "health"]) {
      const ran = await talkomatic(full, [command, "--help"]);
      assert.equal(ran.code, 0, ran.stderr);
      assert.ok(ran.stdout.startsWith(`usage: talkomatic ${command}`), ran.stdout);
    }
    const unknown = await talkomatic(full, ["bogus"]);
    assert.equal(unknown.code, 2);
    assert.equal(unknown.stderr.split("\n")[0], 'Unknown command "bogus"');
    const flag = await talkomatic(full, ["rooms", "--nope"]);
    assert.equal(flag.code, 2);
    assert.equal(flag.stderr.split("\n")[0], "Unknown option '--nope'");
    const url = await talkomatic(full, ["health", "--server", "example.com"]);
    assert.equal(url.code, 2);
    assert.match(url.stderr.split("\n")[0], /^Cannot use server URL "example\.com"/);
  });

  test("a lean install has no socket.io server; dev, server and ./testing say how to add it", async () => {
    const modules = await readdir(join(lean, "node_modules"));
    assert.ok(!modules.includes("socket.io"), modules.join(" "));
    // socket.io-client is bundled into the package; its own dependencies are installed.
    assert.ok(!modules.includes("socket.io-client"), modules.join(" "));
    for (const dependency of ["debug", "valibot", "ws", "xmlhttprequest-ssl"]) {
      assert.ok(modules.includes(dependency), `${dependency} missing: ${modules.join(" ")}`);
    }
    const hint = 'run "npm install socket.io"';
    const server = await talkomatic(lean, ["server", "--port", "0"]);
    assert.equal(server.code, 1);
    assert.equal(server.stderr.trim().split("\n").length, 1, server.stderr);
    assert.ok(server.stderr.includes(hint), server.stderr);
    await writeFile(join(lean, "bot.js"), "");
    const dev = await talkomatic(lean, ["dev", "bot.js", "--port", "0"]);
    assert.equal(dev.code, 1);
    assert.ok(dev.stderr.includes(hint), dev.stderr);
    const { stdout } = await exec("node", [
      "--input-type=module",
      "-e",
      `import { Bot } from "talkomatic";
       let testing = "loaded";
       try { await import("talkomatic/testing"); } catch (e) { testing = e.message; }
       console.log(JSON.stringify({ bot: typeof Bot, testing }));`,
    ], { cwd: lean });
    const out = JSON.parse(stdout);
    assert.equal(out.bot, "function");
    assert.ok(out.testing.includes(hint), out.testing);
  });

  test("server: flags, the address, the page, and SIGTERM stops it", async () => {
    const server = running(join(full, "node_modules", ".bin", "talkomatic"), [
      "server",
      "--port",
      "0",
      "--no-token",
      "--relax-limits",
      "--afk",
      "10,15",
      "--no-startup-purge",
    ], { cwd: full });
    try {
      const [, url] = await server.wait(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/);
      await server.wait(
        /bot tokens not required; rate limits off; AFK warning after 10 s, removal after 15 s; no start-up purge/,
      );
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      await page.text();
      // --no-token: REST without a token.
      const health = await fetch(`${url}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.equal((await health.json()).status, "ok");
    } finally {
      server.child.kill("SIGTERM");
    }
    assert.equal(await server.exited, 0);
  });

  test("rooms, room and health against the local server, as tables and JSON", async () => {
    const { TestServer, TestUser } = await import(
      join(full, "node_modules", "talkomatic", "testing", "mod.js")
    );
    const server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
    const alice = await TestUser.connect(server, { username: "Alice", location: "Paris" });
    try {
      const roomId = await alice.createRoom({ name: "Node Lab", type: "public" });
      await alice.joinRoom(roomId);
      const env = { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.issueToken() };
      const rooms = await talkomatic(full, ["rooms"], { env });
      assert.equal(rooms.code, 0, rooms.stderr);
      assert.deepEqual(rooms.stdout.trimEnd().split("\n").map((l) => l.split(/ {2,}/)), [
        ["NAME", "ID", "TYPE", "PEOPLE", "WHO"],
        ["Node Lab", roomId, "public", "1/5", "Alice (Paris)"],
      ]);
      const json = JSON.parse((await talkomatic(full, ["rooms", "--json"], { env })).stdout);
      assert.deepEqual(json, [{
        id: roomId,
        name: "Node Lab",
        type: "public",
        users: [{ id: alice.userId, username: "Alice", location: "Paris" }],
        isFull: false,
        people: 1,
        capacity: 5,
      }]);
      const room = JSON.parse((await talkomatic(full, ["room", roomId, "--json"], { env })).stdout);
      assert.deepEqual([room.id, room.name, room.people], [roomId, "Node Lab", 1]);
      const table = await talkomatic(full, ["room", roomId], { env });
      assert.match(table.stdout, /^Alice {2,}Paris {2,}\S+$/m);
      const health = await talkomatic(full, ["health", "--json"], { env });
      const report = JSON.parse(health.stdout);
      assert.equal(report.health.status, "ok");
      assert.equal(report.health.roomStatistics.totalRooms, 1);
      assert.equal(report.config.limits.MAX_MESSAGE_LENGTH, 5000);
      const closed = await freePort();
      const down = await talkomatic(full, ["rooms", "--server", `http://127.0.0.1:${closed}`], {
        env,
      });
      assert.equal(down.code, 1);
      assert.equal(
        down.stderr,
        `Cannot reach http://127.0.0.1:${closed}: connection refused. Is the server running?\n`,
      );
    } finally {
      await alice.close();
      await server.close();
    }
  });

  test("dev runs a .js bot with node: page, a person's command answered, restart on save, Ctrl+C", async () => {
    const { TestUser } = await import(
      join(full, "node_modules", "talkomatic", "testing", "mod.js")
    );
    const dir = await temp("talkomatic-cli-dev-");
    await mkdir(join(dir, "lib"));
    const bot = (greeting) =>
      `import { Bot } from "${join(full, "node_modules", "talkomatic", "mod.js")}";
import { greeting } from "./lib/greeting.js";
const bot = new Bot({ username: "Dev Bot", room: { name: "Dev Lab", create: true } });
bot.command("hi").handle((ctx) => ctx.reply(greeting + " ${greeting}"));
await bot.run();
`;
    await writeFile(join(dir, "bot.js"), bot("v1"));
    await writeFile(join(dir, "lib", "greeting.js"), 'export const greeting = "hi";\n');
    const dev = running(
      join(full, "node_modules", ".bin", "talkomatic"),
      ["dev", "bot.js", "--port", "0"],
      { cwd: dir, env: { ...process.env, INIT_CWD: dir } },
    );
    let alice;
    try {
      const [, url] = await dev.wait(/Open (http:\/\/127\.0\.0\.1:\d+)\/ to talk to your bot/);
      assert.equal((await fetch(`${url}/`)).status, 200);
      const [, roomId] = await dev.wait(/"Dev Bot" created public room "Dev Lab" \((\d{6})\)/);
      alice = await TestUser.connect(url, { username: "Alice", location: "Node" });
      await alice.joinRoom(roomId);
      const shows = (text) =>
        until(() => Object.values(alice.texts).includes(text), `"${text}"`, 20_000);
      await alice.type("/hi");
      await alice.pressEnter();
      await shows("hi v1");
      // A file the bot imports changed: restart.
      await writeFile(join(dir, "lib", "greeting.js"), 'export const greeting = "hello";\n');
      await dev.wait(/lib\/greeting\.js changed: restarting bot\.js/);
      await dev.wait(/"Dev Bot" joined room "Dev Lab"[^]*"Dev Bot" joined room "Dev Lab"/);
      await alice.send("");
      await alice.type("/hi");
      await alice.pressEnter();
      await shows("hello v1");
      const pids = [...dev.out.matchAll(/started bot\.js \(pid (\d+)\)/g)].map((m) => +m[1]);
      assert.equal(pids.length, 2);
      assert.equal(await dev.stop("SIGINT"), 0);
      assert.deepEqual(pids.filter(alive), []);
    } finally {
      await alice?.close();
      await dev.stop("SIGINT");
    }
  });

  test("dev refuses a missing file, and a .ts bot under Node 20, in one line", async () => {
    const dir = await temp("talkomatic-cli-devbad-");
    await writeFile(join(dir, "bot.ts"), "");
    const missing = await talkomatic(full, ["dev", "nope.js"], {
      cwd: dir,
      env: { INIT_CWD: dir },
    });
    assert.deepEqual([missing.code, missing.stderr], [1, 'Cannot run "nope.js": no such file\n']);
    const ts = await talkomatic(full, ["dev", "bot.ts"], { cwd: dir, env: { INIT_CWD: dir } });
    const [major, minor] = process.versions.node.split(".").map(Number);
    if (major < 22 || (major === 22 && minor < 18)) {
      assert.equal(ts.code, 1);
      assert.equal(
        ts.stderr,
        `Cannot run "bot.ts" under Node ${process.versions.node}: Node runs .ts files from 22.18 on. Use a .js file, a newer Node, or Deno\n`,
      );
    }
  });

  test("new --node makes a project on the tarball whose npm test passes and npm run dev serves the page", async () => {
    const parent = await temp("talkomatic-cli-new-");
    const made = await talkomatic(full, ["new", "my-bot", "--node"], {
      cwd: parent,
      env: { INIT_CWD: parent },
    });
    assert.equal(made.code, 0, made.stderr);
    const dir = join(parent, "my-bot");
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    assert.equal(pkg.dependencies.talkomatic, `file:${tarball}`);
    await exec("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: dir,
      timeout: 240_000,
    });
    await access(join(dir, "node_modules", "socket.io"));
    // The project's own `node --test`, not a child of this test runner.
    const env = { ...process.env };
    delete env.NODE_TEST_CONTEXT;
    const { stdout } = await exec("npm", ["test"], { cwd: dir, env, timeout: 120_000 });
    assert.match(stdout, /# pass 1\n/);
    assert.match(stdout, /# fail 0\n/);
    const dev = running("npm", ["run", "dev", "--", "--port", "0"], {
      cwd: dir,
      env: { ...process.env, INIT_CWD: dir },
    });
    try {
      const [, url] = await dev.wait(/Open (http:\/\/127\.0\.0\.1:\d+)\/ to talk to your bot/);
      assert.equal((await fetch(`${url}/`)).status, 200);
      await dev.wait(/"My Bot" joined room "Bot Lab"/);
    } finally {
      await dev.stop("SIGINT");
    }
  });
});
