/**
 * The bot's box: a bot has one text of at most 5000 characters. A
 * {@linkcode Box} composes it from named sections, in the order they were
 * created, and sends it again (through `bot.send()`) when a section changes:
 *
 * - `box.text(name)`: a fixed text (several lines allowed);
 * - `box.lines(name)`: one line per key (per person, say), in the order the
 *   keys were added;
 * - `box.log(name)`: lines added over time, the newest last.
 *
 * Sections with nothing to show are left out; the others are joined with a
 * line break. When the whole does not fit, the 5000 characters are shared
 * fairly: a section that needs less than an even share keeps all of it, the
 * rest is split evenly among the others. Inside its share, a text is cut at
 * its end with "…", each line of a `lines` section gets an even share in the
 * same way (lines that cannot get one character are left out, from the end),
 * and a log keeps its newest lines that fit whole (the newest alone is cut
 * with "…" when even it does not fit). A cut never splits a surrogate pair.
 *
 * @module
 */

import { MAX_MESSAGE_LENGTH } from "../../schemas/limits.gen.ts";
import { fit, sanitizeChat } from "../../schemas/text.ts";
import type { Bot } from "../bot.ts";
import type { Middleware } from "../commands/composer.ts";
import type { User } from "../model.ts";

/** A fixed text of a {@linkcode Box}. */
export interface TextSection {
  /** Its name. */
  readonly name: string;
  /** Its text. */
  readonly value: string;
  /** Replaces the text (several lines allowed). */
  set(text: string): this;
  /** Empties it (it is then left out). */
  clear(): this;
}

/** One line per key (a person, say) of a {@linkcode Box}. */
export interface LinesSection {
  /** Its name. */
  readonly name: string;
  /** How many lines it has. */
  readonly size: number;
  /** Sets the line of a key (a user counts by id); line breaks become spaces. */
  set(key: string | { readonly id: string }, line: string): this;
  /** The line of a key. */
  get(key: string | { readonly id: string }): string | undefined;
  /** Removes the line of a key; `true` when it had one. */
  delete(key: string | { readonly id: string }): boolean;
  /** Removes every line. */
  clear(): this;
}

/** Lines added over time, the newest last, of a {@linkcode Box}. */
export interface LogSection {
  /** Its name. */
  readonly name: string;
  /** The lines kept (at most `limit`), oldest first. */
  readonly lines: readonly string[];
  /** Adds lines at the end; line breaks inside one become spaces. */
  add(...lines: string[]): this;
  /** Removes every line. */
  clear(): this;
}

/** Options of `box.lines()` and `box.log()`. */
export interface ListOptions {
  /** A line shown above the others while there are any. */
  readonly header?: string;
}

/** Options of `box.log()`. */
export interface LogOptions extends ListOptions {
  /** How many lines to keep (the oldest go first). Default 100. */
  readonly limit?: number;
}

/** Options of a {@linkcode Box}. */
export interface BoxOptions {
  /**
   * The answer section: every `ctx.reply()`, question of `ctx.ask()` and
   * built-in answer (usage, failures, `/help`, cooldowns, unknown commands)
   * goes there instead of replacing the box. `name` (default `"answers"`),
   * `place` (`"last"`, the default, or `"first"`); `false` for none (answers
   * then replace the whole box, as without a box).
   */
  readonly answers?: { readonly name?: string; readonly place?: "first" | "last" } | false;
  /**
   * How long an answer stays before it is cleared, in milliseconds (a stale
   * `/help` does not greet later visitors). Default 60 000; `Infinity` keeps it.
   */
  readonly answerTtlMs?: number;
}

/** How long an answer stays in a box's answer section by default. */
export const DEFAULT_ANSWER_TTL_MS = 60_000;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A section's parts, as the renderer sees them. */
type Content =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "lines" | "log"; readonly header: string; readonly items: readonly string[] };

