import { assertEquals, assertStringIncludes } from "@std/assert";
import { runConformance } from "./_conformance_run.ts";

Deno.test("TestServer reproduces the real server's reference trace 100% when replaying the conformance scenario", async () => {
  const { code, output } = await runConformance();
  assertStringIncludes(output, "conformance: 180/180 events match (100%)");
  assertEquals(code, 0, output);
});
