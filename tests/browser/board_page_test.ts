// The chat page's Talkoboard in Chromium: a bot draws and the canvas shows it, a person draws
// (pen and eraser) and the bot sees the strokes, the board chat both ways, clear. Found by
// accessible names. The README's picture: UPDATE_DOCS_SCREENSHOT=1 deno test -A tests/browser/
import { assert, assertEquals } from "@std/assert";
import type { Page } from "playwright-core";
import type { BoardStroke } from "../../bot/mod.ts";
import { makeBot } from "../bot/_helpers.ts";
import { startServer } from "../testing/_helpers.ts";
import { browserTest, createRoom, SCREENSHOTS, signIn, waitUntil } from "./_chromium.ts";

const DOCS_SCREENSHOT = new URL("../../docs/talkoboard.png", import.meta.url).pathname;
const shot = (name: string) => new URL(name, SCREENSHOTS).pathname;

/** The colour of the board's pixel at a world point (the view is not moved: 1 unit = 1 CSS px). */
function pixel(page: Page, x: number, y: number): Promise<[number, number, number, number]> {
  return page.getByRole("img", { name: "Talkoboard" }).evaluate((node, [x, y]) => {
    type Canvas = {
      width: number;
      clientWidth: number;
      getContext(kind: "2d"): {
        getImageData(x: number, y: number, w: number, h: number): { data: number[] };
      };
    };
    const canvas = node as unknown as Canvas;
    const ratio = canvas.width / canvas.clientWidth;
    const at = (v: number) => Math.round(v * ratio);
    const d = canvas.getContext("2d").getImageData(at(x), at(y), 1, 1).data;
    return [d[0], d[1], d[2], d[3]] as [number, number, number, number];
  }, [x, y]);
}