type Section = TextSection | LinesSection | LogSection;

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function checkText(value: unknown, what: string): string {
  if (typeof value !== "string") {
    throw new TypeError(`Cannot ${what}: expected a string, got ${typeName(value)}`);
  }
  return value;
}

function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, " ");
}

function keyOf(key: unknown, what: string): string {
  if (typeof key === "string") return key;
  const id = (key as { id?: unknown } | null)?.id;
  if (typeof id === "string") return id;
  throw new TypeError(`Cannot ${what}: the key must be a string or a user, got ${typeName(key)}`);
}

/**
 * Shares `budget` among `needs` fairly: each gets what it needs or an even
 * share of what is left, whichever is less (smallest needs first).
 */
export function share(needs: readonly number[], budget: number): number[] {
  const out = needs.map(() => 0);
  const order = needs.map((_, i) => i).sort((a, b) => needs[a] - needs[b]);
  let left = Math.max(0, budget);
  let count = needs.length;
  for (const i of order) {
    const give = Math.min(needs[i], Math.floor(left / count));
    out[i] = give;
    left -= give;
    count--;
  }
  return out;
}

function cut(text: string, max: number): string {
  return max <= 0 ? "" : fit(text, max);
}

function needOf(c: Content): number {
  if (c.kind === "text") return c.text.length;
  if (c.items.length === 0) return 0;
  const lines = c.header === "" ? c.items : [c.header, ...c.items];
  return lines.reduce((n, l) => n + l.length, lines.length - 1);
}

/** Renders a section within `max` characters. */
function renderWithin(c: Content, max: number): string {
  if (c.kind === "text") return cut(c.text, max);
  if (c.items.length === 0 || max <= 0) return "";
  if (needOf(c) <= max) return (c.header === "" ? c.items : [c.header, ...c.items]).join("\n");
  const lines: string[] = [];
  let left = max;
  if (c.header !== "") {
    lines.push(cut(c.header, left));
    left -= lines[0].length + 1;
  }
  if (left <= 0) return lines.join("\n");
  if (c.kind === "log") {
    const kept: string[] = [];
    for (let i = c.items.length - 1; i >= 0; i--) {
      const need = c.items[i].length + (kept.length > 0 ? 1 : 0);
      if (need > left) break;
      kept.unshift(c.items[i]);
      left -= need;
    }
    if (kept.length === 0) kept.push(cut(c.items[c.items.length - 1], left));
    return [...lines, ...kept].join("\n");
  }
  // lines: every item needs one character and a line break but the last.
  const count = Math.min(c.items.length, Math.floor((left + 1) / 2));
  const items = c.items.slice(0, count);
  const shares = share(items.map((l) => l.length), left - (count - 1));
  return [...lines, ...items.map((l, i) => cut(l, shares[i]))].join("\n");
}

/**
 * Renders sections into one text of at most `max` characters (see the
 * module's rules).
 */
function render(contents: readonly Content[], max: number): string {
  const shown = contents.filter((c) => needOf(c) > 0);
  const needs = shown.map(needOf);
  const total = needs.reduce((a, b) => a + b, Math.max(0, shown.length - 1));
  const shares = total <= max ? needs : share(needs, max - (shown.length - 1));
  return shown.map((c, i) => renderWithin(c, shares[i])).filter((t) => t !== "").join("\n");
}

/**
 * Composes the bot's single text from named sections and sends it again
 * when one changes (changes made together are sent once; sends coalesce).
 * It never exceeds 5000 characters, whatever the sections hold. While the
 * bot is not in a room, nothing is sent; it shows the box when it joins one.
 *
 * @example
 * ```ts
 * import { Bot, Box } from "@talkomatic/talkomatic/bot";
 *
 * const bot = new Bot({ username: "Echo Bot" });
 * const box = new Box(bot);
 * box.text("title", "Echo Bot: type /echo <words>");
 * const said = box.lines("said");
 * const log = box.log("log", { header: "Recently:", limit: 20 });
 * bot.command("echo").param("words", { rest: true })
 *   .handle((ctx, args) => void said.set(ctx.user, `${ctx.user.name} said: ${args.words.join(" ")}`));
 * bot.on("userJoined", (ctx) => void log.add(`${ctx.user.name} came in`));
 * bot.on("userLeft", (ctx) => void said.delete(ctx.user));
 * ```
 */
