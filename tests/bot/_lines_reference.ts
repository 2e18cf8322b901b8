// The LineWatcher as it was before it kept each text's newline count and
// last line start (bot/lines.ts at 4423b0f, with the one fix noted below, and the
// userId that issue 13 passes to isCommand and needsEnter): the
// reference the property test compares the current watcher with.
// deno-lint-ignore-file

import type { LineWatcherOptions } from "../../bot/lines.ts";

interface Mark {
  /** The content this line had when it ran (or when the bot arrived). */
  ran?: string;
  /** The line arrived in bulk: never a command. */
  bulk?: true;
}

interface UserLines {
  text: string;
  marks: Map<number, Mark>;
  idle: { index: number; content: string } | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Inserted text with a newline followed by at least this many other characters is bulk. */
const BULK_CHARS = 3;

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Watches people's texts and reports finished command lines. */
export class ReferenceLineWatcher {
  readonly #options: LineWatcherOptions;
  readonly #users = new Map<string, UserLines>();

  constructor(options: LineWatcherOptions) {
    this.#options = options;
  }

  /** Takes `text` as already handled: none of its lines runs as it is. */
  baseline(userId: string, text: string): void {
    const user = this.#entry(userId);
    this.#cancel(user);
    user.text = text;
    user.marks = new Map(text.split("\n").map((line, i) => [i, { ran: line }]));
  }

  /** Looks at a new text of a user. */
  update(userId: string, text: string): void {
    const user = this.#entry(userId);
    const prev = user.text;
    if (prev === text) return;
    user.text = text;
    // The changed region: prev[start, prevEnd) became text[start, end).
    let start = 0;
    let prevEnd = prev.length;
    let end = text.length;
    if (text.length > prev.length && text.startsWith(prev)) start = prev.length;
    else if (prev.length > text.length && prev.startsWith(text)) start = text.length;
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
    const first = countNewlines(text, 0, start);
    const removed = countNewlines(prev, start, prevEnd);
    const inserted = countNewlines(text, start, end);
    this.#shift(user, first, removed, inserted);
    // Bulk: a newline followed by at least a few more characters in one update (a whole line
    // arrived at once). A typed line and its Enter merged into one server batch is not bulk.
    const bulk = inserted > 0 && end - text.indexOf("\n", start) - inserted >= BULK_CHARS;
    // (Fixed here as in bot/lines.ts: a change at 0 starts at line 0 even when the text starts with "\n".)
    let pos = start === 0 ? 0 : text.lastIndexOf("\n", start - 1) + 1;
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
      user = { text: "", marks: new Map(), idle: undefined, timer: undefined };
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
    clearTimeout(user.timer);
    user.timer = setTimeout(() => {
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
    clearTimeout(user.timer);
    user.timer = undefined;
    user.idle = undefined;
  }
}
