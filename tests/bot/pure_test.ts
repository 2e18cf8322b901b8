// Units of the bot that need no server: parser, diffs, pacing, the line
// watcher, the outbox's fence, safe action promises and message classes.
import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import fc from "fast-check";
import { UsageError } from "../../bot/mod.ts";
import { parseArgs, tokenize } from "../../bot/commands/parse.ts";
import { diffTexts, typingFrames } from "../../bot/out/diff.ts";
import { applyDiff, fit, sanitizeChat } from "../../schemas/text.ts";
import { EventBudget } from "../../bot/out/pacer.ts";
import { LineWatcher } from "../../bot/in/lines.ts";
import { CommandRegistry, helpFor, helpText } from "../../bot/commands/commands.ts";
import { tracked } from "../../bot/out/tracked.ts";
import { classify, failureOf } from "../../bot/in/server_messages.ts";
import { Outbox } from "../../bot/out/outbox.ts";
import { Life } from "../../bot/out/life.ts";
import { ActionError } from "../../bot/errors.ts";
import { FakeClock, settle } from "../_fake_clock.ts";

Deno.test("tokenize() splits like a shell and rejects unclosed quotes", () => {
  assertEquals(tokenize(`a "b c" 'd e' f\\ g`), ["a", "b c", "d e", "f g"]);
  assertEquals(tokenize(`x"y z"`), ["xy z"]);
  assertEquals(tokenize(`"say \\"hi\\""`), ['say "hi"']);
  assertEquals(tokenize("   "), []);
  assertThrows(() => tokenize(`"open`), UsageError, "Unclosed double quote");
  assertThrows(() => tokenize(`'open`), UsageError, "Unclosed single quote");
});

Deno.test("parseArgs() handles positionals, flags, aliases, defaults, rest and errors", () => {
  const specs = [
    { name: "target", type: "string" as const },
    { name: "words", type: "string" as const, rest: true, optional: true },
    { name: "times", type: "integer" as const, flag: true, aliases: ["t"], default: 1 },
    { name: "loud", type: "boolean" as const, flag: true },
    { name: "ratio", type: "number" as const, flag: true, optional: true },
  ];
  assertEquals(parseArgs(["bob", "hi", "there", "-t", "3", "--loud"], specs), {
    target: "bob",
    words: ["hi", "there"],
    times: 3,
    loud: true,
    ratio: undefined,
  });
  assertEquals(parseArgs(["bob", "--times=2", "--ratio", "-1.5", "--", "--x"], specs), {
    target: "bob",
    words: ["--x"],
    times: 2,
    loud: false,
    ratio: -1.5,
  });
  assertThrows(() => parseArgs([], specs), UsageError, "Missing required argument <target>");
  assertThrows(() => parseArgs(["a", "--nope"], specs), UsageError, 'Unknown option "--nope"');
  assertThrows(() => parseArgs(["a", "-t", "x"], specs), UsageError, "expected an integer");
  assertThrows(() => parseArgs(["a", "--times"], specs), UsageError, "needs a value");
  assertThrows(
    () => parseArgs(["a", "b"], [{ name: "only", type: "string" }]),
    UsageError,
    "Unexpected",
  );
});

Deno.test("diffTexts() and typingFrames() always reach the target (property)", () => {
  fc.assert(fc.property(fc.string(), fc.string(), (a, b) => {
    const d = diffTexts(a, b);
    assertEquals(d === undefined ? a : applyDiff(a, d), b.slice(0, 5000));
    let shown = a;
    for (const frame of typingFrames(a, b)) {
      const step = diffTexts(shown, frame);
      shown = step === undefined ? shown : applyDiff(shown, step);
      assertEquals(shown, frame);
    }
    assertEquals(shown, b);
  }));
  assertEquals(sanitizeChat("line1\r\nline2\u202e end"), "line1\nline2 end");
});

Deno.test("EventBudget grants slots in order, and aborted or declined grants cost nothing", async () => {
  const clock = new FakeClock();
  const budget = new EventBudget({ limit: 2, windowMs: 1000, clock });
  const order: string[] = [];
  await budget.take(() => (order.push("a"), true));
  assertEquals(await budget.take(() => false), false); // declined: superseded, no slot used
  assertEquals(budget.used, 1);
  await budget.take(() => (order.push("b"), true));
  assertEquals(budget.waitMs(), 1000);
  const stop = new AbortController();
  const aborted = budget.take(() => (order.push("never"), true), stop.signal);
  const waiting = budget.take(() => (order.push("c"), true));
  stop.abort(new Error("gone"));
  await assertRejects(() => aborted, Error, "gone");
  budget.reset(); // a new socket: a fresh budget, the waiter is served
  await waiting;
  assertEquals(order, ["a", "b", "c"]);
  budget.block(500);
  assertEquals(budget.waitMs(), 500);
});