browserTest("chat page Talkoboard in Chromium", async (browser) => {
  await using server = await startServer();
  const alice = await signIn(browser, server, "Alice", "Berlin");
  const { page } = alice;
  await using bot = makeBot(server, { username: "Painter" });
  const strokes: BoardStroke[] = [];
  const chats: string[] = [];
  let clears = 0;
  bot.on("boardStroke", (ctx) => void strokes.push(ctx.stroke));
  bot.on("boardChat", (ctx) => void chats.push(`${ctx.user.name}: ${ctx.text}`));
  bot.on("boardCleared", () => void clears++);
  try {
    await createRoom(page, { name: "Gallery" });
    await bot.start();
    await bot.joinRoom(server.rooms()[0].id);
    await page.getByLabel("Painter", { exact: true }).waitFor();
    await page.getByRole("button", { name: "Open board" }).click();
    const canvas = page.getByRole("img", { name: "Talkoboard" });
    await canvas.waitFor();
    const aliceId = server.sockets().find((x) => x.username === "Alice")!.userId!;
    await waitUntil("Alice's board open at the bot", () => bot.board.viewers.has(aliceId));

    // A bot draws a red square: the canvas shows it in the bot's colour, inside stays empty.
    await bot.board.rect(40, 40, 200, 200, { color: "#ff0000", size: 8 });
    await waitUntil(
      "the red edge",
      async () => (await pixel(page, 40, 140)).join() === "255,0,0,255",
    );
    assertEquals((await pixel(page, 140, 140))[3], 0, "inside the square");

    // A person draws with the mouse in green: the bot sees the stroke in world coordinates.
    await page.getByLabel("Colour").fill("#00aa00");
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 300, box.y + 60);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) await page.mouse.move(box.x + 300 + i * 5, box.y + 60 + i * 5);
    await page.mouse.up();
    await waitUntil("Alice's stroke at the bot", () => strokes.length === 1);
    const [green] = strokes;
    assertEquals([green.color, green.eraser], ["#00aa00", false]);
    assertEquals(green.points[0], { x: 300, y: 60 });
    assertEquals(green.points.at(-1), { x: 400, y: 160 });
    assert((await pixel(page, 350, 110))[1] > 100, "Alice sees her own stroke");

    // A finger draws too (touch events through the DevTools protocol, as a touchscreen sends them).
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: "touchStart" | "touchMove" | "touchEnd", x: number, y: number) =>
      cdp.send("Input.dispatchTouchEvent", {
        type,
        touchPoints: type === "touchEnd" ? [] : [{ x: box.x + x, y: box.y + y }],
      });
    await touch("touchStart", 700, 300);
    for (let i = 1; i <= 10; i++) await touch("touchMove", 700 + i * 10, 300);
    await touch("touchEnd", 0, 0);
    await waitUntil("Alice's finger stroke", () => strokes.length === 2);
    assertEquals(strokes[1].points[0], { x: 700, y: 300 });
    assertEquals(strokes[1].points.at(-1), { x: 800, y: 300 });
    strokes.splice(1);

    // The eraser: Alice erases across the square's left edge.
    await page.getByLabel("Eraser").check();
    await page.getByLabel("Brush size").fill("30");
    await page.mouse.move(box.x + 20, box.y + 140);
    await page.mouse.down();
    await page.mouse.move(box.x + 40, box.y + 140, { steps: 5 });
    await page.mouse.move(box.x + 60, box.y + 140, { steps: 5 });
    await page.mouse.up();
    await waitUntil("the eraser stroke", () => strokes.length === 2);
    assertEquals([strokes[1].eraser, strokes[1].size], [true, 30]);
    assertEquals((await pixel(page, 40, 140))[3], 0, "erased");
    assertEquals((await pixel(page, 40, 60)).join(), "255,0,0,255", "the rest of the edge stays");
    await page.getByLabel("Eraser").uncheck();

    // The board chat, both ways.
    await bot.board.chat("Nice drawing!");
    await page.getByRole("listitem").filter({ hasText: "Painter: Nice drawing!" }).waitFor();
    await page.getByLabel("Board message").fill("thanks");
    await page.getByRole("button", { name: "Send" }).click();
    await waitUntil("Alice's board chat", () => chats.includes("Alice: thanks"));

    // The picture for the README: the bot writes and draws, Alice's strokes stay.
    await bot.board.text("Talkoboard", { x: 60, y: 300, height: 48, color: "#1e40af" });
    await bot.board.circle(560, 140, 80, { color: "#f59e0b", size: 6 });
    await waitUntil("the circle", async () => (await pixel(page, 640, 140))[3] > 0);
    await page.locator("#board").screenshot({ path: shot("talkoboard-1280x800.png") });
    if (Deno.env.get("UPDATE_DOCS_SCREENSHOT")) {
      await Deno.copyFile(shot("talkoboard-1280x800.png"), DOCS_SCREENSHOT);
    }

    // Pan (Shift+drag) and zoom: the view moves, world coordinates stay.
    Object.assign(box, await canvas.boundingBox()); // the page may have scrolled
    await page.keyboard.down("Shift");
    await page.mouse.move(box.x + 500, box.y + 350);
    await page.mouse.down();
    await page.mouse.move(box.x + 600, box.y + 350, { steps: 5 });
    await page.mouse.up();
    await page.keyboard.up("Shift");
    await waitUntil(
      "the panned view",
      async () => (await pixel(page, 140, 60)).join() === "255,0,0,255",
    );
    assertEquals(strokes.length, 2, "panning draws nothing");
    await page.mouse.move(box.x + 300, box.y + 380);
    await page.mouse.down();
    await page.mouse.move(box.x + 320, box.y + 380, { steps: 4 });
    await page.mouse.up();
    await waitUntil("a stroke in the panned view", () => strokes.length === 3);
    assertEquals(strokes[2].points[0], { x: 200, y: 380 }, "screen 300 is world 200");
    await page.getByRole("button", { name: "Zoom in" }).click();
    await page.getByRole("button", { name: "Reset view" }).click();
    await waitUntil(
      "the view reset",
      async () => (await pixel(page, 40, 60)).join() === "255,0,0,255",
    );
    await page.getByRole("button", { name: "Zoom in" }).click(); // x1.25 around the centre
    const cw = await canvas.evaluate((c) => (c as unknown as { clientWidth: number }).clientWidth);
    const at = (x: number, y: number) => [cw / 2 + (x - cw / 2) * 1.25, 210 + (y - 210) * 1.25];
    const [zx, zy] = at(240, 140); // the square's right edge, 1.25 times as far from the centre
    await waitUntil(
      "the zoomed view",
      async () => (await pixel(page, zx, zy)).join() === "255,0,0,255",
    );
    await page.getByRole("button", { name: "Reset view" }).click();

    // Clear: the bot hears it and the canvas is empty.
    await page.getByRole("button", { name: "Clear board" }).click();
    await waitUntil("the clear at the bot", () => clears === 1);
    await waitUntil("an empty canvas", async () => (await pixel(page, 60, 60))[3] === 0);
    // The page's board events stay far under a person's 75 events per second (§1.6).
    const times = alice.sent.filter((e) => e.event.startsWith("board ")).map((e) => e.at);
    let peak = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i] - times[j] >= 1000) j++;
      peak = Math.max(peak, i - j + 1);
    }
    assert(peak > 0 && peak <= 40, `${peak} board events within 1 s`);
    // Closing the board tells the others.
    await page.getByRole("button", { name: "Close board" }).click();
    await waitUntil("the board closed", () => !bot.board.viewers.has(aliceId));
  } finally {
    await alice.close();
  }
});
