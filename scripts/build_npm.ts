/**
 * `deno task build:npm`: builds the npm package `talkomatic` with `deno pack`
 * (ESM, `.d.ts`, npm dependencies in package.json, specifiers rewritten) into
 * `npm/`, replaces its JavaScript (one file per module) by `deno bundle`'s
 * (one file per entry point, shared code in chunks, socket.io-client's
 * packages bundled, the other npm packages left as imports), then renames it,
 * adds README, LICENSE and the bundled packages' licenses, checks it and packs
 * the tarball `npm/talkomatic-<version>.tgz` with `npm pack`.
 *
 * It fails when the npm export map differs from deno.json's `exports`, when
 * a source map or a build-machine path slipped into the package, when the
 * JavaScript imports a package that is not a dependency, when the bundled
 * packages are not the expected ones, or when a step fails.
 *
 * @module
 */
import { join, relative } from "node:path";

const root = new URL("../", import.meta.url).pathname;
const out = join(root, "npm");
const pkgDir = join(out, "package");

interface DenoJson {
  name: string;
  version: string;
  license: string;
  exports: Record<string, string>;
  imports: Record<string, string>;
}

async function run(cmd: string, args: string[], cwd = root): Promise<string> {
  const result = await new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder();
  if (!result.success) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${result.code}):\n${text.decode(result.stdout)}${
        text.decode(result.stderr)
      }`,
    );
  }
  return text.decode(result.stdout);
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

async function* files(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) yield* files(path);
    else yield path;
  }
}

const deno = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))) as DenoJson;
await Deno.remove(out, { recursive: true }).catch(() => {});
await Deno.mkdir(out, { recursive: true });

// 1. deno pack: JS + .d.ts for every export, npm dependencies collected.
const packed = join(out, "deno-pack.tgz");
await run(Deno.execPath(), ["pack", "--allow-dirty", "--no-source-maps", "--output", packed]);
await run("tar", ["-xzf", packed, "-C", out]);
await Deno.remove(packed);
// deno pack adds the lock file; npm users get package.json's ranges instead.
await Deno.remove(join(pkgDir, "deno.lock")).catch(() => {});

// 1b. The JavaScript as a bundle with shared chunks: Node resolves, reads and compiles each
// module file on its own, and a bot's 66 modules took it about 70 ms of CPU more than the
// same code in a few files. `.d.ts` files stay one per module. valibot's validators stay a
// chunk of their own, imported only when a payload fails (schemas/lazy.ts).
//
// socket.io-client is bundled too, with the packages it is made of: in Node its npm build
// is about 30 module files, and loading them took a bot about 30 ms of a 300 ms start more
// than the same code in one chunk. Its own dependencies stay npm dependencies, at the ranges
// it declares: `ws` and `xmlhttprequest-ssl` (the network) and `debug` (so that
// `DEBUG=socket.io-client:*` still logs). Its `Socket` class is also shipped at the package's
// root, outside the export map, for the benchmark (scripts/npm_socket_io_client.ts).
const BUNDLED = [
  "socket.io-client",
  "engine.io-client",
  "socket.io-parser",
  "engine.io-parser",
  "@socket.io/component-emitter",
];
const BUNDLED_DEPENDENCIES = ["debug", "ws", "xmlhttprequest-ssl"];
const SOCKET_ENTRY = "scripts/npm_socket_io_client.ts";
for await (const file of files(pkgDir)) {
  if (file.endsWith(".js")) await Deno.remove(file);
}
const externals = [
  ...Object.entries(deno.imports)
    .filter(([name, target]) => target.startsWith("npm:") && !BUNDLED.includes(name))
    .map(([name]) => name),
  ...BUNDLED_DEPENDENCIES,
];
await run(Deno.execPath(), [
  "bundle",
  "--code-splitting",
  "--format=esm",
  ...externals.flatMap((name) => ["--external", name]),
  "--outdir",
  pkgDir,
  ...Object.values(deno.exports),
  SOCKET_ENTRY,
]);
const socketEntry = join(pkgDir, SOCKET_ENTRY.replace(/\.ts$/, ".js"));
await Deno.writeTextFile(
  join(pkgDir, "socket.io-client.js"),
  (await Deno.readTextFile(socketEntry)).replaceAll('"../', '"./'),
);
await Deno.remove(join(pkgDir, "scripts"), { recursive: true });

// The bundled packages, from the comments that name each module's file: a path relative to the
// working directory (the root) into Deno's npm cache, `<cache>/<registry>/<name>/<version>/…`.
// Such a comment gets the package's name and version instead of the build machine's path.
const bundled = new Map<string, { version: string; dir: string }>();
const npmFile = /^\/\/ (\S*?\/)((?:@[^/\s]+\/)?[^/\s]+)\/(\d+\.\d+\.\d+[^/\s]*)\/(\S+)$/gm;
// Every character beyond ASCII (in our comments, mostly) is written as its \u escape, the
// same text for JavaScript: Node decodes a source with one such character more slowly, and V8
// then holds it as two bytes per character (esbuild's default; deno bundle writes UTF-8).
const ascii = (code: string) =>
  code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
for await (const file of files(pkgDir)) {
  if (!file.endsWith(".js")) continue;
  const text = await Deno.readTextFile(file);
  if (text.includes("String.raw") || /\\[\u0080-\uffff]/.test(text)) {
    throw new Error(`${file}: String.raw, or a \\ before a character beyond ASCII`);
  }
  const named = ascii(text).replace(
    npmFile,
    (_, cache: string, name: string, version: string, rest) => {
      const seen = bundled.get(name);
      if (seen !== undefined && seen.version !== version) {
        throw new Error(`The bundle holds ${name} twice: ${seen.version} and ${version}`);
      }
      bundled.set(name, { version, dir: join(root, cache, name, version) });
      return `// ${name}@${version}/${rest}`;
    },
  );
  if (named !== text) await Deno.writeTextFile(file, named);
}
const unexpected = [...bundled.keys()].filter((name) => !BUNDLED.includes(name));
const missing = BUNDLED.filter((name) => !bundled.has(name));
if (unexpected.length > 0 || missing.length > 0) {
  throw new Error(
    `The bundle holds npm packages ${JSON.stringify([...bundled.keys()])}; expected ${
      JSON.stringify(BUNDLED)
    }`,
  );
}
// Their dependencies at the ranges they declare (one range each, or the build fails), and
// their licenses.
const bundledRanges: Record<string, string> = {};
const notices: string[] = [
  "# Third-party licenses\n\nThe JavaScript of this package includes these npm packages, bundled.\n",
];
for (const [name, { version, dir }] of [...bundled].sort(([a], [b]) => a.localeCompare(b))) {
  const manifest = JSON.parse(await Deno.readTextFile(join(dir, "package.json"))) as {
    license?: string;
    dependencies?: Record<string, string>;
  };
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    if (BUNDLED.includes(dep)) continue;
    if (!BUNDLED_DEPENDENCIES.includes(dep)) {
      throw new Error(`${name}@${version} depends on ${dep}, neither bundled nor a dependency`);
    }
    if (bundledRanges[dep] !== undefined && bundledRanges[dep] !== range) {
      throw new Error(`${dep} is wanted at ${bundledRanges[dep]} and at ${range} (${name})`);
    }
    bundledRanges[dep] = range;
  }
  const licenseFile = [...Deno.readDirSync(dir)].find((e) => /^licen[cs]e/i.test(e.name));
  if (!licenseFile) throw new Error(`${name}@${version} has no license file`);
  const license = (await Deno.readTextFile(join(dir, licenseFile.name))).trim();
  notices.push(`## ${name} ${version} (${manifest.license ?? "see below"})\n\n${license}\n`);
}
await Deno.writeTextFile(join(pkgDir, "THIRD_PARTY_LICENSES.md"), notices.join("\n"));

