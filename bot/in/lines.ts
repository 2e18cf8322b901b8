/**
 * Decides when a line that a person typed is a finished command. Texts arrive
 * whole (the server always sends the full buffer), so the watcher compares
 * each text with the previous one and looks only at the lines that changed:
 *
 * - a command line runs at once when its Enter arrives (a newline typed
 *   right after it);
 * - without Enter, it runs when it was left unchanged for `idleMs` (unless
 *   its command requires Enter);
 * - lines that arrive in bulk (a newline followed by a line's worth of text
 *   at once, as bots send whole texts) never run, even if edited later; a
 *   typed line whose Enter came in the same server batch is not bulk;
 * - a line runs once; it runs again only after it changed and was completed
 *   again. Lines present when the bot arrived never run as they are.
 *
 * @module
 */

import { type Clock, realClock } from "../clock.ts";

/** Options of a {@linkcode LineWatcher}. */
export interface LineWatcherOptions {
  /** Whether a line of a user names a command of the bot (or answers a question to them). */
  readonly isCommand: (line: string, userId: string) => boolean;
  /** Whether the command (or answer) on this line waits for Enter. */
  readonly needsEnter: (line: string, userId: string) => boolean;
  /** How long a line must stay unchanged to run without Enter. */
  readonly idleMs: number;
  /** Called with each finished command line. */
  readonly onLine: (userId: string, line: string) => void;
  /** The clock the idle time runs on. Default: the real one. */
  readonly clock?: Clock;
}

interface Mark {
  /** The content this line had when it ran (or when the bot arrived). */
  ran?: string;
  /** The line arrived in bulk: never a command. */
  bulk?: true;
}

interface UserLines {
  text: string;
  /** Newline count and last line start of `text`. */
  cache: LineCache;
  marks: Map<number, Mark>;
  idle: { index: number; content: string } | undefined;
  timer: unknown;
}

/** Inserted text with a newline followed by at least this many other characters is bulk. */
const BULK_CHARS = 3;

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** How many newlines a text has and where its last line starts. */
export interface LineCache {
  readonly newlines: number;
  readonly lastStart: number;
}

/** The lines of `text` that an edit touched: `prev` lines [first, first + removed] became [first, first + inserted]. */
export interface Region {
  /** The changed characters: `prev[start, prevEnd)` became `text[start, end)`. */
  readonly start: number;
  readonly prevEnd: number;
  readonly end: number;
  readonly first: number;
  readonly removed: number;
  readonly inserted: number;
  /** Where line `first` starts in `text`. */
  readonly lineStart: number;
  /** The cache of `text`. */
  readonly cache: LineCache;
}

/** The {@linkcode LineCache} of a text, by scanning it. */
export function lineCache(text: string): LineCache {
  return { newlines: countNewlines(text, 0, text.length), lastStart: text.lastIndexOf("\n") + 1 };
}

/**
 * What changed from `prev` to `text`. With `prev`'s cache an edit of the last
 * line (typing, mostly) scans nothing before the changed part.
 */
export function changedRegion(prev: string, text: string, cache: LineCache): Region {
  let start = 0;
  let prevEnd = prev.length;
  let end = text.length;
  // (`slice() ===` compares in a few dozen ns where `startsWith` takes hundreds.)
  if (text.length > prev.length && text.slice(0, prev.length) === prev) start = prev.length;
  else if (prev.length > text.length && prev.slice(0, text.length) === text) start = text.length;
  else {
    const min = Math.min(prev.length, text.length);
    while (start < min && prev.charCodeAt(start) === text.charCodeAt(start)) start++;
    while (
      prevEnd > start && end > start && prev.charCodeAt(prevEnd - 1) === text.charCodeAt(end - 1)
    ) {
      prevEnd--;
      end--;
    }
  }
  const onLast = start >= cache.lastStart;
  const first = onLast ? cache.newlines : countNewlines(text, 0, start);
  const removed = onLast ? 0 : countNewlines(prev, start, prevEnd);
  const inserted = countNewlines(text, start, end);
  const lastStart = removed > 0 || inserted > 0
    ? text.lastIndexOf("\n") + 1
    : onLast
    ? cache.lastStart
    : cache.lastStart + end - prevEnd;
  return {
    start,
    prevEnd,
    end,
    first,
    removed,
    inserted,
    lineStart: onLast ? cache.lastStart : start === 0 ? 0 : text.lastIndexOf("\n", start - 1) + 1,
    cache: { newlines: cache.newlines + inserted - removed, lastStart },
  };
}

/** Watches people's texts and reports finished command lines. */
export class LineWatcher {
  readonly #options: LineWatcherOptions;
  readonly #users = new Map<string, UserLines>();

