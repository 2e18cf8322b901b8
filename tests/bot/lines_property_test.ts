// The LineWatcher looks only at the changed part of a text, keeping each
// text's newline count and last line start; it must decide exactly as the
// watcher that scanned the text from the start (tests/bot/_lines_reference.ts):
// the same lines run, at the same moments, for any sequence of edits.
import { assertEquals } from "@std/assert";
import fc from "fast-check";
import { LineWatcher } from "../../bot/lines.ts";
import { ReferenceLineWatcher } from "./_lines_reference.ts";
import { RUNS } from "../reliability/_config.ts";

const IDLE_MS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Step =
  | { op: "insert"; at: number; text: string }
  | { op: "delete"; at: number; count: number }
  | { op: "replace"; text: string }
  | { op: "baseline"; text: string }
  | { op: "wait" };

const piece = fc.oneof(
  fc.constantFrom("/echo hi", "/roll", "\n", "\n\n", " ", "x", "/", "/echo", "hello", "/help"),
  fc.string({ unit: fc.constantFrom("a", "/", "\n", " ", "e"), maxLength: 6 }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant("insert" as const), at: fc.nat(), text: piece }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant("delete" as const),
      at: fc.nat(),
      count: fc.integer({ min: 1, max: 12 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("replace" as const),
      text: fc.array(piece, { maxLength: 6 }).map((p) => p.join("")),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("baseline" as const),
      text: fc.array(piece, { maxLength: 4 }).map((p) => p.join("")),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "wait" as const }) },
);

function watchers(): {
  current: LineWatcher;
  reference: ReferenceLineWatcher;
  ran: [string[], string[]];
} {
  const ran: [string[], string[]] = [[], []];
  const options = (out: string[]) => ({
    idleMs: IDLE_MS,
    isCommand: (line: string) => /^\s*\/(echo|help|roll)\b/.test(line),
    needsEnter: (line: string) => line.trim().startsWith("/roll"),
    onLine: (userId: string, line: string) => void out.push(`${userId}:${line}`),
  });
  return {
    current: new LineWatcher(options(ran[0])),
    reference: new ReferenceLineWatcher(options(ran[1])),
    ran,
  };
}

Deno.test("LineWatcher runs the same lines as a watcher that scans whole texts, for any edits", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom("u", "v"), step), { maxLength: 30 }),
      async (steps) => {
        const { current, reference, ran } = watchers();
        const texts = new Map<string, string>();
        try {
          for (const [user, s] of steps) {
            let text = texts.get(user) ?? "";
            if (s.op === "wait") {
              await sleep(IDLE_MS * 3);
              assertEquals(ran[0], ran[1]);
              continue;
            }
            if (s.op === "insert") {
              const at = s.at % (text.length + 1);
              text = text.slice(0, at) + s.text + text.slice(at);
            } else if (s.op === "delete") {
              const at = s.at % (text.length + 1);
              text = text.slice(0, at) + text.slice(at + s.count);
            } else text = s.text;
            texts.set(user, text);
            if (s.op === "baseline") {
              current.baseline(user, text);
              reference.baseline(user, text);
            } else {
              current.update(user, text);
              reference.update(user, text);
            }
            assertEquals(ran[0], ran[1]);
          }
          await sleep(IDLE_MS * 3);
          assertEquals(ran[0], ran[1]);
        } finally {
          current.clear();
          reference.clear();
        }
      },
    ),
    { numRuns: Math.min(RUNS, 300) },
  );
});