// 2. package.json: the npm name, Node 20+, our metadata; exports must match deno.json.
const pkgPath = join(pkgDir, "package.json");
const pkg = JSON.parse(await Deno.readTextFile(pkgPath)) as Record<string, unknown> & {
  exports: Record<string, { import: string; types: string }>;
};
const denoKeys = Object.keys(deno.exports).sort();
const npmKeys = Object.keys(pkg.exports).sort();
if (JSON.stringify(denoKeys) !== JSON.stringify(npmKeys)) {
  throw new Error(
    `npm exports ${JSON.stringify(npmKeys)} differ from deno.json exports ${
      JSON.stringify(denoKeys)
    }`,
  );
}
for (const key of denoKeys) {
  const expected = deno.exports[key].replace(/\.ts$/, ".js");
  if (pkg.exports[key].import !== expected) {
    throw new Error(
      `npm export "${key}" points at ${pkg.exports[key].import}, deno.json at ${deno.exports[key]}`,
    );
  }
}
// Optional peers, not dependencies: socket.io (the server) only for ./testing and the
// `dev`/`server` commands (testing/_socket_io.ts names the install command when it is
// missing); ioredis only for RedisSessionStorage({ url }).
const {
  "socket.io": socketIo,
  ioredis: ioredisRange,
  "socket.io-client": _bundled,
  ...dependencies
} = (pkg.dependencies ?? {}) as Record<string, string>;
if (socketIo === undefined) throw new Error("deno pack listed no socket.io dependency");
const peers: Record<string, string> = { "socket.io": socketIo };
if (ioredisRange !== undefined) peers.ioredis = ioredisRange;
const manifest = {
  name: "talkomatic",
  version: deno.version,
  description:
    "Build bots for Talkomatic Classic (real-time, letter-by-letter chat) and use its REST API: typed events, commands, room state, pacing, reconnection, and a local test server.",
  license: deno.license,
  keywords: ["talkomatic", "bot", "chat", "socket.io", "sdk"],
  type: "module",
  engines: { node: ">=20" },
  main: pkg.main,
  types: pkg.types,
  exports: pkg.exports,
  bin: { talkomatic: "./bin.js" },
  dependencies: sortKeys({ ...dependencies, ...bundledRanges }),
  peerDependencies: peers,
  peerDependenciesMeta: Object.fromEntries(
    Object.keys(peers).map((name) => [name, { optional: true }]),
  ),
  sideEffects: false,
};
// The `talkomatic` command: cli.ts's main() with the process's arguments.
await Deno.writeTextFile(
  join(pkgDir, "bin.js"),
  '#!/usr/bin/env node\nimport process from "node:process";\nimport { main } from "./cli.js";\n\nprocess.exit(await main(process.argv.slice(2)));\n',
);
await Deno.chmod(join(pkgDir, "bin.js"), 0o755);
await Deno.writeTextFile(pkgPath, JSON.stringify(manifest, null, 2) + "\n");
await Deno.copyFile(join(root, "README.md"), join(pkgDir, "README.md"));
await Deno.copyFile(join(root, "LICENSE"), join(pkgDir, "LICENSE"));

