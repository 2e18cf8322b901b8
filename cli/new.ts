// `talkomatic new <folder> [--node]`: a bot project that works at once (a bot
// with a command, a passing test of it against the local server, the dev,
// start and test tasks). Until the package is published, the project depends
// on the SDK the way this command was run: a checkout (Deno) or a tarball
// (Node); else on jsr:/npm:.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { CliFailure, parseFlags, UsageError } from "./_common.ts";
import { DENO_BOT, DENO_TEST, GITIGNORE, NODE_BOT, NODE_TEST, README } from "./_templates.ts";

/** `talkomatic new --help`. */
export const NEW_USAGE = `usage: talkomatic new <folder> [--node]

Creates a bot project in <folder> (which must not exist or be empty): a bot with
a /hello command, a test of it against the local Talkomatic server, a README and
the tasks dev (local server + chat page, restart on save), start and test.

  --node       a Node project (package.json, bot.js, node --test) instead of Deno
  -h, --help   show this help`;

/** Versions of the npm packages the SDK's files import (a checkout's Deno project maps them). */
const NPM_IMPORTS: Record<string, string> = {
  "socket.io": "npm:socket.io@^4.8.1",
  "socket.io-client": "npm:socket.io-client@^4.8.1",
  "valibot": "npm:valibot@^1.1.0",
};

/** Where the SDK comes from. */
export type SdkSource =
  | { kind: "checkout"; root: string; version: string }
  | { kind: "tarball"; path: string; version: string }
  | { kind: "published"; version: string };

/**
 * The package root (the folder of cli.ts) when it is on disk: this file's folder or the one
 * above it (the sources have this file in cli/; the npm build bundles it at the root).
 */
function packageRoot(): string | undefined {
  let url = new URL("./", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  for (let up = 0; up < 2; up++, url = new URL("../", url)) {
    const dir = fileURLToPath(url);
    const name = readJson(join(dir, "deno.json"))?.name ??
      readJson(join(dir, "package.json"))?.name;
    if (name === "@talkomatic/talkomatic" || name === "talkomatic") return dir;
  }
  return undefined;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/** How the running command got the SDK: a checkout, an installed tarball, or the registry. */
export function sdkSource(node: boolean): SdkSource {
  const root = packageRoot();
  if (root === undefined) return { kind: "published", version: "0.1" };
  const denoJson = readJson(join(root, "deno.json"));
  if (denoJson?.name === "@talkomatic/talkomatic") {
    const version = String(denoJson.version);
    if (!node) return { kind: "checkout", root: root.replace(/\/$/, ""), version };
    const tarball = join(root, "npm", `talkomatic-${version}.tgz`);
    if (existsSync(tarball)) return { kind: "tarball", path: tarball, version };
    return { kind: "published", version };
  }
  const pkg = readJson(join(root, "package.json"));
  const version = String(pkg?.version ?? "0.1.0");
  // Installed by npm: <project>/node_modules/talkomatic; the lock file says from where.
  const modules = dirname(root.replace(/\/$/, ""));
  if (basename(modules) === "node_modules") {
    const project = dirname(modules);
    for (const lock of [join(modules, ".package-lock.json"), join(project, "package-lock.json")]) {
      const entry = (readJson(lock)?.packages as Record<string, { resolved?: string }> | undefined)
        ?.["node_modules/talkomatic"];
      const resolved = entry?.resolved;
      if (resolved?.startsWith("file:")) {
        const path = resolve(project, resolved.slice("file:".length));
        if (existsSync(path) && statSync(path).isFile()) return { kind: "tarball", path, version };
      }
    }
  }
  return { kind: "published", version };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? `{{${key}}}`);
}

/** The files of a Deno project. */
function denoFiles(name: string, sdk: SdkSource): Record<string, string> {
  let imports: Record<string, string>;
  let cli: string;
  if (sdk.kind === "checkout") {
    const r = sdk.root;
    imports = {
      "@talkomatic/talkomatic": `${r}/mod.ts`,
      "@talkomatic/talkomatic/api": `${r}/api/mod.ts`,
      "@talkomatic/talkomatic/bot": `${r}/bot/mod.ts`,
      "@talkomatic/talkomatic/testing": `${r}/testing/mod.ts`,
      "@talkomatic/talkomatic/cli": `${r}/cli.ts`,
      ...NPM_IMPORTS,
    };
    cli = `${r}/cli.ts`;
  } else {
    imports = { "@talkomatic/talkomatic": "jsr:@talkomatic/talkomatic@^0.1" };
    cli = "jsr:@talkomatic/talkomatic@^0.1/cli";
  }
  const config = {
    tasks: {
      dev: `deno run -A ${cli} dev bot.ts`,
      start: "deno run -A bot.ts",
      test: "deno test -A",
    },
    imports,
  };
  const values = {
    name,
    botName: botName(name),
    sdk: "@talkomatic/talkomatic",
    install: "",
    dev: "deno task dev",
    test: "deno task test",
    start: "deno task start",
    testFile: "bot_test.ts",
  };
  return {
    "deno.json": JSON.stringify(config, null, 2) + "\n",
    "bot.ts": fill(DENO_BOT, values),
    "bot_test.ts": fill(DENO_TEST, values),
    "README.md": fill(README, values),
    ".gitignore": GITIGNORE,
  };
}

/** The files of a Node project. */
function nodeFiles(name: string, sdk: SdkSource): Record<string, string> {
  const dependency = sdk.kind === "tarball" ? `file:${sdk.path}` : `^${sdk.version}`;
  const pkg = {
    name: name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "") || "bot",
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: { dev: "talkomatic dev bot.js", start: "node bot.js", test: "node --test" },
    dependencies: { talkomatic: dependency },
    // The local server (dev task, tests) needs the socket.io server; the bot alone does not.
    devDependencies: { "socket.io": "^4.8.1" },
    engines: { node: ">=20" },
  };
  const values = {
    name,
    botName: botName(name),
    sdk: "talkomatic",
    install: "Run `npm install` once. ",
    dev: "npm run dev",
    test: "npm test",
    start: "npm start",
    testFile: "bot.test.js",
  };
  return {
    "package.json": JSON.stringify(pkg, null, 2) + "\n",
    "bot.js": fill(NODE_BOT, values),
    "bot.test.js": fill(NODE_TEST, values),
    "README.md": fill(README, values),
    ".gitignore": GITIGNORE,
  };
}

