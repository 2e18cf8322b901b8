// The protocol tables of schemas/openapi.yaml (texts, rate limits, the public API key) and
// their uses: the docs say the same, the bot recognises every text, and no source writes one by hand.

import { assert, assertEquals } from "@std/assert";
import {
  PUBLIC_API_KEY,
  RATE_LIMITS,
  SERVER_MESSAGES,
  type ServerMessageName,
} from "../../schemas/protocol.gen.ts";
import { messageText, recognise } from "../../schemas/messages.ts";
import { classify, handshakeRefusal, isRoomClosure } from "../../bot/in/server_messages.ts";
import { DEFAULT_PACING } from "../../bot/out/pacer.ts";
import { MAX_CONNECTIONS_PER_IP } from "../../schemas/limits.gen.ts";
import { resolveOptions } from "../../testing/_options.ts";

const root = new URL("../../", import.meta.url);
const names = Object.keys(SERVER_MESSAGES) as ServerMessageName[];
const sample = (text: string) =>
  Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map(([, k]) => [k, "42"]));

Deno.test("every server text is recognised as itself, with its placeholders' values", () => {
  for (const name of names) {
    const m = SERVER_MESSAGES[name];
    const values = sample(m.text);
    const found = recognise(m.event, m.code, messageText(name, values));
    assertEquals(found?.name, name, `${name}: ${m.text}`);
    assertEquals(found?.values, values);
  }
  assertEquals(recognise("error", "FORBIDDEN", "Something new."), undefined);
});

Deno.test("the bot gives every error text of the table a meaning, and a precise one where it has one", () => {
  const generic = new Set(["SERVER_ERROR", "CIRCUIT_OPEN"]);
  for (const name of names) {
    const m = SERVER_MESSAGES[name];
    if (!m.code || m.event === "http") continue;
    const failure = classify(m.code, messageText(name, sample(m.text)));
    assertEquals(failure.reason === "serverError", generic.has(m.code), `${name}`);
  }
  assertEquals(classify("RATE_LIMITED", messageText("RATE_LIMIT_EXCEEDED")).dropped, true);
  assertEquals(
    classify("RATE_LIMITED", messageText("PLEASE_WAIT_TO_CREATE", { seconds: 27 })).retryAfterMs,
    27_000,
  );
  for (const name of names.filter((n) => n.startsWith("HANDSHAKE_"))) {
    const refusal = handshakeRefusal(SERVER_MESSAGES[name].text);
    if (name !== "HANDSHAKE_SETUP_FAILED") {
      assert(refusal.hint !== SERVER_MESSAGES[name].text, name);
    }
  }
  assert(
    handshakeRefusal(messageText("HANDSHAKE_TOO_MANY_CONNECTIONS")).hint.includes(
      `${MAX_CONNECTIONS_PER_IP} live connections`,
    ),
  );
  assert(isRoomClosure(messageText("ROOM_CLOSED")));
  assert(!isRoomClosure(messageText("AFK_TIMEOUT")));
});

Deno.test("the bot's pacing and the local server's limiters start from the schema's rate limits", () => {
  assert(DEFAULT_PACING.eventsPerWindow < RATE_LIMITS.SOCKET_BOT.points);
  assertEquals(DEFAULT_PACING.eventWindowMs, RATE_LIMITS.SOCKET_BOT.windowMs);
  const options = resolveOptions();
  const limits = options.rateLimits;
  assertEquals(limits.socketBot, RATE_LIMITS.SOCKET_BOT);
  assertEquals(limits.socketHuman, RATE_LIMITS.SOCKET_HUMAN);
  assertEquals(limits.connectionAttempts, RATE_LIMITS.CONNECTION_ATTEMPTS);
  assertEquals(limits.chatBatch, RATE_LIMITS.CHAT_BATCH);
  assertEquals(options.apiKey, PUBLIC_API_KEY);
});

