/**
 * The demo (`deno task demo`): `talkomatic dev examples/echo.ts` (the local
 * Talkomatic server on 127.0.0.1 and `examples/echo.ts`, unchanged, as a
 * subprocess against it), and a scripted person, Alice, who types
 * `/echo hello world` letter by letter, presses Enter, then types `/help`. It
 * prints what each person's box shows as it changes, checks the bot's
 * answers, and exits 0, or 1 with a clear message when the bot did not answer.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { TestUser } from "../testing/mod.ts";
import { type DevSession, startDev } from "../cli/dev.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const ANSWER_TIMEOUT_MS = 15_000;

function fail(message: string): never {
  console.error(`\nDEMO FAILED: ${message}`);
  throw new DemoFailure(message);
}

class DemoFailure extends Error {}

// `talkomatic dev examples/echo.ts`: the local server (no start-up purge) and the bot.
let dev: DevSession | undefined;
let alice: TestUser | undefined;
let printer: ReturnType<typeof setInterval> | undefined;
let code = 0;
try {
  dev = await startDev({ file: "examples/echo.ts", cwd: ROOT, port: 0, quiet: true });
  const server = dev.server;
  const roomId = await server.waitFor(
    (s) => s.rooms().find((r) => r.name === "Echo" && r.users.length > 0)?.id,
    { timeoutMs: ANSWER_TIMEOUT_MS },
  ).catch(() => fail('the echo bot did not create and join "Echo" within 15 s'));
  const botId = server.room(roomId)!.users.find((u) => u.username === "Echo Bot")!.id;
  console.log(`Echo Bot is in "Echo" (${roomId})`);
  alice = await TestUser.connect(server, { username: "Alice", location: "Demo" });
  await alice.joinRoom(roomId);
  console.log("Alice joined the room\n");

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
  await alice?.close();
  await dev?.stop();
}
Deno.exit(code);
