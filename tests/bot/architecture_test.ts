// The shape of bot/: no value import cycles, plugins built on the public API
// only. Walks the import graph `deno info --json` gives for bot/mod.ts.
import { assertEquals } from "@std/assert";

interface InfoDependency {
  code?: { specifier: string };
  type?: { specifier: string };
}
interface InfoModule {
  specifier: string;
  dependencies?: InfoDependency[];
}

const BOT = new URL("../../bot/", import.meta.url).href;

async function importGraph(entry: string): Promise<InfoModule[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, BOT).href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: InfoModule[] }).modules;
}

/** Edges between bot/ files: value imports only, or value and type imports. */
function edges(modules: InfoModule[], withTypes: boolean): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const m of modules) {
    if (!m.specifier.startsWith(BOT)) continue;
    const to: string[] = [];
    for (const dep of m.dependencies ?? []) {
      for (const target of [dep.code, withTypes ? dep.type : undefined]) {
        if (target?.specifier.startsWith(BOT)) to.push(target.specifier.slice(BOT.length));
      }
    }
    graph.set(m.specifier.slice(BOT.length), to);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan), each sorted. */
export function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found.sort();
}

Deno.test("cycles() finds a value cycle and ignores a chain", () => {
  const ring = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]]]);
  assertEquals(cycles(ring), [["a.ts", "b.ts", "c.ts"]]);
  const chain = new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", []]]);
  assertEquals(cycles(chain), []);
});

Deno.test("bot/ has no value import cycle", async () => {
  assertEquals(cycles(edges(await importGraph("mod.ts"), false)), []);
});

async function botFiles(dir = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(new URL(dir, BOT))) {
    if (e.isDirectory) out.push(...await botFiles(`${dir}${e.name}/`));
    else if (e.name.endsWith(".ts")) out.push(dir + e.name);
  }
  return out;
}

Deno.test("every bot/ file is reached from bot/mod.ts and sits at the root or in a part's folder", async () => {
  const graph = edges(await importGraph("mod.ts"), true);
  assertEquals([...graph.keys()].sort(), (await botFiles()).sort());
  const folders = new Set([...graph.keys()].map((f) => f.includes("/") ? f.split("/")[0] : "."));
  assertEquals([...folders].sort(), [".", "board", "commands", "in", "link", "out", "plugins"]);
});

Deno.test("the parts get functions: handlers.ts and commands/dispatch.ts do not import bot.ts", async () => {
  const graph = edges(await importGraph("mod.ts"), true);
  for (const part of ["handlers.ts", "commands/dispatch.ts", "commands/schedule.ts"]) {
    assertEquals(graph.get(part)?.includes("bot.ts"), false, part);
  }
});

Deno.test("bot/ has one type-only import cycle: the facade's types (bot.ts and events.ts)", async () => {
  const found = cycles(edges(await importGraph("mod.ts"), true));
  assertEquals(found.length, 1, JSON.stringify(found));
  assertEquals(found[0].includes("bot.ts") && found[0].includes("events.ts"), true);
});

// A plugin (bot/plugins/) is built on the public API alone: from a bot/ file outside
// bot/plugins/ it may import only names bot/mod.ts exports (types included, as `deno doc`
// lists them), and from api/ only names api/mod.ts exports. Allowed besides: the runtime shims
// (`_platform.ts` in bot/ or api/: the one file of each that may touch the runtime), anything
// from schemas/ (the shared vocabulary of the wire: limits, text rules), other plugin files and
// packages of the imports map. A namespace import (`* as`), a side-effect import or a dynamic
// import of a private file counts as importing everything.
const ROOT = new URL("../../", import.meta.url);

async function publicNames(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  return new Set(doc.nodes[new URL(entry, ROOT).href].symbols.map((s) => s.name));
}

/** The relative imports of a source text: the target and the names taken (`*` for all). */
export function importsOf(source: string): { from: string; names: string[] }[] {
  const found: { from: string; names: string[] }[] = [];
  const statement =
    /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/g;
  for (const [, clause, from] of source.matchAll(statement)) {
    const names: string[] = [];
    const braces = clause.match(/\{([^}]*)\}/);
    for (const item of braces?.[1].split(",") ?? []) {
      const name = item.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0].trim();
      if (name) names.push(name);
    }
    const outside = clause.replace(/\{[^}]*\}/, "").replace(/^type\s+/, "");
    if (/\*/.test(outside)) names.push("*");
    else if (/^\s*[A-Za-z_$][\w$]*\s*(,|$)/.test(outside)) names.push("default");
    found.push({ from, names });
  }
  for (const [, from] of source.matchAll(/(?:^|[;\n])\s*import\s*["']([^"']+)["']/g)) {
    found.push({ from, names: ["*"] });
  }
  for (const [, from] of source.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) {
    found.push({ from, names: ["*"] });
  }
  return found.filter((i) => i.from.startsWith("."));
}

Deno.test("importsOf() reads named, type, namespace, default, side-effect and dynamic imports", () => {
  const source = `import { a, type B, c as d } from "./x.ts";
import type {
  E,
} from "../y.ts";
export { f } from "./z.ts";
import * as all from "./w.ts";
import main, { g } from "./v.ts";
import "./u.ts";
const later = await import("./t.ts");
import { h } from "valibot";`;
  assertEquals(importsOf(source), [
    { from: "./x.ts", names: ["a", "B", "c"] },
    { from: "../y.ts", names: ["E"] },
    { from: "./z.ts", names: ["f"] },
    { from: "./w.ts", names: ["*"] },
    { from: "./v.ts", names: ["g", "default"] },
    { from: "./u.ts", names: ["*"] },
    { from: "./t.ts", names: ["*"] },
  ]);
});

Deno.test("bot/plugins/ imports from the rest of bot/ and api/ only what bot/mod.ts and api/mod.ts export", async () => {
  const PLUGINS = new URL("plugins/", BOT).href;
  const API = new URL("api/", ROOT).href;
  const SCHEMAS = new URL("schemas/", ROOT).href;
  const botPublic = await publicNames("bot/mod.ts");
  const apiPublic = await publicNames("api/mod.ts");
  const leaks: string[] = [];
  for (const file of (await botFiles()).filter((f) => f.startsWith("plugins/"))) {
    const url = new URL(file, BOT);
    for (const { from, names } of importsOf(await Deno.readTextFile(url))) {
      const target = new URL(from, url).href;
      if (target.startsWith(PLUGINS) || target.startsWith(SCHEMAS)) continue;
      if (target === `${BOT}_platform.ts` || target === `${API}_platform.ts`) continue;
      const open = target.startsWith(BOT) ? botPublic : target.startsWith(API) ? apiPublic : null;
      for (const name of names) {
        if (!open?.has(name)) leaks.push(`${file}: ${name} from ${from}`);
      }
    }
  }
  assertEquals(leaks, []);
});
