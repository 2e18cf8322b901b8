/**
 * Turns the components of the OpenAPI document into guards: one plain
 * function per component, `isX(value): boolean`, that accepts exactly the
 * values the component's valibot validator accepts, without building the
 * copy and the issue list valibot builds. `schemas/validators.gen.ts` puts
 * each guard in front of its validator ({@linkcode guarded} in
 * `schemas/guard.ts`): a value that passes is returned as it is, any other
 * value goes to valibot, which reports the issues. Every payload is still
 * validated by the same rules; the guard is only the fast way to say yes.
 *
 * The rules mirror valibot's own checks (valibot 1.x, `~run` of each schema):
 * objects are any truthy `typeof "object"` value (arrays too); properties are
 * read with `[]` (inherited ones too, as valibot's `key in input`); numbers
 * exclude `NaN`; lengths are `.length`; records and the rest of
 * `objectWithRest` look at own enumerable keys other than `__proto__`,
 * `prototype` and `constructor`; a strict object refuses every other key
 * that `for…in` lists; a union or discriminated variant accepts what one of
 * its members accepts. `tests/reliability/validators_property_test.ts` checks
 * guard and valibot agree on generated, mutated and random values.
 *
 * Like the valibot emitter, every keyword of a schema object must be turned
 * into a rule, or the run fails naming the schema and the keyword.
 *
 * @module
 */
import {
  componentPointer,
  type Components,
  type JsonSchema,
  Keywords,
  mergeAllOf,
  pointer,
  refName,
  SchemaError,
} from "./schema.ts";

const lit = (value: unknown): string => JSON.stringify(value);
const GENERATOR = "codegen/guards.ts";

/** Enum values compared with `===` one by one; longer lists use a `Set` (both SameValueZero). */
const INLINE_ENUM = 4;

class GuardEmitter {
  /** Module-level constants and helper functions, in emission order. */
  readonly out: string[] = [];
  #count = 0;

  constructor(readonly components: Components, readonly owner: string) {}

