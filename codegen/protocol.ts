/**
 * Reads the protocol facts of `schemas/openapi.yaml` that are not shapes:
 * `x-talkomatic-rate-limits`, `x-talkomatic-api-key` and
 * `x-talkomatic-messages`, checks them, and generates
 * `schemas/protocol.gen.ts`. The bot, the REST client and the local server
 * use these constants, so none of them writes a server text, a limit or the
 * public key by hand.
 *
 * @module
 */

/** One rate limit: `points` per `windowMs`, then blocked for `blockMs`. */
export interface RateLimitEntry {
  name: string;
  points: number;
  windowMs: number;
  blockMs: number;
  description: string;
}

/** One server text. */
export interface MessageEntry {
  name: string;
  event: string;
  code?: string;
  text: string;
}

/** The protocol facts, checked. */
export interface ProtocolFacts {
  rateLimits: RateLimitEntry[];
  apiKey: string;
  messages: MessageEntry[];
}

const NAME = /^[A-Z][A-Z0-9_]*$/;
const MESSAGE_EVENTS = [
  "error",
  "room not found",
  "room full",
  "afk warning",
  "afk timeout",
  "connect_error",
  "http",
];

function table(openapi: Record<string, unknown>, key: string): [string, Record<string, unknown>][] {
  const where = `schemas/openapi.yaml#/${key}`;
  const value = openapi[key];
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${key} must map names to entries at ${where}`);
  }
  return Object.entries(value).map(([name, entry]) => {
    if (!NAME.test(name)) throw new Error(`A name must be UPPER_SNAKE_CASE at ${where}/${name}`);
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
      throw new Error(`An entry must be an object at ${where}/${name}`);
    }
    return [name, entry as Record<string, unknown>];
  });
}

function only(entry: Record<string, unknown>, keys: string[], where: string): void {
  for (const key of Object.keys(entry)) {
    if (!keys.includes(key)) throw new Error(`Unsupported key "${key}" at ${where}`);
  }
}

/**
 * Reads and checks the three tables.
 *
 * @param openapi The parsed OpenAPI document.
 * @returns The facts, in document order.
 */
export function readProtocolFacts(openapi: Record<string, unknown>): ProtocolFacts {
  const rateLimits = table(openapi, "x-talkomatic-rate-limits").map(([name, entry]) => {
    const where = `schemas/openapi.yaml#/x-talkomatic-rate-limits/${name}`;
    only(entry, ["points", "windowMs", "blockMs", "description"], where);
    for (const key of ["points", "windowMs", "blockMs"]) {
      const n = entry[key];
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
        throw new Error(`"${key}" must be a whole number of at least 0 at ${where}`);
      }
    }
    if (typeof entry.description !== "string") {
      throw new Error(`A "description" is needed at ${where}`);
    }
    return { name, ...entry } as RateLimitEntry;
  });
  const apiKey = openapi["x-talkomatic-api-key"];
  if (typeof apiKey !== "string" || apiKey === "") {
    throw new Error(
      "x-talkomatic-api-key must be a string at schemas/openapi.yaml#/x-talkomatic-api-key",
    );
  }
  const messages = table(openapi, "x-talkomatic-messages").map(([name, entry]) => {
    const where = `schemas/openapi.yaml#/x-talkomatic-messages/${name}`;
    only(entry, ["event", "code", "text"], where);
    const { event, code, text } = entry;
    if (typeof event !== "string" || !MESSAGE_EVENTS.includes(event)) {
      throw new Error(`"event" must be one of ${MESSAGE_EVENTS.join(", ")} at ${where}`);
    }
    if (typeof text !== "string" || text === "") throw new Error(`"text" is needed at ${where}`);
    const envelope = event === "error" || event === "room not found" || event === "room full";
    if (event !== "http" && envelope !== (typeof code === "string")) {
      throw new Error(`"code" is needed exactly for error events at ${where}`);
    }
    return { name, event, text, ...(typeof code === "string" ? { code } : {}) };
  });
  const texts = new Set<string>();
  for (const m of messages) {
    const key = `${m.event}\u0000${m.code ?? ""}\u0000${m.text}`;
    if (texts.has(key)) {
      throw new Error(`Duplicate message "${m.text}" at x-talkomatic-messages/${m.name}`);
    }
    texts.add(key);
  }
  return { rateLimits, apiKey, messages };
}

/** Generates `schemas/protocol.gen.ts`. */
export function generateProtocol(facts: ProtocolFacts, header: string): string {
  const limits = facts.rateLimits.map((l) =>
    `  /** ${l.description} */\n  ${l.name}: Object.freeze({ points: ${l.points}, windowMs: ${l.windowMs}, blockMs: ${l.blockMs} }),`
  );
  const messageType = facts.messages.map((m) => `  readonly ${m.name}: ServerMessage;`);
  const messages = facts.messages.map((m) =>
    `  ${m.name}: Object.freeze(${JSON.stringify(m)}),`.replace(`"name":"${m.name}",`, "")
  );
  return [
    header,
    "/**",
    " * The protocol's facts that are not shapes, from `schemas/openapi.yaml`:",
    " * the rate limits (`x-talkomatic-rate-limits`), the public API key",
    " * (`x-talkomatic-api-key`) and every server text a client acts on",
    " * (`x-talkomatic-messages`). Change them in the schema, not here.",
    " *",
    " * @module",
    " */",
    "",
    "/** A limiter of the server: `points` per `windowMs`, then blocked for `blockMs` (0: no block). */",
    "export interface RateLimit {",
    "  /** How many points a window allows. */",
    "  readonly points: number;",
    "  /** The window's length in milliseconds. */",
    "  readonly windowMs: number;",
    "  /** How long a caller over the limit stays blocked, in milliseconds (0: no block). */",
    "  readonly blockMs: number;",
    "}",
    "",
    "/** The server's rate limits (docs/protocol.md §1.6, §12). */",
    "export const RATE_LIMITS: {",
    ...facts.rateLimits.map((l) => `  readonly ${l.name}: RateLimit;`),
    "} = Object.freeze({",
    ...limits,
    "});",
    "",
    "/** The public API key the server's own pages send as `x-api-key` (§11.1). */",
    `export const PUBLIC_API_KEY: string = ${JSON.stringify(facts.apiKey)};`,
    "",
    "/**",
    " * A text the server sends: on `event`, with the envelope `code` for errors;",
    " * `{name}` in `text` stands for a value the server fills in.",
    " */",
    "export interface ServerMessage {",
    "  /** The socket event that carries the text, or `http` for REST answers. */",
    "  readonly event: string;",
    "  /** The error envelope's code, for errors. */",
    "  readonly code?: string;",
    "  /** The text, `{name}` standing for a value the server fills in. */",
    "  readonly text: string;",
    "}",
    "",
    "/** Every server text a client acts on (§1.4, §5.7, §5.8), by name. */",
    "export const SERVER_MESSAGES: {",
    ...messageType,
    "} = Object.freeze({",
    ...messages,
    "});",
    "",
    "/** The name of a server text. */",
    "export type ServerMessageName = keyof typeof SERVER_MESSAGES;",
    "",
  ].join("\n");
}