// 3. No source maps, no build-machine paths.
for await (const file of files(pkgDir)) {
  const rel = relative(pkgDir, file);
  if (rel.endsWith(".map")) throw new Error(`Source map in the package: ${rel}`);
  if (/\.(js|d\.ts)$/.test(rel)) {
    const text = await Deno.readTextFile(file);
    if (text.includes(root) || text.includes("file://") || /^\/\/ \.\.\//m.test(text)) {
      throw new Error(`Build-machine path in ${rel}`);
    }
  }
}

// The bundle keeps valibot out of start-up: what the bot, the REST client and the root load
// before they run (static imports, followed through the chunks) does not import it.
const staticImports = (code: string) =>
  [...code.matchAll(/^(?:import|export)\s(?:[^"';]*?\sfrom\s)?"([^"]+)";?$/gm)].map((m) => m[1]);
// Every package the JavaScript imports, statically or not, is a dependency or a peer (the
// `{{sdk}}` lines are the `new` command's templates).
const declared = new Set([...Object.keys(manifest.dependencies), ...Object.keys(peers)]);
for await (const file of files(pkgDir)) {
  if (!file.endsWith(".js")) continue;
  const code = await Deno.readTextFile(file);
  // A CommonJS module bundled with a require() of a package left outside would throw in ESM.
  if (/\b__require\(/.test(code)) throw new Error(`${relative(pkgDir, file)} calls __require()`);
  const dynamic = [...code.matchAll(/\bimport\("([^"]+)"\)/g)].map((m) => m[1]);
  for (const spec of [...staticImports(code), ...dynamic]) {
    if (spec.startsWith(".") || spec.startsWith("node:") || spec.includes("{{")) continue;
    const name = spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");
    if (!declared.has(name)) {
      throw new Error(`${relative(pkgDir, file)} imports ${spec}, not a dependency of the package`);
    }
  }
}
// The REST client does not load the bundled socket.io-client either.
for (const entry of ["mod.js", "bot/mod.js", "api/mod.js"]) {
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const code = await Deno.readTextFile(join(pkgDir, file));
    const client = BUNDLED.find((name) => code.includes(`\n// ${name}@`));
    if (entry === "api/mod.js" && client !== undefined) {
      throw new Error(`api/mod.js loads ${client} (through ${file})`);
    }
    for (const spec of staticImports(code)) {
      if (spec === "valibot") throw new Error(`${entry} loads valibot at start (through ${file})`);
      if (!spec.startsWith(".")) continue;
      const next = relative(pkgDir, join(pkgDir, file, "..", spec));
      if (!seen.has(next)) queue.push(next), seen.add(next);
    }
  }
}

// 4. The tarball.
const tarball = (await run("npm", ["pack", "--silent", "--pack-destination", out], pkgDir)).trim();
const size = (await Deno.stat(join(out, tarball))).size;
console.log(`npm/${tarball} (${(size / 1024).toFixed(1)} KiB)`);