  readonly #clock: Clock;

  constructor(options: LineWatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
  }

  /** Takes `text` as already handled: none of its lines runs as it is. */
  baseline(userId: string, text: string): void {
    const user = this.#entry(userId);
    this.#cancel(user);
    user.text = text;
    user.marks = new Map(text.split("\n").map((line, i) => [i, { ran: line }]));
    user.cache = lineCache(text);
  }

  /** Looks at a new text of a user. */
  update(userId: string, text: string): void {
    const user = this.#entry(userId);
    const prev = user.text;
    if (prev === text) return;
    user.text = text;
    const { start, end, first, removed, inserted, lineStart, cache } = changedRegion(
      prev,
      text,
      user.cache,
    );
    user.cache = cache;
    this.#shift(user, first, removed, inserted);
    // Bulk: a newline followed by at least a few more characters in one update (a whole line
    // arrived at once). A typed line and its Enter merged into one server batch is not bulk.
    const bulk = inserted > 0 && end - text.indexOf("\n", start) - inserted >= BULK_CHARS;
    let pos = lineStart;
    for (let i = first; i <= first + inserted; i++) {
      const newline = text.indexOf("\n", pos);
      const content = text.slice(pos, newline < 0 ? text.length : newline);
      this.#look(user, userId, i, content, bulk, newline >= start && newline < end);
      if (newline < 0) break;
      pos = newline + 1;
    }
    if (user.idle) this.#arm(user, userId);
    else this.#cancel(user);
  }

  /** Forgets a user (they left). */
  forget(userId: string): void {
    const user = this.#users.get(userId);
    if (user) this.#cancel(user);
    this.#users.delete(userId);
  }

  /** Forgets everyone (the bot left its room). */
  clear(): void {
    for (const user of this.#users.values()) this.#cancel(user);
    this.#users.clear();
  }

  #entry(userId: string): UserLines {
    let user = this.#users.get(userId);
    if (!user) {
      user = {
        text: "",
        cache: { newlines: 0, lastStart: 0 },
        marks: new Map(),
        idle: undefined,
        timer: undefined,
      };
      this.#users.set(userId, user);
    }
    return user;
  }

  /** Moves marks after an edit that replaced lines [first, first + removed] by [first, first + inserted]. */
  #shift(user: UserLines, first: number, removed: number, inserted: number): void {
    const delta = inserted - removed;
    if (delta !== 0 && user.marks.size > 0) {
      const moved = new Map<number, Mark>();
      for (const [i, mark] of user.marks) {
        if (i <= first) moved.set(i, mark);
        else if (i === first + removed) moved.set(first + inserted, mark);
        else if (i > first + removed) moved.set(i + delta, mark);
      }
      user.marks = moved;
    }
    const idle = user.idle;
    if (!idle || idle.index <= first) return;
    if (idle.index > first + removed) idle.index += delta;
    else if (idle.index === first + removed) idle.index = first + inserted;
    else user.idle = undefined;
  }

  #look(
    user: UserLines,
    userId: string,
    index: number,
    content: string,
    bulk: boolean,
    entered: boolean,
  ): void {
    let mark = user.marks.get(index);
    if (mark?.ran !== undefined && mark.ran !== content) delete mark.ran;
    if (user.idle?.index === index) user.idle = undefined;
    if (bulk) {
      if (!mark) user.marks.set(index, mark = {});
      mark.bulk = true;
      return;
    }
    if (mark?.bulk || mark?.ran !== undefined || !this.#options.isCommand(content, userId)) return;
    if (entered) this.#run(user, userId, index, content);
    else if (!this.#options.needsEnter(content, userId)) user.idle = { index, content };
  }

  #run(user: UserLines, userId: string, index: number, content: string): void {
    const mark = user.marks.get(index);
    if (mark) mark.ran = content;
    else user.marks.set(index, { ran: content });
    this.#options.onLine(userId, content);
  }

  #arm(user: UserLines, userId: string): void {
    this.#clock.clearTimeout(user.timer);
    user.timer = this.#clock.setTimeout(() => {
      user.timer = undefined;
      const idle = user.idle;
      user.idle = undefined;
      if (!idle || this.#users.get(userId) !== user) return;
      const line = user.text.split("\n")[idle.index];
      const mark = user.marks.get(idle.index);
      if (line !== idle.content || mark?.bulk || mark?.ran === line) return;
      this.#run(user, userId, idle.index, line);
    }, this.#options.idleMs);
  }

  #cancel(user: UserLines): void {
    if (user.timer !== undefined) {
      this.#clock.clearTimeout(user.timer);
      user.timer = undefined;
    }
    user.idle = undefined;
  }
}
