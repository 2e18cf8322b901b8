/**
 * The chat buffer model of PROTOCOL.md §7: applying the four diff types
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

/**
 * Maximum chat buffer length (PROTOCOL.md §13.1 MAX_MESSAGE_LENGTH).
 *
 * @example
 * ```ts
 * import { MAX_MESSAGE_LENGTH } from "@talkomatic/talkomatic/bot";
 * import { assertEquals } from "@std/assert";
 *
 * // Keep the end of a growing log within what the server holds:
 * const log = "tick\n".repeat(2000);
 * const shown = log.slice(-MAX_MESSAGE_LENGTH);
 * assertEquals(shown.length, 5000);
 * ```
 */
export const MAX_MESSAGE_LENGTH = 5000;

/** One change to a chat buffer (PROTOCOL.md §3 `Diff`). */
export type TextDiff =
  | { readonly type: "full-replace"; readonly text: string }
  | { readonly type: "add"; readonly index: number; readonly text: string }
  | { readonly type: "delete"; readonly index: number; readonly count: number }
  | { readonly type: "replace"; readonly index: number; readonly text: string };

// Like the server: clamp with min/max and let `slice` truncate fractions
// (so `delete {index: 1.5, count: 0.5}` removes the unit at 1, as slicing 2 does).
// NaN counts as 0; an index past the end (even Infinity) appends.
function clampIndex(index: number, length: number): number {
  return Math.min(Math.max(Number.isNaN(index) ? 0 : index, 0), length);
}

/**
 * Applies one diff to a buffer with the server's semantics (§7.2): indices
 * are clamped to the buffer, `add` cannot grow the buffer past 5000 chars,
 * `replace` overwrites and may grow the buffer. Sanitisation is separate
 * ({@linkcode sanitizeChat}), as on the server.
 *
 * @param text The current buffer.
 * @param diff The change.
 * @returns The new buffer.
 * @example
 * ```ts
 * import { applyDiff } from "./diff.ts";
 * applyDiff("abc", { type: "delete", index: 1, count: 5 }); // "a"
 * ```
 */
export function applyDiff(text: string, diff: TextDiff): string {
  switch (diff.type) {
    case "full-replace":
      return diff.text.slice(0, MAX_MESSAGE_LENGTH);
    case "add": {
      const i = clampIndex(diff.index, text.length);
      const room = Math.max(0, MAX_MESSAGE_LENGTH - text.length);
      return text.slice(0, i) + diff.text.slice(0, room) + text.slice(i);
    }
    case "delete": {
      const i = clampIndex(diff.index, text.length);
      const count = clampIndex(diff.count, text.length - i);
      return text.slice(0, i) + text.slice(i + count);
    }
    case "replace": {
      const i = clampIndex(diff.index, text.length);
      const replacement = diff.text.slice(0, MAX_MESSAGE_LENGTH); // cut on receipt, as the server does
      const overwritten = Math.min(replacement.length, text.length - i);
      return text.slice(0, i) + replacement + text.slice(i + overwritten);
    }
    default:
      throw new TypeError(
        `Cannot apply diff of type "${String((diff as { type?: unknown }).type)}"`,
      );
  }
}

const COMBINING =
  /[\u0300-\u036F\u0483-\u0489\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F]/;

function capCombining(text: string): string {
  let out = "";
  let run = 0;
  for (const ch of text) {
    if (COMBINING.test(ch)) {
      run++;
      if (run > 2) continue;
    } else {
      run = 0;
    }
    out += ch;
  }
  return out;
}

/**
 * The server's chat-buffer sanitisation (§7.4): removes U+202E and `\r`,
 * cuts runs of combining marks to 2, truncates to 5000 chars. `\n` is kept.
 *
 * @param text A buffer.
 * @returns What the server would store.
 * @example
 * ```ts
 * import { sanitizeChat } from "./diff.ts";
 * sanitizeChat("line1\r\nline2\u202e end"); // "line1\nline2 end"
 * ```
 */
export function sanitizeChat(text: string): string {
  return capCombining(text.replace(/[\u202E\r]/g, "")).slice(0, MAX_MESSAGE_LENGTH);
}

/**
 * The server's name sanitisation (§7.4) for usernames (15), locations (20)
 * and room names (25): like chat, plus `\n` and `\t` removed, trimmed, cut.
 *
 * @param text The name.
 * @param max Maximum length after sanitising.
 * @returns What the server would store.
 * @example
 * ```ts
 * import { sanitizeName } from "./diff.ts";
 * sanitizeName("Bot\tOne ", 15); // "BotOne"
 * ```
 */
export function sanitizeName(text: string, max: number): string {
  return capCombining(text.replace(/[\u202E\r\n\t]/g, "")).trim().slice(0, max);
}

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
