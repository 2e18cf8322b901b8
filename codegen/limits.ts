/**
 * Reads `x-talkomatic-limits` of `schemas/openapi.yaml` and generates
 * `schemas/limits.gen.ts`: one named constant per limit or format of the
 * protocol. An entry either points (`from`, a JSON pointer into the document)
 * at the schema keyword holding the value, so a validator and its constant
 * cannot disagree, or holds a value no payload field can express (`value`).
 *
 * @module
 */

/** One named limit, resolved. */
export interface Limit {
  /** The constant's name (`UPPER_SNAKE_CASE`). */
  name: string;
  /** Its summary. */
  description: string;
  /** The value. */
  value: number | string | (string | number | boolean)[];
  /** The JSON pointer it was read from, when it came from a schema keyword. */
  from?: string;
}

const WHERE = "schemas/openapi.yaml#/x-talkomatic-limits";

function fail(name: string, message: string): never {
  throw new Error(`${message} at ${WHERE}/${name}`);
}

/** Follows a JSON pointer (`#/a/b`) into the document. */
function follow(document: unknown, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let node = document;
  for (const raw of ref.slice(2).split("/")) {
    const token = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, token)) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/**
 * Reads and checks `x-talkomatic-limits`.
 *
 * @param openapi The parsed OpenAPI document.
 * @returns The limits, by name.
 */
export function readLimits(openapi: Record<string, unknown>): Limit[] {
  const table = openapi["x-talkomatic-limits"] ?? {};
  if (typeof table !== "object" || table === null || Array.isArray(table)) {
    throw new Error(`x-talkomatic-limits must map names to limits at ${WHERE}`);
  }
  return Object.entries(table).sort(([a], [b]) => a.localeCompare(b)).map(([name, entry]) => {
    if (!/^[A-Z][A-Z0-9_]*$/.test(name)) fail(name, "A limit's name must be UPPER_SNAKE_CASE");
    if (typeof entry !== "object" || entry === null) fail(name, "A limit must be an object");
    const { from, value, description, ...rest } = entry as Record<string, unknown>;
    for (const key of Object.keys(rest)) fail(name, `Unsupported key "${key}"`);
    if (typeof description !== "string") fail(name, `A limit needs a "description"`);
    if ((from === undefined) === (value === undefined)) {
      fail(name, `A limit needs either "from" or "value"`);
    }
    if (from !== undefined) {
      if (typeof from !== "string") fail(name, `"from" must be a JSON pointer ("#/...")`);
      const found = follow(openapi, from);
      if (found === undefined) fail(name, `"from" points at nothing: "${from}"`);
      if (from.endsWith("/pattern") ? typeof found !== "string" : !isValue(found)) {
        fail(name, `"from" points at no number, pattern or enum: "${from}"`);
      }
      return { name, description, value: found as Limit["value"], from };
    }
    if (typeof value !== "number" && typeof value !== "string") {
      fail(name, `"value" must be a number or a string`);
    }
    return { name, description, value };
  });
}

function isValue(x: unknown): boolean {
  return typeof x === "number" ||
    (Array.isArray(x) && x.length > 0 && x.every((v) => typeof v !== "object"));
}

function constant(limit: Limit): { type: string; code: string; uses?: string } {
  const { value, from } = limit;
  if (from?.endsWith("/pattern")) {
    return { type: "RegExp", code: `/${(value as string).replaceAll("/", "\\/")}/` };
  }
  if (Array.isArray(value)) {
    const component = /^#\/components\/schemas\/([^/]+)\/enum$/.exec(from ?? "")?.[1];
    const element = component ?? "string";
    return {
      type: `readonly ${element}[]`,
      code: `Object.freeze(${JSON.stringify(value)})`,
      uses: component,
    };
  }
  return { type: typeof value, code: JSON.stringify(value) };
}

/** Generates `schemas/limits.gen.ts` from the documents' limits (`docs.limits`). */
export function generateLimits(
  docs: { readonly limits: readonly Limit[] },
  header: string,
): string {
  const types = new Set<string>();
  const body = docs.limits.map((limit) => {
    const { type, code, uses } = constant(limit);
    if (uses) types.add(uses);
    const source = limit.from ? [" *", ` * Read from \`${limit.from}\`.`] : [];
    return [
      "/**",
      ` * ${limit.description}`,
      ...source,
      " */",
      `export const ${limit.name}: ${type} = ${code};`,
    ].join("\n");
  });
  return [
    header,
    "/**",
    " * The protocol's named limits and formats, from `x-talkomatic-limits` of",
    " * `schemas/openapi.yaml`. The input checks, the bot and the local server",
    " * use these constants; change a limit in the schema, not here.",
    " *",
    " * @module",
    " */",
    ...(types.size
      ? [`import type { ${[...types].sort().join(", ")} } from "./types.gen.ts";`]
      : []),
    "",
    body.join("\n\n"),
    "",
  ].join("\n");
}
