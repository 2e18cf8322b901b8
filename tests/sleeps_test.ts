// Time the tests control: every wait on the wall clock in tests/ is a poll of `until`, a guard, a
// race-widening jitter, a timer of a test double, or one of at most 10 commented `sleep`s.
//
// A `setTimeout(` in a test is allowed only with a tag, on its line or a comment line right
// above it: `// poll` (the interval of a wait-until-condition loop), `// guard` (a deadline that
// fires only on failure), `// jitter` (a deliberate random delay that widens a race), `// model`
// (a timer of a test double, such as a proxy's ping timeout). Any other wait on time is a `sleep`
// of tests/_support.ts, with a comment saying why real time is needed.
import { assert, assertEquals } from "@std/assert";

const TESTS = new URL("./", import.meta.url);
const MAX_SLEEPS = 10;

/** The helpers that define the waits (the one `until`, `sleep`, `settle`, the fake clock). */
const HELPERS = new Set([
  "_support.ts",
  "_fake_clock.ts",
  "node/fixtures/_wait.mjs",
  "sleeps_test.ts",
]);
/** The real server's scenario, run as it is. */
const SKIPPED_FOLDERS = ["testing/conformance/"];

const TAG = /\/\/ (poll|guard|jitter|model)\b/;
const SLEEP = /(?<![\w.])sleep\(/g;
const SET_TIMEOUT = /(?<![\w.])setTimeout\((?!\))/g;

/** What one file does with time: its sleeps and what is wrong. */
export function audit(path: string, text: string): { sleeps: string[]; problems: string[] } {
  const lines = text.split("\n");
  const sleeps: string[] = [];
  const problems: string[] = [];
  lines.forEach((line, i) => {
    const where = `${path}:${i + 1}`;
    const above = lines[i - 1]?.trim() ?? "";
    const commentAbove = above.startsWith("//");
    for (const _ of line.matchAll(SLEEP)) {
      if (/function sleep\(/.test(line)) continue;
      sleeps.push(where);
      if (!line.includes("//") && !commentAbove) {
        problems.push(`${where}: a sleep without a comment saying why real time is needed`);
      }
    }
    for (const _ of line.matchAll(SET_TIMEOUT)) {
      if (TAG.test(line) || (above.startsWith("//") && TAG.test(above))) continue;
      problems.push(
        `${where}: a raw setTimeout: wait on a condition (until), a fence or a fake clock; ` +
          "or use sleep() with a comment; or tag a poll, guard, jitter or model timer",
      );
    }
  });
  return { sleeps, problems };
}

async function* sources(dir: URL, prefix = ""): AsyncGenerator<[string, URL]> {
  for await (const entry of Deno.readDir(dir)) {
    const path = prefix + entry.name;
    if (entry.isDirectory) {
      if (SKIPPED_FOLDERS.includes(`${path}/`) || entry.name === "node_modules") continue;
      yield* sources(new URL(`${entry.name}/`, dir), `${path}/`);
    } else if (/\.(ts|mts|js|mjs)$/.test(entry.name) && !HELPERS.has(path)) {
      yield [path, new URL(entry.name, dir)];
    }
  }
}

Deno.test(`tests/ waits on real time only through at most ${MAX_SLEEPS} commented sleeps`, async () => {
  const sleeps: string[] = [];
  const problems: string[] = [];
  let files = 0;
  for await (const [path, url] of sources(TESTS)) {
    files++;
    const found = audit(path, await Deno.readTextFile(url));
    sleeps.push(...found.sleeps);
    problems.push(...found.problems);
  }
  assert(files > 50, `only ${files} test files found`);
  assertEquals(problems, []);
  assert(sleeps.length <= MAX_SLEEPS, `${sleeps.length} sleeps:\n${sleeps.join("\n")}`);
});

Deno.test("the audit finds an uncommented sleep and an untagged setTimeout, and lets the rest be", () => {
  const { sleeps, problems } = audit(
    "x.ts",
    [
      "await sleep(100);",
      "// Real time is the subject: the server's own timer.",
      "await sleep(200);",
      "await sleep(300); // the server's own timer",
      "await new Promise((r) => setTimeout(r, 50));",
      "const timer = setTimeout(() => reject(new Error('hung')), 9000); // guard",
      "// jitter: widen the race",
      "await new Promise((r) => setTimeout(r, Math.random() * 3));",
      "export function sleep(ms: number) {}",
      "clock.setTimeout(fn, 10); sleeper(1); ctx.sleep(2);",
    ].join("\n"),
  );
  assertEquals(sleeps, ["x.ts:1", "x.ts:3", "x.ts:4"]);
  assertEquals(problems.map((p) => p.split(": ")[0]), ["x.ts:1", "x.ts:5"]);
});
