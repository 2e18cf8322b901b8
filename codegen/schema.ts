/**
 * The JSON Schema subset the generators understand, and the check that keeps
 * it that way: every schema object of `schemas/openapi.yaml` is walked before
 * anything is generated, and a keyword the generators would not turn into a
 * rule fails the run, naming the schema (as a JSON pointer) and the keyword.
 *
 * @module
 */

/** A schema object of `schemas/openapi.yaml` (JSON Schema 2020-12, the subset below). */
export interface JsonSchema {
  $ref?: string;
  type?: "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  enum?: (string | number | boolean)[];
  const?: string | number | boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  "x-discriminator"?: string;
}

/** Components by name. */
export type Components = Record<string, JsonSchema>;

type Applies = "any" | "string" | "number" | "array" | "object" | "union";

/**
 * Every keyword the generators turn into types and validators, and the
 * schemas it may appear in (`number` covers `integer`; `union` means next to
 * `oneOf`/`anyOf`). Anything else is an error.
 */
export const KEYWORDS: Readonly<Record<string, Applies>> = {
  $ref: "any",
  type: "any",
  description: "any",
  enum: "any",
  const: "any",
  oneOf: "any",
  anyOf: "any",
  allOf: "any",
  "x-discriminator": "union",
  minLength: "string",
  maxLength: "string",
  pattern: "string",
  minimum: "number",
  maximum: "number",
  exclusiveMinimum: "number",
  exclusiveMaximum: "number",
  items: "array",
  minItems: "array",
  maxItems: "array",
  properties: "object",
  required: "object",
  additionalProperties: "object",
};

const TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);
/** How a `$ref` to a component starts. */
export const REF_PREFIX = "#/components/schemas/";

/** Returns the component name a `$ref` points at. */
export function refName(ref: string): string {
  if (!ref.startsWith(REF_PREFIX)) throw new Error(`Unsupported $ref "${ref}"`);
  return ref.slice(REF_PREFIX.length);
}

/** Appends reference tokens to a JSON pointer (escaping `~` and `/`). */
export function pointer(base: string, ...tokens: (string | number)[]): string {
  return [base, ...tokens.map((t) => String(t).replaceAll("~", "~0").replaceAll("/", "~1"))]
    .join("/");
}

/** The JSON pointer of a component, as the check and the generators report it. */
export function componentPointer(name: string): string {
  return pointer("schemas/openapi.yaml#/components/schemas", name);
}

/** Follows `$ref`s to the schema they name. */
export function resolve(schema: JsonSchema, components: Components): JsonSchema {
  return schema.$ref ? resolve(components[refName(schema.$ref)], components) : schema;
}

/** Merges an `allOf` of object schemas into one object schema. */
export function mergeAllOf(schema: JsonSchema, components: Components): JsonSchema {
  const merged: JsonSchema = { type: "object", properties: {}, required: [] };
  for (const part of schema.allOf ?? []) {
    const p = resolve(part, components);
    const inner = p.allOf ? mergeAllOf(p, components) : p;
    Object.assign(merged.properties!, inner.properties ?? {});
    merged.required!.push(...(inner.required ?? []));
  }
  return merged;
}

