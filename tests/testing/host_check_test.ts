// DNS rebinding: the local server answers only requests whose Host is a
// loopback name or address (or the host it was given), for REST, pages and
// the socket.io handshake, like current dev servers.
import { assertEquals } from "@std/assert";
import { TestServer } from "../../testing/mod.ts";
import { startServer, test } from "./_helpers.ts";

/** Sends one raw HTTP/1.1 request with the given Host; resolves with the status code. */
async function statusWithHost(
  server: TestServer,
  path: string,
  host: string | undefined,
  extra = "",
): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    const head = `GET ${path} HTTP/1.1\r\n${
      host === undefined ? "" : `Host: ${host}\r\n`
    }${extra}Connection: close\r\n\r\n`;
    await conn.write(new TextEncoder().encode(head));
    const buffer = new Uint8Array(4096);
    let text = "";
    while (!text.includes("\r\n")) {
      const n = await conn.read(buffer);
      if (n === null) break;
      text += new TextDecoder().decode(buffer.subarray(0, n));
    }
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  } finally {
    conn.close();
  }
}

const PATHS = [
  "/api/v1/rooms",
  "/api/v1/me",
  "/api/v1/config",
  "/",
  "/socket.io/?EIO=4&transport=polling",
];
const WEBSOCKET = "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

test("TestServer refuses a rebound Host with 403 for REST, pages and socket handshakes", async () => {
  await using server = await startServer();
  for (const host of ["rebind.example", `rebind.example:${server.port}`, "10.0.0.1", "[::2]"]) {
    for (const path of PATHS) {
      assertEquals(await statusWithHost(server, path, host), 403, `${host} ${path}`);
    }
    assertEquals(
      await statusWithHost(server, "/socket.io/?EIO=4&transport=websocket", host, WEBSOCKET),
      403,
      `${host} websocket`,
    );
  }
});

test("TestServer accepts localhost, 127.x and [::1] with any port", async () => {
  await using server = await startServer();
  for (
    const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      "localhost",
      "127.1.2.3:9",
      `[::1]:${server.port}`,
      "LOCALHOST",
    ]
  ) {
    assertEquals(await statusWithHost(server, "/", host), 200, host);
    assertEquals(
      await statusWithHost(server, "/socket.io/?EIO=4&transport=polling", host),
      200,
      `${host} handshake`,
    );
  }
  const lines: string[] = [];
  await using logged = await TestServer.start({ activity: (line) => void lines.push(line) });
  assertEquals(await statusWithHost(logged, "/api/v1/rooms", "rebind.example"), 403);
  assertEquals(
    lines.some((l) => l.includes('Host "rebind.example" is not a loopback name')),
    true,
    lines.join("\n"),
  );
});
