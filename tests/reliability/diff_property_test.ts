// Property tests of the chat buffer model (docs/protocol.md §7.2, §7.4): the
// one implementation of diff application and sanitisation (schemas/text.ts,
// which the bot re-exports and the local server calls) against a reference
// model written here, independently, from the protocol text.
import { assert, assertEquals, assertStrictEquals } from "@std/assert";
import fc from "fast-check";
import * as botDiff from "../../bot/out/diff.ts";
import { diffTexts, typingFrames } from "../../bot/out/diff.ts";
import {
  applyDiff,
  MAX_MESSAGE_LENGTH,
  sanitizeChat,
  sanitizeName,
  type TextDiff,
} from "../../schemas/text.ts";
import * as serverText from "../../testing/_text.ts";
import { RUNS, summaryAtEnd } from "./_config.ts";

const MAX = 5000; // §7.2 and §7.4, written out: the model does not read the limits module

// ------------------------------------------------------------ the reference model

/**
 * §7.2 read literally: `text` is cut to 5000 on receipt; indices are clamped
 * with `min(index, length)` and handed to `String.prototype.slice`, which
 * truncates fractions; `add` cannot grow the buffer past 5000; `replace`
 * overwrites `min(text.length, length - index)` characters with the whole text.
 */
function modelApply(m: string, d: TextDiff): string {
  if (d.type === "full-replace") return d.text.slice(0, MAX);
  const i = Math.min(d.index, m.length);
  if (d.type === "add") {
    const text = d.text.slice(0, MAX).slice(0, Math.max(0, MAX - m.length));
    return m.slice(0, i) + text + m.slice(i);
  }
  if (d.type === "delete") {
    const count = Math.min(d.count, m.length - i);
    return m.slice(0, i) + m.slice(i + count);
  }
  const text = d.text.slice(0, MAX);
  const overwritten = Math.min(text.length, m.length - i);
  return m.slice(0, i) + text + m.slice(i + overwritten);
}

const isCombining = (c: number): boolean =>
  (c >= 0x300 && c <= 0x36f) || (c >= 0x483 && c <= 0x489) || (c >= 0x1ab0 && c <= 0x1aff) ||
  (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe20 && c <= 0xfe2f);

/** §7.4, one UTF-16 unit at a time (every listed block is in the BMP). */
function modelSanitize(text: string, drop = "\u202e\r"): string {
  let out = "";
  let run = 0;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k];
    if (drop.includes(ch)) continue;
    if (isCombining(ch.charCodeAt(0))) {
      if (++run > 2) continue;
    } else run = 0;
    out += ch;
  }
  return out;
}

// ------------------------------------------------------------ arbitraries

/** Any Unicode, weighted towards what breaks text code. */
const tricky = fc.constantFrom(
  "\u202e",
  "\r",
  "\n",
  "\t",
  " ",
  "\u0301",
  "\u0489",
  "\u1ab0",
  "\u1dc0",
  "\u20d0",
  "\ufe20",
  "😀",
  "👩‍👩‍👧",
  "\ud83d", // lone high surrogate
  "\ude00", // lone low surrogate
  "e\u0301\u0302\u0303\u0304",
  "\u0000",
);
const anyText = fc.array(fc.oneof(fc.string({ unit: "binary" }), tricky), { maxLength: 12 })
  .map((parts) => parts.join(""));
const longText = fc.tuple(anyText, fc.integer({ min: 0, max: 6000 }))
  .map(([t, n]) => (t || "x").repeat(Math.ceil(n / Math.max(1, t.length))).slice(0, n));
const text = fc.oneof({ weight: 6, arbitrary: anyText }, { weight: 1, arbitrary: longText });

/** Indices as the server accepts them: any number >= 0, fractional or past the end. */
const index = fc.oneof(
  fc.integer({ min: 0, max: 40 }),
  fc.double({ min: 0, max: 80, noNaN: true }),
  fc.constantFrom(0, 0.5, 1.5, 4999.5, 5000, 6000, 2 ** 31, Number.MAX_SAFE_INTEGER, Infinity),
);

const diff: fc.Arbitrary<TextDiff> = fc.oneof(
  fc.record({ type: fc.constant("full-replace" as const), text }),
  fc.record({ type: fc.constant("add" as const), index, text }),
  fc.record({ type: fc.constant("delete" as const), index, count: index }),
  fc.record({ type: fc.constant("replace" as const), index, text }),
);

let diffsApplied = 0;
summaryAtEnd("diff model", () => ({ "diffs applied": diffsApplied, runs: RUNS }));

const splitsPair = (s: string, at: number): boolean =>
  /[\ud800-\udbff]/.test(s[at - 1] ?? "") && /[\udc00-\udfff]/.test(s[at] ?? "");

// ------------------------------------------------------------ properties

