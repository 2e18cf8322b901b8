// The LineWatcher looks only at the changed part of a text, using the previous
// text's newline count and last line start. changedRegion() must find exactly
// what a plain scan of both texts finds, for any edit, and keep the cache right.
import { assertEquals } from "@std/assert";
import fc from "fast-check";
import { changedRegion, lineCache, type Region } from "../../bot/in/lines.ts";
import { RUNS } from "../reliability/_config.ts";

/** The region by plain scans: common prefix and suffix, then lines counted with split(). */
function scanned(prev: string, text: string): Region {
  let start = 0;
  while (start < prev.length && start < text.length && prev[start] === text[start]) start++;
  let prevEnd = prev.length;
  let end = text.length;
  while (prevEnd > start && end > start && prev[prevEnd - 1] === text[end - 1]) {
    prevEnd--;
    end--;
  }
  const lines = (s: string) => s.split("\n").length - 1;
  const first = lines(text.slice(0, start));
  const before = text.slice(0, start).split("\n");
  return {
    start,
    prevEnd,
    end,
    first,
    removed: lines(prev.slice(start, prevEnd)),
    inserted: lines(text.slice(start, end)),
    lineStart: start - before[before.length - 1].length,
    cache: { newlines: lines(text), lastStart: text.length - text.split("\n").at(-1)!.length },
  };
}

const piece = fc.oneof(
  fc.constantFrom("/echo hi", "/roll", "\n", "\n\n", " ", "x", "/", "hello"),
  fc.string({ unit: fc.constantFrom("a", "/", "\n", " ", "e"), maxLength: 6 }),
);
const edit = fc.oneof(
  fc.record({ at: fc.nat(), cut: fc.constant(0), text: piece }), // typing, pasting
  fc.record({ at: fc.nat(), cut: fc.integer({ min: 1, max: 12 }), text: fc.constant("") }), // deleting
  fc.record({ at: fc.nat(), cut: fc.integer({ min: 1, max: 12 }), text: piece }), // replacing
);

Deno.test("changedRegion() finds what a plain scan finds, and keeps the line cache, for any edits", () => {
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 5 }),
      fc.array(edit, { maxLength: 25 }),
      (start, edits) => {
        let prev = start.join("");
        let cache = lineCache(prev);
        for (const e of edits) {
          const at = e.at % (prev.length + 1);
          const text = prev.slice(0, at) + e.text + prev.slice(at + e.cut);
          if (text === prev) continue;
          const region = changedRegion(prev, text, cache);
          assertEquals(region, scanned(prev, text));
          assertEquals(region.cache, lineCache(text));
          prev = text;
          cache = region.cache;
        }
      },
    ),
    { numRuns: RUNS * 10 },
  );
});