/** A bot name from the folder name, within the 15 characters a name may have. */
function botName(name: string): string {
  const words = name.replace(/[^A-Za-z0-9]+/g, " ").trim();
  const title = words.replace(/\b\w/g, (c) => c.toUpperCase()) || "My Bot";
  return title.slice(0, 15).trim();
}

/** `talkomatic new`. */
export async function scaffold(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, { node: { type: "boolean" } }, NEW_USAGE);
  if (values.help) {
    console.log(NEW_USAGE);
    return 0;
  }
  const [folder, extra] = positionals;
  if (folder === undefined) throw new UsageError("Missing the folder to create", NEW_USAGE);
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}"`, NEW_USAGE);
  const node = values.node === true;
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const target = resolve(cwd, folder);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) {
      throw new CliFailure(`Cannot create "${folder}": it exists and is not a folder`);
    }
    if (readdirSync(target).length > 0) {
      throw new CliFailure(`Cannot create "${folder}": the folder exists and is not empty`);
    }
  }
  const name = basename(target);
  const sdk = sdkSource(node);
  const files = node ? nodeFiles(name, sdk) : denoFiles(name, sdk);
  await mkdir(target, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(join(target, file), text);
  const from = sdk.kind === "checkout"
    ? `the checkout at ${sdk.root}`
    : sdk.kind === "tarball"
    ? `the tarball ${sdk.path}`
    : node
    ? `npm:talkomatic@^${sdk.version}`
    : "jsr:@talkomatic/talkomatic@^0.1";
  console.log(`Created ${folder} (${node ? "Node" : "Deno"}; the SDK from ${from})`);
  console.log("");
  console.log(`  cd ${folder}`);
  if (node) console.log("  npm install");
  console.log(`  ${node ? "npm run dev" : "deno task dev"}     # then open the address it prints`);
  console.log(`  ${node ? "npm test" : "deno task test"}`);
  return 0;
}