function watcher(idleMs = 50) {
  const ran: string[] = [];
  const clock = new FakeClock();
  const w = new LineWatcher({
    idleMs,
    clock,
    isCommand: (line) => /^\s*\/(echo|help|roll)\b/.test(line),
    needsEnter: (line) => line.trim().startsWith("/roll"),
    onLine: (_u, line) => void ran.push(line),
  });
  const typeInto = (text: string, from = "") => {
    for (let i = from.length + 1; i <= text.length; i++) w.update("u", text.slice(0, i));
  };
  return { w, ran, typeInto, clock };
}

Deno.test("LineWatcher runs a line on Enter at once, once, and ignores lines present at join", async () => {
  const { w, ran, typeInto, clock } = watcher(50);
  w.baseline("u", "/echo old\n");
  typeInto("/echo old\n/echo new", "/echo old\n");
  assertEquals(ran, []);
  w.update("u", "/echo old\n/echo new\n");
  assertEquals(ran, ["/echo new"]);
  w.update("u", "/echo old\n/echo new\nhello");
  w.update("u", "/echo old\n/echo new\nhello\n");
  assertEquals(ran, ["/echo new"]);
  await clock.advance(100);
  assertEquals(ran, ["/echo new"]);
  // Changed in place and left alone: completed again, so it runs again.
  w.update("u", "/echo old\n/echo ne\nhello\n");
  w.update("u", "/echo old\n/echo new\nhello\n");
  assertEquals(ran, ["/echo new"]);
  await clock.advance(49);
  assertEquals(ran, ["/echo new"], "not before the idle time");
  await clock.advance(1);
  assertEquals(ran, ["/echo new", "/echo new"]);
  // A line removed above shifts the others: nothing runs again.
  w.update("u", "/echo new\nhello\n");
  await clock.advance(100);
  assertEquals(ran, ["/echo new", "/echo new"]);
  w.clear();
});

Deno.test("LineWatcher waits out a pause mid-command and runs a line left alone", async () => {
  const { w, ran, typeInto, clock } = watcher(60);
  typeInto("/echo hel");
  await clock.advance(59); // a pause just shorter than the idle time
  typeInto("/echo hello world", "/echo hel");
  assertEquals(ran, []);
  await clock.advance(59);
  assertEquals(ran, [], "the idle time counts from the last keystroke");
  await clock.advance(1);
  assertEquals(ran, ["/echo hello world"]);
  w.update("u", "/echo hello world\n"); // Enter after it already ran: not again
  assertEquals(ran, ["/echo hello world"]);
  typeInto("/echo hello world\n/roll 6", "/echo hello world\n");
  await clock.advance(120);
  assertEquals(ran, ["/echo hello world"], "a command that requires Enter waits for it");
  w.update("u", "/echo hello world\n/roll 6\n");
  assertEquals(ran, ["/echo hello world", "/roll 6"]);
  w.clear();
});

Deno.test("LineWatcher never runs lines that arrive in bulk, even when edited later", async () => {
  const { w, ran, clock } = watcher(30);
  w.update("u", "Commands:\n/help - Lists the commands\n/echo - Repeats");
  w.update("u", "Commands:\n/help - Lists the commands\n/echo - Repeats your words");
  w.update("u", "Commands:\n/help - Lists the commands\n/echo - Repeats your words\n");
  await clock.advance(80);
  assertEquals(ran, []);
  // A line and its Enter merged into one server batch (a lagging server) still runs.
  w.update("v", "/echo late\n");
  assertEquals(ran, ["/echo late"]);
  ran.length = 0;
  // A single line typed by a person in the same text still runs.
  w.update("u", "Commands:\n/help - Lists the commands\n/echo - Repeats your words\n/e");
  w.update("u", "Commands:\n/help - Lists the commands\n/echo - Repeats your words\n/echo x");
  w.update("u", "Commands:\n/help - Lists the commands\n/echo - Repeats your words\n/echo x\n");
  assertEquals(ran, ["/echo x"]);
  w.clear();
});

Deno.test("tracked() hands unobserved failures over and leaves awaited ones to the caller", async () => {
  const reported: string[] = [];
  const fail = (m: string) =>
    tracked(Promise.reject(new Error(m)), (e) => void reported.push((e as Error).message));
  void fail("ignored");
  await assertRejects(() => fail("awaited"), Error, "awaited");
  fail("caught").catch(() => {});
  await Promise.allSettled([fail("settled")]);
  assertEquals(await tracked(Promise.resolve(5), () => reported.push("never")), 5);
  await settle(); // tracked() looks after the current macrotask; settle() is the next one

  assertEquals(reported, ["ignored"]);
});

