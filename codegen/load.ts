/**
 * Loads and checks the two schema documents: `schemas/openapi.yaml` (REST +
 * every component) and `schemas/events.yaml` (every socket event).
 *
 * @module
 */
import { parse } from "yaml";
import { type Limit, readLimits } from "./limits.ts";
import { checkDocument, type JsonSchema, REF_PREFIX, refName } from "./schema.ts";

/** Parsed YAML, checked by hand below. */
// deno-lint-ignore no-explicit-any
type Yaml = any;

/** One REST operation of the OpenAPI document. */
export interface Operation {
  id: string;
  method: "GET" | "POST";
  path: string;
  summary: string;
  auth: "none" | "bearer" | "token" | "token+key";
  pathParams: { name: string; schema: JsonSchema }[];
  body?: { schema: JsonSchema; required: boolean };
  success: { status: number; schema: JsonSchema }[];
  errorStatuses: number[];
}

/** One socket event of the events document. */
export interface SocketEvent {
  name: string;
  payload?: string;
  description: string;
  devOnly: boolean;
}

/** Both documents, loaded and cross-checked. */
export interface Documents {
  openapi: Record<string, unknown>;
  components: Record<string, JsonSchema>;
  operations: Operation[];
  clientEvents: SocketEvent[];
  serverEvents: SocketEvent[];
  ignoredClientEvents: string[];
  limits: Limit[];
}

function fail(message: string): never {
  throw new Error(message);
}

/** Reads both documents from `dir` and checks every reference. */
export async function loadDocuments(dir: URL): Promise<Documents> {
  const openapi = parse(await Deno.readTextFile(new URL("openapi.yaml", dir))) as Record<
    string,
    Yaml
  >;
  const events = parse(await Deno.readTextFile(new URL("events.yaml", dir))) as Record<
    string,
    Yaml
  >;
  const components = (openapi.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const responses = (openapi.components?.responses ?? {}) as Record<string, unknown>;

  const checkRefs = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => checkRefs(n, `${where}[${i}]`));
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") {
        if (value.startsWith(REF_PREFIX)) {
          if (!(refName(value) in components)) fail(`${where}: unknown component "${value}"`);
        } else if (value.startsWith("#/components/responses/")) {
          if (!(value.slice(23) in responses)) fail(`${where}: unknown response "${value}"`);
        } else fail(`${where}: unsupported $ref "${value}"`);
      } else checkRefs(value, `${where}.${key}`);
    }
  };
  checkRefs(openapi, "openapi.yaml");
  checkDocument(openapi);

  const operations: Operation[] = [];
  for (
    const [path, item] of Object.entries(openapi.paths ?? {}) as [string, Record<string, Yaml>][]
  ) {
    const shared = (item.parameters ?? []) as { name: string; in: string; schema: JsonSchema }[];
    for (const method of ["get", "post"] as const) {
      const op = item[method];
      if (!op) continue;
      const id = op.operationId ?? fail(`${method.toUpperCase()} ${path}: no operationId`);
      const auth = op["x-auth"];
      if (!["none", "bearer", "token", "token+key"].includes(auth)) {
        fail(`${id}: x-auth must be none, bearer, token or token+key`);
      }
      const params = [...shared, ...(op.parameters ?? [])];
      const pathParams = params.filter((p) => p.in === "path").map((p) => ({
        name: p.name,
        schema: p.schema,
      }));
      for (const match of path.matchAll(/\{(\w+)\}/g)) {
        if (!pathParams.some((p) => p.name === match[1])) {
          fail(
            `${id}: path parameter "${match[1]}" undeclared`,
          );
        }
      }
      const bodySchema = op.requestBody?.content?.["application/json"]?.schema;
      const success: Operation["success"] = [];
      const errorStatuses: number[] = [];
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const code = Number(status);
        if (code >= 200 && code < 300) {
          const schema = (response as Yaml)?.content?.["application/json"]?.schema ??
            fail(`${id}: response ${status} has no JSON schema`);
          success.push({ status: code, schema });
        } else errorStatuses.push(code);
      }
      if (success.length === 0) fail(`${id}: no success response`);
      operations.push({
        id,
        method: method.toUpperCase() as "GET" | "POST",
        path,
        summary: op.summary ?? id,
        auth,
        pathParams,
        body: bodySchema
          ? { schema: bodySchema, required: op.requestBody.required === true }
          : undefined,
        success,
        errorStatuses,
      });
    }
  }

  const readEvents = (list: unknown, which: string): SocketEvent[] => {
    if (!Array.isArray(list)) fail(`events.yaml: ${which} must be a list`);
    const seen = new Set<string>();
    return list.map((e: Yaml) => {
      if (typeof e?.name !== "string") fail(`events.yaml: ${which} entry without a name`);
      if (seen.has(e.name)) fail(`events.yaml: ${which} lists "${e.name}" twice`);
      seen.add(e.name);
      if (e.payload !== undefined && !(e.payload in components)) {
        fail(`events.yaml: "${e.name}" refers to unknown component "${e.payload}"`);
      }
      if (typeof e.description !== "string") fail(`events.yaml: "${e.name}" has no description`);
      return {
        name: e.name,
        payload: e.payload,
        description: e.description,
        devOnly: e.devOnly === true,
      };
    });
  };
  return {
    openapi,
    components,
    operations,
    clientEvents: readEvents(events.clientToServer, "clientToServer"),
    serverEvents: readEvents(events.serverToClient, "serverToClient"),
    ignoredClientEvents: (events.ignoredClientToServer ?? []) as string[],
    limits: readLimits(openapi),
  };
}
