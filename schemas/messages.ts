/**
 * The server's texts (schemas/protocol.gen.ts, from `x-talkomatic-messages`)
 * both ways: {@linkcode messageText} writes one as the server does (the local
 * server), {@linkcode recognise} finds which one a received text is (the
 * bot). Neither side writes a server text by hand.
 *
 * @example
 * ```ts
 * import { messageText, recognise } from "./messages.ts";
 *
 * const text = messageText("PLEASE_WAIT_TO_CREATE", { seconds: 7 });
 * // "Please wait 7s before creating another room."
 * recognise("error", "RATE_LIMITED", text); // { name: "PLEASE_WAIT_TO_CREATE", values: { seconds: "7" } }
 * ```
 *
 * @module
 */

import { SERVER_MESSAGES, type ServerMessageName } from "./protocol.gen.ts";

export { SERVER_MESSAGES, type ServerMessageName };

const PLACEHOLDER = /\{(\w+)\}/g;

/** A server text recognised: its name and the values of its placeholders. */
export interface Recognised {
  /** The message's name in `SERVER_MESSAGES`. */
  readonly name: ServerMessageName;
  /** What the server filled in for each `{placeholder}`. */
  readonly values: Readonly<Record<string, string>>;
}

const key = (event: string, code: string | undefined, text: string) =>
  `${event}\u0000${code ?? ""}\u0000${text}`;

const exact = new Map<string, ServerMessageName>();
const templates: { name: ServerMessageName; event: string; code?: string; pattern: RegExp }[] = [];
for (const name of Object.keys(SERVER_MESSAGES) as ServerMessageName[]) {
  const m = SERVER_MESSAGES[name];
  if (!m.text.includes("{")) {
    exact.set(key(m.event, m.code, m.text), name);
    continue;
  }
  const source = m.text.split(PLACEHOLDER).map((part, i) =>
    i % 2 ? `(?<${part}>.+?)` : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("");
  templates.push({ name, event: m.event, code: m.code, pattern: new RegExp(`^${source}$`) });
}

/**
 * A server text, written as the server writes it.
 *
 * @param name The message's name.
 * @param values A value for each `{placeholder}` of its text.
 * @returns The text.
 * @throws {TypeError} When a placeholder has no value.
 */
export function messageText(
  name: ServerMessageName,
  values: Readonly<Record<string, string | number>> = {},
): string {
  return SERVER_MESSAGES[name].text.replace(PLACEHOLDER, (_, field: string) => {
    if (!Object.hasOwn(values, field)) {
      throw new TypeError(`Cannot write server message ${name}: no value for {${field}}`);
    }
    return String(values[field]);
  });
}

/**
 * Which server text this is.
 *
 * @param event The socket event that carried it (`error`, `connect_error`, `afk timeout`…).
 * @param code The envelope's code, for error events.
 * @param text The text as received.
 * @returns The message's name and placeholder values, or `undefined` for a text not in the table.
 */
export function recognise(
  event: string,
  code: string | undefined,
  text: string,
): Recognised | undefined {
  const name = exact.get(key(event, code, text));
  if (name) return { name, values: {} };
  for (const t of templates) {
    if (t.event !== event || t.code !== code) continue;
    const match = t.pattern.exec(text);
    if (match) return { name: t.name, values: { ...match.groups } };
  }
  return undefined;
}