/** The code of every .ts/.js file under `dirs`, however deep, but the generated (*.gen.*) ones. */
async function sources(dirs: string[]): Promise<[string, string][]> {
  const out: [string, string][] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(new URL(dir, root))) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) {
        await walk(`${path}/`);
        continue;
      }
      if (!entry.isFile || !/\.(ts|js)$/.test(entry.name) || entry.name.includes(".gen.")) continue;
      const code = await Deno.readTextFile(new URL(path, root));
      // Comments and doc examples may quote the server; code may not.
      out.push([path, code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "")]);
    }
  };
  for (const dir of dirs) await walk(dir);
  return out;
}

Deno.test("no source writes a server text, a rate limit's server text or the API key by hand", async () => {
  const texts = names.map((n) => SERVER_MESSAGES[n].text).filter((t) => !t.includes("{"));
  const offenders: string[] = [];
  for (const [path, code] of await sources(["api/", "bot/", "testing/", "schemas/"])) {
    for (const text of texts) {
      for (const quote of ['"', "'", "`"]) {
        if (code.includes(`${quote}${text}${quote}`)) {
          offenders.push(`${path}: ${quote}${text}${quote}`);
        }
      }
    }
    if (code.includes(PUBLIC_API_KEY)) offenders.push(`${path}: the public API key`);
  }
  assertEquals(offenders, []);
});

/** Normalises a placeholder (`<name>` in the docs, `{name}` in the table). */
const norm = (text: string) => text.replace(/<\w+>|\{\w+\}/g, "…");

function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n### ${heading}`);
  assert(start >= 0, `docs/protocol.md has no section ${heading}`);
  const end = doc.indexOf("\n### ", start + 1);
  return doc.slice(start, end);
}

Deno.test("docs/protocol.md lists the same error texts, refusals, limits and key as the schema", async () => {
  const doc = await Deno.readTextFile(new URL("docs/protocol.md", root));
  // §5.8: every socket error by code.
  const documented = new Set<string>();
  for (const line of section(doc, "5.8").split("\n")) {
    const row = /^\| `([A-Z_]+)`\s*\|(.*)\|$/.exec(line);
    if (!row) continue;
    for (const [, text] of row[2].matchAll(/`([^`]+)`/g)) {
      if (!text.startsWith("dev ") && !/^[a-z ]+$/.test(text)) {
        documented.add(`${row[1]} ${norm(text)}`);
      }
    }
  }
  const tabled = new Set(
    names.map((n) => SERVER_MESSAGES[n]).filter((m) => m.code && m.event !== "http").map((m) =>
      `${m.code} ${norm(m.text)}`
    ),
  );
  assertEquals([...documented].sort(), [...tabled].sort());
  // §1.4: every handshake refusal.
  const refusals = [...section(doc, "1.4").matchAll(/\|\s*`([A-Z][^`]+)`[^|]*\|\s*$/gm)]
    .map(([, t]) => t);
  assertEquals(
    refusals.sort(),
    names.filter((n) => n.startsWith("HANDSHAKE_")).map((n) => SERVER_MESSAGES[n].text).sort(),
  );
  // §12.3: the socket limiters.
  const limits = section(doc, "12.3");
  for (
    const [row, limit] of [
      ["connection attempts", RATE_LIMITS.CONNECTION_ATTEMPTS],
      ["events (humans)", RATE_LIMITS.SOCKET_HUMAN],
      ["events (bots)", RATE_LIMITS.SOCKET_BOT],
    ] as const
  ) {
    const s = (ms: number) => `${ms / 1000} s`;
    const want = `${limit.points} per ${s(limit.windowMs)}, then ${s(limit.blockMs)} blocked`;
    const escaped = row.replace(/[()]/g, "\\$&");
    assert(
      new RegExp(`\\| ${escaped}\\s*\\|[^|]*\\| ${want}\\s*\\|`).test(limits),
      `${row}: ${want}`,
    );
  }
  assert(doc.includes(PUBLIC_API_KEY), "docs/protocol.md names the public API key");
});
