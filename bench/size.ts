// 5. Size: the npm tarball (if `deno task build:npm` produced one) and the
// module graph a Deno user downloads: the local modules of an entry point
// plus the npm packages it reaches (optional peer dependencies, i.e.
// valibot's `typescript`, are listed apart: Deno only installs them when the
// user's own project depends on them).

/** One entry point's download. */
export interface GraphSize {
  entry: string;
  localModules: number;
  localBytes: number;
  npmPackages: { name: string; bytes: number; optionalPeer: boolean }[];
  npmBytes: number;
  optionalPeerBytes: number;
  totalBytes: number;
}

/** Results of the size benchmark. */
export interface SizeResult {
  tarball: { file: string; bytes: number } | "not built";
  graphs: GraphSize[];
}

async function dirBytes(path: string): Promise<number> {
  let total = 0;
  for await (const e of Deno.readDir(path)) {
    const p = `${path}/${e.name}`;
    if (e.isDirectory) total += await dirBytes(p);
    else if (e.isFile) total += (await Deno.stat(p)).size;
  }
  return total;
}

interface Info {
  modules: { kind: string; size?: number; local?: string; npmPackage?: string }[];
  npmPackages: Record<string, { name: string; dependencies: string[]; localPath?: string }>;
}

async function graph(root: string, entry: string): Promise<GraphSize> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`deno info ${entry} failed`);
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as Info;
  const esm = info.modules.filter((m) => m.kind === "esm");
  const seen = new Set<string>();
  const optional = new Set<string>();
  const visit = async (id: string, viaOptionalPeer: boolean): Promise<void> => {
    if (seen.has(id)) return;
    seen.add(id);
    if (viaOptionalPeer) optional.add(id);
    const pkg = info.npmPackages[id];
    if (!pkg) return;
    let peers: Record<string, { optional?: boolean }> = {};
    try {
      const json = JSON.parse(await Deno.readTextFile(`${pkg.localPath}/package.json`));
      peers = json.peerDependenciesMeta ?? {};
    } catch {
      // No package.json in the cache: count every dependency.
    }
    for (const dep of pkg.dependencies) {
      const depName = info.npmPackages[dep]?.name;
      await visit(dep, viaOptionalPeer || peers[depName ?? ""]?.optional === true);
    }
  };
  for (const m of info.modules) {
    if (m.kind === "npm" && m.npmPackage) await visit(m.npmPackage, false);
  }
  const npmPackages: GraphSize["npmPackages"] = [];
  for (const id of seen) {
    const pkg = info.npmPackages[id];
    if (!pkg?.localPath) continue;
    npmPackages.push({
      name: id.split("_")[0],
      bytes: await dirBytes(pkg.localPath),
      optionalPeer: optional.has(id),
    });
  }
  npmPackages.sort((a, b) => b.bytes - a.bytes);
  const localBytes = esm.reduce((n, m) => n + (m.size ?? 0), 0);
  const npmBytes = npmPackages.filter((p) => !p.optionalPeer).reduce((n, p) => n + p.bytes, 0);
  return {
    entry,
    localModules: esm.length,
    localBytes,
    npmPackages,
    npmBytes,
    optionalPeerBytes: npmPackages.filter((p) => p.optionalPeer).reduce((n, p) => n + p.bytes, 0),
    totalBytes: localBytes + npmBytes,
  };
}

/**
 * Measures the tarball and the module graphs.
 *
 * @param root The repository root.
 * @returns Sizes in bytes.
 */
export async function size(root: string): Promise<SizeResult> {
  let tarball: SizeResult["tarball"] = "not built";
  try {
    for await (const e of Deno.readDir(`${root}/npm`)) {
      if (e.isFile && e.name.endsWith(".tgz")) {
        tarball = { file: `npm/${e.name}`, bytes: (await Deno.stat(`${root}/npm/${e.name}`)).size };
      }
    }
  } catch {
    // No npm/ directory.
  }
  const graphs: GraphSize[] = [];
  for (const entry of ["mod.ts", "bot/mod.ts"]) {
    try {
      await Deno.stat(`${root}/${entry}`);
    } catch {
      continue; // not written yet
    }
    graphs.push(await graph(root, entry));
  }
  return { tarball, graphs };
}
