// TestServer's request log (recordRequests) and slow faults (delayMs), for tests of a client.
import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { TestServer } from "../../testing/mod.ts";
import { startServer } from "../_support.ts";

Deno.test("TestServer records method, path, query, headers and body when asked", async () => {
  await using server = await startServer({ recordRequests: true });
  server.injectHttpFault({ kind: "answer", pathPrefix: "/probe", body: "{}" });
  await (await fetch(`${server.url}/probe/a%20b?q=1`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test": "yes" },
    body: '{"a":1}',
  })).body?.cancel();
  await (await fetch(`${server.url}/api/v1/health`)).body?.cancel();
  const [probe] = server.requests("/probe/a%20b");
  assertEquals([probe.method, probe.path, probe.query], ["POST", "/probe/a%20b", "?q=1"]);
  assertEquals(probe.headers.get("x-test"), "yes");
  assertEquals(probe.body, '{"a":1}');
  assertEquals(server.requests().map((r) => r.path), ["/probe/a%20b", "/api/v1/health"]);
});

Deno.test("TestServer.requests() needs recordRequests; the option is checked", async () => {
  await using server = await startServer();
  assertThrows(() => server.requests(), Error, "recordRequests: true");
  await assertRejects(
    () => TestServer.start({ recordRequests: "yes" as unknown as boolean }),
    TypeError,
    'option "recordRequests"',
  );
});

Deno.test("injectHttpFault() with delayMs answers late, and checks the delay", async () => {
  await using server = await startServer();
  server.injectHttpFault({ kind: "answer", body: '{"late":true}', delayMs: 50 });
  const controller = new AbortController();
  const early = fetch(`${server.url}/js/emojiList.json`, { signal: controller.signal });
  controller.abort(); // a client that hangs up gets nothing, and the server's timer ends
  await assertRejects(() => early);
  server.injectHttpFault({ kind: "answer", body: '{"late":true}', delayMs: 50 });
  assertEquals(await (await fetch(`${server.url}/js/emojiList.json`)).json(), { late: true });
  assertThrows(
    () => server.injectHttpFault({ kind: "answer", delayMs: -1 }),
    RangeError,
    "delayMs",
  );
});
