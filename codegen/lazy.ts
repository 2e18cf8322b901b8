/**
 * Generates `schemas/lazy.gen.ts`: a {@linkcode LazyValidator} (its guard
 * first, valibot only for a failing value) for every component a REST
 * success body or a server event carries, and the server events' table of
 * them, for the bot's way in. Nothing in it imports valibot.
 *
 * @module
 */
import type { Documents } from "./load.ts";
import { refName } from "./schema.ts";

/** Generates the lazy validators module. */
export function generateLazy(docs: Documents, header: string): string {
  const events = [...docs.serverEvents].sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set<string>();
  for (const e of events) if (e.payload) names.add(e.payload);
  for (const op of docs.operations) {
    for (const s of op.success) if (s.schema.$ref) names.add(refName(s.schema.$ref));
  }
  const sorted = [...names].sort();
  return [
    header,
    "/**",
    " * Lazy validators (`schemas/lazy.ts`) of the REST success bodies and server",
    " * event payloads of `schemas/openapi.yaml` and `schemas/events.yaml`: the",
    " * guard first, valibot only for a failing value.",
    " *",
    " * @module",
    " */",
    'import { lazyValidator, type LazyValidator } from "./lazy.ts";',
    'import { guards } from "./guards.gen.ts";',
    'import type { ServerEvents } from "./events.gen.ts";',
    `import type { ${sorted.join(", ")} } from "./types.gen.ts";`,
    "",
    "/** The lazy validator of every REST success body and server event payload, by component name. */",
    "export const lazyValidators: {",
    ...sorted.map((n) => `  readonly ${n}: LazyValidator<${n}>;`),
    "} = {",
    ...sorted.map((n) => `  ${n}: lazyValidator<${n}>(${JSON.stringify(n)}, guards.${n}),`),
    "};",
    "",
    "/** Every server event: the lazy validator of its payload, or `null` when it carries none. */",
    "export const serverEventValidators: {",
    "  readonly [K in keyof ServerEvents]: LazyValidator<ServerEvents[K]> | null;",
    "} = {",
    ...events.map((e) =>
      `  ${JSON.stringify(e.name)}: ${e.payload ? `lazyValidators.${e.payload}` : "null"},`
    ),
    "};",
    "",
  ].join("\n");
}
