/**
 * Every socket payload and REST body the real server produced in the recorded
 * conformance scenario passes the generated validators. The trace is
 * normalised (ids replaced by "A".."D" and "R1".."R3"); real-looking ids are
 * put back before validation.
 */
import * as v from "valibot";
import { assert } from "@std/assert";
import * as S from "../../schemas/mod.ts";

interface Entry {
  step: string;
  client: string;
  kind: string;
  name: string;
  payload?: unknown;
}

const trace = JSON.parse(
  await Deno.readTextFile(new URL("../testing/conformance/reference-trace.json", import.meta.url)),
) as { entries: Entry[] };

const ids: Record<string, string> = {
  A: "a".repeat(32),
  B: "b".repeat(32),
  C: "c".repeat(32),
  D: "d".repeat(32),
  R1: "100001",
  R2: "100002",
  R3: "100003",
};
function denormalise(value: unknown): unknown {
  if (typeof value === "string") {
    if (value in ids) return ids[value];
    if (value === "<time>") return 1764000000000;
    if (value === "<n>") return 1;
    if (value === "<token>") return `tk_${"0".repeat(64)}`;
    return value;
  }
  if (Array.isArray(value)) return value.map(denormalise);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [ids[k] ?? k, denormalise(x)]));
  }
  return value;
}
// ISO date fields are strings on the wire.
const ISO_FIELDS = new Set(["expiresAt", "lastUsed", "createdAt"]);
function restoreDates(value: unknown, key?: string): unknown {
  if (key && ISO_FIELDS.has(key) && typeof value === "number") return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map((x) => restoreDates(x));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, restoreDates(x, k)]));
  }
  return value;
}

const REST: Record<string, v.GenericSchema<unknown, unknown>> = {
  "POST /api/v1/bot-tokens/request": S.BotTokenResponseSchema,
  "GET /api/v1/health": S.HealthSchema,
  "GET /api/v1/config": S.ConfigSchema,
  "GET /api/v1/me": S.RestMeSchema,
  "GET /api/v1/rooms": S.RestRoomListSchema,
  "GET /api/v1/rooms/R1": S.RestRoomSchema,
  "GET /api/v1/rooms/R2": S.RestRoomSchema,
  "POST /api/v1/rooms": S.CreateRoomResponseSchema,
  "POST /api/v1/rooms/R2/join": S.JoinCheckResponseSchema,
  "POST /api/v1/rooms/R1/join": S.JoinCheckResponseSchema,
  "GET /api/v1/bot-tokens/info": S.BotTokenInfoSchema,
};

Deno.test("every event of the real server's trace passes its server-to-client validator", () => {
  let checked = 0;
  for (const e of trace.entries.filter((x) => x.kind === "event")) {
    const spec = S.serverEvents[e.name as S.ServerEventName];
    assert(spec, `unknown event "${e.name}"`);
    const result = spec.schema["~standard"].validate(denormalise(e.payload));
    assert(!(result instanceof Promise), "validators are synchronous");
    assert(
      result.issues === undefined,
      `${e.step} / ${e.client} "${e.name}": ${JSON.stringify(result.issues)}`,
    );
    checked++;
  }
  assert(checked >= 140, `only ${checked} events checked`);
});

Deno.test("every REST body of the real server's trace passes its success or error validator", () => {
  let checked = 0;
  for (const e of trace.entries.filter((x) => x.kind === "http")) {
    const { status, body } = e.payload as { status: number; body: unknown };
    if (e.name === "GET /js/emojiList.json") continue; // summarised in the trace
    const schema = status < 300 ? REST[e.name] : S.ApiErrorBodySchema;
    assert(schema, `no validator for ${e.name}`);
    const result = v.safeParse(schema, restoreDates(denormalise(body)));
    assert(
      result.success,
      `${e.step} ${e.name} ${status}: ${
        JSON.stringify(result.issues?.map((i) => [v.getDotPath(i), i.message]))
      }`,
    );
    checked++;
  }
  assert(checked >= 20, `only ${checked} bodies checked`);
});
