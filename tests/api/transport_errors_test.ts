// HttpTransport.call(): every error body variant and every malformed success answer.
import * as v from "valibot";
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { ApiError, PayloadValidationError } from "../../api/mod.ts";
import type { OperationSpec } from "../../api/transport.ts";
import { answer, emojiSpec, RoomLike, withTestServer } from "./_transport.ts";

Deno.test("HttpTransport.call() maps a detailed body, its details as fields", async () => {
  await withTestServer(async (server, make) => {
    const details = { name: "Room name is required and must be a string." };
    await answer(
      server,
      Response.json({
        error: {
          code: "VALIDATION_ERROR",
          message: "Validation failed",
          replaceDefaultText: false,
          details,
        },
      }, { status: 400 }),
    );
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals(error.status, 400);
    assertEquals(error.code, "VALIDATION_ERROR");
    assertEquals(error.message, "Validation failed");
    assertEquals(error.fields, details);
    assertEquals(error.variant, "detailed");
    assertEquals(error.operation, "getEmojiList");
    assertEquals(error.url, `${server.url}/js/emojiList.json`);
    assertEquals(error.name, "ApiError");
    assertEquals(
      (error.body as { error: { code: string } }).error.code,
      "VALIDATION_ERROR",
    );
  });
});

Deno.test("HttpTransport.call() maps a rateLimited body, its retryAfter seconds as retryAfterMs", async () => {
  await withTestServer(async (server, make) => {
    await answer(
      server,
      new Response(
        JSON.stringify({
          error: {
            code: "RATE_LIMITED",
            message: "Rate limit exceeded. Try again in 42 seconds.",
            retryAfter: 42,
          },
        }),
        { status: 429, headers: { "content-type": "application/json", "retry-after": "41" } },
      ),
    );
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals(error.code, "RATE_LIMITED");
    assertEquals(error.retryAfterMs, 42000);
    assertEquals(error.variant, "rateLimited");
  });
});

Deno.test("HttpTransport.call() takes retryAfterMs from the Retry-After header of a simple body", async () => {
  await withTestServer(async (server, make) => {
    await answer(
      server,
      new Response(
        JSON.stringify({ error: { code: "RATE_LIMITED", message: "Too many requests." } }),
        {
          status: 429,
          headers: { "content-type": "application/json", "retry-after": "900" },
        },
      ),
    );
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals(error.variant, "simple");
    assertEquals(error.retryAfterMs, 900000);
    assertEquals(error.message, "Too many requests.");
  });
});

Deno.test("HttpTransport.call() maps a text body (a string error)", async () => {
  await withTestServer(async (server, make) => {
    await answer(
      server,
      new Response(JSON.stringify({ error: "World Cup data unavailable" }), { status: 502 }),
    );
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals(error.status, 502);
    assertEquals(error.code, "HTTP_502");
    assertEquals(error.message, "World Cup data unavailable");
    assertEquals(error.variant, "text");
  });
});

Deno.test("HttpTransport.call() maps an HTML error page", async () => {
  await withTestServer(async (_server, make) => {
    const spec = { ...emojiSpec, path: "/nope" };
    const error = await assertRejects(() => make().call(spec), ApiError);
    assertEquals(error.status, 404);
    assertEquals(error.code, "HTTP_404");
    assertEquals(error.variant, "notJson");
    assertStringIncludes(error.message, "404");
    assertStringIncludes(error.message, "not JSON");
    assertStringIncludes(error.message, "Cannot GET /nope");
    assertStringIncludes(error.body as string, "<!DOCTYPE html>");
    assertInstanceOf(error.cause, SyntaxError);
  });
});

