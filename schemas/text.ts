/**
 * The chat buffer rules of docs/protocol.md §7, shared by the bot (which mirrors
 * buffers) and the local server (which keeps them): applying the four diff
 * types exactly as the server does, the server's sanitisation of chat
 * buffers and names, and {@linkcode fit} (cutting a text to a length with
 * "…"). Pure functions, no I/O.
 *
 * @example
 * ```ts
 * import { applyDiff, sanitizeChat } from "./text.ts";
 *
 * applyDiff("Hello", { type: "replace", index: 0, text: "J" }); // "Jello"
 * sanitizeChat("a\r\nb\u202e"); // "a\nb"
 * ```
 *
 * @module
 */

import { MAX_MESSAGE_LENGTH } from "./limits.gen.ts";

export { MAX_MESSAGE_LENGTH };

/** One change to a chat buffer (docs/protocol.md §3 `Diff`). */
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
 * are clamped to the buffer, `add` cannot grow the buffer past the cap,
 * `replace` overwrites and may grow the buffer. Sanitisation is separate
 * ({@linkcode sanitizeChat}), as on the server.
 *
 * @param text The current buffer.
 * @param diff The change.
 * @param max The buffer cap (the server's is {@linkcode MAX_MESSAGE_LENGTH}).
 * @returns The new buffer.
 * @example
 * ```ts
 * import { applyDiff } from "./text.ts";
 * applyDiff("abc", { type: "delete", index: 1, count: 5 }); // "a"
 * ```
 */
export function applyDiff(text: string, diff: TextDiff, max = MAX_MESSAGE_LENGTH): string {
  switch (diff.type) {
    case "full-replace":
      return diff.text.slice(0, max);
    case "add": {
      const i = clampIndex(diff.index, text.length);
      const room = Math.max(0, max - text.length);
      return text.slice(0, i) + diff.text.slice(0, room) + text.slice(i);
    }
    case "delete": {
      const i = clampIndex(diff.index, text.length);
      const count = clampIndex(diff.count, text.length - i);
      return text.slice(0, i) + text.slice(i + count);
    }
    case "replace": {
      const i = clampIndex(diff.index, text.length);
      const replacement = diff.text.slice(0, max); // cut on receipt, as the server does
      const overwritten = Math.min(replacement.length, text.length - i);
      return text.slice(0, i) + replacement + text.slice(i + overwritten);
    }
    default:
      throw new TypeError(
        `Cannot apply diff of type "${String((diff as { type?: unknown }).type)}"`,
      );
  }
}

// Runs of 3+ combining marks (the blocks of docs/protocol.md §7.4), cut to their first 2.
const COMBINING_RUN =
  /[\u0300-\u036F\u0483-\u0489\u1AB0-\u1AFF\u1DC0-\u1DFF\u20D0-\u20FF\uFE20-\uFE2F]{3,}/g;

function capCombining(text: string): string {
  return text.replace(COMBINING_RUN, (run) => run.slice(0, 2));
}

/**
 * The server's chat-buffer sanitisation (§7.4): removes U+202E and `\r`,
 * cuts runs of combining marks to 2, truncates to the cap. `\n` is kept.
 *
 * @param text A buffer.
 * @param max The buffer cap (the server's is {@linkcode MAX_MESSAGE_LENGTH}).
 * @returns What the server would store.
 * @example
 * ```ts
 * import { sanitizeChat } from "./text.ts";
 * sanitizeChat("line1\r\nline2\u202e end"); // "line1\nline2 end"
 * ```
 */
export function sanitizeChat(text: string, max = MAX_MESSAGE_LENGTH): string {
  // Most texts have nothing to remove: one scan of char codes says so without the two
  // regular expressions (the bot sanitises every text it receives).
  if (text.length <= max && !hasUnsafe(text)) return text;
  return capCombining(text.replace(/[\u202E\r]/g, "")).slice(0, max);
}

/** Whether `text` has a U+202E, a `\r` or a combining mark of {@linkcode COMBINING_RUN}'s blocks. */
function hasUnsafe(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x0300) {
      if (c === 0x0d) return true;
      continue;
    }
    if (
      c <= 0x036f || (c >= 0x0483 && c <= 0x0489) || (c >= 0x1ab0 && c <= 0x1aff) ||
      (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) || c === 0x202e ||
      (c >= 0xfe20 && c <= 0xfe2f)
    ) return true;
  }
  return false;
}

/**
 * The server's name sanitisation (§7.4) for usernames, locations and room
 * names: like chat, plus `\n` and `\t` removed, trimmed, cut to `max` (the
 * name's limit, e.g. `MAX_USERNAME_LENGTH`).
 *
 * @param text The name.
 * @param max Maximum length after sanitising.
 * @returns What the server would store.
 * @example
 * ```ts
 * import { MAX_USERNAME_LENGTH } from "./limits.gen.ts";
 * import { sanitizeName } from "./text.ts";
 * sanitizeName("Bot\tOne ", MAX_USERNAME_LENGTH); // "BotOne"
 * ```
 */
export function sanitizeName(text: string, max: number): string {
  return capCombining(text.replace(/[\u202E\r\n\t]/g, "")).trim().slice(0, max);
}

/**
 * Cuts a text to `max` UTF-16 code units, ending with "…" when cut; a cut
 * never splits a surrogate pair (it is then one unit shorter).
 *
 * @param text The text.
 * @param max The length to fit in (default the chat cap, {@linkcode MAX_MESSAGE_LENGTH}).
 * @returns The text, or its start and "…".
 * @example
 * ```ts
 * import { fit } from "./text.ts";
 * fit("Hello world", 6); // "Hello…"
 * ```
 */
export function fit(text: string, max: number = MAX_MESSAGE_LENGTH): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uD800-\uDBFF]/.test(text[cut - 1])) cut--; // never split a surrogate pair
  return text.slice(0, cut) + "…";
}
