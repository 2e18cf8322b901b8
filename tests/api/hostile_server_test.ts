// The REST transport against hostile or broken HTTP servers on 127.0.0.1:
// endless and huge bodies, a huge error message, bodies cut short or stalled,
// and redirects to another origin. Memory stays bounded, errors are typed and
// say what happened, no token is spent and no credential leaves the origin.
import { assert, assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import { ApiError, HttpTransport, MemoryTokenStore, TransportError } from "../../api/mod.ts";
import { startFailureLine } from "../../bot/start_failure.ts";
import { emojiSpec, roomsSpec } from "./_transport.ts";

interface Hostile extends AsyncDisposable {
  readonly url: string;
  readonly seen: { method: string; path: string; headers: Headers }[];
}

/** A tiny HTTP server on 127.0.0.1 that records each request and answers with `handler`. */
function serve(handler: (request: Request) => Response | Promise<Response>): Hostile {
  const seen: Hostile["seen"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (request) => {
    seen.push({
      method: request.method,
      path: new URL(request.url).pathname,
      headers: request.headers,
    });
    return handler(request);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** A TCP server that answers every connection with `head` and then closes it (a body cut short). */
function rawServer(head: string): { url: string } & AsyncDisposable {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const done = (async () => {
    for await (const conn of listener) {
      await conn.read(new Uint8Array(64 * 1024));
      await conn.write(new TextEncoder().encode(head));
      conn.close();
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async [Symbol.asyncDispose]() {
      listener.close();
      await done.catch(() => {});
    },
  };
}

const CHUNK = new Uint8Array(64 * 1024).fill(0x61);

/** Bytes the lazy bodies below produced (pulled by the client's reads). */
let produced = 0;

/** A body of `total` bytes (endless: Infinity), made only as it is read. */
function lazyBody(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(CHUNK);
      sent += CHUNK.byteLength;
      produced += CHUNK.byteLength;
    },
  }, { highWaterMark: 0 });
}

function transport(url: string, options: { token?: string; timeoutMs?: number } = {}) {
  return new HttpTransport({
    baseUrl: url,
    tokenStore: new MemoryTokenStore(),
    logger: { warn: () => {} },
    ...options,
  });
}

const MB = 1024 * 1024;

Deno.test("an endless body fails as too large at maxResponseBytes, with memory bounded", async () => {
  await using server = serve(() => new Response(lazyBody(Infinity), { status: 200 }));
  produced = 0;
  const before = Deno.memoryUsage().rss;
  const error = await assertRejects(() => transport(server.url).call(emojiSpec), TransportError);
  const grown = Deno.memoryUsage().rss - before;
  assertEquals(error.kind, "tooLarge");
  assertEquals(
    error.message,
    `Server at "${server.url}/js/emojiList.json" answered 200 with a body over 1048576 bytes (maxResponseBytes); it was not read`,
  );
  // What was read stops near the limit (socket buffers aside); RSS is coarse (other tests run too).
  assert(produced < 16 * MB, `the server produced ${Math.round(produced / MB)} MB`);
  assert(grown < 256 * MB, `RSS grew ${Math.round(grown / MB)} MB`);
});

Deno.test("a 1 GB body, declared or streamed, is never read; maxResponseBytes is an option", async () => {
  const GB = 1024 * MB;
  await using declared = serve(() =>
    new Response(lazyBody(GB), { headers: { "content-length": String(GB) } })
  );
  await using streamed = serve(() => new Response(lazyBody(GB)));
  produced = 0;
  const before = Deno.memoryUsage().rss;
  for (const url of [declared.url, streamed.url]) {
    const error = await assertRejects(
      () => new HttpTransport({ baseUrl: url, maxResponseBytes: 100_000 }).call(emojiSpec),
      TransportError,
      "with a body over 100000 bytes",
    );
    assertEquals(error.kind, "tooLarge");
  }
  const grown = Deno.memoryUsage().rss - before;
  assert(produced < 16 * MB, `the servers produced ${Math.round(produced / MB)} MB`);
  assert(grown < 256 * MB, `RSS grew ${Math.round(grown / MB)} MB`);
  assertThrows(
    () => new HttpTransport({ maxResponseBytes: 0 }),
    RangeError,
    'Cannot use maxResponseBytes "0"',
  );
});

Deno.test("a server's error message and code are cut to 500 characters", async () => {
  const huge = "m".repeat(200_000);
  await using server = serve(() =>
    Response.json({ error: { code: `E${"c".repeat(900)}`, message: huge } }, { status: 500 })
  );
  const error = await assertRejects(() => transport(server.url).call(emojiSpec), ApiError);
  assertEquals(error.message.length, 500);
  assert(error.message.endsWith("…"));
  assertEquals(error.code.length, 500);
  assert(startFailureLine(error, server.url).length < 700);
});

Deno.test("a 50 MB error body is refused as too large, and the line run() prints stays short", async () => {
  await using server = serve(() =>
    new Response(lazyBody(50 * MB), {
      status: 500,
      headers: { "content-type": "application/json" },
    })
  );
  const error = await assertRejects(() => transport(server.url).call(emojiSpec), TransportError);
  assertEquals(error.kind, "tooLarge");
  const line = startFailureLine(error, server.url);
  assert(line.includes("answered 500 with a body over 1048576 bytes"), line);
});

Deno.test("a body cut short or stalled says the server answered, never 'no answer'", async () => {
  await using closed = rawServer(
    'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"a":',
  );
  const cut = await assertRejects(() => transport(closed.url).call(emojiSpec), TransportError);
  assertEquals(cut.kind, "incomplete");
  assert(cut.message.startsWith(`Server at "${closed.url}/js/emojiList.json" answered 200 but`));

  let stall: ReadableStreamDefaultController<Uint8Array> | undefined;
  await using stalled = serve(() =>
    new Response(
      new ReadableStream({
        start(controller) {
          stall = controller;
          controller.enqueue(new TextEncoder().encode('{"a":'));
        },
      }),
    )
  );
  try {
    const late = await assertRejects(
      () => transport(stalled.url, { timeoutMs: 300 }).call(emojiSpec),
      TransportError,
    );
    assertEquals(late.kind, "incomplete");
    assertEquals(
      late.message,
      `Server at "${stalled.url}/js/emojiList.json" answered 200 but its body did not finish within 300 ms`,
    );
    const line = startFailureLine(late, stalled.url);
    assert(!line.includes("no answer"), line);
  } finally {
    stall?.close();
  }
});

for (const status of [307, 308]) {
  Deno.test(`a ${status} to another origin is a typed error: no token spent, nothing forwarded`, async () => {
    await using target = serve(() => Response.json([]));
    await using source = serve((request) =>
      new Response(null, {
        status,
        headers: { location: `${target.url}${new URL(request.url).pathname}` },
      })
    );
    // With a token: one request, no second token, nothing reaches the target.
    const withToken = transport(source.url, { token: "tk_secret" });
    const error = await assertRejects(() => withToken.call(roomsSpec), TransportError);
    assertInstanceOf(error, TransportError);
    assertEquals(error.kind, "redirect");
    assertEquals(
      error.message,
      `Server at "${source.url}" redirected "${source.url}/api/v1/rooms" (${status}) to "${target.url}/api/v1/rooms": set TALKOMATIC_URL to the final address`,
    );
    assertEquals(error.location, `${target.url}/api/v1/rooms`);
    assertEquals(await withToken.botToken(), "tk_secret"); // not dropped
    // Without a token: the token request itself is refused the same way, once.
    const without = transport(source.url);
    await assertRejects(() => without.call(roomsSpec), TransportError, "redirected");
    assertEquals(source.seen.map((s) => `${s.method} ${s.path}`), [
      "GET /api/v1/rooms",
      "POST /api/v1/bot-tokens/request",
    ]);
    assertEquals(target.seen, []); // no token, cookie or x-api-key ever reached it
  });
}
