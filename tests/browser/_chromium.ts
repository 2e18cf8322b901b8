// Helpers of the browser tests: Debian's Chromium driven by playwright-core,
// people who use the chat page through accessible names, and what the page
// sent to the server.
import { type Browser, chromium, type Page } from "playwright-core";
import type { TestServer } from "../../testing/mod.ts";
import { until } from "../_support.ts";

/** Where Chromium may be: `$CHROMIUM_PATH`, then Debian's and other usual paths. */
const CANDIDATES = [
  Deno.env.get("CHROMIUM_PATH"),
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
].filter((p): p is string => !!p);

/** The Chromium executable, or undefined when none is installed. */
export function findChromium(): string | undefined {
  for (const path of CANDIDATES) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // Not there.
    }
  }
  return undefined;
}

/** Screenshots of the tests (git-ignored). */
export const SCREENSHOTS: URL = new URL("./screenshots/", import.meta.url);

/**
 * Registers a browser test that gets one Chromium for all its steps; without
 * Chromium the test is skipped and says why.
 */
export function browserTest(
  name: string,
  fn: (browser: Browser, t: Deno.TestContext) => Promise<void>,
): void {
  const executablePath = findChromium();
  if (!executablePath) {
    console.log(
      `Skipping "${name}": no Chromium executable found (looked at ${CANDIDATES.join(", ")}). ` +
        "Install it with `apt-get install -y chromium` (.ci/run does) or set CHROMIUM_PATH.",
    );
  }
  Deno.test({
    name,
    ignore: !executablePath,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: async (t) => {
      await Deno.mkdir(SCREENSHOTS, { recursive: true });
      // The flags this machine needs: no sandbox as root, and no background
      // connections to Google's services (the network is closed).
      const browser = await chromium.launch({
        executablePath,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      try {
        await fn(browser, t);
      } finally {
        await browser.close();
      }
    },
  });
}

/** A socket.io event the page sent, and when (ms). */
export interface SentEvent {
  event: string;
  payload: unknown;
  at: number;
}

/** A person on the chat page, in their own browser context (own cookies, so their own session). */
export interface Person {
  page: Page;
  /** Every socket.io event the page sent, over websocket or polling. */
  sent: SentEvent[];
  close(): Promise<void>;
}

/** Opens the chat page for a new person (not signed in yet). */
export async function openPage(
  browser: Browser,
  server: TestServer,
  viewport = { width: 1280, height: 800 },
): Promise<Person> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const sent: SentEvent[] = [];
  const record = (packet: string) => {
    // socket.io event packet on the main namespace: 42["name",payload]
    if (!packet.startsWith("42")) return;
    const [event, payload] = JSON.parse(packet.slice(2));
    sent.push({ event, payload, at: Date.now() });
  };
  page.on("websocket", (ws) => ws.on("framesent", (f) => record(String(f.payload))));
  page.on("request", (req) => {
    if (req.method() !== "POST" || !req.url().includes("/socket.io/")) return;
    for (const packet of (req.postData() ?? "").split("\x1e")) record(packet);
  });
  page.on("pageerror", (e) => console.error("page error:", e));
  await page.goto(`${server.url}/`);
  return { page, sent, close: () => context.close() };
}

/** Opens the page and signs in with the form, as a person would. */
export async function signIn(
  browser: Browser,
  server: TestServer,
  username: string,
  location: string,
  viewport?: { width: number; height: number },
): Promise<Person> {
  const person = await openPage(browser, server, viewport);
  const { page } = person;
  await page.getByLabel("Name", { exact: true }).fill(username);
  await page.getByLabel("Location", { exact: true }).fill(location);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Rooms" }).waitFor();
  return person;
}

/** Creates a room with the lobby's form; the page then joins it. */
export async function createRoom(
  page: Page,
  room: { name: string; type?: string; layout?: string; accessCode?: string },
): Promise<void> {
  const form = page.getByRole("form", { name: "Create a room" });
  await form.getByLabel("Room name", { exact: true }).fill(room.name);
  await form.getByLabel("Room type", { exact: true }).selectOption(room.type ?? "public");
  await form.getByLabel("Layout", { exact: true }).selectOption(room.layout ?? "horizontal");
  if (room.accessCode !== undefined) {
    await form.getByLabel("Access code", { exact: true }).fill(room.accessCode);
  }
  await form.getByRole("button", { name: "Create room" }).click();
  await page.getByLabel("Your text", { exact: true }).waitFor();
}

/** The text of the alert area (role="alert"), "" when there is none. */
export async function alertText(page: Page): Promise<string> {
  return (await page.getByRole("alert", { includeHidden: true }).textContent())?.trim() ?? "";
}

/** Polls `fn` (through the tests' one `until`) until it returns a truthy value; a throw counts as a miss. */
export async function waitUntil<T>(
  what: string,
  fn: () => Promise<T> | T,
  timeout = 10_000,
): Promise<NonNullable<T>> {
  let last: unknown;
  const check = async () => {
    try {
      last = await fn();
      return last ? last as NonNullable<T> : undefined;
    } catch (error) {
      last = error;
      return undefined;
    }
  };
  return await until(check, what, timeout).catch(() => {
    throw new Error(`Timed out after ${timeout} ms waiting for ${what} (last: ${String(last)})`);
  });
}

/** The `diff`s of the `chat update` events a page sent. */
export function chatDiffs(sent: SentEvent[]): { type: string; text?: string; count?: number }[] {
  return sent.filter((e) => e.event === "chat update").map((e) =>
    (e.payload as { diff: { type: string; text?: string; count?: number } }).diff
  );
}

/** The largest number of `chat update` events sent within any 1 s. */
export function peakChatRate(sent: SentEvent[]): number {
  const times = sent.filter((e) => e.event === "chat update").map((e) => e.at);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}
