// Property tests of every generated validator (schemas/validators.gen.ts):
// values generated from the schema document pass; each mutation of them
// fails with a path that leads to the broken part.
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import fc from "fast-check";
import * as v from "valibot";
import { validate } from "../../schemas/validate.ts";
import { PayloadValidationError } from "../../schemas/errors.ts";
import { loadDocuments } from "../../codegen/load.ts";
import { validators } from "../../schemas/mod.ts";
import { arbitraryOf, mutations } from "./_schema_arb.ts";
import { pick, summaryAtEnd } from "./_config.ts";

const docs = await loadDocuments(new URL("../../schemas/", import.meta.url));
const table = validators as unknown as Record<string, Parameters<typeof validate>[0]>;
const RUNS = pick(25, 1000);

let valid = 0;
let mutated = 0;
summaryAtEnd("validators", () => ({
  components: Object.keys(docs.components).length,
  "valid values": valid,
  mutations: mutated,
}));

Deno.test("Every schema component has a generated validator", () => {
  assertEquals(Object.keys(table).sort(), Object.keys(docs.components).sort());
});

for (const name of Object.keys(docs.components).sort()) {
  const schema = docs.components[name];
  Deno.test(`${name} validator accepts values generated from the schema and rejects mutations with a path`, () => {
    let checked = 0;
    fc.assert(
      fc.property(arbitraryOf(schema, docs.components), fc.nat(), (value, pickIndex) => {
        valid++;
        validate(table[name], value, { direction: "inbound", target: name });
        const all = mutations(schema, docs.components, value);
        // Check a few mutation points per value (all of them in the long run).
        const chosen = pick([all[pickIndex % all.length], all[0]], all);
        for (const m of chosen) {
          mutated++;
          checked++;
          let thrown: unknown;
          try {
            validate(table[name], m.value, { direction: "inbound", target: name });
          } catch (err) {
            thrown = err;
          }
          assertInstanceOf(thrown, PayloadValidationError, `${m.what} at "${m.path}" was accepted`);
          const path = thrown.path;
          assert(
            m.path === path || m.path.startsWith(path === "" ? "" : `${path}.`),
            `${m.what} at "${m.path}" reported at "${path}"`,
          );
        }
      }),
      { numRuns: RUNS },
    );
    assert(checked > 0, "no mutation was checked");
  });
}

// The fast way to say yes (codegen/guards.ts): each validator's Standard
// Schema `validate` asks a generated guard first and returns an accepted
// value as it is. The guard must accept exactly what valibot accepts.

/** valibot's own verdict (its `~run`, never the guard). */
function valibotAccepts(schema: unknown, value: unknown): boolean {
  return v.safeParse(schema as v.GenericSchema, value).success;
}

/** The Standard Schema verdict, and whether the value came back as it is. */
function fastVerdict(schema: unknown, value: unknown): { ok: boolean; same: boolean } {
  const result = (schema as Parameters<typeof validate>[0])["~standard"].validate(value) as {
    value?: unknown;
    issues?: unknown;
  };
  return { ok: result.issues === undefined, same: result.value === value };
}

/** Adds own keys valibot treats apart (`__proto__`, `constructor`, `prototype`) to objects. */
function withOddKeys(value: unknown, key: string, inner: unknown): unknown {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  const text = JSON.stringify(value);
  if (text === "{}") return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(inner)}}`);
  return JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(inner)},${text.slice(1)}`);
}

let compared = 0;
summaryAtEnd("guards", () => ({ "guard vs valibot verdicts": compared }));

for (const name of Object.keys(docs.components).sort()) {
  const schema = docs.components[name];
  Deno.test(`${name} guard accepts exactly what its valibot validator accepts`, () => {
    const validator = table[name];
    const odd = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "extra");
    fc.assert(
      fc.property(
        arbitraryOf(schema, docs.components),
        fc.anything(),
        odd,
        fc.jsonValue(),
        (valid, junk, key, inner) => {
          const candidates = [
            valid,
            junk,
            withOddKeys(valid, key, inner),
            ...mutations(schema, docs.components, valid).map((m) => m.value),
          ];
          for (const value of candidates) {
            compared++;
            const expected = valibotAccepts(validator, value);
            const { ok, same } = fastVerdict(validator, value);
            assertEquals(ok, expected, `verdict differs for ${Deno.inspect(value, { depth: 6 })}`);
            if (ok) assert(same, "an accepted value is returned as it is");
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
}
