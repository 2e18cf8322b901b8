// fast-check arbitraries derived from the components of schemas/openapi.yaml
// (the same documents codegen reads), and mutations that must break them.
import fc from "fast-check";
import { type Components, type JsonSchema, mergeAllOf, resolve } from "../../codegen/schema.ts";

/** The schema with references and `allOf` resolved. */
export function normalize(schema: JsonSchema, components: Components): JsonSchema {
  const s = resolve(schema, components);
  return s.allOf ? mergeAllOf(s, components) : s;
}

const anyJson: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 2 });

/** An arbitrary of values the schema accepts. */
export function arbitraryOf(schema: JsonSchema, components: Components): fc.Arbitrary<unknown> {
  const s = normalize(schema, components);
  const variants = s.oneOf ?? s.anyOf;
  if (variants) return fc.oneof(...variants.map((v) => arbitraryOf(v, components)));
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case "string": {
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
      const max = s.maxLength ?? 40;
      return fc.string({ unit: "binary", minLength: s.minLength ?? 0, maxLength: max })
        .map((t) => t.slice(0, max))
        .filter((t) => t.length >= (s.minLength ?? 0));
    }
    case "integer":
      return fc.integer({ min: s.minimum ?? -(2 ** 31) });
    case "number":
      return fc.double({
        min: s.minimum ?? -1e12,
        max: 1e15,
        noNaN: true,
        noDefaultInfinity: true,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(s.items ? arbitraryOf(s.items, components) : anyJson, {
        maxLength: Math.min(s.maxItems ?? 4, 4),
      });
    case "object": {
      const props = s.properties ?? {};
      const extra = s.additionalProperties;
      const record = fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryOf(v, components)])),
        { requiredKeys: (s.required ?? []).filter((k) => k in props) },
      );
      // Extra keys: typed ones for records / rest objects, any JSON for loose objects
      // (the protocol says: accept unknown extra keys everywhere), none for strict ones.
      const extraValue = extra && typeof extra === "object"
        ? arbitraryOf(extra, components)
        : extra === false
        ? undefined
        : anyJson;
      if (!extraValue) return record;
      // valibot skips "__proto__", "prototype" and "constructor" in records (its guard
      // against prototype pollution): such keys are neither checked nor kept.
      const extraKey = extra && typeof extra === "object"
        ? fc.string({ maxLength: 34 }).filter((k) => !(k in props) && !UNCHECKED_KEYS.has(k))
        : fc.constantFrom("x_future", "devFlair", "_extra");
      return fc.tuple(
        record,
        fc.dictionary(extraKey, extraValue, { maxKeys: 3, noNullPrototype: true }),
      )
        .map(([r, more]) => ({ ...more, ...r }));
    }
  }
  throw new Error(`No arbitrary for ${JSON.stringify(s)}`);
}

/** Record keys valibot never validates nor copies. */
const UNCHECKED_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/** One way to break a valid value: where, and the broken whole value. */
export interface Mutation {
  /** Dotted path of the broken part ("" for the whole value). */
  path: string;
  /** What was done. */
  what: string;
  /** The mutated value. */
  value: unknown;
}

function wrongValue(s: JsonSchema): { what: string; value: unknown } {
  if (s.oneOf || s.anyOf) return { what: "bigint for a union", value: 1n };
  if (s.const !== undefined) return { what: "other constant", value: `${String(s.const)}!` };
  if (s.enum) return { what: "value outside the enum", value: "\u0000not-listed" };
  switch (s.type) {
    case "string":
      return s.pattern
        ? { what: "string breaking the pattern", value: "!" }
        : { what: "number for a string", value: 12345 };
    case "integer":
      return { what: "fraction for an integer", value: (s.minimum ?? 0) + 0.5 };
    case "number":
      return s.minimum !== undefined
        ? { what: "number below the minimum", value: s.minimum - 1 }
        : { what: "string for a number", value: "12" };
    case "boolean":
      return { what: "string for a boolean", value: "true" };
    case "null":
      return { what: "zero for null", value: 0 };
    case "array":
      return { what: "object for an array", value: { length: 0 } };
    default:
      return { what: "string for an object", value: "{}" };
  }
}

/** Every mutation point of `value` (valid for `schema`), each giving a value that must fail. */
export function mutations(
  schema: JsonSchema,
  components: Components,
  value: unknown,
  path: string[] = [],
): Mutation[] {
  const s = normalize(schema, components);
  const here = path.join(".");
  const out: Mutation[] = [{ path: here, ...wrongValue(s) }];
  if (s.oneOf && s["x-discriminator"] && value && typeof value === "object") {
    const key = s["x-discriminator"];
    const tag = (value as Record<string, unknown>)[key];
    const variant = s.oneOf.map((v) => normalize(v, components)).find((v) =>
      v.properties?.[key]?.const === tag
    );
    out.push({
      path: [...path, key].join("."),
      what: "unknown discriminator",
      value: { ...value, [key]: "\u0000nope" },
    });
    if (variant) out.push(...mutations(variant, components, value, path).slice(1));
    return out;
  }
  if (s.type === "object" && value && typeof value === "object" && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const props = s.properties ?? {};
    const extra = s.additionalProperties;
    for (const key of s.required ?? []) {
      const { [key]: _, ...rest } = obj;
      out.push({ path: [...path, key].join("."), what: `missing "${key}"`, value: rest });
    }
    for (const [key, v] of Object.entries(obj)) {
      const sub = props[key] ?? (extra && typeof extra === "object" ? extra : undefined);
      if (!sub) continue;
      for (const m of mutations(sub, components, v, [...path, key])) {
        out.push({ ...m, value: { ...obj, [key]: m.value } });
      }
    }
    if (extra === false) {
      out.push({ path: here, what: "unknown key on a strict object", value: { ...obj, _bad: 1 } });
    }
  }
  if (s.type === "array" && Array.isArray(value)) {
    value.forEach((item, i) => {
      for (const m of mutations(s.items!, components, item, [...path, String(i)])) {
        const copy = [...value];
        copy[i] = m.value;
        out.push({ ...m, value: copy });
      }
    });
    if (s.maxItems !== undefined && value.length > 0) {
      out.push({
        path: here,
        what: "too many items",
        value: Array.from({ length: s.maxItems + 1 }, () => value[0]),
      });
    }
  }
  return out;
}
