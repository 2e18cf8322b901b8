// Shared by the Node tests: the tarball `deno task build:npm` made, and a
// temporary consumer project with it (and the packages a test needs) installed.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const exec = promisify(execFile);
export const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");

/** The one npm/talkomatic-*.tgz. */
export async function tarball() {
  const found = (await readdir(join(root, "npm"))).filter((f) => /^talkomatic-.*\.tgz$/.test(f));
  assert.equal(
    found.length,
    1,
    "run `deno task build:npm` first: expected one npm/talkomatic-*.tgz",
  );
  return join(root, "npm", found[0]);
}

/**
 * A temporary ESM project (`"type": "module"`) with `packages` installed
 * (the tarball among them when `withTarball`), and the fixtures copied in
 * when `fixtures`.
 */
export async function consumer(prefix, packages, { withTarball = true, fixtures = false } = {}) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(
    join(dir, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module" }),
  );
  const all = withTarball ? [await tarball(), ...packages] : packages;
  await exec("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...all], {
    cwd: dir,
    timeout: 240_000,
  });
  if (fixtures) await cp(join(here, "fixtures"), dir, { recursive: true });
  return dir;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on("error", reject);
  });
}
