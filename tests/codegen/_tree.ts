// Copies of the repository for tests that edit the schemas and run codegen.

const root = new URL("../../", import.meta.url);

/** What `codegen/main.ts` reads and writes: enough of the tree to run it. */
export const CODEGEN_FILES: readonly string[] = [
  "deno.json",
  "deno.lock",
  "schemas",
  "codegen",
  "api/_operations.gen.ts",
  "testing/web",
  "testing/_page.gen.ts",
];

/** Copies `paths` (files or folders, relative to the repository root) into a new temp dir. */
async function copyTree(paths: readonly string[]): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "talkomatic-codegen-" });
  const copy = async (rel: string): Promise<void> => {
    const from = new URL(rel, root);
    const info = await Deno.stat(from);
    if (info.isDirectory) {
      await Deno.mkdir(`${dir}/${rel}`, { recursive: true });
      for await (const entry of Deno.readDir(from)) await copy(`${rel}/${entry.name}`);
    } else {
      await Deno.mkdir(`${dir}/${rel}`.replace(/\/[^/]+$/, ""), { recursive: true });
      await Deno.copyFile(from, `${dir}/${rel}`);
    }
  };
  for (const rel of paths) await copy(rel);
  return dir;
}

/** Runs `fn` on a new copy of `paths` (see {@linkcode copyTree}) and removes the copy afterwards. */
export async function withCopy(
  paths: readonly string[],
  fn: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = await copyTree(paths);
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Replaces `from` by `to` in a file of the copy; fails when `from` does not occur. */
export async function edit(path: string, from: string, to: string): Promise<void> {
  const text = await Deno.readTextFile(path);
  if (!text.includes(from)) throw new Error(`"${from}" not found in ${path}`);
  await Deno.writeTextFile(path, text.replace(from, to));
}

/** Runs `deno <args>` in `dir`; resolves with the exit code and the whole output. */
export async function deno(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, output: text.decode(out.stdout) + text.decode(out.stderr) };
}
