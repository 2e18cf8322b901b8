// @ts-check
// The chat page's text model: the server's clean-up of chat text (docs/protocol.md
// §7.4), the diffs a person's edits become, and applying a diff. No DOM.
//
// Part of the chat page (testing/web/chat.js); after editing, run `deno task codegen`.

// The protocol's limits, from schemas/limits.gen.ts: codegen/page.ts writes each
// value in place of the placeholder naming it when it embeds the page in
// testing/_page.gen.ts.
/** The server keeps at most this many characters of a person's text (§7.2). */
export const MAX_TEXT = Number("{{MAX_MESSAGE_LENGTH}}");

/**
 * @typedef {{ type: "full-replace", text: string } | { type: "add", index: number, text: string }
 *   | { type: "delete", index: number, count: number }
 *   | { type: "replace", index: number, text: string }} Diff
 */

const COMBINING =
  /[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{3,}/g;

/**
 * The server's clean-up of chat text (§7.4), so that this page's copy of
 * your text never drifts from the server's: no U+202E, no carriage
 * returns, runs of combining marks cut to 2.
 * @param {string} text
 * @returns {string}
 */
export function sanitize(text) {
  return text.replace(/[\u202e\r]/g, "").replace(COMBINING, (run) => run.slice(0, 2));
}

/** @param {string} s @param {number} i */
const isHigh = (s, i) => /[\ud800-\udbff]/.test(s.charAt(i));
/** @param {string} s @param {number} i */
const isLow = (s, i) => /[\udc00-\udfff]/.test(s.charAt(i));

/**
 * The small diffs that turn `before` into `after`, as the real client sends
 * them: one `add` for typed or pasted text, one `delete` for erased text,
 * `replace` when a selection is typed over by as many characters, else a
 * `delete` then an `add`. Never splits a surrogate pair.
 * @param {string} before
 * @param {string} after
 * @returns {Diff[]}
 */
export function diffs(before, after) {
  if (before === after) return [];
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before[start] === after[start]) start++;
  if (start > 0 && isHigh(before, start - 1)) start--;
  let end = 0;
  while (
    end < max - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) end++;
  if (end > 0 && isLow(after, after.length - end)) end--;
  const removed = before.length - start - end;
  const inserted = after.slice(start, after.length - end);
  if (removed === 0) return [{ type: "add", index: start, text: inserted }];
  if (inserted === "") return [{ type: "delete", index: start, count: removed }];
  if (removed === inserted.length) return [{ type: "replace", index: start, text: inserted }];
  return [
    { type: "delete", index: start, count: removed },
    { type: "add", index: start, text: inserted },
  ];
}

/**
 * Applies a diff (the server only sends `full-replace`, §5.5; the others are
 * handled in case).
 * @param {string} text
 * @param {Diff} diff
 * @returns {string}
 */
export function applyDiff(text, diff) {
  if (diff.type === "full-replace") return diff.text;
  const at = Math.min(diff.index, text.length);
  if (diff.type === "add") return text.slice(0, at) + diff.text + text.slice(at);
  if (diff.type === "delete") return text.slice(0, at) + text.slice(at + diff.count);
  return text.slice(0, at) + diff.text + text.slice(at + diff.text.length);
}
