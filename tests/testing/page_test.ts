// The chat page's HTTP side: what `/` serves, and the origin rule that lets
// the page use the server from whatever port it listens on (docs/protocol.md §1.2).
// The page itself is tested in Chromium: tests/browser/chat_page_test.ts.
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { io } from "socket.io-client";
import { Raw, startServer, test } from "./_helpers.ts";

const BROWSER_HEADERS = {
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36",
  "Accept-Language": "en-US,en;q=0.9",
  "Accept-Encoding": "gzip, deflate, br",
};

test("TestServer serves the chat page at / with its labelled fields, style sheet and script", async () => {
  await using server = await startServer();
  const res = await fetch(`${server.url}/`);
  assertEquals(res.status, 200);
  assertEquals(res.headers.get("content-type"), "text/html; charset=utf-8");
  assert(res.headers.getSetCookie()[0]?.startsWith("connect.sid="), "the page sets the session");
  const html = await res.text();
  for (
    const label of ["Name", "Location", "Room name", "Room type", "Layout", "Access code"]
  ) {
    assertStringIncludes(html, `">${label}</label>`);
  }
  for (const button of ["Sign in", "Create room", "Leave room"]) {
    assertStringIncludes(html, `>${button}</button>`);
  }
  assertStringIncludes(html, '<script src="/socket.io/socket.io.js" defer></script>');
  assertStringIncludes(html, 'role="alert"');

  const css = await fetch(`${server.url}/chat.css`);
  assertEquals(css.headers.get("content-type"), "text/css; charset=utf-8");
  assertStringIncludes(await css.text(), ".boxes.vertical");
  assertStringIncludes(html, '<script type="module" src="/chat.js"></script>');
  const script = async (path: string) => {
    const js = await fetch(`${server.url}${path}`);
    assertEquals(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    return await js.text();
  };
  assertStringIncludes(await script("/chat.js"), 'from "./chat_view.js"');
  const view = await script("/chat_view.js");
  assertStringIncludes(view, '"Your text"');
  assertStringIncludes(view, '"Vote to kick"');
  assertStringIncludes(await script("/chat_text.js"), "export function diffs(");
  const client = await fetch(`${server.url}/socket.io/socket.io.js`);
  assertEquals(client.status, 200);
  assertStringIncludes(await client.text(), "Socket.IO");
});

test("TestServer counts page loads in the global HTTP limiter but not its style sheet and script", async () => {
  await using server = await startServer({
    rateLimits: { httpGlobal: { points: 2, windowMs: 60_000, blockMs: 0 } },
  });
  const status = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    await res.body?.cancel();
    return res.status;
  };
  assertEquals([await status("/"), await status("/"), await status("/")], [200, 200, 429]);
  const assets = ["/chat.css", "/chat.js", "/chat_view.js", "/chat_text.js"];
  for (const path of assets) assertEquals(await status(path), 200, path);
});

test("TestServer allows its own origin on any port, as the real one allows its own site, and refuses foreign origins", async () => {
  await using server = await startServer();
  const own = [server.url, `http://localhost:${server.port}`];
  const foreign = [
    `http://127.0.0.1:${server.port === 1 ? 2 : 1}`,
    "http://localhost:8080",
    "https://example.com",
    "null",
  ];
  const get = async (path: string, origin: string) => {
    const res = await fetch(`${server.url}${path}`, { headers: { Origin: origin } });
    return {
      status: res.status,
      allow: res.headers.get("access-control-allow-origin"),
      body: await res.text(),
    };
  };
  for (const origin of [...own, "http://127.0.0.1:3000", "https://classic.talkomatic.co"]) {
    const page = await get("/", origin);
    assertEquals([page.status, page.allow], [200, origin], origin);
    const poll = await get("/socket.io/?EIO=4&transport=polling", origin);
    assertEquals(poll.status, 200, origin);
  }
  for (const origin of foreign) {
    const page = await get("/", origin);
    assertEquals(page.status, 500, origin);
    assertStringIncludes(page.body, "CORS blocked");
    const poll = await get("/socket.io/?EIO=4&transport=polling", origin);
    assertEquals([poll.status, poll.body], [400, '{"code":3,"message":"Bad request"}'], origin);
  }
});

test("TestServer accepts a browser's websocket from its own page without a token, as a person", async () => {
  await using server = await startServer();
  const connect = async (origin: string) => {
    const socket = io(server.url, {
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
      extraHeaders: { ...BROWSER_HEADERS, Origin: origin },
    });
    const result = await new Promise<string>((resolve) => {
      socket.once("connect", () => resolve("connect"));
      socket.once("connect_error", (e) => resolve(e.message));
    });
    return { result, socket };
  };
  const person = await connect(server.url);
  assertEquals(person.result, "connect");
  assertEquals(server.sockets().map((s) => s.isBot), [false]);
  person.socket.close();
  const foreign = await connect("http://127.0.0.1:1");
  assertEquals(foreign.result, "websocket error");
  foreign.socket.close();
  // A token-less client that is not a browser is still refused (§1.4).
  assertEquals(await new Raw(server).connect({ token: null }), "Bot token required");
});
