/**
 * Turns the components of the OpenAPI document into valibot validators,
 * reading the parsed schema objects (never printed text).
 *
 * Every component `X` becomes an unexported, precisely inferred `XObject`
 * (used where valibot needs the concrete schema type, e.g. `v.variant`) and an
 * exported `XSchema: v.GenericSchema<X>` annotated with its generated type, so
 * `deno publish` sees no slow types.
 *
 * Each schema object's keywords are consumed one by one; one left over means
 * this emitter would drop a rule, and the run fails naming the schema and the
 * keyword ({@linkcode checkSchema} has already refused keywords outside
 * {@linkcode KEYWORDS}).
 *
 * @module
 */
import type { Documents } from "./load.ts";
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

function withPipe(base: string, actions: string[]): string {
  return actions.length ? `v.pipe(${base}, ${actions.join(", ")})` : base;
}

/**
 * Returns the valibot expression for a schema.
 *
 * @param schema The schema object.
 * @param components Every component, to resolve references.
 * @param at The schema's JSON pointer, for errors.
 * @param concrete Refer to components by their precisely typed `XObject`.
 * @returns The expression.
 */
export function expression(
  schema: JsonSchema,
  components: Components,
  at: string,
  concrete = false,
): string {
  const k = new Keywords(schema, at, "codegen/valibot.ts");
  const ref = k.take("$ref");
  if (ref) return k.done(`${refName(ref)}${concrete ? "Object" : "Schema"}`);
  if (k.take("allOf")) return k.done(expression(mergeAllOf(schema, components), components, at));
  const variants = k.take("oneOf") ?? k.take("anyOf");
  if (variants) {
    const key = schema.oneOf ? "oneOf" : "anyOf";
    const discriminator = k.take("x-discriminator");
    const options = variants.map((s, i) =>
      expression(s, components, pointer(at, key, i), discriminator !== undefined)
    );
    return k.done(
      discriminator
        ? `v.variant(${lit(discriminator)}, [${options.join(", ")}])`
        : `v.union([${options.join(", ")}])`,
    );
  }
  const type = k.take("type");
  const constant = k.take("const");
  if (constant !== undefined) return k.done(`v.literal(${lit(constant)})`);
  const values = k.take("enum");
  if (values) return k.done(`v.picklist(${lit(values)})`);
  switch (type) {
    case "string": {
      const actions: string[] = [];
      const min = k.take("minLength");
      const max = k.take("maxLength");
      const pattern = k.take("pattern");
      if (min !== undefined) actions.push(`v.minLength(${min})`);
      if (max !== undefined) actions.push(`v.maxLength(${max})`);
      if (pattern !== undefined) actions.push(`v.regex(/${pattern.replaceAll("/", "\\/")}/)`);
      return k.done(withPipe("v.string()", actions));
    }
    case "number":
    case "integer": {
      const actions: string[] = [];
      if (type === "integer") actions.push("v.integer()");
      const bounds = [
        ["minimum", "minValue"],
        ["exclusiveMinimum", "gtValue"],
        ["maximum", "maxValue"],
        ["exclusiveMaximum", "ltValue"],
      ] as const;
      for (const [keyword, action] of bounds) {
        const bound = k.take(keyword);
        if (bound !== undefined) actions.push(`v.${action}(${bound})`);
      }
      return k.done(withPipe("v.number()", actions));
    }
    case "boolean":
      return k.done("v.boolean()");
    case "null":
      return k.done("v.null()");
    case "array": {
      const itemSchema = k.take("items");
      const items = itemSchema
        ? expression(itemSchema, components, pointer(at, "items"))
        : "v.unknown()";
      const actions: string[] = [];
      const min = k.take("minItems");
      const max = k.take("maxItems");
      if (min !== undefined) actions.push(`v.minLength(${min})`);
      if (max !== undefined) actions.push(`v.maxLength(${max})`);
      return k.done(withPipe(`v.array(${items})`, actions));
    }
    case "object": {
      const props = Object.entries(k.take("properties") ?? {});
      const extra = k.take("additionalProperties");
      const extraAt = pointer(at, "additionalProperties");
      if (props.length === 0 && extra && typeof extra === "object") {
        k.take("required"); // checkSchema: required keys are properties, so none here
        return k.done(`v.record(v.string(), ${expression(extra, components, extraAt)})`);
      }
      const required = new Set(k.take("required") ?? []);
      const entries = props.map(([key, value]) => {
        const inner = expression(value, components, pointer(at, "properties", key));
        return `${lit(key)}: ${required.has(key) ? inner : `v.optional(${inner})`}`;
      });
      const body = `{ ${entries.join(", ")} }`;
      if (extra && typeof extra === "object") {
        return k.done(`v.objectWithRest(${body}, ${expression(extra, components, extraAt)})`);
      }
      return k.done(extra === false ? `v.strictObject(${body})` : `v.looseObject(${body})`);
    }
  }
  throw new SchemaError(at, "A schema needs a type, $ref, const, enum, oneOf, anyOf or allOf");
}

