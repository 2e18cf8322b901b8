/**
 * Turns the components of the OpenAPI document into valibot validators.
 *
 * Every component `X` becomes an unexported, precisely inferred `XObject`
 * (used where valibot needs the concrete schema type, e.g. `v.variant`) and an
 * exported `XSchema: v.GenericSchema<X>` annotated with its generated type, so
 * `deno publish` sees no slow types.
 *
 * @module
 */
import { type Documents, type JsonSchema, refName } from "./load.ts";

const lit = (value: unknown): string => JSON.stringify(value);

function withPipe(base: string, actions: string[]): string {
  return actions.length ? `v.pipe(${base}, ${actions.join(", ")})` : base;
}

function resolve(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  return schema.$ref ? resolve(components[refName(schema.$ref)], components) : schema;
}

/** Merges an `allOf` of object schemas into one object schema. */
function mergeAllOf(schema: JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  const merged: JsonSchema = { type: "object", properties: {}, required: [] };
  for (const part of schema.allOf ?? []) {
    const p = resolve(part, components);
    if (p.allOf) {
      const inner = mergeAllOf(p, components);
      Object.assign(merged.properties!, inner.properties);
      merged.required!.push(...(inner.required ?? []));
      continue;
    }
    if (p.type !== "object") throw new Error("allOf supports object schemas only");
    Object.assign(merged.properties!, p.properties ?? {});
    merged.required!.push(...(p.required ?? []));
  }
  return merged;
}

/** Returns the valibot expression for a schema. `concrete` asks for unerased references. */
export function expression(
  schema: JsonSchema,
  components: Record<string, JsonSchema>,
  concrete = false,
): string {
  if (schema.$ref) return `${refName(schema.$ref)}${concrete ? "Object" : "Schema"}`;
  if (schema.allOf) return expression(mergeAllOf(schema, components), components);
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants) {
    if (schema["x-discriminator"]) {
      const options = variants.map((s) => expression(s, components, true));
      return `v.variant(${lit(schema["x-discriminator"])}, [${options.join(", ")}])`;
    }
    return `v.union([${variants.map((s) => expression(s, components)).join(", ")}])`;
  }
  if (schema.const !== undefined) return `v.literal(${lit(schema.const)})`;
  if (schema.enum) return `v.picklist(${lit(schema.enum)})`;
  switch (schema.type) {
    case "string": {
      const actions: string[] = [];
      if (schema.minLength !== undefined) actions.push(`v.minLength(${schema.minLength})`);
      if (schema.maxLength !== undefined) actions.push(`v.maxLength(${schema.maxLength})`);
      if (schema.pattern !== undefined) {
        actions.push(`v.regex(/${schema.pattern.replaceAll("/", "\\/")}/)`);
      }
      return withPipe("v.string()", actions);
    }
    case "number":
    case "integer": {
      const actions: string[] = [];
      if (schema.type === "integer") actions.push("v.integer()");
      if (schema.minimum !== undefined) actions.push(`v.minValue(${schema.minimum})`);
      return withPipe("v.number()", actions);
    }
    case "boolean":
      return "v.boolean()";
    case "null":
      return "v.null()";
    case "array": {
      const items = schema.items ? expression(schema.items, components) : "v.unknown()";
      const actions = schema.maxItems !== undefined ? [`v.maxLength(${schema.maxItems})`] : [];
      return withPipe(`v.array(${items})`, actions);
    }
    case "object": {
      const props = Object.entries(schema.properties ?? {});
      const extra = schema.additionalProperties;
      if (props.length === 0 && extra && typeof extra === "object") {
        return `v.record(v.string(), ${expression(extra, components)})`;
      }
      const required = new Set(schema.required ?? []);
      const entries = props.map(([key, value]) => {
        const inner = expression(value, components);
        return `${lit(key)}: ${required.has(key) ? inner : `v.optional(${inner})`}`;
      });
      const body = `{ ${entries.join(", ")} }`;
      if (extra && typeof extra === "object") {
        return `v.objectWithRest(${body}, ${expression(extra, components)})`;
      }
      return extra === false ? `v.strictObject(${body})` : `v.looseObject(${body})`;
    }
  }
  throw new Error(`Unsupported schema: ${lit(schema)}`);
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
export function dependencyOrder(components: Record<string, JsonSchema>): string[] {
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string): void => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") throw new Error(`Recursive component "${name}"`);
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
    " *",
    " * @module",
    " */",
    'import * as v from "valibot";',
    'import type { Validator } from "./standard.ts";',
    `import type { ${names.join(", ")} } from "./types.gen.ts";`,
    "",
  ];
  for (const name of names) {
    lines.push(`const ${name}Object = ${expression(components[name], components)};`);
    lines.push(docOf(name, components[name]));
    lines.push(`export const ${name}Schema: v.GenericSchema<${name}> = ${name}Object;`);
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
    ' * import { validators } from "@talkomatic/talkomatic";',
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
