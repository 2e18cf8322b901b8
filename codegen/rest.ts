/**
 * Generates `api/_operations.gen.ts`: one typed function per REST operation,
 * each calling a `Transport` with the operation's method, path, auth layer and
 * response validators (lazy ones: valibot is loaded only for a body that fails).
 *
 * @module
 */
import type { Documents } from "./load.ts";
import { type JsonSchema, refName } from "./schema.ts";

function typeName(schema: JsonSchema): string {
  if (!schema.$ref) throw new Error("REST bodies and parameters must reference a component");
  return refName(schema.$ref);
}

/** Generates the REST operations module. */
export function generateRest(docs: Documents, header: string): string {
  const types = new Set<string>();
  const functions: string[] = [];
  for (const op of [...docs.operations].sort((a, b) => a.id.localeCompare(b.id))) {
    const inputFields: string[] = [];
    for (const p of op.pathParams) {
      const t = typeName(p.schema);
      types.add(t);
      inputFields.push(`/** Path parameter \`${p.name}\`. */ readonly ${p.name}: ${t}`);
    }
    if (op.body) {
      const t = typeName(op.body.schema);
      types.add(t);
      inputFields.push(
        `/** The JSON request body. */ readonly body${op.body.required ? "" : "?"}: ${t}`,
      );
    }
    const results = op.success.map((s) => typeName(s.schema));
    results.forEach((t) => types.add(t));
    const successEntries = op.success.map((s) => {
      const name = typeName(s.schema);
      return `${s.status}: lazyValidators.${name}`;
    });
    const path = op.path.replace(
      /\{(\w+)\}/g,
      (_m, name) => `\${encodeURIComponent(input.${name})}`,
    );
    const hasInput = inputFields.length > 0;
    const inputRequired = op.pathParams.length > 0 || op.body?.required === true;
    const signature = hasInput
      ? `transport: Transport, input${inputRequired ? "" : "?"}: { ${
        inputFields.join("; ")
      } }, options?: CallOptions`
      : "transport: Transport, options?: CallOptions";
    const bodyLine = op.body ? `body: input${inputRequired ? "" : "?"}.body,` : "";
    const statuses = [...op.success.map((s) => s.status), ...op.errorStatuses].join(", ");
    functions.push(
      [
        `/**`,
        ` * ${op.summary}.`,
        ` *`,
        ` * \`${op.method} ${op.path}\`, auth: ${op.auth}; documented statuses: ${statuses}.`,
        ` *`,
        ` * @param transport The transport that sends the request and validates the answer.`,
        ...(hasInput ? [` * @param input Path parameters and body.`] : []),
        ` * @param options Abort signal and timeout for this call.`,
        ` * @returns The validated response body.`,
        ` */`,
        `export function ${op.id}(${signature}): Promise<${results.join(" | ")}> {`,
        `  return transport.call({`,
        `    id: ${JSON.stringify(op.id)},`,
        `    method: ${JSON.stringify(op.method)},`,
        `    path: \`${path}\`,`,
        `    auth: ${JSON.stringify(op.auth)},`,
        ...(bodyLine ? [`    ${bodyLine}`] : []),
        `    success: { ${successEntries.join(", ")} },`,
        `  }, options);`,
        `}`,
        "",
      ].join("\n"),
    );
  }
  return [
    header,
    "/**",
    " * One typed function per REST operation of `schemas/openapi.yaml`.",
    " *",
    " * @module",
    " */",
    `import type { CallOptions, Transport } from "./_spec.ts";`,
    `import type { ${[...types].sort().join(", ")} } from "../schemas/types.gen.ts";`,
    `import { lazyValidators } from "../schemas/lazy.gen.ts";`,
    "",
    ...functions,
  ].join("\n");
}
