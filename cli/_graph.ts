// The local files a bot imports, so `talkomatic dev` restarts it when one of
// them changes. Under Deno: `deno info --json` (import maps, every
// specifier form). Under Node: the relative static and literal dynamic
// imports, followed from the bot file.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { isDeno } from "./_common.ts";

/** The bot file and the local files it imports; never fails (at least the bot file). */
export function moduleFiles(botPath: string, cwd: string): Promise<Set<string>> {
  return isDeno ? denoGraph(botPath, cwd) : scanGraph(botPath);
}

function denoGraph(botPath: string, cwd: string): Promise<Set<string>> {
  const files = new Set([botPath]);
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["info", "--json", botPath],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout) => {
        if (!error) {
          try {
            const info = JSON.parse(stdout) as { modules?: { specifier?: string }[] };
            for (const m of info.modules ?? []) {
              const url = m.specifier ? new URL(m.specifier) : undefined;
              if (url?.protocol === "file:") files.add(fileURLToPath(url));
            }
          } catch {
            // Only the bot file, then.
          }
        }
        done(files);
      },
    );
  });
}

/** `import … from "./x"`, `import "./x"`, `export … from "./x"`, `import("./x")`. */
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}\/[^"']+)\1/g;

/** Local imports by reading the sources (Node has no module graph command). */
export async function scanGraph(botPath: string): Promise<Set<string>> {
  const files = new Set<string>();
  const queue = [botPath];
  while (queue.length > 0 && files.size < 2000) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      if (file === botPath) files.add(file);
      continue;
    }
    files.add(file);
    if (!/\.[cm]?[jt]sx?$/.test(file)) continue;
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[2].split(/[?#]/)[0]);
      if (!target.includes("/node_modules/")) queue.push(target);
    }
  }
  return files;
}