  #fresh(): string {
    return `${this.owner}_${++this.#count}`;
  }

  /** A module-level constant holding `code`; returns its name. */
  #constant(code: string): string {
    const name = `${this.owner.replace(/^is/, "")}_${++this.#count}`.toUpperCase();
    this.out.push(`const ${name} = ${code};`);
    return name;
  }

  /** A module-level guard function with `body` (statements over the parameter `x`). */
  helper(name: string, body: string[], doc?: string): string {
    if (doc) this.out.push(doc);
    this.out.push(`function ${name}(x: unknown): boolean {`, ...body.map((l) => `  ${l}`), "}");
    return name;
  }

  /** Statements deciding `schema` for the parameter `x`. */
  body(schema: JsonSchema, at: string): string[] {
    const structured = this.#structured(schema, at);
    if (structured) return structured;
    return [`return ${this.check(schema, at, "x")};`];
  }

  /** For objects, records and arrays: the statements of their own function; else `undefined`. */
  #structured(schema: JsonSchema, at: string): string[] | undefined {
    if (schema.$ref || schema.allOf || schema.oneOf || schema.anyOf) {
      if (schema.allOf) {
        const k = new Keywords(schema, at, GENERATOR);
        k.take("allOf");
        return k.done(this.#structured(mergeAllOf(schema, this.components), at));
      }
      return undefined;
    }
    if (schema.const !== undefined || schema.enum !== undefined) return undefined;
    if (schema.type === "object") return this.#object(schema, at);
    if (schema.type === "array") return this.#array(schema, at);
    return undefined;
  }

  #object(schema: JsonSchema, at: string): string[] {
    const k = new Keywords(schema, at, GENERATOR);
    k.take("type");
    const props = Object.entries(k.take("properties") ?? {});
    const extra = k.take("additionalProperties");
    const extraAt = pointer(at, "additionalProperties");
    const lines = ['if (!(x && typeof x === "object")) return false;'];
    lines.push("const o = x as Record<string, unknown>;");
    if (props.length === 0 && extra && typeof extra === "object") {
      // valibot's v.record(v.string(), …): own enumerable keys, but the three unsafe ones.
      k.take("required"); // checkSchema: required keys are properties, so none here
      lines.push(
        "for (const key in o) {",
        "  if (!ownKey(o, key)) continue;",
        "  const value = o[key];",
        `  if (!(${this.check(extra, extraAt, "value")})) return false;`,
        "}",
        "return true;",
      );
      return k.done(lines);
    }
    const required = new Set(k.take("required") ?? []);
    props.forEach(([key, value], i) => {
      const local = `p${i}`;
      const test = this.check(value, pointer(at, "properties", key), local);
      lines.push(`const ${local} = o[${lit(key)}];`);
      if (!required.has(key)) lines.push(`if (${local} !== undefined && !(${test})) return false;`);
      else if (test === "true") lines.push(`if (!(${lit(key)} in o)) return false;`);
      else lines.push(`if (!(${test})) return false;`);
    });
    const known = props.map(([key]) => `key !== ${lit(key)}`).join(" && ") || "true";
    if (extra === false) {
      // valibot's v.strictObject: every key `for…in` lists must be a property.
      lines.push("for (const key in o) {", `  if (${known}) return false;`, "}");
    } else if (extra && typeof extra === "object") {
      // valibot's v.objectWithRest: the other own keys follow the rest schema.
      lines.push(
        "for (const key in o) {",
        `  if (!ownKey(o, key) || !(${known})) continue;`,
        "  const value = o[key];",
        `  if (!(${this.check(extra, extraAt, "value")})) return false;`,
        "}",
      );
    }
    lines.push("return true;");
    return k.done(lines);
  }

  #array(schema: JsonSchema, at: string): string[] {
    const k = new Keywords(schema, at, GENERATOR);
    k.take("type");
    const items = k.take("items");
    const min = k.take("minItems");
    const max = k.take("maxItems");
    const lines = ["if (!Array.isArray(x)) return false;"];
    if (min !== undefined) lines.push(`if (x.length < ${min}) return false;`);
    if (max !== undefined) lines.push(`if (x.length > ${max}) return false;`);
    if (items) {
      const test = this.check(items, pointer(at, "items"), "item");
      if (test !== "true") {
        lines.push(
          "for (let i = 0; i < x.length; i++) {",
          "  const item: unknown = x[i];",
          `  if (!(${test})) return false;`,
          "}",
        );
      }
    }
    lines.push("return true;");
    return k.done(lines);
  }

  /**
   * A boolean expression deciding `schema` for `value` (an identifier).
   *
   * @param schema The schema object.
   * @param at Its JSON pointer, for errors.
   * @param value The identifier holding the value.
   * @returns The expression.
   */
  check(schema: JsonSchema, at: string, value: string): string {
    const structured = this.#structured(schema, at);
    if (structured) return `${this.helper(this.#fresh(), structured)}(${value})`;
    const k = new Keywords(schema, at, GENERATOR);
    const ref = k.take("$ref");
    if (ref) return k.done(`is${refName(ref)}(${value})`);
    const variants = k.take("oneOf") ?? k.take("anyOf");
    if (variants) {
      const key = schema.oneOf ? "oneOf" : "anyOf";
      // valibot's v.variant tries every member whose discriminator matches and
      // v.union every member: either accepts what one member accepts.
      k.take("x-discriminator");
      const tests = variants.map((s, i) => this.check(s, pointer(at, key, i), value));
      return k.done(`(${tests.join(" || ")})`);
    }
    const type = k.take("type");
    const constant = k.take("const");
    if (constant !== undefined) return k.done(`${value} === ${lit(constant)}`);
    const values = k.take("enum");
    if (values) {
      if (values.length <= INLINE_ENUM) {
        return k.done(`(${values.map((x) => `${value} === ${lit(x)}`).join(" || ")})`);
      }
      return k.done(`${this.#constant(`new Set<unknown>(${lit(values)})`)}.has(${value})`);
    }
    switch (type) {
      case "string": {
        const tests = [`typeof ${value} === "string"`];
        const min = k.take("minLength");
        const max = k.take("maxLength");
        const pattern = k.take("pattern");
        if (min !== undefined) tests.push(`${value}.length >= ${min}`);
        if (max !== undefined) tests.push(`${value}.length <= ${max}`);
        if (pattern !== undefined) {
          const re = this.#constant(`/${pattern.replaceAll("/", "\\/")}/`);
          tests.push(`${re}.test(${value})`);
        }
        return k.done(tests.join(" && "));
      }
      case "number":
      case "integer": {
        const tests = [`typeof ${value} === "number"`, `!Number.isNaN(${value})`];
        if (type === "integer") tests.push(`Number.isInteger(${value})`);
        const bounds = [
          ["minimum", ">="],
          ["exclusiveMinimum", ">"],
          ["maximum", "<="],
          ["exclusiveMaximum", "<"],
        ] as const;
        for (const [keyword, op] of bounds) {
          const bound = k.take(keyword);
          if (bound !== undefined) tests.push(`${value} ${op} ${bound}`);
        }
        return k.done(tests.join(" && "));
      }
      case "boolean":
        return k.done(`typeof ${value} === "boolean"`);
      case "null":
        return k.done(`${value} === null`);
    }
    throw new SchemaError(at, "A schema needs a type, $ref, const, enum, oneOf, anyOf or allOf");
  }
}

/**
 * Generates `schemas/guards.gen.ts`: the guard of every component,
 * `function isX(x: unknown): boolean` each with its helpers, and the
 * `guards` record by component name. The module imports nothing but the
 * key helper of `schemas/guard.ts`, so the bot's way in can say yes to a
 * payload without loading valibot (see `schemas/lazy.ts`).
 *
 * @param components Every component.
 * @param names The component names, in the order to emit them.
 * @param header The generated-file header.
 * @returns The module's code.
 */
export function generateGuards(components: Components, names: string[], header: string): string {
  const lines: string[] = [
    header,
    "/**",
    " * The guard of every wire shape of `schemas/openapi.yaml` (codegen/guards.ts):",
    " * plain code applying exactly the rules of its valibot validator in",
    " * `validators.gen.ts`, without building a copy or an issue list. Loaded",
    " * without valibot: a valid payload never needs it.",
    " *",
    " * @module",
    " */",
    'import { ownKey } from "./guard.ts";',
    "",
  ];
  for (const name of names) {
    const emitter = new GuardEmitter(components, `is${name}`);
    const body = emitter.body(components[name], componentPointer(name));
    emitter.helper(
      `is${name}`,
      body,
      `/** Whether a value passes the validator of {@linkcode ${name}} (its rules, without a copy or issues). */`,
    );
    lines.push(...emitter.out, "");
  }
  lines.push(
    "/** The guard of every wire shape, by component name. */",
    `export const guards: { readonly [K in ${
      names.map((n) => JSON.stringify(n)).join(" | ")
    }]: (x: unknown) => boolean } = {`,
    ...names.map((name) => `  ${name}: is${name},`),
    "};",
    "",
  );
  return lines.join("\n");
}
