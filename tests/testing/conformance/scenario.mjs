#!/usr/bin/env -S deno run -A
// Copied from /work/shared/conformance/scenario.mjs (the project's shared conformance kit,
// recorded against the real Talkomatic Classic server v2.3.0). Only change: the
// npm: specifier is replaced by the bare name from deno.json's imports map.
// Talkomatic Classic protocol conformance scenario.
//
//   deno run -A scenario.mjs <serverUrl> <out.json> [--raw <raw.json>] [--wait-empty <s> | --no-wait-empty] [--verbose]
//
// Runs ONE deterministic scripted scenario (clients A, B, C, D) against a server
// and writes a normalized trace (see README.md for the format).  Only talks to
// <serverUrl>.  Every simulated client has its own pseudo IP (X-Forwarded-For)
// and its own connect.sid session cookie.

import { io } from "socket.io-client";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { randomInt } from "node:crypto";

// ---------------------------------------------------------------- arguments
const argv = process.argv.slice(2);
const opts = { raw: null, waitEmpty: 90, verbose: false };
const positional = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === "--raw") opts.raw = argv[++i];
  else if (a === "--wait-empty") opts.waitEmpty = Number(argv[++i]);
  else if (a === "--no-wait-empty") opts.waitEmpty = 0;
  else if (a === "--verbose" || a === "-v") opts.verbose = true;
  else if (a === "--help" || a === "-h") usage(0);
  else if (a.startsWith("--")) usage(2, `unknown option ${a}`);
  else positional.push(a);
}
if (positional.length !== 2 || !Number.isFinite(opts.waitEmpty)) usage(2);
const BASE = positional[0].replace(/\/+$/, "");
const OUT = resolve(positional[1]);

function usage(code, msg) {
  if (msg) console.error(msg);
  console.error("usage: node scenario.mjs <serverUrl> <out.json> [--raw <raw.json>] [--wait-empty <s>|--no-wait-empty] [--verbose]");
  process.exit(code);
}

// ---------------------------------------------------------------- constants
const SCENARIO_ID = "talkomatic-classic/basic-v1";
const API_KEY = process.env.TALKOMATIC_API_KEY || "tK_public_key_4f8a9b2c7d6e3f1a5g8h9i0j4k5l6m7n8o9p";
const IDENTITIES = {
  A: { username: "Alice", location: "Amsterdam" },
  B: { username: "Bob", location: "Berlin" },
  C: { username: "Carol", location: "Cairo" },
  D: { username: "Dave", location: "Denver" },
};
const ROOM1 = { name: "Trace Lounge", type: "public", layout: "vertical" };
const ROOM2_CODE = "482913";
const ROOM2 = { name: "Trace Hideout", type: "semi-private", layout: "horizontal", accessCode: ROOM2_CODE };
const REST_ROOM = { name: "Trace <b>Rest</b>", type: "public", layout: "horizontal" };
const NONEXISTENT_ROOM = "999999";
const DEFAULT_TIMEOUT = 2000; // ms to wait for the expected events of a step
const DEFAULT_QUIET = 150; // ms without any event before a step is considered over
const GLOBAL_LIMIT_MS = 150_000;
// The reference server broadcasts one `lobby update` from its startup ghost purge
// ~3-4 s after boot; the pre-flight waits until the server is older than this.
const MIN_SERVER_UPTIME_S = 8;

// pseudo IPs, random per run (header values only, never contacted)
const NET = `10.${randomInt(1, 255)}.${randomInt(0, 256)}`;
const IPS = { setup: `${NET}.10`, A: `${NET}.11`, B: `${NET}.12`, C: `${NET}.13`, D: `${NET}.14` };

// ---------------------------------------------------------------- recorder
const raw = []; // {step, client, kind, name, args?, payload?}
const steps = []; // {index, name, actions: []}
const warnings = [];
let currentStep = null;
let lastActivity = Date.now();
const t0 = Date.now();

