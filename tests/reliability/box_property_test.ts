// Property tests of the bot's box (bot/plugins/box.ts): whatever the sections hold
// (long, multi-line, any Unicode), the text stays within the 5000-character
// box, never splits a surrogate pair, equals the plain composition when that
// fits, and a log shows its newest lines.
import { assert, assertEquals } from "@std/assert";
import fc from "fast-check";
import { Bot, Box } from "../../bot/mod.ts";
import { MAX_MESSAGE_LENGTH } from "../../schemas/limits.gen.ts";
import { sanitizeChat } from "../../schemas/text.ts";
import { RUNS, summaryAtEnd } from "./_config.ts";

type Spec =
  | { kind: "text"; text: string }
  | { kind: "lines"; header: string; lines: [string, string][] }
  | { kind: "log"; header: string; lines: string[]; limit: number };

const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", minLength: 500, maxLength: 6000 }) },
  {
    weight: 2,
    arbitrary: fc.array(fc.string({ unit: "grapheme", maxLength: 90 }), { maxLength: 80 })
      .map((lines) => lines.join("\n")),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("😀".repeat(2600), "a\u0301".repeat(2600), "\n".repeat(5001), ""),
  },
);
const header = fc.oneof(fc.constant(""), fc.string({ unit: "binary", maxLength: 40 }));
const spec: fc.Arbitrary<Spec> = fc.oneof(
  text.map((t) => ({ kind: "text" as const, text: t })),
  fc.record({
    kind: fc.constant("lines" as const),
    header,
    lines: fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d", "e", "f"), text), {
      maxLength: 8,
    }),
  }),
  fc.record({
    kind: fc.constant("log" as const),
    header,
    lines: fc.array(text, { maxLength: 30 }),
    limit: fc.integer({ min: 1, max: 40 }),
  }),
);

let boxes = 0;
let cut = 0;
summaryAtEnd("box", () => ({ boxes, "cut to fit": cut, runs: RUNS }));

const oneLine = (s: string) => s.replace(/\r\n|[\r\n]/g, " ");

/** Builds a box from specs; returns it and the text it would show without a limit. */
function build(specs: readonly Spec[]): { box: Box; plain: string; logs: string[][] } {
  const bot = new Bot({ username: "Box", server: "http://127.0.0.1:1", token: "tk_0" });
  const box = new Box(bot);
  const parts: string[] = [];
  const logs: string[][] = [];
  specs.forEach((s, i) => {
    const name = `s${i}`;
    if (s.kind === "text") {
      box.text(name).set(s.text);
      if (s.text !== "") parts.push(s.text);
    } else if (s.kind === "lines") {
      const section = box.lines(name, { header: s.header });
      const map = new Map<string, string>();
      for (const [key, line] of s.lines) {
        section.set(key, line);
        map.set(key, oneLine(line));
      }
      const items = [...map.values()];
      const all = oneLine(s.header) === "" ? items : [oneLine(s.header), ...items];
      if (items.length > 0 && all.join("\n") !== "") parts.push(all.join("\n"));
    } else {
      const section = box.log(name, { header: s.header, limit: s.limit });
      section.add(...s.lines);
      const items = s.lines.map(oneLine).slice(-s.limit);
      logs.push(items);
      const all = oneLine(s.header) === "" ? items : [oneLine(s.header), ...items];
      if (items.length > 0 && all.join("\n") !== "") parts.push(all.join("\n"));
    }
  });
  return { box, plain: parts.join("\n"), logs };
}

Deno.test("Box never exceeds the 5000-character box and never splits a surrogate pair (property)", () => {
  fc.assert(
    fc.property(fc.array(spec, { maxLength: 6 }), (specs) => {
      boxes++;
      const { box, plain } = build(specs);
      const shown = box.render();
      assert(shown.length <= MAX_MESSAGE_LENGTH, `${shown.length} characters`);
      assert(shown.isWellFormed(), "a surrogate pair was split");
      if (plain.length <= MAX_MESSAGE_LENGTH) {
        assertEquals(shown, sanitizeChat(plain), "it fits: nothing is cut");
      } else cut++;
    }),
    { numRuns: RUNS },
  );
});

Deno.test("Box: a log keeps its newest lines that fit, the newest last (property)", () => {
  fc.assert(
    fc.property(fc.array(text, { minLength: 1, maxLength: 60 }), (lines) => {
      boxes++;
      const shown = build([{ kind: "log", header: "", lines, limit: 100 }]).box.render();
      const items = lines.map(oneLine);
      let k = 0;
      while (k < items.length && items.slice(-(k + 1)).join("\n").length <= MAX_MESSAGE_LENGTH) k++;
      if (k === 0) {
        const newest = items[items.length - 1];
        assertEquals(shown.length <= MAX_MESSAGE_LENGTH, true);
        const cutShown = shown.slice(0, -1);
        assert(shown.endsWith("…"), "the newest, cut");
        assert(
          sanitizeChat(newest).startsWith(sanitizeChat(cutShown)) || cutShown === "",
          "a prefix",
        );
      } else {
        assertEquals(shown, sanitizeChat(items.slice(-k).join("\n")), `the newest ${k} lines`);
      }
    }),
    { numRuns: RUNS },
  );
});
