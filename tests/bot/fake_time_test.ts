// The parts that wait, each built alone with fake ports, on fake time: the
// line watcher's idle completion, the outbox's chat pacing, question timeouts
// and schedules. Nothing here sleeps: time moves only through the FakeClock.
import { assert, assertEquals, assertThrows } from "@std/assert";
import { Bot, type Clock } from "../../bot/mod.ts";
import { FakeClock } from "../_fake_clock.ts";
import { LineWatcher } from "../../bot/in/lines.ts";
import { Outbox } from "../../bot/out/outbox.ts";
import { EventBudget } from "../../bot/out/pacer.ts";
import { Life } from "../../bot/out/life.ts";
import { Asks } from "../../bot/commands/ask.ts";
import { Schedules } from "../../bot/commands/schedule.ts";
import { Placement } from "../../bot/link/placement.ts";
import { AskError } from "../../bot/errors.ts";
import type { BaseContext } from "../../bot/events.ts";
import type { Room, User } from "../../bot/model.ts";

const ALICE: User = Object.freeze({ id: "u1", name: "Alice", location: "Here", isDev: false });

Deno.test("LineWatcher on fake time: a command line left unchanged runs after idleMs, not before", async () => {
  const clock = new FakeClock();
  const ran: string[] = [];
  const w = new LineWatcher({
    idleMs: 3000,
    clock,
    isCommand: (line) => line.startsWith("/echo"),
    needsEnter: () => false,
    onLine: (_user, line) => void ran.push(line),
  });
  w.baseline("u1", "");
  w.update("u1", "/echo hi");
  await clock.advance(2999);
  assertEquals(ran, [], "not idle long enough yet");
  w.update("u1", "/echo hi!"); // typing again restarts the wait
  await clock.advance(2999);
  assertEquals(ran, []);
  await clock.advance(1);
  assertEquals(ran, ["/echo hi!"]);
  await clock.advance(60_000);
  assertEquals(ran, ["/echo hi!"], "a line runs once");
  assertEquals(clock.pending, 0);
});

Deno.test("Outbox on fake time: chat texts are paced sendIntervalMs apart, the latest wins", async () => {
  const clock = new FakeClock(1_000_000);
  const sent: unknown[] = [];
  const outbox = new Outbox(
    {
      emit: (event, payload) => void sent.push([event, payload]),
      unclaimed: () => {},
      chatSent: () => {},
    },
    new EventBudget({ limit: 100, windowMs: 1000, clock }),
    500,
    clock,
  );
  const life = () => new Life(10_000, [], clock);
  const first = outbox.chat("a", false, life(), "Cannot send");
  await first;
  assertEquals(sent.length, 1);
  const second = outbox.chat("b", false, life(), "Cannot send");
  const third = outbox.chat("c", false, life(), "Cannot send");
  await clock.advance(499);
  assertEquals(sent.length, 1, "within the interval nothing more is sent");
  await clock.advance(1);
  await Promise.all([second, third]);
  assertEquals(sent, [
    ["chat update", { diff: { type: "full-replace", text: "a" } }],
    ["chat update", { diff: { type: "full-replace", text: "c" } }],
  ]);
});

Deno.test("Outbox on fake time: an action's life times out on the clock and its request is not sent", async () => {
  const clock = new FakeClock();
  const sent: string[] = [];
  const budget = new EventBudget({ limit: 1, windowMs: 60_000, clock });
  const outbox = new Outbox(
    { emit: (event) => void sent.push(event), unclaimed: () => {}, chatSent: () => {} },
    budget,
    0,
    clock,
  );
  await budget.take(() => true); // the window is full for a minute
  const request = outbox.request({
    action: "leaveRoom",
    context: "Cannot leave",
    event: "leave room",
    payload: () => undefined,
    match: () => undefined,
  }, new Life(1000, [], clock)).then(() => undefined, (error) => error);
  await clock.advance(999);
  assertEquals(sent, []);
  await clock.advance(1);
  const error = await request;
  assert(error instanceof Error && error.message.includes("will not be sent"), String(error));
  await clock.advance(60_000);
  assertEquals(sent, [], "never sent, even when the window frees up");
});