function log(...a) {
  if (opts.verbose) console.error(`[${((Date.now() - t0) / 1000).toFixed(2)}s]`, ...a);
}
function warn(msg) {
  warnings.push(msg);
  console.error(`warning: ${msg}`);
}
function record(client, kind, name, fields = {}) {
  const e = { step: currentStep ? currentStep.name : "(none)", client, kind, name, ...fields, t: Date.now() - t0 };
  raw.push(e);
  lastActivity = Date.now();
  log(client, kind, name, fields.args !== undefined ? JSON.stringify(fields.args).slice(0, 160) : fields.payload !== undefined ? JSON.stringify(fields.payload).slice(0, 160) : "");
}
function action(client, what, payload) {
  if (currentStep) currentStep.actions.push(payload === undefined ? { client, do: what } : { client, do: what, payload });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitUntil(pred, timeoutMs, pollMs = 5) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (pred()) return true;
    if (Date.now() >= end) return false;
    await sleep(pollMs);
  }
}
function countEvents(stepName, client, name) {
  let n = 0;
  for (const e of raw) if (e.step === stepName && e.client === client && e.name === name) n++;
  return n;
}

/**
 * Run one step.  expect: [[client, eventName, count=1], ...] (events expected
 * from the real server; the step waits for them up to `timeout`), then waits
 * until no event arrived for `quiet` ms and at least `minWait` ms passed.
 */
async function step(name, fn, { expect = [], timeout = DEFAULT_TIMEOUT, quiet = DEFAULT_QUIET, minWait = 0 } = {}) {
  if (steps.some((s) => s.name === name)) throw new Error(`duplicate step name ${name}`);
  const st = { index: steps.length + 1, name, actions: [] };
  steps.push(st);
  currentStep = st;
  raw.push({ step: name, client: "*", kind: "step", name });
  log(`--- step ${st.index}: ${name}`);
  const started = Date.now();
  lastActivity = started;
  await fn();
  const ok = await waitUntil(() => expect.every(([c, ev, n = 1]) => countEvents(name, c, ev) >= n), timeout);
  if (!ok) {
    const missing = expect.filter(([c, ev, n = 1]) => countEvents(name, c, ev) < n).map(([c, ev, n = 1]) => `${c}:${ev}×${n}`);
    warn(`step "${name}": expected events not received within ${timeout} ms: ${missing.join(", ")}`);
  }
  await waitUntil(() => Date.now() - lastActivity >= quiet && Date.now() - started >= minWait, 10_000);
}

// ---------------------------------------------------------------- clients
class Client {
  constructor(name, ip) {
    this.name = name;
    this.ip = ip;
    this.cookie = null; // "connect.sid=..."
    this.socket = null;
  }

  headers({ cookie = true } = {}) {
    const h = { "X-Forwarded-For": this.ip };
    if (cookie && this.cookie) h.Cookie = this.cookie;
    return h;
  }

  /** HTTP request; records {status, type, setCookie, body}. */
  async http(method, path, { token = null, apiKey = false, body, cookie = true, label, summarize = false, recordIt = true } = {}) {
    const h = this.headers({ cookie });
    if (token) h.Authorization = `Bearer ${token}`;
    if (apiKey) h["x-api-key"] = apiKey === true ? API_KEY : apiKey;
    if (body !== undefined) h["Content-Type"] = "application/json";
    const desc = `${method} ${label ?? path}`;
    if (recordIt) {
      const parts = [];
      if (token) parts.push(token === scenarioToken ? "token" : `token=${JSON.stringify(token)}`);
      if (apiKey) parts.push(apiKey === true ? "x-api-key" : `x-api-key=${JSON.stringify(apiKey)}`);
      parts.push(cookie && this.cookie ? "cookie" : "no cookie");
      action(this.name, `${desc} [${parts.join(", ")}]`, body);
    }
    const res = await fetch(BASE + path, { method, headers: h, body: body !== undefined ? JSON.stringify(body) : undefined, redirect: "manual" });
    const sids = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0].trim()).filter((c) => c.startsWith("connect.sid="));
    if (sids.length && cookie && !this.cookie) this.cookie = sids[0];
    const text = await res.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const type = (res.headers.get("content-type") || "").split(";")[0].trim() || null;
    let recBody;
    if (json === undefined) recBody = { "<non-json>": text.slice(0, 300) };
    else if (summarize && json && typeof json === "object" && !Array.isArray(json)) recBody = { "<summary>": `object with ${Object.keys(json).length} keys` };
    else recBody = json;
    if (recordIt) record(this.name, "http", desc, { payload: { status: res.status, type, setCookie: sids.length > 0, body: recBody } });
    return { status: res.status, json };
  }

  /** Open a socket.io connection; resolves true on connect, false on connect_error/timeout. */
  connect({ token, keep = true } = {}) {
    action(this.name, `socket connect [${token === scenarioToken ? "token" : token ? `token=${JSON.stringify(token)}` : "no token"}, ${this.cookie ? "cookie" : "no cookie"}]`);
    return new Promise((resolveConnect) => {
      const s = io(BASE, {
        transports: ["websocket"],
        reconnection: false,
        forceNew: true,
        timeout: 5000,
        auth: token ? { token } : {},
        extraHeaders: this.headers(),
      });
      let settled = false;
      const settle = (v) => {
        if (!settled) {
          settled = true;
          resolveConnect(v);
        }
      };
      s.onAny((ev, ...args) => record(this.name, "event", ev, { args }));
      s.on("connect", () => {
        record(this.name, "lifecycle", "connect");
        settle(true);
      });
      s.on("connect_error", (err) => {
        const payload = { message: err?.message ?? String(err) };
        if (err && err.data !== undefined) payload.data = err.data;
        record(this.name, "lifecycle", "connect_error", { payload });
        settle(false);
      });
      s.on("disconnect", (reason) => record(this.name, "lifecycle", "disconnect", { payload: { reason } }));
      if (keep) this.socket = s;
      else this.probe = s;
      setTimeout(() => settle(false), 6000);
    });
  }

  emit(event, ...args) {
    action(this.name, `emit ${event}`, args.length === 0 ? undefined : args.length === 1 ? args[0] : args);
    if (!this.socket) throw new Error(`${this.name} has no socket`);
    this.socket.emit(event, ...args);
  }

  disconnect() {
    action(this.name, "socket disconnect");
    this.socket?.disconnect();
  }
}