function references(schema: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => references(s, out));
  else if (schema && typeof schema === "object") {
    for (const [key, value] of Object.entries(schema)) {
      if (key === "$ref" && typeof value === "string") out.add(refName(value));
      else references(value, out);
    }
  }
  return out;
}

/** Component names in dependency order (a component follows what it references). */
export function dependencyOrder(components: Components): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      throw new SchemaError(componentPointer(name), "Recursive components are not supported");
    }
    state.set(name, "visiting");
    for (const dep of [...references(components[name], new Set())].sort()) visit(dep);
    state.set(name, "done");
    order.push(name);
  };
  for (const name of Object.keys(components).sort()) visit(name);
  return order;
}

function docOf(name: string, schema: JsonSchema): string {
  const text = schema.description ? ` ${schema.description.trim()}` : "";
  return `/** Validator for {@linkcode ${name}}.${text} */`;
}

/** Generates `schemas/validators.gen.ts`. */
export function generateValidators(docs: Documents, header: string): string {
  const { components } = docs;
  const names = dependencyOrder(components);
  const lines = [
    header,
    "/**",
    " * valibot validators for every wire shape of `schemas/openapi.yaml`: one",
    " * `<Name>Schema` per component, typed with the generated `<Name>` type.",
    " * Each validator first asks its guard (`guards.gen.ts`, codegen/guards.ts): the",
    " * same rules as plain code, so a valid payload is accepted without valibot's",
    " * copy; any other goes to valibot, which names the issues.",
    " *",
    " * @module",
    " */",
    'import * as v from "valibot";',
    'import type { Validator } from "./standard.ts";',
    'import { guarded } from "./guard.ts";',
    'import { guards } from "./guards.gen.ts";',
    `import type { ${names.join(", ")} } from "./types.gen.ts";`,
    "",
  ];
  for (const name of names) {
    const code = expression(components[name], components, componentPointer(name));
    lines.push(`const ${name}Object = ${code};`);
    lines.push(docOf(name, components[name]));
    lines.push(
      `export const ${name}Schema: v.GenericSchema<${name}> = guarded(${name}Object, guards.${name});`,
    );
    lines.push("");
  }
  lines.push(
    "/** Every wire shape, by component name. */",
    "export interface WireShapes {",
    ...names.map((name) => `  /** {@linkcode ${name}} */\n  ${name}: ${name};`),
    "}",
    "",
    "/**",
    " * Standard Schema validators for every wire shape, by component name.",
    " *",
    " * @example",
    " * ```ts",
    ' * import { validators } from "@talkomatic/talkomatic/protocol";',
    " *",
    ' * const result = validators.RoomId["~standard"].validate("854431");',
    ' * console.log("value" in result); // true',
    " * ```",
    " */",
    "export const validators: { readonly [K in keyof WireShapes]: Validator<WireShapes[K]> } = {",
    ...names.map((name) => `  ${name}: ${name}Schema,`),
    "};",
    "",
  );
  return lines.join("\n");
}
