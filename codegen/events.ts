/**
 * Generates `schemas/events.gen.ts`: the two typed event maps (client to
 * server, server to client), wire event name -> payload type and validator.
 *
 * @module
 */
import type { Documents, SocketEvent } from "./load.ts";
import { resolve } from "./schema.ts";

function payloadKind(docs: Documents, event: SocketEvent): string {
  if (!event.payload) return "none";
  const schema = resolve(docs.components[event.payload], docs.components);
  if (schema.type === "string") return "string";
  if (schema.type === "array") return "array";
  return "object";
}

function block(
  docs: Documents,
  events: SocketEvent[],
  iface: string,
  table: string,
  direction: string,
): string {
  const sorted = [...events].sort((a, b) => a.name.localeCompare(b.name));
  const fields = sorted.map((e) =>
    `  /** ${e.description}${e.devOnly ? " (developer only)" : ""} */\n  ${
      JSON.stringify(e.name)
    }: ${e.payload ?? "undefined"};`
  );
  const entries = sorted.map((e) =>
    `  ${JSON.stringify(e.name)}: { name: ${JSON.stringify(e.name)}, schema: ${
      e.payload ? `${e.payload}Schema` : "NoPayloadSchema"
    }, payload: ${JSON.stringify(payloadKind(docs, e))}, devOnly: ${e.devOnly}, description: ${
      JSON.stringify(e.description)
    } },`
  );
  return [
    `/** Every ${direction} event: wire name -> payload type (\`undefined\` when the event carries none). */`,
    `export interface ${iface} {`,
    ...fields,
    `}`,
    "",
    `/**`,
    ` * Every ${direction} event: wire name -> payload validator and facts.`,
    ` *`,
    ` * @example`,
    " * ```ts",
    ` * import { ${table} } from "@talkomatic/talkomatic/protocol";`,
    ` *`,
    ` * const spec = ${table}[${JSON.stringify(sorted.find((e) => e.payload)!.name)}];`,
    ` * console.log(spec.payload, spec.devOnly, spec.description);`,
    ` * const result = spec.schema["~standard"].validate(42);`,
    ` * console.log("issues" in result); // a number is no valid payload`,
    " * ```",
    ` */`,
    `export const ${table}: { readonly [K in keyof ${iface}]: EventSpec<${iface}[K]> } = {`,
    ...entries,
    `};`,
    "",
  ].join("\n");
}

/** Generates the event maps module. */
export function generateEvents(docs: Documents, header: string): string {
  const payloads = [
    ...new Set(
      [...docs.clientEvents, ...docs.serverEvents].flatMap((e) => e.payload ? [e.payload] : []),
    ),
  ]
    .sort();
  return [
    header,
    "/**",
    " * The typed socket event maps of `schemas/events.yaml`.",
    " *",
    " * @module",
    " */",
    `import { type EventSpec, NoPayloadSchema } from "./event_spec.ts";`,
    `import type { ${payloads.join(", ")} } from "./types.gen.ts";`,
    `import { ${payloads.map((p) => `${p}Schema`).join(", ")} } from "./validators.gen.ts";`,
    "",
    block(docs, docs.clientEvents, "ClientEvents", "clientEvents", "client-to-server"),
    block(docs, docs.serverEvents, "ServerEvents", "serverEvents", "server-to-client"),
    `/** A client-to-server event name. */`,
    `export type ClientEventName = keyof ClientEvents;`,
    `/** A server-to-client event name. */`,
    `export type ServerEventName = keyof ServerEvents;`,
    "",
    `/**`,
    ` * Events official clients send that the server has no handler for (dropped, yet rate limited).`,
    ` */`,
    `export const ignoredClientEvents: readonly string[] = ${
      JSON.stringify(docs.ignoredClientEvents)
    };`,
    "",
  ].join("\n");
}
