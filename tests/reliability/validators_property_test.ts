// Property tests of every generated validator (schemas/validators.gen.ts):
// values generated from the schema document pass; each mutation of them
// fails with a path that leads to the broken part.
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import fc from "fast-check";
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
