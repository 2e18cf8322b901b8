/**
 * The chat buffer model of docs/protocol.md §7: applying the four diff types
 * exactly as the server does, the server's sanitisation, and the diffs that
 * turn one text into another letter by letter (Talkomatic's signature effect).
 * Pure functions, no I/O.
 *
 * @example
 * ```ts
 * import { applyDiff, sanitizeChat, typingFrames } from "./diff.ts";
 *
 * applyDiff("Hello", { type: "replace", index: 0, text: "J" }); // "Jello"
 * sanitizeChat("a\r\nb\u202e"); // "a\nb"
 * typingFrames("ab", "ax"); // ["a", "ax"]
 * ```
 *
 * @module
 */

export {
  applyDiff,
  MAX_MESSAGE_LENGTH,
  sanitizeChat,
  sanitizeName,
  type TextDiff,
} from "../../schemas/text.ts";
import type { TextDiff } from "../../schemas/text.ts";

/**
 * The smallest single diff turning `from` into `to`: an `add` or a `delete`
 * when the change is one insertion or one removal, else a `full-replace`
 * (never index drift). `undefined` when the texts are equal.
 *
 * @param from The current text.
 * @param to The wanted text.
 * @returns One diff, or `undefined`.
 * @example
 * ```ts
 * import { diffTexts } from "./diff.ts";
 * diffTexts("helo", "hello"); // { type: "add", index: 3, text: "l" }
 * ```
 */
export function diffTexts(from: string, to: string): TextDiff | undefined {
  if (from === to) return undefined;
  let start = 0;
  const min = Math.min(from.length, to.length);
  while (start < min && from[start] === to[start]) start++;
  let endFrom = from.length;
  let endTo = to.length;
  while (endFrom > start && endTo > start && from[endFrom - 1] === to[endTo - 1]) {
    endFrom--;
    endTo--;
  }
  // Never cut a surrogate pair.
  if (start > 0 && isHigh(from.charCodeAt(start - 1))) {
    start--;
  }
  if (endFrom < from.length && endFrom > start && isLow(from.charCodeAt(endFrom))) {
    endFrom++;
    endTo++;
  }
  if (endFrom === start) return { type: "add", index: start, text: to.slice(start, endTo) };
  if (endTo === start) return { type: "delete", index: start, count: endFrom - start };
  return { type: "full-replace", text: to };
}

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * The intermediate texts a person would show while changing `from` into
 * `to`: backspacing the part after the common prefix one character (code
 * point) at a time, then typing the rest one character at a time. The last
 * frame is `to`; an empty array when the texts are equal.
 *
 * @param from The current text.
 * @param to The wanted text.
 * @returns The frames, excluding `from`.
 * @example
 * ```ts
 * import { typingFrames } from "./diff.ts";
 * typingFrames("cat", "car"); // ["ca", "car"]
 * ```
 */
export function typingFrames(from: string, to: string): string[] {
  const a = [...from];
  const b = [...to];
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const frames: string[] = [];
  for (let n = a.length - 1; n >= common; n--) frames.push(a.slice(0, n).join(""));
  for (let n = common + 1; n <= b.length; n++) frames.push(b.slice(0, n).join(""));
  return frames;
}