const A = new Client("A", IPS.A);
const B = new Client("B", IPS.B);
const C = new Client("C", IPS.C);
const D = new Client("D", IPS.D);
const ALL = [A, B, C, D];
const setupClient = new Client("setup", IPS.setup);
let scenarioToken = null;
const rooms = {}; // R1/R2/R3 -> real id

function latestPayload(client, name) {
  for (let i = raw.length - 1; i >= 0; i--) {
    const e = raw[i];
    if (e.client === client && e.name === name && e.kind === "event") return e.args[0];
  }
  return undefined;
}

// ---------------------------------------------------------------- pre-flight
// Not recorded.  Waits (up to --wait-empty seconds) until the server has no rooms
// (rooms of an earlier run live ~30-60 s; their deletion would broadcast extra
// `lobby update`s) and has been up for MIN_SERVER_UPTIME_S.  Uses its own pseudo
// IP and its own token so that the scenario token's `uses` counter stays exact.
async function preflight() {
  if (opts.waitEmpty <= 0) return;
  const tok = await setupClient.http("POST", "/api/v1/bot-tokens/request", { recordIt: false });
  if (tok.status !== 201 || !tok.json?.token) {
    warn(`pre-flight: could not get a setup token (HTTP ${tok.status}); skipping pre-flight`);
    return;
  }
  const deadline = Date.now() + opts.waitEmpty * 1000;
  let announced = false;
  for (;;) {
    const h = await setupClient.http("GET", "/api/v1/health", { token: tok.json.token, recordIt: false });
    const total = h.json?.roomStatistics?.totalRooms;
    const uptime = h.json?.uptime;
    if (h.status !== 200 || typeof total !== "number") {
      warn(`pre-flight: /api/v1/health gave HTTP ${h.status}; skipping pre-flight`);
      return;
    }
    const young = typeof uptime === "number" && uptime < MIN_SERVER_UPTIME_S;
    if (total === 0 && !young) return;
    if (Date.now() > deadline) {
      warn(`pre-flight: server still has ${total} room(s) after ${opts.waitEmpty}s; foreign rooms are filtered out of lists but may add lobby updates`);
      return;
    }
    if (total === 0 && young) {
      await sleep(Math.ceil((MIN_SERVER_UPTIME_S - uptime) * 1000) + 100);
      continue;
    }
    if (!announced) {
      console.error(`pre-flight: server has ${total} room(s); waiting up to ${opts.waitEmpty}s for it to become empty (--no-wait-empty to skip)`);
      announced = true;
    }
    await sleep(2000);
  }
}

