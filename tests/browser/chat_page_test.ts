// The chat page of the local server in a real browser (Debian's Chromium,
// driven by playwright-core): people sign in, create and join rooms, type to
// examples/echo.ts and to each other, vote, leave. Elements are found by their
// accessible names, as a person with a screen reader would find them.
// Screenshots go to tests/browser/screenshots/ (git-ignored).
import { assert, assertEquals } from "@std/assert";
import { TestUser } from "../../testing/mod.ts";
import { startServer } from "../testing/_helpers.ts";
import {
  alertText,
  browserTest,
  chatDiffs,
  createRoom,
  openPage,
  peakChatRate,
  SCREENSHOTS,
  signIn,
  waitUntil,
} from "./_chromium.ts";

const ECHO = new URL("../../examples/echo.ts", import.meta.url).pathname;
const DOCS_SCREENSHOT = new URL("../../docs/chat-page.png", import.meta.url).pathname;
const shot = (name: string) => new URL(name, SCREENSHOTS).pathname;

browserTest("chat page in Chromium", async (browser, t) => {
  await t.step(
    "a person creates the public room Echo, examples/echo.ts joins it and answers /echo hi in its box",
    async () => {
      await using server = await startServer();
      const alice = await signIn(browser, server, "Alice", "Berlin");
      const { page } = alice;
      // The page connected with no token, so the server sees a person (§1.3).
      assertEquals(server.sockets().map((s) => [s.username, s.isBot]), [["Alice", false]]);

      // Today echo.ts joins the first public room with free seats; with a
      // `room: { name: "Echo", create: true }` option it joins the room named
      // Echo. Either way it comes to Alice's room.
      await createRoom(page, { name: "Echo" });
      const echo = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", ECHO],
        env: { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.issueToken() },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const output = echo.output();
      try {
        const botBox = page.getByLabel("Echo Bot", { exact: true });
        await botBox.waitFor({ timeout: 15_000 });
        const mine = page.getByLabel("Your text", { exact: true });
        await mine.pressSequentially("/echo hi", { delay: 30 });
        await mine.press("Enter");
        await waitUntil(
          "the echo in the bot's box",
          async () => (await botBox.inputValue()) === "Alice said: hi",
        );

        const room = server.rooms()[0];
        const aliceId = server.sockets().find((s) => s.username === "Alice")!.userId!;
        assertEquals(room.messages[aliceId], "/echo hi\n");
        // One small diff per key, Enter included, as the real client sends them.
        assertEquals(
          chatDiffs(alice.sent),
          [..."/echo hi\n"].map((ch, i) => ({ type: "add", index: i, text: ch })),
        );
        await page.screenshot({ path: shot("echo-1280x800.png") });
        // The README's picture: UPDATE_DOCS_SCREENSHOT=1 deno test -A tests/browser/
        if (Deno.env.get("UPDATE_DOCS_SCREENSHOT")) {
          await Deno.copyFile(shot("echo-1280x800.png"), DOCS_SCREENSHOT);
        }
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: shot("echo-390x844.png"), fullPage: true });
      } finally {
        echo.kill("SIGTERM");
        const out = await output;
        if (!out.success && out.signal !== "SIGTERM") {
          console.error(new TextDecoder().decode(out.stdout), new TextDecoder().decode(out.stderr));
        }
        await alice.close();
      }
    },
  );

  await t.step(
    "two people in the same room see each other's boxes letter by letter, vote and leave",
    async () => {
      await using server = await startServer();
      const bob = await signIn(browser, server, "Bob", "Paris");
      const alice = await signIn(browser, server, "Alice", "Berlin");
      await createRoom(alice.page, { name: "Lounge" });

      // Bob's lobby is live: the room appears with its people and free seats.
      const join = bob.page.getByRole("button", { name: "Join Lounge" });
      await join.waitFor();
      assert((await bob.page.getByRole("listitem").textContent())?.includes("4 free seats"));
      await join.click();
      const mineB = bob.page.getByLabel("Your text", { exact: true });
      await mineB.waitFor();
      const aliceSeesBob = alice.page.getByLabel("Bob", { exact: true });
      await aliceSeesBob.waitFor();
      await bob.page.getByLabel("Alice", { exact: true }).waitFor();

      // Alice's page shows Bob's text as it grows, letter by letter.
      await aliceSeesBob.evaluate((area) => {
        const seen: string[] = [];
        (globalThis as unknown as { seen: string[] }).seen = seen;
        const field = area as unknown as { value: string };
        setInterval(() => {
          if (seen.at(-1) !== field.value) seen.push(field.value);
        }, 5);
      });
      await mineB.pressSequentially("hello world", { delay: 60 });
      await waitUntil(
        "Bob's text on Alice's page",
        async () => (await aliceSeesBob.inputValue()) === "hello world",
      );
      const seen = await alice.page.evaluate(() =>
        (globalThis as unknown as { seen: string[] }).seen
      );
      assert(
        ["h", "he", "hel", "hell", "hello"].filter((s) => seen.includes(s)).length >= 4,
        `Alice saw ${JSON.stringify(seen)}`,
      );

      // Typing over a selection, erasing, pasting and Enter stay small diffs
      // and the server's copy stays the box's.
      const before = bob.sent.length;
      for (let i = 0; i < 5; i++) await mineB.press("Shift+ArrowLeft");
      await mineB.pressSequentially("there");
      await mineB.press("Backspace");
      await mineB.press("Backspace");
      await bob.page.keyboard.insertText(" and more");
      await mineB.press("Enter");
      const expected = "hello the and more\n";
      assertEquals(await mineB.inputValue(), expected);
      const bobId = server.sockets().find((s) => s.username === "Bob")!.userId!;
      const roomId = server.rooms()[0].id;
      await waitUntil(
        "Bob's text on the server",
        () => server.room(roomId)?.messages[bobId] === expected,
      );
      await waitUntil(
        "Bob's text on Alice's page",
        async () => (await aliceSeesBob.inputValue()) === expected,
      );
      const diffs = chatDiffs(bob.sent.slice(before));
      assert(diffs.every((d) => d.type !== "full-replace"), JSON.stringify(diffs));
      assert(diffs.every((d) => (d.text ?? "").length <= " and more".length));
      assert(diffs.some((d) => d.type === "delete"), JSON.stringify(diffs));

      // Votes: with three people, two votes against Bob kick him, and he is banned.
      await using carol = await TestUser.connect(server, { username: "Carol", location: "Rome" });
      await carol.joinRoom(roomId);
      const kickBob = alice.page.getByRole("button", { name: "Vote to kick Bob" });
      await kickBob.click();
      await waitUntil(
        "Alice's vote",
        async () => (await kickBob.getAttribute("aria-pressed")) === "true",
      );
      const aliceId = server.sockets().find((s) => s.username === "Alice")!.userId!;
      assertEquals(server.room(roomId)?.votes, { [aliceId]: bobId });
      carol.vote(bobId);
      await bob.page.getByRole("heading", { name: "Rooms" }).waitFor();
      assert((await alertText(bob.page)).startsWith("You were voted out of Lounge"));
      await bob.page.getByRole("button", { name: "Join Lounge" }).click();
      await waitUntil(
        "the ban",
        async () => (await alertText(bob.page)) === "You are banned from this room.",
      );

      // Leaving: Alice is back in the lobby, the others see her box go.
      await alice.page.getByRole("button", { name: "Leave room" }).click();
      await alice.page.getByRole("button", { name: "Join Lounge" }).waitFor();
      await waitUntil(
        "Alice out of the room",
        () => server.room(roomId)?.users.map((u) => u.username).join() === "Carol",
      );
      await bob.close();
      await alice.close();
    },
  );

  await t.step(
    "a semi-private room asks for its access code, refuses a wrong one and shows its layout",
    async () => {
      await using server = await startServer();
      const alice = await signIn(browser, server, "Alice", "Berlin");
      await createRoom(alice.page, {
        name: "Secret",
        type: "semi-private",
        layout: "vertical",
        accessCode: "246810",
      });
      const bob = await signIn(browser, server, "Bob", "Paris");
      const page = bob.page;
      await page.getByRole("button", { name: "Join Secret" }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Access code", { exact: true }).fill("111111");
      await dialog.getByRole("button", { name: "Join with code" }).click();
      await waitUntil(
        "the refusal",
        async () => (await alertText(page)) === "Incorrect access code.",
      );

      await page.getByRole("button", { name: "Join Secret" }).click();
      await dialog.getByLabel("Access code", { exact: true }).fill("246810");
      await dialog.getByRole("button", { name: "Join with code" }).click();
      const mine = page.getByLabel("Your text", { exact: true });
      const alices = page.getByLabel("Alice", { exact: true });
      await mine.waitFor();
      await alices.waitFor();
      await alice.page.getByLabel("Bob", { exact: true }).waitFor();
      await alice.page.getByLabel("Your text", { exact: true }).pressSequentially("Hi Bob!");
      await waitUntil("Alice's text", async () => (await alices.inputValue()) === "Hi Bob!");

      // Vertical layout: the boxes stand side by side; on a phone they stack.
      const [a, b] = [await alices.boundingBox(), await mine.boundingBox()];
      assert(a && b);
      assertEquals(a.y, b.y);
      assert(a.x + a.width <= b.x, `Alice's box (x ${a.x}) left of Bob's (x ${b.x})`);
      await page.screenshot({ path: shot("semi-private-vertical-1280x800.png") });
      await page.setViewportSize({ width: 390, height: 844 });
      const [c, d] = [await alices.boundingBox(), await mine.boundingBox()];
      assert(c && d);
      assertEquals(c.x, d.x);
      assert(c.y + c.height <= d.y, `Alice's box (y ${c.y}) above Bob's (y ${d.y})`);
      await page.screenshot({ path: shot("semi-private-390x844.png"), fullPage: true });
      await alice.close();
      await bob.close();
    },
  );

  await t.step(
    "the page shows the server's errors, keeps under the typing limit and the 5000-character cap, and reconnects",
    async () => {
      await using server = await startServer({ limits: { roomCapacity: 2 } });
      const dana = await openPage(browser, server, { width: 390, height: 844 });
      const { page } = dana;
      await page.getByLabel("Name", { exact: true }).fill("shithead");
      await page.getByRole("button", { name: "Sign in" }).click();
      await waitUntil(
        "the word filter",
        async () => (await alertText(page)) === "Username contains forbidden words.",
      );
      await page.screenshot({ path: shot("signin-error-390x844.png") });
      await page.getByLabel("Name", { exact: true }).fill("Dana");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Rooms" }).waitFor();
      assertEquals(await alertText(page), "");

      await using x = await TestUser.connect(server, { username: "Xavi", location: "Vigo" });
      await using y = await TestUser.connect(server, { username: "Yuki", location: "Kobe" });
      const full = await x.createRoom({ name: "Full house", type: "public" });
      await x.joinRoom(full);
      await y.joinRoom(full);
      await page.getByRole("button", { name: "Join Full house" }).click();
      await waitUntil("room full", async () => (await alertText(page)) === "Room is full.");
      await page.screenshot({ path: shot("lobby-390x844.png"), fullPage: true });

      await createRoom(page, { name: "Solo" });
      const mine = page.getByLabel("Your text", { exact: true });
      const danaId = server.sockets().find((s) => s.username === "Dana")!.userId!;
      const roomId = server.rooms().find((r) => r.name === "Solo")!.id;
      // Far faster than a person: the page sends at most 40 events a second
      // (the server drops a person's events past 75/s) and lets the rest
      // catch up as one diff.
      const fast = "The quick brown fox jumps over the lazy dog. ".repeat(4);
      await mine.pressSequentially(fast);
      await waitUntil(
        "the fast text on the server",
        () => server.room(roomId)?.messages[danaId] === fast,
      );
      const peak = peakChatRate(dana.sent);
      assert(peak <= 75, `${peak} chat events in one second`);
      const sentDiffs = chatDiffs(dana.sent).length;
      assert(sentDiffs < fast.length, `${sentDiffs} diffs for ${fast.length} keys: none coalesced`);
      assertEquals(await alertText(page), "");

      await mine.press("ControlOrMeta+a");
      await page.keyboard.insertText("x".repeat(6000));
      assertEquals((await mine.inputValue()).length, 5000);
      await waitUntil(
        "5000 characters on the server",
        () => server.room(roomId)?.messages[danaId]?.length === 5000,
      );

      // A lost connection: the page reconnects and joins its room again.
      server.disconnectAll();
      await waitUntil(
        "Dana back in Solo",
        () => server.room(roomId)?.users.some((u) => u.username === "Dana"),
      );
      await mine.waitFor();

      // A reload keeps the person signed in (the session cookie); the
      // server took them out of the room when the old page went away.
      await page.reload();
      await page.getByRole("button", { name: "Join Solo" }).waitFor();
      assertEquals(await page.getByLabel("Name", { exact: true }).isVisible(), false);
      await dana.close();
    },
  );
});
