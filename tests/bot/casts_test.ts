// No payload casts in bot/ (issue 18): payloads are typed by the generated event tables on the
// way in and out. The only casts allowed are the documented boundaries, each on a line marked
// `wire-boundary` in a listed file.
import { assertEquals } from "@std/assert";

const BOT = new URL("../../bot/", import.meta.url);

/** Casts of a payload (or of its name or pair) to a wire type. */
const CASTS: readonly RegExp[] = [
  /\bas\s+(ServerEvents|ClientEvents)\[/,
  /\bpayload\)?\s+as\s/,
  /\(p as \{/,
  /\bas\s+(RawEvent|ServerMessage|ServerEventName|ClientEventName|Match)\b/,
  /\b(event|name)\s+as\s+never\b/,
];

/** The boundaries: file → how many marked casts it holds. */
const ALLOWED: Readonly<Record<string, number>> = {
  // The validation boundary: a validated (name, payload) becomes typed.
  "in/inbound.ts": 3,
  // A request's `match` (of every ServerMessage) typed for the way in, once per request.
  "out/outbox.ts": 1,
};
const MARKER = "// wire-boundary";

async function* sources(dir: URL, prefix = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = prefix + entry.name;
    if (entry.isDirectory) yield* sources(new URL(`${entry.name}/`, dir), `${path}/`);
    else if (entry.isFile && entry.name.endsWith(".ts")) yield path;
  }
}

/** The casts of `text`: `file:line: code`, allowed ones counted apart. */
export function findCasts(file: string, text: string): { bad: string[]; allowed: number } {
  const bad: string[] = [];
  let allowed = 0;
  text.split("\n").forEach((line, i) => {
    const code = line.trimStart();
    if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) return;
    if (!CASTS.some((re) => re.test(line))) return;
    if (file in ALLOWED && line.includes(MARKER)) allowed++;
    else bad.push(`${file}:${i + 1}: ${line.trim()}`);
  });
  return { bad, allowed };
}

Deno.test("findCasts() flags payload casts and allows only marked lines of listed files", () => {
  const planted = [
    'const p = payload as ServerEvents["board chat"];',
    "emit(k, spec.payload?.() as ClientEvents[K]);",
    "const { x } = (p as { x: number });",
    "state.apply(name, payload as never);",
    "outbox.inbound(name as never, x);",
    "const name = event as ServerEventName; // wire-boundary",
  ].join("\n");
  assertEquals(findCasts("board/state.ts", planted).bad.length, 6);
  const marked = findCasts("in/inbound.ts", planted);
  assertEquals([marked.bad.length, marked.allowed], [5, 1]);
  assertEquals(findCasts("x.ts", "const n = things.length as number;").bad, []);
});

Deno.test("bot/ casts no payload to a wire type outside the documented boundaries", async () => {
  const bad: string[] = [];
  const allowed: Record<string, number> = {};
  for await (const file of sources(BOT)) {
    const found = findCasts(file, await Deno.readTextFile(new URL(file, BOT)));
    bad.push(...found.bad);
    if (found.allowed) allowed[file] = found.allowed;
  }
  assertEquals(bad, []);
  // The boundaries are where they say, and do not grow.
  assertEquals(allowed, ALLOWED);
});