/** Thrown for a schema the generators cannot turn into code without dropping a rule. */
export class SchemaError extends Error {
  /**
   * @param at The JSON pointer of the schema.
   * @param message What is wrong with it.
   * @param hint What would be right, appended after the pointer.
   */
  constructor(at: string, message: string, hint?: string) {
    super(`${message} at ${at}${hint ? `; ${hint}` : ""}`);
    this.name = "SchemaError";
  }
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

function typeClass(type: string | undefined): Applies | undefined {
  return type === "integer" ? "number" : type as Applies | undefined;
}

function checkValueType(value: unknown, type: string | undefined): boolean {
  switch (type) {
    case undefined:
      return ["string", "number", "boolean"].includes(typeof value);
    case "integer":
      return Number.isInteger(value);
    case "null":
      return value === null;
    case "number":
      return typeof value === "number";
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    default:
      return false;
  }
}

/**
 * Checks one schema object and everything below it. Fails on an unknown
 * keyword, a keyword that does not apply to the schema's `type` (the
 * generators would drop it), a malformed value, a `required` key without a
 * property, a `$ref` or `oneOf` with rule-carrying siblings, and an
 * `x-discriminator` its variants do not carry.
 *
 * @param schema The schema object.
 * @param at Its JSON pointer, for messages.
 * @param components Every component, to resolve references.
 */
export function checkSchema(schema: unknown, at: string, components: Components): void {
  if (!isObject(schema)) throw new SchemaError(at, "A schema must be an object");
  const keys = Object.keys(schema);
  for (const key of keys) {
    if (!(key in KEYWORDS)) {
      throw new SchemaError(
        at,
        `Unsupported JSON Schema keyword "${key}"`,
        `codegen supports ${Object.keys(KEYWORDS).join(", ")}`,
      );
    }
  }
  const s = schema as JsonSchema;
  const fail = (message: string): never => {
    throw new SchemaError(at, message);
  };
  const only = (what: string, allowed: string[]): void => {
    for (const key of keys) {
      if (!allowed.includes(key)) fail(`Keyword "${key}" next to "${what}" would be ignored`);
    }
  };
  if (s.$ref !== undefined) {
    if (typeof s.$ref !== "string" || !s.$ref.startsWith(REF_PREFIX)) {
      fail(`Unsupported $ref "${String(s.$ref)}"`);
    }
    if (!(refName(s.$ref) in components)) fail(`Unknown component "${s.$ref}"`);
    return only("$ref", ["$ref", "description"]);
  }
  if (s.type !== undefined && (typeof s.type !== "string" || !TYPES.has(s.type))) {
    fail(`Unsupported type ${JSON.stringify(s.type)}`);
  }
  if (s.description !== undefined && typeof s.description !== "string") {
    fail(`Keyword "description" must be a string`);
  }
  const union = s.oneOf ? "oneOf" : s.anyOf ? "anyOf" : undefined;
  for (const key of keys) {
    const applies = KEYWORDS[key];
    if (applies === "any") continue;
    if (applies === "union") {
      if (union === undefined) fail(`Keyword "${key}" needs "oneOf" or "anyOf"`);
    } else if (typeClass(s.type) !== applies) {
      fail(`Keyword "${key}" needs type "${applies}"${s.type ? `, not "${s.type}"` : ""}`);
    }
  }
  for (const key of ["minLength", "maxLength", "minItems", "maxItems"] as const) {
    const n = s[key];
    if (n !== undefined && !(Number.isInteger(n) && n >= 0)) {
      fail(`Keyword "${key}" must be a non-negative integer`);
    }
  }
  for (const key of ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const) {
    const n = s[key];
    if (n !== undefined && !Number.isFinite(n)) fail(`Keyword "${key}" must be a finite number`);
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern as string);
    } catch (cause) {
      fail(`Keyword "pattern" is no regular expression (${(cause as Error).message})`);
    }
  }
  if (s.const !== undefined && !checkValueType(s.const, s.type)) {
    fail(`Keyword "const" does not match the type`);
  }
  if (s.enum !== undefined) {
    if (!Array.isArray(s.enum) || s.enum.length === 0) fail(`Keyword "enum" must list values`);
    if (!s.enum.every((value) => checkValueType(value, s.type))) {
      fail(`Keyword "enum" lists a value that does not match the type`);
    }
  }
  const combined = [s.oneOf, s.anyOf, s.allOf].filter((list) => list !== undefined);
  if (combined.length > 1) fail(`Only one of "oneOf", "anyOf" and "allOf" may appear`);
  if (combined.length === 1) {
    const key = union ?? "allOf";
    only(key, [key, "description", "x-discriminator"]);
    const list = combined[0]!;
    if (!Array.isArray(list) || list.length === 0) fail(`Keyword "${key}" must list schemas`);
    list.forEach((part, i) => checkSchema(part, pointer(at, key, i), components));
    if (key === "allOf") checkAllOf(s, at, components);
  }
  if (s["x-discriminator"] !== undefined) checkDiscriminator(s, at, components);
  if (s.items !== undefined) checkSchema(s.items, pointer(at, "items"), components);
  if (s.properties !== undefined) {
    if (!isObject(s.properties)) fail(`Keyword "properties" must be an object`);
    for (const [name, sub] of Object.entries(s.properties!)) {
      checkSchema(sub, pointer(at, "properties", name), components);
    }
  }
  if (s.required !== undefined) {
    if (!Array.isArray(s.required) || !s.required.every((k) => typeof k === "string")) {
      fail(`Keyword "required" must list property names`);
    }
    for (const name of s.required) {
      if (!(name in (s.properties ?? {}))) {
        fail(`Required property "${name}" is not among the properties`);
      }
    }
  }
  const extra = s.additionalProperties;
  if (extra !== undefined && typeof extra !== "boolean") {
    checkSchema(extra, pointer(at, "additionalProperties"), components);
  }
}

