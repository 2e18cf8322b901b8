// Node tests of sessions from the npm tarball (`deno task build:npm` first):
// sessions reached from a schedule (the poll race), and Redis sessions shared
// by two Node processes against a real redis-server (ioredis installed by the
// consumer, as the package declares it an optional peer).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "node:child_process";
import { cp, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const exec = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const noRedis = spawnSync("redis-server", ["--version"]).error;
if (noRedis) console.log(`Skipping the Redis test: redis-server cannot run (${noRedis.message})`);
let project;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}

async function listening(port) {
  for (const end = Date.now() + 10_000; Date.now() < end;) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => (socket.end(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

describe("sessions from the npm package in Node", () => {
  before(async () => {
    const tarballs = (await readdir(join(root, "npm"))).filter((f) =>
      /^talkomatic-.*\.tgz$/.test(f)
    );
    assert.equal(tarballs.length, 1, "run `deno task build:npm` first");
    project = await mkdtemp(join(tmpdir(), "talkomatic-node-sessions-"));
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "consumer", private: true, type: "module" }),
    );
    await exec("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      join(root, "npm", tarballs[0]),
      "ioredis@^5",
      // An optional peer dependency: ./testing (the local server) needs it.
      "socket.io@^4.8.1",
    ], { cwd: project, timeout: 240_000 });
    await cp(join(here, "fixtures"), project, { recursive: true });
  }, { timeout: 300_000 });

  after(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  test("a schedule's session().update() keeps a poll closed while a handler waits on ctx.ask()", async () => {
    const { stdout } = await exec("node", ["sessions_anywhere.mjs"], {
      cwd: project,
      timeout: 60_000,
    });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), {
      stored: { open: false, note: "cake" },
      read: { open: false, note: "cake" },
    });
  });

  test("RedisSessionStorage: two Node processes updating one session lose nothing", {
    skip: noRedis ? "redis-server is not installed" : false,
  }, async () => {
    const port = await freePort();
    const redis = spawn("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
    ], { stdio: "ignore" });
    try {
      await listening(port);
      const url = `redis://127.0.0.1:${port}`;
      const run = (name) =>
        exec("node", ["redis_updates.mjs", url, name], { cwd: project, timeout: 60_000 });
      await Promise.all([run("a"), run("b")]);
      const { stdout } = await run("read");
      const { visits } = JSON.parse(stdout.trim());
      assert.equal(visits.length, 50, "every update kept");
      for (const name of ["a", "b"]) {
        assert.deepEqual(
          visits.filter((v) => v.startsWith(`${name}:`)),
          Array.from({ length: 25 }, (_, i) => `${name}:${i}`),
        );
      }
    } finally {
      redis.kill();
    }
  });
});
