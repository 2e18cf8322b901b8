// Node tests of sessions from the npm tarball (`deno task build:npm` first):
// sessions reached from a schedule (the poll race), and Redis sessions shared
// by two Node processes against a real redis-server (ioredis installed by the
// consumer, as the package declares it an optional peer).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { connect } from "node:net";
import { consumer, exec, freePort } from "./_consumer.mjs";
import { until } from "./fixtures/_wait.mjs";

const noRedis = spawnSync("redis-server", ["--version"]).error;
if (noRedis) console.log(`Skipping the Redis test: redis-server cannot run (${noRedis.message})`);
let project;

function listening(port) {
  const accepts = () =>
    new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => (socket.end(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
  return until(accepts, `redis-server to listen on ${port}`, 10_000);
}

describe("sessions from the npm package in Node", () => {
  before(async () => {
    // ioredis and socket.io: optional peers (Redis sessions, the local server).
    project = await consumer("talkomatic-node-sessions-", ["ioredis@^5", "socket.io@^4.8.1"], {
      fixtures: true,
    });
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