// ---------------------------------------------------------------- the scenario
async function scenario() {
  await step("setup: session cookies (GET /js/emojiList.json)", async () => {
    for (const c of ALL) await c.http("GET", "/js/emojiList.json", { summarize: true });
  });
  for (const c of ALL) if (!c.cookie) warn(`${c.name}: no connect.sid cookie received`);

  await step("setup: bot token request", async () => {
    const r = await A.http("POST", "/api/v1/bot-tokens/request");
    scenarioToken = r.json?.token ?? null;
  });
  if (!scenarioToken) throw new Error("could not obtain a bot token");

  await step("handshake without token", async () => {
    await D.connect({ token: null, keep: false });
    D.probe?.close();
  });
  await step("handshake with invalid token", async () => {
    await D.connect({ token: "tk_invalid", keep: false });
    D.probe?.close();
  });
  await step("connect A, B, C, D", async () => {
    for (const c of ALL) if (!(await c.connect({ token: scenarioToken }))) throw new Error(`${c.name} could not connect`);
  });

  await step("A check signin status (signed out)", async () => A.emit("check signin status"), { expect: [["A", "signin status"]] });

  // sign-in one by one so that the lobby fan-out of each step is deterministic
  const subscribed = [];
  for (const c of ALL) {
    subscribed.push(c.name);
    await step(`${c.name} join lobby`, async () => c.emit("join lobby", IDENTITIES[c.name]), {
      expect: [[c.name, "signin status"], ...subscribed.map((n) => [n, "lobby update"])],
    });
  }

  await step("D join lobby with too-long username", async () => D.emit("join lobby", { username: "ThisNameIsTooLong", location: "Denver" }), {
    expect: [["D", "validation_error"]],
  });
  await step("A check signin status (signed in)", async () => A.emit("check signin status"), {
    expect: [["A", "signin status"], ["A", "lobby update"], ["B", "lobby update"], ["C", "lobby update"], ["D", "lobby update"]],
  });
  await step("A get rooms", async () => A.emit("get rooms"), { expect: [["A", "initial rooms"]] });

  await step("A create room R1 (public, vertical)", async () => A.emit("create room", ROOM1), {
    expect: [["A", "room created"], ["A", "lobby update"], ["B", "lobby update"], ["C", "lobby update"], ["D", "lobby update"]],
  });
  rooms.R1 = latestPayload("A", "room created");
  if (typeof rooms.R1 !== "string") throw new Error("room R1 was not created");

  await step("A join R1", async () => A.emit("join room", { roomId: rooms.R1 }), {
    expect: [["A", "room joined"], ["A", "room update"], ["B", "lobby update"], ["C", "lobby update"], ["D", "lobby update"]],
  });
  await step("B join R1", async () => B.emit("join room", { roomId: rooms.R1 }), {
    expect: [["B", "room joined"], ["B", "room update"], ["A", "user joined"], ["A", "room update"], ["C", "lobby update"], ["D", "lobby update"]],
  });
  await step("C join R1", async () => C.emit("join room", { roomId: rooms.R1 }), {
    expect: [["C", "room joined"], ["C", "room update"], ["A", "user joined"], ["A", "room update"], ["B", "user joined"], ["B", "room update"], ["D", "lobby update"]],
  });

  await step("A join R1 again while in it", async () => A.emit("join room", { roomId: rooms.R1 }), { expect: [["A", "error"]] });

  // chat: one diff per step (steps are > 50 ms apart, so no coalescing)
  const chatExpect = { expect: [["A", "chat update"], ["C", "chat update"]] };
  await step("B chat full-replace", async () => B.emit("chat update", { diff: { type: "full-replace", text: "Hello world" } }), chatExpect);
  await step("B chat add", async () => B.emit("chat update", { diff: { type: "add", index: 11, text: " again" } }), chatExpect);
  await step("B chat delete", async () => B.emit("chat update", { diff: { type: "delete", index: 5, count: 6 } }), chatExpect);
  await step("B chat replace", async () => B.emit("chat update", { diff: { type: "replace", index: 0, text: "J" } }), chatExpect);
  await step("B chat full-replace with CR and U+202E (sanitised)", async () => B.emit("chat update", { diff: { type: "full-replace", text: "line1\r\nline2\u202e end" } }), chatExpect);
  await step("B chat with unknown diff type", async () => B.emit("chat update", { diff: { type: "bogus", text: "x" } }), {
    expect: [["B", "error"]],
  });
  await step("A get room state R1", async () => A.emit("get room state", rooms.R1), { expect: [["A", "room state"]] });

  await step("B typing true (auto false after 2 s)", async () => B.emit("typing", { isTyping: true }), {
    expect: [["A", "user typing", 2], ["C", "user typing", 2]],
    timeout: 3500,
  });
  await step("B typing true then false", async () => {
    B.emit("typing", { isTyping: true });
    await sleep(100);
    B.emit("typing", { isTyping: false });
  }, { expect: [["A", "user typing", 2], ["C", "user typing", 2]], minWait: 2600 });

  await step("A vote against B", async () => A.emit("vote", { targetUserId: userIdOf("B") }), {
    expect: [["A", "update votes"], ["B", "update votes"], ["C", "update votes"]],
  });
  await step("C vote against B (kick)", async () => C.emit("vote", { targetUserId: userIdOf("B") }), {
    expect: [["B", "kicked"], ["B", "lobby update"], ["A", "room update"], ["C", "room update"], ["D", "lobby update"]],
  });
  await step("B rejoin R1 after kick (banned)", async () => B.emit("join room", { roomId: rooms.R1 }), { expect: [["B", "error"]] });
  await step("C leave R1", async () => C.emit("leave room"), {
    expect: [["C", "lobby update"], ["A", "room update"], ["B", "lobby update"], ["D", "lobby update"]],
  });
  await step("A vote with 1 occupant (ignored)", async () => A.emit("vote", { targetUserId: userIdOf("C") }), { quiet: 300 });
  await step("A create room while in R1", async () => A.emit("create room", { name: "Trace Second", type: "public", layout: "vertical" }), {
    expect: [["A", "error"]],
  });
  await step(`D join nonexistent room ${NONEXISTENT_ROOM}`, async () => D.emit("join room", { roomId: NONEXISTENT_ROOM }), {
    expect: [["D", "room not found"]],
  });
  await step("D join R1 with numeric roomId", async () => D.emit("join room", { roomId: Number(rooms.R1) }), { expect: [["D", "room not found"]] });

  await step("D create room R2 (semi-private, horizontal)", async () => D.emit("create room", ROOM2), {
    expect: [["D", "room created"], ["B", "lobby update"], ["C", "lobby update"], ["D", "lobby update"]],
  });
  rooms.R2 = latestPayload("D", "room created");
  if (typeof rooms.R2 !== "string") throw new Error("room R2 was not created");

  await step("D join R2 (code remembered from creation)", async () => D.emit("join room", { roomId: rooms.R2 }), {
    expect: [["D", "room joined"], ["D", "room update"], ["B", "lobby update"], ["C", "lobby update"]],
  });
  await step("C join R2 without access code", async () => C.emit("join room", { roomId: rooms.R2 }), { expect: [["C", "access code required"]] });
  await step("C join R2 with malformed access code", async () => C.emit("join room", { roomId: rooms.R2, accessCode: "12ab" }), { expect: [["C", "error"]] });
  await step("C join R2 with wrong access code", async () => C.emit("join room", { roomId: rooms.R2, accessCode: "000000" }), { expect: [["C", "error"]] });
  await step("C join R2 with correct access code", async () => C.emit("join room", { roomId: rooms.R2, accessCode: ROOM2_CODE }), {
    expect: [["C", "room joined"], ["C", "room update"], ["D", "user joined"], ["D", "room update"], ["B", "lobby update"]],
  });
  await step("A leave R1", async () => A.emit("leave room"), { expect: [["A", "lobby update"], ["B", "lobby update"]] });

  // ------------------------------------------------------------- REST
  const T = scenarioToken;
  await step("REST health without token", async () => B.http("GET", "/api/v1/health"));
  await step("REST health with invalid token", async () => B.http("GET", "/api/v1/health", { token: "tk_invalid" }));
  await step("REST health", async () => A.http("GET", "/api/v1/health", { token: T }));
  await step("REST config", async () => A.http("GET", "/api/v1/config", { token: T }));
  await step("REST me (C's session)", async () => C.http("GET", "/api/v1/me", { token: T }));
  await step("REST me (no cookie)", async () => C.http("GET", "/api/v1/me", { token: T, cookie: false }));
  await step("REST rooms without x-api-key", async () => A.http("GET", "/api/v1/rooms", { token: T }));
  await step("REST rooms with wrong x-api-key", async () => A.http("GET", "/api/v1/rooms", { token: T, apiKey: "wrong-key" }));
  await step("REST rooms", async () => A.http("GET", "/api/v1/rooms", { token: T, apiKey: true }));
  await step("REST room R1", async () => A.http("GET", `/api/v1/rooms/${rooms.R1}`, { token: T, apiKey: true, label: "/api/v1/rooms/R1" }));
  await step("REST room R2", async () => A.http("GET", `/api/v1/rooms/${rooms.R2}`, { token: T, apiKey: true, label: "/api/v1/rooms/R2" }));
  await step(`REST room ${NONEXISTENT_ROOM}`, async () => A.http("GET", `/api/v1/rooms/${NONEXISTENT_ROOM}`, { token: T, apiKey: true }));
  await step("REST join R2 without access code", async () => B.http("POST", `/api/v1/rooms/${rooms.R2}/join`, { token: T, apiKey: true, body: {}, label: "/api/v1/rooms/R2/join" }));
  await step("REST join R2 with wrong access code", async () => B.http("POST", `/api/v1/rooms/${rooms.R2}/join`, { token: T, apiKey: true, body: { accessCode: "000000" }, label: "/api/v1/rooms/R2/join" }));
  await step("REST join R2 with correct access code", async () => B.http("POST", `/api/v1/rooms/${rooms.R2}/join`, { token: T, apiKey: true, body: { accessCode: ROOM2_CODE }, label: "/api/v1/rooms/R2/join" }));
  await step("REST join R1 (public)", async () => B.http("POST", `/api/v1/rooms/${rooms.R1}/join`, { token: T, apiKey: true, body: {}, label: "/api/v1/rooms/R1/join" }));
  await step(`REST join ${NONEXISTENT_ROOM}`, async () => B.http("POST", `/api/v1/rooms/${NONEXISTENT_ROOM}/join`, { token: T, apiKey: true, body: {} }));
  await step("B join R2 via REST-primed session, socket connected before priming", async () => B.emit("join room", { roomId: rooms.R2 }), {
    expect: [["B", "access code required"]],
  });
  await step("B reconnect with same cookie", async () => {
    B.disconnect();
    await waitUntil(() => countEvents("B reconnect with same cookie", "B", "disconnect") >= 1, 1000);
    if (!(await B.connect({ token: scenarioToken }))) throw new Error("B could not reconnect");
  });
  await step("B check signin status after reconnect", async () => B.emit("check signin status"), {
    expect: [["B", "signin status"], ["A", "lobby update"], ["B", "lobby update"]],
  });
  await step("B join R2 via REST-primed session after reconnect", async () => B.emit("join room", { roomId: rooms.R2 }), {
    expect: [["B", "room joined"], ["B", "room update"], ["C", "user joined"], ["D", "user joined"], ["A", "lobby update"]],
  });
  await step("REST create room with invalid fields", async () => A.http("POST", "/api/v1/rooms", { token: T, apiKey: true, body: { name: "", type: "bogus", layout: "diagonal" } }));
  await step("REST create room R3", async () => {
    const r = await A.http("POST", "/api/v1/rooms", { token: T, apiKey: true, body: REST_ROOM });
    if (r.json?.roomId) rooms.R3 = r.json.roomId;
  }, { expect: [["A", "lobby update"]] });
  await step("REST rooms after create", async () => A.http("GET", "/api/v1/rooms", { token: T, apiKey: true }));
  await step("REST token info", async () => A.http("GET", "/api/v1/bot-tokens/info", { token: T }));

  // ------------------------------------------------------------- teardown
  await step("D disconnect", async () => D.disconnect(), {
    expect: [["B", "room update"], ["C", "room update"], ["A", "lobby update"], ["D", "disconnect"]],
  });
  await step("C disconnect", async () => C.disconnect(), { expect: [["B", "room update"], ["A", "lobby update"], ["C", "disconnect"]] });
  await step("B disconnect", async () => B.disconnect(), { expect: [["A", "lobby update"], ["B", "disconnect"]] });
  await step("A disconnect", async () => A.disconnect(), { expect: [["A", "disconnect"]], quiet: 100 });
}

