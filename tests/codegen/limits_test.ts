// The schemas drive every limit: a copy of the repository with two limits
// changed in schemas/openapi.yaml, regenerated, enforces the new limits in the
// input checks (which the bot and the REST client call), in the validators, in
// the local server and in its chat page.
import { assertEquals, assertStringIncludes } from "@std/assert";
import { CODEGEN_FILES, deno, edit, withCopy } from "./_tree.ts";

const SCRIPT = `
import * as v from "valibot";
import { checkUsername } from "./schemas/checks.ts";
import { MAX_USERNAME_LENGTH, ROOM_CAPACITY } from "./schemas/limits.gen.ts";
import { JoinLobbyRequestSchema } from "./schemas/validators.gen.ts";
import { TestServer, TestUser } from "./testing/mod.ts";

const outcome = (fn) => fn().then(() => "ok", (error) => error.message);
const result = { MAX_USERNAME_LENGTH, ROOM_CAPACITY };
result.check12 = await outcome(async () => checkUsername("x".repeat(12)));
result.check13 = await outcome(async () => checkUsername("x".repeat(13)));
result.validator13 = v.is(JoinLobbyRequestSchema, { username: "x".repeat(13) });
await using server = await TestServer.start({ timing: { startupPurgeDelayMs: false } });
await using a = await TestUser.connect(server);
result.server12 = await outcome(() => a.signIn("y".repeat(12), "Here"));
await using b = await TestUser.connect(server);
result.server13 = await outcome(() => b.signIn("z".repeat(13), "Here"));
await using c = await TestUser.connect(server, { username: "Cy", location: "Here" });
const room = await a.createRoom({ name: "Small room" });
result.join1 = await outcome(() => a.joinRoom(room));
result.join2 = await outcome(() => c.joinRoom(room));
await using d = await TestUser.connect(server, { username: "Di", location: "Here" });
result.join3 = await outcome(() => d.joinRoom(room));
const page = async (path) => await (await fetch(server.url + path)).text();
result.pageName = /name="username" maxlength="(\\d+)"/.exec(await page("/"))?.[1];
result.pageSeats = /ROOM_CAPACITY = Number\\("(\\d+)"\\)/.exec(await page("/chat_view.js"))?.[1];
console.log(JSON.stringify(result));
`;

Deno.test("A limit changed in the schema is enforced by the input checks, the validators, the local server and its chat page", async () => {
  await withCopy(
    ["deno.json", "deno.lock", "schemas", "codegen", "api", "testing"],
    async (dir) => {
      const schema = `${dir}/schemas/openapi.yaml`;
      await edit(
        schema,
        "username: { type: string, maxLength: 15 }",
        "username: { type: string, maxLength: 12 }",
      );
      await edit(schema, "  ROOM_CAPACITY:\n    value: 5", "  ROOM_CAPACITY:\n    value: 2");
      const codegen = await deno(dir, ["run", "-A", "codegen/main.ts"]);
      assertEquals(codegen.code, 0, codegen.output);
      await Deno.writeTextFile(`${dir}/limits_probe.ts`, SCRIPT);
      const run = await deno(dir, ["run", "-A", "limits_probe.ts"]);
      assertEquals(run.code, 0, run.output);
      const result = JSON.parse(run.output.trim().split("\n").at(-1)!);
      assertEquals(result.MAX_USERNAME_LENGTH, 12);
      assertEquals(result.ROOM_CAPACITY, 2);
      assertEquals(result.check12, "ok");
      assertStringIncludes(result.check13, "has 13 characters, at most 12 are allowed");
      assertEquals(result.validator13, false);
      assertEquals(result.server12, "ok");
      assertStringIncludes(result.server13, "Username must be at most 12 characters.");
      assertEquals([result.join1, result.join2], ["ok", "ok"]);
      assertStringIncludes(result.join3, '"room full" Room is full.');
      assertEquals([result.pageName, result.pageSeats], ["12", "2"]);
    },
  );
});

Deno.test("codegen run on a schema with an unsupported keyword exits 1 naming the schema and the keyword", async () => {
  await withCopy(CODEGEN_FILES, async (dir) => {
    await edit(
      `${dir}/schemas/openapi.yaml`,
      "    IsoDate:\n      type: string\n",
      "    IsoDate:\n      type: string\n      format: date-time\n",
    );
    const before = await Deno.readTextFile(`${dir}/schemas/types.gen.ts`);
    const run = await deno(dir, ["run", "-A", "codegen/main.ts"]);
    assertEquals(run.code, 1, run.output);
    assertStringIncludes(
      run.output,
      'codegen: Unsupported JSON Schema keyword "format" at schemas/openapi.yaml#/components/schemas/IsoDate; codegen supports $ref,',
    );
    assertEquals(await Deno.readTextFile(`${dir}/schemas/types.gen.ts`), before);
  });
});

Deno.test("codegen run on a chat page naming an unknown limit exits 1 naming the file and the placeholder", async () => {
  await withCopy(CODEGEN_FILES, async (dir) => {
    await edit(
      `${dir}/testing/web/chat_view.js`,
      'Number("{{ROOM_CAPACITY}}")',
      'Number("{{ROOM_SEATS}}")',
    );
    const run = await deno(dir, ["run", "-A", "codegen/main.ts"]);
    assertEquals(run.code, 1, run.output);
    assertStringIncludes(run.output, 'Unknown limit "{{ROOM_SEATS}}" in testing/web/chat_view.js');
  });
});
