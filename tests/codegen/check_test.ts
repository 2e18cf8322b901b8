import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { CODEGEN_FILES, deno, withCopy } from "./_tree.ts";

Deno.test("codegen:check passes on the committed tree and fails with the fix command when a schema changes", async () => {
  await withCopy(CODEGEN_FILES, async (dir) => {
    const fresh = await deno(dir, ["run", "-A", "codegen/main.ts", "--check"]);
    assertEquals(fresh.code, 0, fresh.output);
    const schemaPath = `${dir}/schemas/openapi.yaml`;
    const schema = await Deno.readTextFile(schemaPath);
    const edited = schema.replace(
      "        username: { type: string, maxLength: 15 }",
      "        username: { type: string, maxLength: 16 }",
    );
    assert(edited !== schema, "the edit did not apply");
    await Deno.writeTextFile(schemaPath, edited);
    const stale = await deno(dir, ["run", "-A", "codegen/main.ts", "--check"]);
    assertEquals(stale.code, 1, stale.output);
    assertStringIncludes(stale.output, "schemas/validators.gen.ts");
    assertStringIncludes(stale.output, "schemas/limits.gen.ts");
    assertStringIncludes(stale.output, "Run: deno task codegen");
  });
});

Deno.test("codegen:check fails with the fix command when the chat page's source changes", async () => {
  await withCopy(CODEGEN_FILES, async (dir) => {
    const page = `${dir}/testing/web/chat.css`;
    await Deno.writeTextFile(page, (await Deno.readTextFile(page)) + "\n/* edited */\n");
    const stale = await deno(dir, ["run", "-A", "codegen/main.ts", "--check"]);
    assertEquals(stale.code, 1, stale.output);
    assertStringIncludes(stale.output, "testing/_page.gen.ts");
    assertStringIncludes(stale.output, "Run: deno task codegen");
  });
});
