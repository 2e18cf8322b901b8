// The published surface: the root exports what README.md lists (values and types), ./api no
// wire type its signatures do not use, ./protocol the protocol's tables.
import { assert, assertEquals } from "@std/assert";

const root = new URL("../", import.meta.url);

/** Every name a module exports, types included, as `deno doc` sees it. */
async function exportedNames(path: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", path],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert(out.success, `deno doc --json ${path} failed`);
  const doc = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    nodes: Record<string, { symbols: { name: string }[] }>;
  };
  const node = doc.nodes[new URL(path, root).href];
  assert(node !== undefined, `deno doc gave no node for ${path}`);
  return node.symbols.map((s) => s.name).sort();
}

/** The names README.md lists between `<!-- root exports -->` and `<!-- /root exports -->`. */
async function readmeNames(): Promise<string[]> {
  const readme = await Deno.readTextFile(new URL("README.md", root));
  const start = readme.indexOf("<!-- root exports -->");
  const end = readme.indexOf("<!-- /root exports -->");
  assert(start >= 0 && end > start, "README.md has no root exports section");
  const names = [...readme.slice(start, end).matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]);
  assertEquals(names.length, new Set(names).size, "README.md lists a name twice");
  return names.sort();
}

/** The root's runtime values: what `import * as talkomatic` shows. */
const ROOT_VALUES = [
  "ActionError",
  "ApiError",
  "AskError",
  "Board",
  "Bot",
  "Box",
  "Composer",
  "DenoKvSessionStorage",
  "FileSessionStorage",
  "FileTokenStore",
  "HandlerError",
  "MemorySessionStorage",
  "MemoryTokenStore",
  "PayloadValidationError",
  "RedisSessionStorage",
  "TalkomaticApi",
  "TalkomaticError",
  "TransportError",
  "UsageError",
  "consoleBotLogger",
  "cooldown",
  "session",
  "sessionKey",
];

Deno.test("the root exports exactly the values listed here", async () => {
  assertEquals(Object.keys(await import("../mod.ts")).sort(), [...ROOT_VALUES].sort());
});

Deno.test("the root exports exactly the names README.md lists, types included", async () => {
  const names = await exportedNames("mod.ts");
  assertEquals(names, await readmeNames());
  for (const value of ROOT_VALUES) assert(names.includes(value), value);
});

Deno.test("./api exports no wire type its signatures do not use", async () => {
  const names = await exportedNames("api/mod.ts");
  const unused = names.filter((n) =>
    /^(Board|Dev)/.test(n) || ["RoomSnapshot", "RoomJoined", "ListedRoom", "Diff"].includes(n)
  );
  assertEquals(unused, []);
  for (const name of ["TalkomaticApi", "HttpTransport", "NewRoom", "RestRoom", "RestMe"]) {
    assert(names.includes(name), name);
  }
});

Deno.test("./protocol exports the event tables, the validators and every wire type", async () => {
  const protocol = await import("../protocol.ts");
  for (
    const name of ["serverEvents", "clientEvents", "validators", "RATE_LIMITS", "ROOM_CAPACITY"]
  ) {
    assert(name in protocol, name);
  }
  const names = await exportedNames("protocol.ts");
  for (const name of ["ServerEvents", "ClientEvents", "RoomSnapshot", "ListedRoom", "BoardState"]) {
    assert(names.includes(name), name);
  }
});

Deno.test("every error class the root exports extends TalkomaticError", async () => {
  const root: Record<string, unknown> = await import("../mod.ts");
  const { TalkomaticError } = await import("../mod.ts");
  const errors = Object.entries(root).filter(([name]) => name.endsWith("Error"));
  assertEquals(errors.length, 8);
  for (const [name, value] of errors) {
    assert(typeof value === "function", name);
    assert(value === TalkomaticError || value.prototype instanceof TalkomaticError, name);
  }
});

Deno.test("bot event names use one tense: past participles for what happened, or nouns", async () => {
  const { BOT_EVENTS } = await import("../bot/mod.ts");
  const verbs = ["Join", "Leave", "Open", "Close", "Clear", "Create", "Connect", "Disconnect"];
  const present = Object.keys(BOT_EVENTS).filter((name) =>
    verbs.some((verb) => name.endsWith(verb)) || ["disconnect", "reconnect"].includes(name)
  );
  assertEquals(present, []);
});
