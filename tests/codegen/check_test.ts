import { assert, assertEquals, assertStringIncludes } from "@std/assert";

const root = new URL("../../", import.meta.url);

async function copyTree(): Promise<string> {
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
  for (const rel of ["deno.json", "deno.lock", "schemas", "codegen", "api/operations.gen.ts"]) {
    await copy(rel);
  }
  return dir;
}

async function runCheck(dir: string): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "codegen/main.ts", "--check"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, output: text.decode(out.stdout) + text.decode(out.stderr) };
}

Deno.test("codegen:check passes on the committed tree and fails with the fix command when a schema changes", async () => {
  const dir = await copyTree();
  try {
    const fresh = await runCheck(dir);
    assertEquals(fresh.code, 0, fresh.output);
    const schemaPath = `${dir}/schemas/openapi.yaml`;
    const schema = await Deno.readTextFile(schemaPath);
    const edited = schema.replace(
      "        username: { type: string, maxLength: 15 }",
      "        username: { type: string, maxLength: 16 }",
    );
    assert(edited !== schema, "the edit did not apply");
    await Deno.writeTextFile(schemaPath, edited);
    const stale = await runCheck(dir);
    assertEquals(stale.code, 1, stale.output);
    assertStringIncludes(stale.output, "schemas/validators.gen.ts");
    assertStringIncludes(stale.output, "Run: deno task codegen");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
