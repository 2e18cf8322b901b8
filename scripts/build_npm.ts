/**
 * `deno task build:npm`: builds the npm package `talkomatic` with `deno pack`
 * (ESM, `.d.ts`, npm dependencies in package.json, specifiers rewritten) into
 * `npm/`, replaces its JavaScript (one file per module) by `deno bundle`'s
 * (one file per entry point, shared code in chunks, npm packages left as
 * imports), then renames it, adds README and LICENSE, checks it and packs the
 * tarball `npm/talkomatic-<version>.tgz` with `npm pack`.
 *
 * It fails when the npm export map differs from deno.json's `exports`, when
 * a source map or a build-machine path slipped into the package, or when a
 * step fails.
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
for await (const file of files(pkgDir)) {
  if (file.endsWith(".js")) await Deno.remove(file);
}
const npmPackages = Object.entries(deno.imports)
  .filter(([, target]) => target.startsWith("npm:"))
  .flatMap(([name]) => ["--external", name]);
await run(Deno.execPath(), [
  "bundle",
  "--code-splitting",
  "--format=esm",
  "--packages=external",
  ...npmPackages,
  "--outdir",
  pkgDir,
  ...Object.values(deno.exports),
]);

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
const { "socket.io": socketIo, ioredis: ioredisRange, ...dependencies } =
  (pkg.dependencies ?? {}) as Record<string, string>;
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
  dependencies,
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
    if (text.includes(root) || text.includes("file://")) {
      throw new Error(`Build-machine path in ${rel}`);
    }
  }
}

// The bundle keeps valibot out of start-up: what the bot, the REST client and the root load
// before they run (static imports, followed through the chunks) does not import it.
const staticImports = (code: string) =>
  [...code.matchAll(/^(?:import|export)\s(?:[^"';]*?\sfrom\s)?"([^"]+)";?$/gm)].map((m) => m[1]);
for (const entry of ["mod.js", "bot/mod.js", "api/mod.js"]) {
  const seen = new Set([entry]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    for (const spec of staticImports(await Deno.readTextFile(join(pkgDir, file)))) {
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