function userIdOf(clientName) {
  for (const e of raw) {
    if (e.client === clientName && e.name === "signin status" && e.args?.[0]?.userId) return e.args[0].userId;
  }
  throw new Error(`no user id known for ${clientName}`);
}

// ---------------------------------------------------------------- normalization
const TOKEN_RE = /tk_[0-9a-f]{64}/g;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;
const TIME_KEYS = new Set(["timestamp", "uptime", "createdAt", "lastUsed", "expiresAt", "lastChatActivity", "lastActiveTime", "lastActivity"]);
const COUNTER_PARENTS = new Set(["roomStatistics", "currentStatistics", "botTokens", "memory"]);
const STABLE_COUNTERS = new Set(["hardCap"]);
const CLIENT_ORDER = ["A", "B", "C", "D"];

function buildMaps() {
  const users = new Map(); // real id -> symbol
  const roomMap = new Map(); // real id -> R1...
  for (const e of raw) {
    const p = e.args?.[0];
    if (e.name === "signin status" && p && typeof p.userId === "string" && !users.has(p.userId)) users.set(p.userId, e.client);
  }
  for (const [sym, id] of Object.entries(rooms)) if (typeof id === "string") roomMap.set(id, sym);
  return { users, roomMap };
}

function makeNormalizer({ users, roomMap }) {
  const stats = { foreignRoomsDropped: 0, foreignUsers: new Set() };
  const FOREIGN_ID_RE = /^[A-Za-z0-9_-]{32}$/; // a session id we did not learn => another client's user
  const isForeignRoom = (x) => x && typeof x === "object" && !Array.isArray(x) && typeof x.id === "string" && /^\d{6}$/.test(x.id) && !roomMap.has(x.id) && x.id !== NONEXISTENT_ROOM;
  const replaceAll = (s) => {
    s = s.replace(TOKEN_RE, "<token>");
    for (const [id, sym] of users) if (s.includes(id)) s = s.split(id).join(sym);
    return s;
  };
  const foreign = (id) => {
    stats.foreignUsers.add(id);
    return "<foreign-user>";
  };
  const normKey = (k) => (users.has(k) ? users.get(k) : roomMap.has(k) ? roomMap.get(k) : FOREIGN_ID_RE.test(k) ? foreign(k) : replaceAll(k));
  function norm(v, path = []) {
    const key = path.length ? path[path.length - 1] : undefined;
    const parent = path.length > 1 ? path[path.length - 2] : undefined;
    if (Array.isArray(v)) {
      const kept = v.filter((x) => {
        if (isForeignRoom(x)) {
          stats.foreignRoomsDropped++;
          return false;
        }
        return true;
      });
      return kept.map((x, i) => norm(x, [...path, i]));
    }
    if (v && typeof v === "object") {
      const out = {};
      const keys = Object.keys(v).map((k) => [normKey(k), k]);
      keys.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      for (const [nk, k] of keys) {
        let target = nk;
        while (Object.prototype.hasOwnProperty.call(out, target)) target += "'";
        out[target] = norm(v[k], [...path, k]);
      }
      return out;
    }
    if (typeof v === "number") {
      if (TIME_KEYS.has(key) && v !== 0) return "<time>";
      if (v >= 1e12 && v < 1e14) return "<time>";
      if ((COUNTER_PARENTS.has(parent) || path.slice(0, -1).some((p) => COUNTER_PARENTS.has(p))) && !STABLE_COUNTERS.has(key)) return "<n>";
      return v;
    }
    if (typeof v === "string") {
      if (ISO_RE.test(v)) return "<time>";
      if (users.has(v)) return users.get(v);
      if (roomMap.has(v) && key !== "accessCode") return roomMap.get(v);
      if (FOREIGN_ID_RE.test(v)) return foreign(v);
      return replaceAll(v).replace(/Please wait \d+s/g, "Please wait <n>s");
    }
    return v;
  }
  // descriptors (step names, entry names, actions): substring replacement incl. room ids
  function normText(s) {
    s = replaceAll(s);
    for (const [id, sym] of roomMap) if (s.includes(id)) s = s.split(id).join(sym);
    return s;
  }
  function normAction(v, key) {
    if (typeof v === "number" && roomMap.has(String(v))) return `${roomMap.get(String(v))} (as number)`;
    if (typeof v === "string") return key === "accessCode" ? v : normText(v);
    if (Array.isArray(v)) return v.map((x) => normAction(x));
    if (v && typeof v === "object") {
      const out = {};
      for (const k of Object.keys(v).sort()) out[k] = normAction(v[k], k);
      return out;
    }
    return v;
  }
  return { norm, normText, normAction, stats };
}

