// Property tests of the command-line parser (bot/commands/parse.ts, bot/commands/commands.ts):
// any input gives a parsed result or a UsageError, never anything else, and
// quoting round-trips.
import { assert, assertEquals } from "@std/assert";
import fc from "fast-check";
import { parseCommandLine } from "../../bot/commands/commands.ts";
import { UsageError } from "../../bot/errors.ts";
import { checkParamSpec, type ParamSpec, parseArgs, tokenize } from "../../bot/commands/parse.ts";
import { RUNS, summaryAtEnd } from "./_config.ts";

const shellish = fc.constantFrom(
  "'",
  '"',
  "\\",
  " ",
  "\t",
  "\n",
  "-",
  "--",
  "=",
  "/",
  "😀",
  "\u202e",
);
const line = fc.array(fc.oneof(fc.string({ unit: "binary" }), shellish), { maxLength: 16 })
  .map((parts) => parts.join(""));
const word = fc.oneof(fc.string({ unit: "binary" }), fc.array(shellish).map((a) => a.join("")));

let inputs = 0;
summaryAtEnd("command parser", () => ({ inputs, runs: RUNS }));

/** Runs `fn`; a UsageError is an accepted outcome, anything else thrown fails the property. */
function resultOrUsage<T>(fn: () => T): T | UsageError {
  inputs++;
  try {
    return fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
}

const singleQuote = (w: string): string => `'${w.replaceAll("'", `'\\''`)}'`;
const doubleQuote = (w: string): string => `"${w.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
const backslashed = (w: string): string => w === "" ? "''" : [...w].map((c) => `\\${c}`).join("");

Deno.test("tokenize returns words or a UsageError for any string", () => {
  fc.assert(
    fc.property(line, (l) => {
      const out = resultOrUsage(() => tokenize(l));
      if (out instanceof UsageError) {
        return assert(/Unclosed (single|double) quote/.test(out.message));
      }
      assert(Array.isArray(out) && out.every((w) => typeof w === "string"));
    }),
    { numRuns: RUNS },
  );
});

Deno.test("tokenize round-trips any words quoted in any style", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(word, fc.constantFrom(singleQuote, doubleQuote, backslashed)), {
        maxLength: 8,
      }),
      fc.constantFrom(" ", "  ", "\t", " \n "),
      (words, sep) => {
        const l = words.map(([w, quote]) => quote(w)).join(sep);
        assertEquals(tokenize(l), words.map(([w]) => w));
        inputs++;
      },
    ),
    { numRuns: RUNS },
  );
});

Deno.test("parseCommandLine returns a command, nothing, or a UsageError for any line and prefix", () => {
  fc.assert(
    fc.property(line, fc.constantFrom("/", "!", "bot:", "~~"), (l, prefix) => {
      const out = resultOrUsage(() => parseCommandLine(l, prefix));
      if (out === undefined || out instanceof UsageError) return;
      assert(out.name.length > 0 && !/\s/.test(out.name));
      assertEquals(out.name, out.name.toLowerCase());
    }),
    { numRuns: RUNS },
  );
});

Deno.test("parseCommandLine keeps any quoted argument intact", () => {
  fc.assert(
    fc.property(fc.array(word, { maxLength: 6 }), (words) => {
      const out = parseCommandLine(`/say ${words.map(singleQuote).join(" ")}`, "/");
      assertEquals(out, { name: "say", words });
      inputs++;
    }),
    { numRuns: RUNS },
  );
});

const SPECS: ParamSpec[][] = [
  [],
  [checkParamSpec({ name: "words", rest: true })],
  [
    checkParamSpec({ name: "target" }),
    checkParamSpec({ name: "times", type: "integer", flag: true, aliases: ["t"], default: 1 }),
    checkParamSpec({ name: "loud", type: "boolean", flag: true }),
  ],
  [
    checkParamSpec({ name: "x", type: "number" }),
    checkParamSpec({ name: "y", type: "number", optional: true }),
    checkParamSpec({ name: "tag", flag: true, rest: true, aliases: ["g", "label"] }),
  ],
  [
    checkParamSpec({ name: "on", type: "boolean" }),
    checkParamSpec({ name: "rest", rest: true, optional: true }),
  ],
];

Deno.test("parseArgs returns typed arguments or a UsageError for any words", () => {
  const words = fc.array(
    fc.oneof(
      word,
      fc.constantFrom(
        "-t",
        "--times",
        "--times=x",
        "--loud",
        "-g",
        "--",
        "1e3",
        "-5",
        "NaN",
        "true",
        "no",
      ),
    ),
    { maxLength: 8 },
  );
  fc.assert(
    fc.property(fc.constantFrom(...SPECS.keys()), words, (k, ws) => {
      const specs = SPECS[k];
      const out = resultOrUsage(() => parseArgs(ws, specs));
      if (out instanceof UsageError) return assert(out.message.length > 0);
      for (const spec of specs) {
        const v = out[spec.name];
        const values = spec.rest ? (assert(Array.isArray(v)), v as unknown[]) : [v];
        for (const value of values) {
          if (value === undefined && (spec.optional || spec.default !== undefined)) continue;
          if (spec.type === "integer") assert(Number.isInteger(value), `${spec.name}=${value}`);
          if (spec.type === "number") assert(typeof value === "number" && Number.isFinite(value));
          if (spec.type === "boolean") assertEquals(typeof value, "boolean");
          if (spec.type === "string") assertEquals(typeof value, "string");
        }
      }
    }),
    { numRuns: RUNS },
  );
});
