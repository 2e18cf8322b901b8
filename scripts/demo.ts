/**
 * The demo (`deno task demo`): starts the local Talkomatic test server on
 * 127.0.0.1, runs `examples/echo.ts` unchanged as a subprocess against it,
 * and has a scripted person, Alice, type `/echo hello world` letter by
 * letter, press Enter, then `/help`. It prints what each person's box shows
 * as it changes, checks the bot's answers, and exits 0, or 1 with a clear
 * message when the bot did not answer.
 *
 * @module
 */
import { TestServer, TestUser } from "../testing/mod.ts";

const ECHO = new URL("../examples/echo.ts", import.meta.url);
const ANSWER_TIMEOUT_MS = 15_000;

function fail(message: string): never {
  console.error(`\nDEMO FAILED: ${message}`);
  throw new DemoFailure(message);
}

class DemoFailure extends Error {}

// No start-up purge: the real server empties every room 2 s after it starts
// (docs/protocol.md §8.3), which would silently drop Alice and the bot.
const server = await TestServer.start({
  host: "127.0.0.1",
  timing: { startupPurgeDelayMs: false },
});
console.log(`Local Talkomatic server on ${server.url}`);
let child: Deno.ChildProcess | undefined;
let alice: TestUser | undefined;
let printer: ReturnType<typeof setInterval> | undefined;
let code = 0;
try {
  alice = await TestUser.connect(server, { username: "Alice", location: "Demo" });
  const roomId = await alice.createRoom({ name: "Echo", type: "public" });
  await alice.joinRoom(roomId);
  console.log(`Alice created and joined "Echo" (${roomId}), the room echo.ts looks for`);

  child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", ECHO.pathname],
    env: { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.issueToken() },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  console.log("Started examples/echo.ts");

  const botId = await server.waitFor(
    (s) => s.room(roomId)?.users.find((u) => u.username === "Echo Bot")?.id,
    { timeoutMs: ANSWER_TIMEOUT_MS },
  ).catch(() => fail("the echo bot did not join Alice's room within 15 s"));
  console.log("Echo Bot joined the room\n");

  // Print every box as it changes.
  const shown = new Map<string, string>();
  const user = alice;
  const show = (who: string, text: string): void => {
    if (shown.get(who) === text) return;
    shown.set(who, text);
    console.log(`${who.padEnd(9)}| ${JSON.stringify(text)}`);
  };
  printer = setInterval(() => {
    show("Alice", user.text);
    show("Echo Bot", user.texts[botId] ?? "");
  }, 10);

  const waitForBot = (what: string, ok: (text: string) => boolean): Promise<string> =>
    server.waitFor(() => {
      const text = user.texts[botId] ?? "";
      return ok(text) ? text : undefined;
    }, { timeoutMs: ANSWER_TIMEOUT_MS }).catch(() =>
      fail(
        `the bot did not answer ${what} within 15 s (its box shows ${
          JSON.stringify(user.texts[botId] ?? "")
        })`,
      )
    );

  await alice.type("/echo hello world", { cps: 12 });
  await alice.pressEnter();
  await waitForBot("/echo", (t) => t === "Alice said: hello world");

  await alice.type("/help", { cps: 12 });
  await alice.pressEnter();
  const help = await waitForBot("/help", (t) => t.startsWith("Commands:"));
  if (!help.includes("/echo") || !help.includes("/help")) {
    fail(`/help does not list /echo: ${help}`);
  }
  if (help.includes("/ping")) fail("/help lists the hidden /ping command");
  await new Promise((r) => setTimeout(r, 100));
  clearInterval(printer);
  console.log("\nThe bot answered /echo and /help correctly.");
} catch (err) {
  code = 1;
  if (!(err instanceof DemoFailure)) console.error("\nDEMO FAILED:", err);
} finally {
  clearInterval(printer);
  if (child) {
    try {
      child.kill("SIGTERM");
    } catch {
      // Already exited.
    }
    const status = await Promise.race([
      child.status,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000)),
    ]);
    if (!status) {
      child.kill("SIGKILL");
      await child.status;
    }
  }
  await alice?.close();
  await server.close();
}
Deno.exit(code);