function normalizeTrace(meta) {
  const maps = buildMaps();
  const { norm, normText, normAction, stats } = makeNormalizer(maps);
  const entries = [];
  for (const e of raw) {
    const out = { step: normText(e.step), client: e.client, kind: e.kind, name: normText(e.name) };
    if (e.kind === "event") {
      if (e.args.length === 1) out.payload = norm(e.args[0]);
      else if (e.args.length > 1) out.payload = { "<args>": norm(e.args) };
      // no key at all when the event carried no payload
    } else if (e.payload !== undefined) out.payload = norm(e.payload);
    entries.push(out);
  }
  // canonical order inside a step: step marker, then per client (A..D); per client the
  // HTTP responses first (they are awaited one by one, so their order is fixed), then
  // the socket events/lifecycle in arrival order.  The interleaving between different
  // clients, and between one client's HTTP and socket connections, is a race and is
  // deliberately not kept.
  const rank = (c) => (c === "*" ? -1 : CLIENT_ORDER.includes(c) ? CLIENT_ORDER.indexOf(c) : CLIENT_ORDER.length);
  const channel = (e) => (e.kind === "http" ? 0 : 1);
  const byStep = new Map();
  for (const e of entries) {
    if (!byStep.has(e.step)) byStep.set(e.step, []);
    byStep.get(e.step).push(e);
  }
  const sorted = [];
  for (const list of byStep.values()) sorted.push(...list.map((e, i) => [e, i]).sort((a, b) => rank(a[0].client) - rank(b[0].client) || channel(a[0]) - channel(b[0]) || a[1] - b[1]).map(([e]) => e));
  const contamination = { foreignRoomEntries: stats.foreignRoomsDropped, foreignUsers: stats.foreignUsers.size };
  const contaminated = contamination.foreignRoomEntries > 0 || contamination.foreignUsers > 0;
  if (contaminated)
    warn(`trace CONTAMINATED by other users of this server (${contamination.foreignRoomEntries} foreign room entries dropped from lists, ${contamination.foreignUsers} foreign user id(s) seen); use a server nobody else uses (see private-server.sh)`);
  const counts = {};
  for (const e of sorted) if (e.kind !== "step") counts[e.kind] = (counts[e.kind] || 0) + 1;
  return {
    format: "talkomatic-trace/1",
    scenario: SCENARIO_ID,
    meta: { ...meta, counts, contaminated, contamination, warnings },
    clients: Object.fromEntries(Object.entries(IDENTITIES)),
    rooms: { R1: { ...ROOM1, by: "A (socket)" }, R2: { ...ROOM2, by: "D (socket)" }, R3: { ...REST_ROOM, by: "A (REST)" } },
    steps: steps.map((s) => ({ index: s.index, name: normText(s.name), actions: s.actions.map((a) => normAction(a)) })),
    entries: sorted,
  };
}

