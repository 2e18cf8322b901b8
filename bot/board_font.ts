/**
 * A single-stroke vector font for the Talkoboard: every printable ASCII
 * character as a few polylines on a 4 × 6 grid (y grows downwards, the
 * baseline at 6, descenders to 7). Lower-case letters are drawn as small
 * capitals; any other character is drawn as `?`.
 *
 * @module
 */

import type { BoardPoint } from "./board_state.ts";

// Each glyph: polylines separated by spaces, each point two digits "xy".
const GLYPHS: Readonly<Record<string, string>> = {
  " ": "",
  "!": "2024 26",
  '"': "1011 3031",
  "#": "1016 3036 0242 0444",
  "$": "413010010213334445361605 2026",
  "%": "0640 0011 3546",
  "&": "460201102031220405162644",
  "'": "2021",
  "(": "30111536",
  ")": "10313516",
  "*": "2024 0143 0341",
  "+": "2125 0343",
  ",": "2617",
  "-": "0343",
  ".": "26",
  "/": "4006",
  "0": "103041453616050110 4105",
  "1": "1120 2026 1636",
  "2": "01103041420646",
  "3": "01103041423313 334445361605",
  "4": "300444 3036",
  "5": "400003334445361605",
  "6": "3010010516364544331304",
  "7": "004016",
  "8": "103041423313020110 1304051636454433",
  "9": "4233130201103041453616",
  ":": "22 26",
  ";": "22 2617",
  "<": "400346",
  "=": "0242 0444",
  ">": "004306",
  "?": "0110304142332324 26",
  "@": "4222233444 41301001051646",
  "A": "062046 1333",
  "B": "0006 003041423303 3344453606",
  "C": "4130100105163645",
  "D": "00304145360600",
  "E": "40000646 0333",
  "F": "400006 0333",
  "G": "41301001051636454323",
  "H": "0006 4046 0343",
  "I": "1030 2026 1636",
  "J": "2040 4045361605",
  "K": "0006 4003 1246",
  "L": "000646",
  "M": "0600234046",
  "N": "06004640",
  "O": "103041453616050110",
  "P": "06003041423303",
  "Q": "103041453616050110 3446",
  "R": "06003041423303 2346",
  "S": "413010010213334445361605",
  "T": "0040 2026",
  "U": "000516364540",
  "V": "002640",
  "W": "0016233640",
  "X": "0046 4006",
  "Y": "002340 2326",
  "Z": "00400646",
  "[": "30101636",
  "\\": "0046",
  "]": "10303616",
  "^": "022042",
  "_": "0747",
  "`": "1021",
  "{": "302011120314152636",
  "|": "2027",
  "}": "102031324334352616",
  "~": "0312233443",
};

/** Units a glyph advances the pen (4 wide, 2 apart). */
export const GLYPH_ADVANCE = 6;
/** Units from the top of a capital to the baseline. */
export const GLYPH_HEIGHT = 6;

function decode(spec: string): BoardPoint[][] {
  if (spec === "") return [];
  return spec.split(" ").map((line) => {
    const points: BoardPoint[] = [];
    for (let i = 0; i < line.length; i += 2) points.push({ x: +line[i], y: +line[i + 1] });
    return points;
  });
}

const CACHE = new Map<string, readonly BoardPoint[][]>();

/** The polylines of one character in font units (lower case as small capitals, unknown as `?`). */
export function glyph(char: string): readonly BoardPoint[][] {
  let lines = CACHE.get(char);
  if (lines) return lines;
  const upper = char.toUpperCase();
  const small = char !== upper && upper.length === 1 && GLYPHS[upper] !== undefined;
  const spec = GLYPHS[small ? upper : char] ?? GLYPHS["?"];
  lines = decode(spec).map((line) =>
    small ? line.map((p) => ({ x: p.x, y: 2 + (p.y * 4) / GLYPH_HEIGHT })) : line
  );
  CACHE.set(char, lines);
  return lines;
}

/**
 * The polylines of a text: capitals `size` board units tall, the top left
 * corner of the first letter at (`x`, `y`), lines separated by `\n`.
 */
export function textLines(text: string, x: number, y: number, size: number): BoardPoint[][] {
  const unit = size / GLYPH_HEIGHT;
  const out: BoardPoint[][] = [];
  let row = 0;
  let col = 0;
  for (const char of text) {
    if (char === "\n") {
      row++;
      col = 0;
      continue;
    }
    const ox = x + col * GLYPH_ADVANCE * unit;
    const oy = y + row * (GLYPH_HEIGHT + 4) * unit;
    for (const line of glyph(char)) {
      out.push(line.map((p) => ({ x: ox + p.x * unit, y: oy + p.y * unit })));
    }
    col++;
  }
  return out;
}