Deno.test("The bot and the local server share one diff and sanitisation implementation", () => {
  // So one property against the model below covers both; this test fails if either forks.
  assertStrictEquals(botDiff.applyDiff, applyDiff);
  assertStrictEquals(botDiff.sanitizeChat, sanitizeChat);
  assertStrictEquals(botDiff.sanitizeName, sanitizeName);
  assertStrictEquals(serverText.sanitizeChat, sanitizeChat);
  assertStrictEquals(serverText.sanitizeName, sanitizeName);
  assertEquals(MAX_MESSAGE_LENGTH, MAX);
});

Deno.test("Diff application matches the protocol model for any diff sequence", () => {
  fc.assert(
    fc.property(text, fc.array(diff, { maxLength: 20 }), (start, diffs) => {
      let actual = start.slice(0, MAX);
      let model = actual;
      for (const d of diffs) {
        actual = applyDiff(actual, d);
        model = modelApply(model, d);
        assertEquals(actual, model, `after ${JSON.stringify(d).slice(0, 200)}`);
        diffsApplied++;
      }
      // A batch ends with sanitisation (§7.3).
      assertEquals(sanitizeChat(actual), modelSanitize(model).slice(0, MAX));
    }),
    { numRuns: RUNS },
  );
});

Deno.test("Diff application never throws for any numbers, even negative or NaN", () => {
  const wild = fc.oneof(index, fc.double(), fc.constantFrom(-1, -Infinity, NaN, -0));
  const wildDiff: fc.Arbitrary<TextDiff> = fc.oneof(
    fc.record({ type: fc.constant("add" as const), index: wild, text }),
    fc.record({ type: fc.constant("delete" as const), index: wild, count: wild }),
    fc.record({ type: fc.constant("replace" as const), index: wild, text }),
  );
  fc.assert(
    fc.property(text, wildDiff, (start, d) => {
      const out = applyDiff(start.slice(0, MAX), d);
      assert(typeof out === "string");
      // A negative or NaN position acts as 0: everything before the edit is kept.
      assert(out.length <= Math.max(MAX, start.length) + MAX);
    }),
    { numRuns: RUNS },
  );
});

Deno.test("Chat sanitisation: every UTF-16 unit, three in a row, as the model says (the fast scan misses none)", () => {
  for (let c = 0; c <= 0xffff; c++) {
    const t = String.fromCharCode(c).repeat(3) + "x";
    if (sanitizeChat(t) !== modelSanitize(t)) {
      assertEquals(sanitizeChat(t), modelSanitize(t), `U+${c.toString(16).padStart(4, "0")}`);
    }
  }
});

Deno.test("Chat sanitisation matches the protocol model and is idempotent and capped", () => {
  fc.assert(
    fc.property(text, (t) => {
      const once = sanitizeChat(t);
      assertEquals(once, modelSanitize(t).slice(0, MAX));
      assertEquals(sanitizeChat(once), once);
      assert(!once.includes("\u202e") && !once.includes("\r"));
      assert(once.length <= MAX);
      assert(
        !/[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{3}/.test(
          once,
        ),
      );
      // Newlines survive (when nothing was cut off).
      if (t.length <= MAX) assertEquals(once.split("\n").length, t.split("\n").length);
    }),
    { numRuns: RUNS },
  );
});

Deno.test("Name sanitisation matches the protocol model and is trimmed and capped", () => {
  fc.assert(
    fc.property(text, fc.constantFrom(15, 20, 25), (t, max) => {
      const once = sanitizeName(t, max);
      assertEquals(once, modelSanitize(t, "\u202e\r\n\t").trim().slice(0, max));
      assert(!/[\u202e\r\n\t]/.test(once) && once.length <= max);
      // Idempotent up to the cut: sanitising again only trims what the cut exposed.
      assertEquals(sanitizeName(once, max), once.trim());
    }),
    { numRuns: RUNS },
  );
});

Deno.test("diffTexts turns any text into any other, never splitting a surrogate pair", () => {
  fc.assert(
    fc.property(anyText, anyText, (from, to) => {
      const d = diffTexts(from, to);
      if (from === to) return assertEquals(d, undefined);
      assert(d !== undefined);
      assertEquals(applyDiff(from, d), to.slice(0, MAX));
      assertEquals(modelApply(from, d), to.slice(0, MAX));
      if (d.type !== "full-replace") {
        const cuts = [d.index, d.type === "delete" ? d.index + d.count : d.index];
        for (const at of cuts) assert(!splitsPair(from, at), `cuts a pair at ${at}`);
      }
    }),
    { numRuns: RUNS },
  );
});

Deno.test("typingFrames ends at the target and changes one code point per frame", () => {
  fc.assert(
    fc.property(anyText, anyText, (from, to) => {
      const frames = typingFrames(from, to);
      if (from === to) return assertEquals(frames, []);
      assertEquals(frames.at(-1), to);
      let prev = [...from];
      for (const f of frames) {
        const next = [...f];
        assertEquals(Math.abs(next.length - prev.length), 1);
        prev = next;
      }
    }),
    { numRuns: RUNS },
  );
});