export class Box {
  readonly #bot: Bot;
  readonly #sections: { section: Section; content: () => Content }[] = [];
  #scheduled = false;
  #sent: string | undefined;
  #answers: { section: TextSection; last: boolean } | undefined;
  /** Open questions, by user id, shown in `#asking` (the answer or the replies section). */
  readonly #questions = new Map<string, { readonly name: string; readonly text: string }>();
  #asking: TextSection | undefined;
  /** Removes the box's `question` hook (installed again when questions move to another section). */
  #unhookQuestions: (() => void) | undefined;

  /**
   * Creates an empty box for `bot`, with an answer section (see
   * {@linkcode BoxOptions}): the bot's answers no longer replace the box.
   *
   * @param bot The bot whose text the box is.
   * @param options `answers` (name and place of the answer section, or `false`), `answerTtlMs`.
   * @throws {TypeError} When `bot` is not a bot, or an option is wrong.
   * @throws {RangeError} When `answerTtlMs` is not a positive number.
   */
  constructor(bot: Bot, options?: BoxOptions) {
    options ??= {};
    if (bot === null || typeof bot !== "object" || typeof bot.send !== "function") {
      throw new TypeError(`Cannot create box: expected a bot, got ${typeName(bot)}`);
    }
    if (options === null || typeof options !== "object") {
      throw new TypeError(`Cannot create box: options must be an object, got ${typeName(options)}`);
    }
    this.#bot = bot;
    bot.on("roomJoined", () => {
      this.#sent = undefined;
      this.#changed();
    });
    const { answers = {}, answerTtlMs = DEFAULT_ANSWER_TTL_MS } = options;
    if (answers === false) return;
    if (answers === null || typeof answers !== "object") {
      throw new TypeError(
        `Cannot create box: answers must be { name, place } or false, got ${typeName(answers)}`,
      );
    }
    const { name = "answers", place = "last" } = answers;
    if (place !== "first" && place !== "last") {
      throw new TypeError(
        `Cannot create box: answers.place must be "first" or "last", got ${JSON.stringify(place)}`,
      );
    }
    if (typeof answerTtlMs !== "number" || !(answerTtlMs > 0)) {
      throw new RangeError(
        `Cannot create box: answerTtlMs must be a positive number of milliseconds, got ${
          String(answerTtlMs)
        }`,
      );
    }
    const section = this.text(name);
    this.#answers = { section, last: place === "last" };
    this.#showQuestionsIn(section, true);
    const { clock } = bot.options;
    let timer: unknown;
    bot.signal.addEventListener("abort", () => clock.clearTimeout(timer), { once: true });
    bot.hook({
      answer: (text, user) => {
        const value = checkText(text, "answer");
        // An answer to a person names them, unless it starts with their name already.
        section.set(user && !value.startsWith(user.name) ? `${user.name}: ${value}` : value);
        clock.clearTimeout(timer);
        if (answerTtlMs <= MAX_TIMER_MS && !bot.stopped) {
          const shown = section.value;
          timer = clock.setTimeout(() => section.value === shown && section.clear(), answerTtlMs);
        }
        return this.flush();
      },
    });
  }

  /**
   * The answer section (see {@linkcode BoxOptions}), or `undefined` when the
   * box was created with `answers: false`.
   */
  get answers(): TextSection | undefined {
    return this.#answers?.section;
  }

