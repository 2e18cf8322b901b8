// Node tests of the npm build (`deno task test:node`): install the tarball
// that `deno task build:npm` made into a temporary Node project, then run the
// echo bot against the local server, call every REST function, and type-check
// a TypeScript consumer, all in Node.
import process from "node:process";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { consumer, exec } from "./_consumer.mjs";

let project;

// The tests share one installed project and run at the same time (each starts its own server).
describe("the npm package in Node", { concurrency: true }, () => {
  before(async () => {
    // socket.io: an optional peer dependency that ./testing (the local server) needs.
    project = await consumer("talkomatic-node-", [
      "socket.io@^4.8.1",
      "typescript@~5.9.3",
      "@types/node@^20",
    ], { fixtures: true });
  }, { timeout: 300_000 });

  after(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  test("the package installs with its dependencies and declares Node 20+", async () => {
    const { stdout } = await exec("node", [
      "-e",
      "const p=require('./node_modules/talkomatic/package.json');console.log(JSON.stringify(p))",
    ], { cwd: project });
    const pkg = JSON.parse(stdout);
    assert.equal(pkg.name, "talkomatic");
    assert.equal(pkg.type, "module");
    assert.equal(pkg.engines.node, ">=20");
    assert.deepEqual(Object.keys(pkg.exports).sort(), [
      ".",
      "./api",
      "./bot",
      "./cli",
      "./protocol",
      "./testing",
    ]);
    assert.equal(pkg.bin.talkomatic, "./bin.js");
    assert.equal(pkg.dependencies["socket.io"], undefined);
    assert.equal(pkg.peerDependenciesMeta["socket.io"].optional, true);
  });

  test("the echo bot answers a scripted user in Node against talkomatic/testing", async () => {
    const { stdout } = await exec("node", ["echo.mjs"], { cwd: project, timeout: 60_000 });
    assert.match(stdout, /echo: "Alice said: hello world"/);
    assert.match(stdout, /help: ".*\/echo.*"/);
    assert.doesNotMatch(stdout, /\/ping/);
  });

  test("an action nobody awaits that fails reaches the error event and the process lives on", async () => {
    const { stdout } = await exec("node", ["unawaited.mjs"], { cwd: project, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split("\n").pop());
    // The fixture waits for 4 (the send before joining and three ticks); more ticks may fail
    // before its timer is cleared, so the count is not exact, but every one is a refused send.
    assert.ok(out.errors >= 4, stdout);
    assert.equal(out.messages.length, out.errors, stdout);
    assert.match(out.first, /^Cannot send: the bot is not in a room/);
    for (const message of out.messages) {
      assert.match(message, /^Cannot send: the bot is not in a room/);
    }
  });

  test("a bot starts in Node without loading undici, and imports valibot's issues when a payload fails", async () => {
    const { stdout } = await exec("node", ["startup.mjs"], { cwd: project, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split("\n").pop());
    assert.match(
      out.invalid,
      /^PayloadValidationError userId: Invalid inbound payload for "chat update"/,
    );
    delete out.invalid;
    assert.deepEqual(out, { signedIn: true, before: false, after: false });
  });

  test("the bundled socket.io-client logs through debug: DEBUG=socket.io-client:* works", async () => {
    const { stdout, stderr } = await exec("node", ["debug_log.mjs"], {
      cwd: project,
      timeout: 60_000,
      env: { ...process.env, DEBUG: "socket.io-client:*", DEBUG_COLORS: "0" },
    });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), { signedIn: true });
    assert.match(stderr, /socket\.io-client:manager opening http:\/\/127\.0\.0\.1:\d+/);
    assert.match(stderr, /socket\.io-client:socket transport is open - connecting/);
  });

  test("the bundled socket.io-client reconnects: after a dropped connection and a server restart", async () => {
    const { stdout } = await exec("node", ["reconnect.mjs"], { cwd: project, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), {
      dropped: { sameId: true, room: "Sticky" },
      restarted: { newId: true, room: "Sticky" },
      errors: [],
    });
  });

  test("middleware, composers, file sessions, cooldowns, ask, schedules and the box work in Node", async () => {
    const { stdout } = await exec("node", ["composition.mjs"], { cwd: project, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), {
      seen: ["First\ncount 1", "First\nlater", "First\nanswer 42", "Second\ncount 2"],
      ticked: true,
      stored: { "alice/node": { count: 2 } },
    });
  });

  test("a bot draws on the Talkoboard and receives a person's stroke in Node", async () => {
    const { stdout } = await exec("node", ["board.mjs"], { cwd: project, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), {
      drawn: [["#ff0000", 5]],
      received: ["#00ff00", [{ x: 1, y: 2 }, { x: 3, y: 4 }]],
      history: 2,
    });
  });

  test("every REST function works in Node", async () => {
    const { stdout } = await exec("node", ["rest.mjs"], { cwd: project, timeout: 60_000 });
    const out = JSON.parse(stdout.trim().split("\n").pop());
    assert.deepEqual(out, {
      token: true,
      tokenInfo: true,
      health: "ok",
      config: 5,
      me: false,
      createRoom: true,
      room: "Node REST room",
      rooms: 1,
      canJoin: true,
      wordFilter: true,
      emojis: 115,
      notFound: "NOT_FOUND",
      healthDown: "down",
    });
  });

  test("the TestServer from the package serves the chat page at / and the socket.io client", async () => {
    const { stdout } = await exec("node", ["page.mjs"], { cwd: project, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), {
      page: [200, "text/html; charset=utf-8", true],
      css: [200, "text/css; charset=utf-8"],
      js: [200, "text/javascript; charset=utf-8", true],
      view: [200, "text/javascript; charset=utf-8", true],
      client: [200, true],
      foreign: 500,
    });
  });

  test("no person can crash a bot that asks: leaves after /quiz, replaced and timed-out questions", async () => {
    const { stdout } = await exec("node", ["ask_leave.mjs"], { cwd: project, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), {
      unhandled: [],
      asked: ["replaced", "replaced", "timeout"],
      boxed: ["replaced", "timeout"],
      left: 3,
    });
  });

  test("REST in Node: a redirect is refused (cookie and API calls), an endless body is cut", async () => {
    const { stdout } = await exec("node", ["hostile.mjs"], { cwd: project, timeout: 60_000 });
    assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()), {
      cookie: "redirect",
      rooms: "redirect",
      token: "redirect",
      targetSeen: 0,
      endless: "tooLarge",
      grewUnder64MB: true,
    });
  });

  test("the TypeScript types resolve for a Node consumer (tsc --noEmit)", async () => {
    const tsc = join(project, "node_modules", "typescript", "bin", "tsc");
    try {
      await exec("node", [tsc, "-p", "tsconfig.json"], { cwd: project, timeout: 120_000 });
    } catch (error) {
      assert.fail(`tsc reported errors:\n${error.stdout}${error.stderr}`);
    }
  });
});