Deno.test("Asks on fake time: a question without an answer times out after timeoutMs, not before", async () => {
  const clock = new FakeClock();
  const asks = new Asks(() => false, clock);
  const shown: string[] = [];
  let settled = false;
  const answer = asks.ask(ALICE, "Your name?", { timeoutMs: 5000 }, (text) => {
    shown.push(text);
    return Promise.resolve();
  }).then(
    (value) => ({ value }),
    (error) => ({ error }),
  ).finally(() => settled = true);
  await clock.advance(4999);
  assertEquals(shown, ["Your name?"]);
  assertEquals(settled, false);
  await clock.advance(1);
  const result = await answer;
  assert("error" in result && result.error instanceof AskError);
  assertEquals(result.error.reason, "timeout");
  assertEquals(clock.pending, 0);
});

Deno.test("Schedules on fake time: every() runs while connected, pauses on a loss, resumes with the time left", async () => {
  const clock = new FakeClock();
  const stop = new AbortController();
  let connected = true;
  const runs: number[] = [];
  const schedules = new Schedules({
    connected: () => connected,
    stopSignal: stop.signal,
    report: (error) => {
      throw error;
    },
    context: () => ({}) as BaseContext,
    clock,
  });
  schedules.every(1000, () => void runs.push(clock.now()));
  await clock.advance(2500);
  assertEquals(runs, [1000, 2000]);
  connected = false;
  schedules.connection(false);
  await clock.advance(10_000);
  assertEquals(runs, [1000, 2000], "no run while disconnected");
  connected = true;
  schedules.connection(true);
  await clock.advance(500);
  assertEquals(runs, [1000, 2000, 13_000], "the 500 ms left, then every 1000 ms");
  await clock.advance(1000);
  assertEquals(runs, [1000, 2000, 13_000, 14_000]);
  stop.abort();
  await clock.advance(5000);
  assertEquals(runs.length, 4);
  assertEquals(clock.pending, 0);
});

Deno.test("Bot takes its clock from the clock option and rejects one without timers", () => {
  const clock = new FakeClock(42);
  const bot = new Bot({ username: "Clocked", server: "http://127.0.0.1:1", token: "tk_0", clock });
  assertEquals(bot.options.clock.now(), 42);
  assertThrows(
    () => new Bot({ username: "Clocked", clock: { now: () => 0 } as unknown as Clock }),
    TypeError,
    "clock must have now(), setTimeout() and clearTimeout()",
  );
});

Deno.test("Placement alone on fake time: creates and joins its room, and goes back when a check finds it dropped", async () => {
  const clock = new FakeClock();
  const calls: string[] = [];
  let here: string | undefined;
  let member = true;
  const placement = new Placement({
    createRoom: (spec) => (calls.push(`create ${spec.name}`), Promise.resolve("123456")),
    joinRoom: (id) => {
      calls.push(`join ${id}`);
      here = typeof id === "string" ? id : id.id;
      return Promise.resolve({ id: here, name: "Lounge" } as Room);
    },
    createdSpec: () => undefined,
    isMember: (id) => (calls.push(`check ${id}`), Promise.resolve(member)),
    rooms: () => [],
    roomId: () => here,
    removed: () => {
      calls.push("removed");
      here = undefined;
    },
    report: (error) => {
      throw error;
    },
    clock,
    warn: (message) => void calls.push(`warn ${message}`),
    debug: () => {},
    connected: () => true,
    verifyAfterMs: 2000,
    resend: () => {},
  }, { name: "Lounge", create: true });
  await placement.ensure();
  assertEquals(calls, ["create Lounge", "join 123456"]);
  await clock.advance(1999);
  assertEquals(calls.length, 2, "the membership check waits verifyAfterMs");
  await clock.advance(1);
  assertEquals(calls, ["create Lounge", "join 123456", "check 123456"]);
  member = false;
  here = undefined; // out of the room: ensure() joins again, and checks again later
  await placement.ensure();
  await clock.advance(2000);
  assertEquals(calls.slice(3), [
    "join 123456",
    "check 123456",
    "warn The server dropped the bot from room 123456; going back",
    "removed",
  ]);
});
