import { assertEquals, assertThrows } from "@std/assert";
import fc from "fast-check";
import {
  applyDiff,
  Coalescer,
  diffTexts,
  EventBudget,
  LineWatcher,
  parseArgs,
  sanitizeChat,
  tokenize,
  typingFrames,
  UsageError,
  voteChanges,
  votesByTarget,
  votesByVoter,
} from "../../bot/mod.ts";
import { CommandRegistry } from "../../bot/commands.ts";

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

Deno.test("applyDiff() follows the server's semantics", () => {
  assertEquals(applyDiff("Hello", { type: "replace", index: 0, text: "J" }), "Jello");
  assertEquals(applyDiff("ab", { type: "replace", index: 1, text: "XYZ" }), "aXYZ");
  assertEquals(applyDiff("abc", { type: "add", index: 99, text: "d" }), "abcd");
  assertEquals(applyDiff("abc", { type: "delete", index: 1, count: 99 }), "a");
  assertEquals(applyDiff("x".repeat(4999), { type: "add", index: 0, text: "yy" }).length, 5000);
  assertEquals(sanitizeChat("line1\r\nline2\u202e end"), "line1\nline2 end");
  assertEquals(sanitizeChat("e\u0301\u0301\u0301"), "e\u0301\u0301");
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
});

Deno.test("votesByTarget() inverts the wire's voter -> target map (property)", () => {
  const ids = fc.constantFrom("a", "b", "c", "d", "e");
  fc.assert(fc.property(fc.dictionary(ids, ids), (wire) => {
    const byTarget = votesByTarget(wire);
    assertEquals(votesByVoter(byTarget), { ...wire });
    for (const [target, voters] of byTarget) {
      for (const voter of voters) assertEquals(wire[voter], target);
    }
  }));
  assertEquals(voteChanges({ a: "c" }, { a: "b" }), [
    { voter: "a", target: "c", added: false },
    { voter: "a", target: "b", added: true },
  ]);
});

Deno.test("EventBudget keeps a sliding window and honours blocks", async () => {
  let now = 0;
  const budget = new EventBudget({ limit: 2, windowMs: 1000, now: () => now });
  await budget.acquire();
  await budget.acquire();
  assertEquals(budget.waitMs(), 1000);
  now = 1000;
  assertEquals(budget.waitMs(), 0);
  budget.block(500);
  assertEquals(budget.waitMs(), 500);
});

Deno.test("Coalescer sends the latest value and never a stale one last", async () => {
  const sent: number[] = [];
  let release!: () => void;
  let gate = new Promise<void>((r) => (release = r));
  const c = new Coalescer<number>(() => gate, (v) => void sent.push(v));
  const all = [c.push(1), c.push(2), c.push(3)];
  release();
  await Promise.all(all);
  assertEquals(sent, [3]);
  gate = Promise.resolve();
  await c.push(4);
  assertEquals(sent, [3, 4]);
});

Deno.test("LineWatcher reports a completed line once and ignores baseline lines", () => {
  const seen: string[] = [];
  const w = new LineWatcher({ prefix: "/", idleMs: 10_000, onLine: (_u, l) => void seen.push(l) });
  w.baseline("u", "/old\n");
  w.update("u", "/old\n/ne");
  w.update("u", "/old\n/new");
  w.update("u", "/old\n/new\n");
  w.update("u", "/old\n/new\nhello");
  w.update("u", "");
  w.update("u", "/new\n");
  w.clear();
  assertEquals(seen, ["/new", "/new"]);
});

Deno.test("CommandRegistry rejects duplicate names and badly ordered parameters", () => {
  const r = new CommandRegistry();
  r.create("echo").alias("e");
  assertThrows(() => r.create("echo"), TypeError, "already exists");
  assertThrows(() => r.create("other").alias("e"), TypeError, 'already a name of "echo"');
  assertThrows(() => r.create("bad name"), TypeError);
  const b = r.create("p").param("a", { optional: true });
  assertThrows(() => b.param("b", {}), TypeError, "cannot follow an optional one");
  assertThrows(
    () => r.create("q").param("x", { rest: true }).param("y", {}),
    TypeError,
    "last positional",
  );
  assertThrows(() => r.create("s").param("n", { type: "integer", default: 1.5 }), TypeError);
});