Deno.test("HttpTransport.call() keeps only the start of a long non-JSON body", async () => {
  await withTestServer(async (server, make) => {
    await answer(
      server,
      new Response(
        `<!DOCTYPE html><html><body><pre>Error: CORS blocked ${
          "at frame\n".repeat(200)
        }</pre></body></html>`,
        {
          status: 500,
          headers: { "content-type": "text/html; charset=utf-8" },
        },
      ),
    );
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals(error.code, "HTTP_500");
    assert((error.body as string).length <= 201);
    assert(error.message.length < 300, error.message);
    assertStringIncludes(error.message, "Error: CORS blocked");
  });
});

Deno.test("HttpTransport.call() reads only the start of a hostile error page of unclosed <script tags", async () => {
  // 900 KB under the 1 MiB limit: the tag-stripping expressions once ran on all of it, which
  // took about 30 s (quadratic) and held the event loop, socket included.
  await withTestServer(async (server, make) => {
    await answer(server, new Response("<script ".repeat(100_000), { status: 500 }));
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals([error.code, error.variant], ["HTTP_500", "notJson"]);
    assertEquals(error.body, `${"<script ".repeat(25)}…`);
  });
});

Deno.test("HttpTransport.call() maps invalid JSON on an error status", async () => {
  await withTestServer(async (server, make) => {
    await answer(
      server,
      new Response('{"error": {"code": "SERVER_ER', {
        status: 500,
        headers: { "content-type": "application/json" },
      }),
    );
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals(error.code, "HTTP_500");
    assertEquals(error.variant, "notJson");
    assertEquals(error.body, '{"error": {"code": "SERVER_ER');
  });
});

Deno.test("HttpTransport.call() maps a JSON error body of unknown shape", async () => {
  await withTestServer(async (server, make) => {
    await answer(server, new Response("[1, 2]", { status: 418 }));
    const error = await assertRejects(() => make().call(emojiSpec), ApiError);
    assertEquals(error.code, "HTTP_418");
    assertEquals(error.variant, "unrecognised");
    assertEquals(error.body, [1, 2]);
  });
});

Deno.test("HttpTransport.call() treats an undocumented success status as an ApiError", async () => {
  await withTestServer(async (server, make) => {
    await answer(server, new Response(JSON.stringify({ success: true }), { status: 200 }));
    const spec: OperationSpec<unknown> = {
      id: "createRoom",
      method: "POST",
      path: "/api/v1/rooms",
      body: { name: "x" },
      auth: "none",
      success: { 201: v.unknown() },
    };
    const error = await assertRejects(() => make().call(spec), ApiError);
    assertEquals(error.status, 200);
    assertEquals(error.code, "HTTP_200");
  });
});

Deno.test("HttpTransport.call() rejects a success body of the wrong shape with the path of the bad field", async () => {
  await withTestServer(async (server, make) => {
    await answer(
      server,
      new Response(
        JSON.stringify({
          id: "123456",
          users: [{ id: "k4U6vKnOosXYMktOBxqsxbSWuzTYTaZn", username: "Ada" }, { id: 7 }],
        }),
      ),
    );
    const spec: OperationSpec<unknown> = {
      id: "getRoom",
      method: "GET",
      path: "/api/v1/rooms/123456",
      auth: "none",
      success: { 200: RoomLike },
    };
    const error = await assertRejects(() => make().call(spec), PayloadValidationError);
    assertEquals(error.direction, "inbound");
    assertEquals(error.target, "getRoom");
    assertEquals(error.path, "users.1.id");
    assert(error.issues.length >= 1);
    assertStringIncludes(error.message, '"users.1.id"');
    assertStringIncludes(error.message, '"getRoom"');
  });
});

Deno.test("HttpTransport.call() rejects a success body that is not JSON", async () => {
  await withTestServer(async (server, make) => {
    await answer(server, new Response("<html>maintenance</html>", { status: 200 }));
    const error = await assertRejects(() => make().call(emojiSpec), PayloadValidationError);
    assertEquals(error.path, "");
    assertEquals(error.issues, []);
    assertInstanceOf(error.cause, SyntaxError);
  });
});