  /**
   * Adds a fixed text section.
   *
   * @param name A name unique in this box.
   * @param text Its text (default empty: left out).
   * @returns The section.
   * @throws {TypeError} For a name in use or a text that is not a string.
   */
  text(name: string, text?: string): TextSection {
    text ??= "";
    this.#checkName(name);
    let value = checkText(text, `set section "${name}"`);
    const changed = () => this.#changed();
    const section: TextSection = {
      name,
      get value() {
        return value;
      },
      set(next: string) {
        value = checkText(next, `set section "${name}"`);
        changed();
        return this;
      },
      clear() {
        value = "";
        changed();
        return this;
      },
    };
    this.#add(section, () => ({ kind: "text", text: value }));
    return section;
  }

  /**
   * Adds a section of one line per key (per person, say).
   *
   * @param name A name unique in this box.
   * @param options `header`: a line above the others.
   * @returns The section.
   * @throws {TypeError} For a name in use or a header that is not a string.
   */
  lines(name: string, options?: ListOptions): LinesSection {
    options ??= {};
    this.#checkName(name);
    const header = this.#header(name, options);
    const lines = new Map<string, string>();
    const changed = () => this.#changed();
    const what = `set a line of section "${name}"`;
    const section: LinesSection = {
      name,
      get size() {
        return lines.size;
      },
      set(key, line) {
        lines.set(keyOf(key, what), oneLine(checkText(line, what)));
        changed();
        return this;
      },
      get: (key) => lines.get(keyOf(key, `read a line of section "${name}"`)),
      delete: (key) => {
        const had = lines.delete(keyOf(key, `delete a line of section "${name}"`));
        if (had) changed();
        return had;
      },
      clear() {
        if (lines.size > 0) changed();
        lines.clear();
        return this;
      },
    };
    this.#add(section, () => ({ kind: "lines", header, items: [...lines.values()] }));
    return section;
  }