// ---------------------------------------------------------------- main
const guard = setTimeout(() => {
  console.error(`scenario exceeded ${GLOBAL_LIMIT_MS / 1000}s; aborting`);
  process.exit(1);
}, GLOBAL_LIMIT_MS);

let exitCode = 0;
const startedAt = new Date().toISOString();
let runStart = Date.now();
try {
  await preflight();
  runStart = Date.now();
  await scenario();
} catch (err) {
  exitCode = 1;
  warn(`scenario aborted: ${err?.stack || err}`);
} finally {
  for (const c of ALL) c.socket?.disconnect();
}
const runtimeMs = Date.now() - runStart;
const trace = normalizeTrace({ server: BASE, startedAt, runtimeMs, preflightMs: runStart - t0, aborted: exitCode !== 0 });
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, JSON.stringify(trace, null, 2) + "\n");
if (opts.raw) {
  mkdirSync(dirname(resolve(opts.raw)), { recursive: true });
  writeFileSync(resolve(opts.raw), JSON.stringify({ server: BASE, ips: IPS, rooms, raw }, null, 2) + "\n");
}
const n = trace.entries.filter((e) => e.kind !== "step").length;
if (!exitCode && trace.meta.contaminated) exitCode = 3;
console.error(`scenario ${exitCode === 1 ? "ABORTED" : exitCode === 3 ? "done (CONTAMINATED)" : "done"}: ${steps.length} steps, ${n} events/responses (${Object.entries(trace.meta.counts).map(([k, v]) => `${k} ${v}`).join(", ")}), ${(runtimeMs / 1000).toFixed(1)} s${warnings.length ? `, ${warnings.length} warning(s)` : ""} -> ${OUT}`);
clearTimeout(guard);
process.exit(exitCode);
