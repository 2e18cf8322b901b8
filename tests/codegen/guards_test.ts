// The guards of codegen/guards.ts apply the same rules as the valibot
// validators, including the keywords the schemas do not use yet, and fail
// on a keyword they would drop.
import { assert, assertEquals, assertThrows } from "@std/assert";
import * as v from "valibot";
import { generateGuards } from "../../codegen/guards.ts";
import type { Components } from "../../codegen/schema.ts";
import { expression } from "../../codegen/valibot.ts";
import { guards as generatedGuards } from "../../schemas/guards.gen.ts";
import { validators } from "../../schemas/mod.ts";

/** Compiles the guards of `components` (written to a module and imported). */
async function guards(components: Components): Promise<Record<string, (x: unknown) => boolean>> {
  const names = Object.keys(components);
  const code = generateGuards(components, names, "// guards of a test").replace(
    '"./guard.ts"',
    JSON.stringify(new URL("../../schemas/guard.ts", import.meta.url).href),
  );
  const file = await Deno.makeTempFile({ prefix: "talkomatic-guards-", suffix: ".ts" });
  await Deno.writeTextFile(file, code);
  try {
    const { guards }: { guards: Record<string, (x: unknown) => boolean> } = await import(
      `file://${file}`
    );
    return Object.fromEntries(Object.entries(guards).map(([name, guard]) => [`is${name}`, guard]));
  } finally {
    await Deno.remove(file);
  }
}

const COMPONENTS: Components = {
  Bounded: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
  Capped: { type: "integer", minimum: 0, maximum: 5 },
  Pair: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 2 },
  Strict: {
    type: "object",
    required: ["a"],
    properties: { a: { type: "string", pattern: "^x+$" }, b: { enum: [1, 2, 3, 4, 5] } },
    additionalProperties: false,
  },
  Rest: {
    type: "object",
    properties: { n: { type: "integer" } },
    additionalProperties: { type: "boolean" },
  },
};

Deno.test("guards enforce maximum, exclusiveMinimum, exclusiveMaximum, minItems and strict keys as valibot does", async () => {
  const g = await guards(COMPONENTS);
  const cases: [string, unknown][] = [
    ["Bounded", 0.5],
    ["Bounded", 0],
    ["Bounded", 1],
    ["Bounded", NaN],
    ["Capped", 5],
    ["Capped", 6],
    ["Capped", -1],
    ["Capped", 1.5],
    ["Pair", ["a"]],
    ["Pair", []],
    ["Pair", ["a", "b", "c"]],
    ["Pair", [1]],
    ["Strict", { a: "xx" }],
    ["Strict", { a: "xx", b: 5 }],
    ["Strict", { a: "xx", b: 6 }],
    ["Strict", { a: "xy" }],
    ["Strict", { a: "xx", c: 1 }],
    ["Strict", JSON.parse('{"a":"x","__proto__":1}')],
    ["Rest", { n: 1, ok: true }],
    ["Rest", { n: 1, ok: 1 }],
    ["Rest", JSON.parse('{"n":1,"constructor":1}')],
    ["Rest", [1]],
    ["Rest", null],
  ];
  for (const [name, value] of cases) {
    const valibot = new Function("v", `return ${expression(COMPONENTS[name], {}, name)};`)(v);
    assertEquals(
      g[`is${name}`](value),
      v.safeParse(valibot, value).success,
      `${name} ${Deno.inspect(value)}`,
    );
  }
  assert(g.isBounded(0.5) && !g.isPair([]) && !g.isStrict({ a: "x", c: 1 }));
});

Deno.test("the guard generator fails naming the schema and the keyword it would drop", () => {
  const error = assertThrows(
    () => generateGuards({ Odd: { type: "string", format: "date" } as never }, ["Odd"], ""),
    Error,
  );
  assertEquals(
    error.message,
    'codegen/guards.ts does not emit keyword "format" at schemas/openapi.yaml#/components/schemas/Odd',
  );
});

Deno.test("every generated validator has its guard, which the bot's inbound path asks first", () => {
  assertEquals(Object.keys(generatedGuards).sort(), Object.keys(validators).sort());
  for (const [name, guard] of Object.entries(generatedGuards)) {
    assertEquals(typeof guard, "function", name);
  }
});