Deno.test("classify() reads every server message the bot acts on", () => {
  assertEquals(classify("RATE_LIMITED", "Rate limit exceeded.").dropped, true);
  assertEquals(
    classify("RATE_LIMITED", "Please wait 27s before creating another room.").retryAfterMs,
    27_000,
  );
  assertEquals(classify("RATE_LIMITED", "Creating rooms too fast.").retryAfterMs, 10_000);
  assertEquals(classify("FORBIDDEN", "You are banned from this room.").reason, "banned");
  assertEquals(classify("FORBIDDEN", 'Already in "Lounge". Leave first.').reason, "alreadyInRoom");
  assertEquals(
    classify("FORBIDDEN", "This username/location is already in a room.").reason,
    "nameInUse",
  );
  assertEquals(classify("FORBIDDEN", "Incorrect access code.").reason, "wrongAccessCode");
  assertEquals(classify("SOMETHING_NEW", "?").reason, "serverError");
  assertEquals(failureOf("access code required", undefined)?.reason, "accessCodeRequired");
  assertEquals(failureOf("validation_error", { name: "Too long." })?.fields, { name: "Too long." });
  assertEquals(failureOf("user left", "u1"), undefined);
});

Deno.test("Outbox: a late answer to a timed-out request is not taken by the next one", async () => {
  const clock = new FakeClock();
  const emitted: string[] = [];
  const unclaimed: string[] = [];
  const outbox = new Outbox(
    {
      emit: (event) => void emitted.push(event),
      unclaimed: (f, late) => void unclaimed.push(`${late ? "late " : ""}${f.message}`),
      chatSent: () => {},
    },
    new EventBudget({ limit: 100, windowMs: 1000, clock }),
    0,
    clock,
  );
  const life = (ms: number) => new Life(ms, [], clock);
  const first = outbox.request({
    action: "joinRoom",
    context: "Cannot join",
    event: "join room",
    payload: () => ({ roomId: "123456" }),
    match: (e, _payload) => e === "room joined" ? true : undefined,
  }, life(30)).then(() => undefined, (e) => e);
  await clock.advance(30);
  const err = await first;
  assert(err instanceof ActionError && err.reason === "timeout", String(err));
  assert(err.message.includes("no answer"), err.message);
  const second = outbox.request({
    action: "leaveRoom",
    context: "Cannot leave",
    event: "leave room",
    payload: () => undefined,
    match: (e, _payload) => e === "user left" ? true : undefined,
  }, life(1000));
  await settle();
  assertEquals(emitted, ["join room", "get rooms"], "the second request waits for the fence");
  outbox.inbound("room full", {
    error: { code: "ROOM_FULL", message: "Room is full.", replaceDefaultText: false },
  });
  outbox.inbound("initial rooms", []);
  await settle();
  assertEquals(emitted, ["join room", "get rooms", "leave room"]);
  outbox.inbound("user left", "me");
  assertEquals(await second, true);
  assertEquals(unclaimed, ["late Room is full."]);
});

Deno.test("Outbox: a request whose life ends while waiting for pacing is never sent", async () => {
  const clock = new FakeClock();
  const emitted: string[] = [];
  const budget = new EventBudget({ limit: 1, windowMs: 200, clock });
  const outbox = new Outbox(
    {
      emit: (event) => void emitted.push(event),
      unclaimed: () => {},
      chatSent: () => {},
    },
    budget,
    0,
    clock,
  );
  await budget.take(() => true); // the window is full for 200 ms
  const pending = outbox.request({
    action: "leaveRoom",
    context: "Cannot leave",
    event: "leave room",
    payload: () => undefined,
    match: () => undefined,
  }, new Life(50, [], clock)).then(() => undefined, (e) => e);
  await clock.advance(50);
  const err = await pending;
  assert(err instanceof ActionError && err.reason === "timeout");
  assert(err.message.includes("will not be sent"), err.message);
  await clock.advance(250); // the window is free again: a late emission would happen now
  assertEquals(emitted, []);
});

Deno.test("CommandRegistry rejects duplicates; help texts never start a line with the prefix", () => {
  const r = new CommandRegistry();
  r.create("echo").alias("e").description("Repeats").param("words", { rest: true }).handle(
    () => {},
  );
  assertThrows(() => r.create("echo"), TypeError, "already exists");
  assertThrows(() => r.create("other").alias("e"), TypeError, 'already a name of "echo"');
  assertThrows(() => r.create("bad name"), TypeError);
  const b = r.create("p").param("a", { optional: true });
  assertThrows(() => b.param("b", {}), TypeError, "cannot follow an optional one");
  assertThrows(() => r.create("s").param("n", { type: "integer", default: 1.5 }), TypeError);
  for (const text of [helpText(r.all, "/"), helpFor(r.get("e"), "/")!]) {
    for (const line of text.split("\n")) assert(!line.trimStart().startsWith("/"), line);
  }
  assertEquals(fit("x".repeat(6000)).length, 5000);
  assertEquals(fit("ab", 5000), "ab");
});
