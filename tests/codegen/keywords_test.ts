// codegen cannot drop a rule: a keyword it does not turn into code fails the
// run, naming the schema and the keyword; the keywords it supports are
// enforced by the generated validators.
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import * as v from "valibot";
import { loadDocuments } from "../../codegen/load.ts";
import { KEYWORDS } from "../../codegen/schema.ts";
import { expression, generateValidators } from "../../codegen/valibot.ts";

const schemas = new URL("../../schemas/", import.meta.url);
const original = await Deno.readTextFile(new URL("openapi.yaml", schemas));
const events = await Deno.readTextFile(new URL("events.yaml", schemas));

/** Loads the schema documents with `from` replaced by `to` in openapi.yaml. */
async function loadEdited(from: string, to: string): ReturnType<typeof loadDocuments> {
  assert(original.includes(from), `"${from}" not found in openapi.yaml`);
  const dir = await Deno.makeTempDir({ prefix: "talkomatic-keywords-" });
  try {
    await Deno.writeTextFile(`${dir}/openapi.yaml`, original.replace(from, to));
    await Deno.writeTextFile(`${dir}/events.yaml`, events);
    return await loadDocuments(new URL(`file://${dir}/`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Evaluates a generated valibot expression. */
function compile(code: string): v.GenericSchema {
  return new Function("v", `return ${code};`)(v);
}

const USERNAME = "        username: { type: string, maxLength: 15 }";
const USER_COUNT = "        userCount: { type: integer, minimum: 0 }";
const ISO_DATE = "    IsoDate:\n      type: string\n";

Deno.test("codegen supports exactly the keywords the schemas use, plus four bounds", async () => {
  const used = new Set<string>();
  const walk = (node: unknown, schema: boolean): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, schema));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (schema) used.add(key);
      if (key === "properties") Object.values(value).forEach((s) => walk(s, true));
      else if (["items", "additionalProperties", "oneOf", "anyOf", "allOf"].includes(key)) {
        walk(value, true);
      }
    }
  };
  const docs = await loadDocuments(schemas);
  walk(Object.values(docs.components), true);
  assertEquals([...used].filter((k) => !(k in KEYWORDS)), []);
  assertEquals(
    Object.keys(KEYWORDS).filter((k) => !used.has(k)).sort(),
    ["exclusiveMaximum", "exclusiveMinimum", "maximum", "minItems"],
  );
});

for (
  const [what, from, to, pointer, message] of [
    [
      "an unsupported keyword (format)",
      ISO_DATE,
      "    IsoDate:\n      type: string\n      format: date-time\n",
      "schemas/openapi.yaml#/components/schemas/IsoDate",
      'Unsupported JSON Schema keyword "format"',
    ],
    [
      "an unknown keyword on a nested property",
      USERNAME,
      "        username: { type: string, maxLength: 15, maxGraphemes: 15 }",
      "schemas/openapi.yaml#/components/schemas/JoinLobbyRequest/properties/username",
      'Unsupported JSON Schema keyword "maxGraphemes"',
    ],
    [
      "a keyword that does not apply to the type",
      USER_COUNT,
      "        userCount: { type: integer, minimum: 0, maxLength: 5 }",
      "schemas/openapi.yaml#/components/schemas/RoomSnapshot/properties/userCount",
      'Keyword "maxLength" needs type "string", not "integer"',
    ],
    [
      "a keyword next to a $ref",
      '        roomId: { $ref: "#/components/schemas/RoomId" }\n        accessCode: { type: string }',
      '        roomId: { $ref: "#/components/schemas/RoomId", maxLength: 3 }\n        accessCode: { type: string }',
      "schemas/openapi.yaml#/components/schemas/JoinRoomRequest/properties/roomId",
      'Keyword "maxLength" next to "$ref" would be ignored',
    ],
    [
      "a required key without a property",
      '      required: [targetUserId]\n      properties:\n        targetUserId: { $ref: "#/components/schemas/UserId" }\n    # -',
      '      required: [targetUserId, reason]\n      properties:\n        targetUserId: { $ref: "#/components/schemas/UserId" }\n    # -',
      "schemas/openapi.yaml#/components/schemas/VoteRequest",
      'Required property "reason" is not among the properties',
    ],
    [
      "an unsupported keyword in a response header",
      "        Retry-After:\n          schema: { type: integer }",
      "        Retry-After:\n          schema: { type: integer, format: int32 }",
      "schemas/openapi.yaml#/components/responses/RateLimited/headers/Retry-After/schema",
      'Unsupported JSON Schema keyword "format"',
    ],
    [
      "a limit pointing at nothing",
      "#/components/schemas/RoomId/pattern",
      "#/components/schemas/RoomId/maxLength",
      "schemas/openapi.yaml#/x-talkomatic-limits/ROOM_ID_PATTERN",
      '"from" points at nothing',
    ],
  ]
) {
  Deno.test(`codegen fails naming the schema and the keyword for ${what}`, async () => {
    const error = await assertRejects(() => loadEdited(from, to), Error);
    assertStringIncludes(error.message, message);
    assertStringIncludes(error.message, ` at ${pointer}`);
  });
}

Deno.test("codegen enforces maximum, exclusiveMinimum, exclusiveMaximum and minItems", async () => {
  const docs = await loadEdited(
    USER_COUNT,
    "        userCount: { type: integer, minimum: 0, maximum: 5 }",
  );
  const code = generateValidators(docs, "");
  assertStringIncludes(code, "v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5))");
  const at = "test";
  const bounded = compile(expression(
    {
      type: "number",
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
    },
    {},
    at,
  ));
  assert(v.is(bounded, 0.5));
  assert(!v.is(bounded, 0) && !v.is(bounded, 1));
  const capped = compile(expression(
    docs.components.RoomSnapshot.properties!.userCount,
    docs.components,
    at,
  ));
  assert(v.is(capped, 5) && !v.is(capped, 6) && !v.is(capped, -1) && !v.is(capped, 1.5));
  const nonEmpty = compile(expression({ type: "array", minItems: 1, maxItems: 2 }, {}, at));
  assert(v.is(nonEmpty, [1]) && !v.is(nonEmpty, []) && !v.is(nonEmpty, [1, 2, 3]));
});