  /**
   * Adds a log: lines added over time, the newest shown last.
   *
   * @param name A name unique in this box.
   * @param options `header`, and `limit` (lines kept, default 100).
   * @returns The section.
   * @throws {TypeError} For a name in use or a header that is not a string.
   * @throws {RangeError} When `limit` is not a positive integer.
   */
  log(name: string, options?: LogOptions): LogSection {
    options ??= {};
    this.#checkName(name);
    const header = this.#header(name, options);
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot create section "${name}": limit must be a positive integer, got ${String(limit)}`,
      );
    }
    let items: string[] = [];
    const changed = () => this.#changed();
    const section: LogSection = {
      name,
      get lines() {
        return items;
      },
      add(...lines) {
        if (lines.length === 0) return this;
        const added = lines.map((l) => oneLine(checkText(l, `add to section "${name}"`)));
        items = [...items, ...added].slice(-limit);
        changed();
        return this;
      },
      clear() {
        if (items.length > 0) changed();
        items = [];
        return this;
      },
    };
    this.#add(section, () => ({ kind: "log", header, items }));
    return section;
  }

  /**
   * A section by name.
   *
   * @param name Its name.
   * @returns The section, or `undefined`.
   */
  section(name: string): TextSection | LinesSection | LogSection | undefined {
    return this.#sections.find((s) => s.section.name === name)?.section;
  }

  /**
   * The box's text now (at most 5000 characters, as the server keeps it).
   *
   * @returns The text.
   */
  render(): string {
    const answers = this.#answers;
    const sections = answers?.last
      ? [
        ...this.#sections.filter((s) => s.section !== answers.section),
        ...this.#sections.filter((s) => s.section === answers.section),
      ]
      : this.#sections;
    return sanitizeChat(render(sections.map((s) => s.content()), MAX_MESSAGE_LENGTH));
  }

  /**
   * Sends the box now, if the bot is in a room and does not show it already
   * (a `send()` or `ctx.reply()` elsewhere replaced it: a section set again,
   * even to the same value, brings the box back).
   *
   * @returns When it was sent (at once when there was nothing to send).
   */
  flush(): Promise<void> {
    this.#scheduled = false;
    const me = this.#bot.me;
    if (!this.#bot.room || !me) return Promise.resolve();
    const text = this.render();
    if (text === this.#sent && this.#bot.textOf(me.id) === text) return Promise.resolve();
    this.#sent = text;
    return this.#bot.send(text);
  }

  /**
   * A middleware that shows `ctx.reply(text)` in a section of this box
   * instead of replacing the whole text: answers, questions of `ctx.ask()`
   * and cooldown replies then stay with the rest of the box.
   *
   * @param section A text section of this box.
   * @returns The middleware.
   * @throws {TypeError} When the section is not a text section of this box.
   * @example
   * ```ts
   * import { Bot, Box } from "@talkomatic/talkomatic/bot";
   *
   * const bot = new Bot({ username: "Helper" });
   * const box = new Box(bot);
   * box.text("title", "Helper: /help");
   * bot.use(box.replies(box.text("answer")));
   * bot.command("ping").handle((ctx) => ctx.reply("Pong")); // the title stays
   * ```
   */
  replies(section: TextSection): Middleware {
    const entry = this.#sections.find((s) => s.section === section);
    if (!entry || !("value" in section)) {
      throw new TypeError("Cannot take replies: expected a text section of this box");
    }
    this.#showQuestionsIn(section, false);
    return (ctx, next) => {
      ctx.reply = (text: string): Promise<void> => {
        section.set(text);
        return this.flush();
      };
      return next();
    };
  }

  /**
   * Shows the open questions of `ctx.ask()`/`bot.ask()` in `section`, one line
   * per person asked, after its text (the newest call wins). Alone in a
   * replies section a question shows as it is; otherwise each line starts
   * with who was asked (always in the answer section, where answers name their person).
   */
  #showQuestionsIn(section: TextSection, alwaysNamed: boolean): void {
    const entry = this.#sections.find((s) => s.section === section)!;
    const plain = entry.content;
    entry.content = () => {
      const content = plain();
      if (this.#asking !== section || this.#questions.size === 0) return content;
      if (content.kind !== "text") return content;
      const named = alwaysNamed || this.#questions.size > 1 || content.text !== "";
      const asked = [...this.#questions.values()].map(({ name, text }) =>
        named && !text.startsWith(name) ? `${name}: ${text}` : text
      );
      const items = content.text === "" ? asked : [...content.text.split("\n"), ...asked];
      return { kind: "lines", header: "", items };
    };
    this.#asking = section;
    this.#unhookQuestions?.(); // the newest call wins, for this box as among boxes
    this.#unhookQuestions = this.#bot.hook({
      question: (text, user, signal) => this.#ask(section, user, text, signal),
    });
    this.#changed();
  }

  /** Shows a question of `ctx.ask()`/`bot.ask()` as a line of its section until it ends. */
  #ask(section: TextSection, user: User, text: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.resolve();
    const question = { name: user.name, text: oneLine(text) };
    section.clear(); // the question is the newest reply
    this.#questions.set(user.id, question);
    signal.addEventListener("abort", () => {
      if (this.#questions.get(user.id) !== question) return;
      this.#questions.delete(user.id);
      this.#changed();
    }, { once: true });
    return this.flush();
  }

  #checkName(name: unknown): void {
    if (typeof name !== "string" || name === "") {
      throw new TypeError(
        `Cannot add section: the name must be a non-empty string, got ${typeName(name)}`,
      );
    }
    if (this.section(name)) {
      throw new TypeError(`Cannot add section "${name}": the box has one of that name`);
    }
  }

  #header(name: string, options: ListOptions): string {
    if (options === null || typeof options !== "object") {
      throw new TypeError(`Cannot create section "${name}": options must be an object`);
    }
    return oneLine(checkText(options.header ?? "", `create section "${name}" with a header`));
  }

  #add(section: Section, content: () => Content): void {
    this.#sections.push({ section, content });
    if (needOf(content()) > 0) this.#changed();
  }

  #changed(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      if (this.#scheduled) void this.flush();
    });
  }
}
