// Pure parts of bot.board: the single-stroke font and the board model's history bound.
import { assert, assertEquals } from "@std/assert";
import { glyph, GLYPH_ADVANCE, textLines } from "../../bot/board_font.ts";
import { BoardModel } from "../../bot/board_state.ts";
import { boardLine } from "../../bot/board_link.ts";
import { strokeEvents } from "../../bot/board_checks.ts";

Deno.test("the board font has a glyph for every printable ASCII character, inside its cell", () => {
  const question = JSON.stringify(glyph("?"));
  for (let code = 33; code < 127; code++) {
    const char = String.fromCharCode(code);
    const lines = glyph(char);
    assert(lines.length > 0, `no strokes for ${JSON.stringify(char)}`);
    if (char !== "?") assert(JSON.stringify(lines) !== question, `${char} falls back to ?`);
    for (const p of lines.flat()) {
      assert(p.x >= 0 && p.x <= 4 && p.y >= 0 && p.y <= 7, `${char}: ${JSON.stringify(p)}`);
    }
  }
  assertEquals(glyph(" "), []);
  assertEquals(JSON.stringify(glyph("é")), question, "other characters are drawn as ?");
  // lower case: the capital, squeezed between the x-height (2) and the baseline (6)
  const small = glyph("i").flat();
  assert(small.every((p) => p.y >= 2 && p.y <= 6));
  assertEquals(glyph("i").length, glyph("I").length);
});

Deno.test("textLines() places letters by advance and lines by height, scaled to the capital height", () => {
  const [h1, h2, h3, i1] = textLines("HI", 10, 20, 60);
  assertEquals(h1, [{ x: 10, y: 20 }, { x: 10, y: 80 }]);
  assertEquals(h2, [{ x: 50, y: 20 }, { x: 50, y: 80 }]);
  assertEquals(h3, [{ x: 10, y: 50 }, { x: 50, y: 50 }]);
  assertEquals(i1[0].x, 10 + GLYPH_ADVANCE * 10 + 10); // the I's top bar starts at x = 1
  const twoLines = textLines("I\nI", 0, 0, 6);
  assertEquals(twoLines[3][0].y - twoLines[0][0].y, 10);
});

Deno.test("the board model keeps the newest 500 strokes, and only while open", () => {
  const model = new BoardModel();
  const stroke = (i: number) => {
    model.apply("board stroke start", {
      userId: "u",
      color: "#000000",
      size: 1,
      eraser: false,
      point: { x: i, y: 0 },
    }, "me");
    return model.apply("board stroke end", { userId: "u" }, "me");
  };
  assertEquals(stroke(-1).length, 1, "a finished stroke is reported while closed");
  assertEquals(model.strokes, []);
  model.apply("board state", { strokes: [], active: {} }, "me");
  for (let i = 0; i < 501; i++) stroke(i);
  assertEquals(model.strokes.length, 500);
  assertEquals(model.strokes[0].points, [{ x: 1, y: 0 }]);
  assertEquals([...model.viewers], ["me"]);
  model.closed();
  assertEquals([model.strokes.length, model.viewers.size], [0, 0]);
});

Deno.test("board chat answers are one line of at most 200 characters; strokes cost start, moves, end", () => {
  assertEquals(boardLine("Commands:\n  /a  \n\n/b"), "Commands: | /a | /b");
  const long = boardLine("x".repeat(300));
  assertEquals([long.length, long.at(-1)], [200, "…"]);
  assertEquals(boardLine("😀".repeat(150)).length <= 200, true);
  assert(!/[\uD800-\uDBFF]…$/.test(boardLine("a" + "😀".repeat(150))));
  assertEquals([strokeEvents(1), strokeEvents(201), strokeEvents(3000), strokeEvents(10_000)], [
    2,
    3,
    17,
    52,
  ]);
});