function checkAllOf(s: JsonSchema, at: string, components: Components): void {
  s.allOf!.forEach((part, i) => {
    const where = pointer(at, "allOf", i);
    const p = resolve(part, components);
    if (p.allOf) return checkAllOf(p, where, components);
    if (p.type !== "object") throw new SchemaError(where, `An "allOf" part must be an object`);
    for (const key of Object.keys(p)) {
      if (!["type", "description", "properties", "required"].includes(key)) {
        throw new SchemaError(where, `Keyword "${key}" in an "allOf" part would be ignored`);
      }
    }
  });
}

function checkDiscriminator(s: JsonSchema, at: string, components: Components): void {
  const key = s["x-discriminator"];
  if (typeof key !== "string") throw new SchemaError(at, `"x-discriminator" must be a string`);
  (s.oneOf ?? s.anyOf)!.forEach((variant, i) => {
    const v = resolve(variant, components);
    if (v.type !== "object" || v.properties?.[key]?.const === undefined) {
      throw new SchemaError(
        pointer(at, s.oneOf ? "oneOf" : "anyOf", i),
        `Variant has no constant property "${key}" for "x-discriminator"`,
      );
    }
    if (!v.required?.includes(key)) {
      throw new SchemaError(
        pointer(at, s.oneOf ? "oneOf" : "anyOf", i),
        `Variant does not require "${key}"`,
      );
    }
  });
}

/**
 * Checks every schema object of the OpenAPI document: each component, and
 * each `schema` of a parameter, request body, response or header.
 *
 * @param openapi The parsed document.
 */
export function checkDocument(openapi: Record<string, unknown>): void {
  const components = ((openapi.components as Record<string, unknown> | undefined)?.schemas ??
    {}) as Components;
  for (const [name, schema] of Object.entries(components)) {
    checkSchema(schema, componentPointer(name), components);
  }
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, pointer(at, i)));
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "schema") checkSchema(value, pointer(at, key), components);
      else if (key !== "schemas") visit(value, pointer(at, key));
    }
  };
  visit(openapi.paths, "schemas/openapi.yaml#/paths");
  visit(openapi.components, "schemas/openapi.yaml#/components");
}

/**
 * Reads a schema's keywords for one generator and remembers which ones were
 * turned into code: a keyword left over would be a dropped rule.
 */
export class Keywords {
  readonly #used = new Set<string>(["description"]);
  /**
   * @param schema The schema object.
   * @param at Its JSON pointer, for errors.
   * @param generator The generator's file, for errors (`codegen/valibot.ts`).
   */
  constructor(readonly schema: JsonSchema, readonly at: string, readonly generator: string) {}

  /** Returns a keyword's value and marks it as handled. */
  take<K extends keyof JsonSchema>(key: K): JsonSchema[K] {
    this.#used.add(key);
    return this.schema[key];
  }

  /** Fails when a keyword was not handled. */
  done<T>(result: T): T {
    for (const key of Object.keys(this.schema)) {
      if (!this.#used.has(key)) {
        throw new SchemaError(this.at, `${this.generator} does not emit keyword "${key}"`);
      }
    }
    return result;
  }
}
