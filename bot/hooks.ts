/**
 * Plugin hooks: the one public way a plugin changes where the bot's answers
 * and questions show and what `stop()` waits for (`bot.hook()`). The Box
 * and the session middleware use it like any third-party plugin would.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { User } from "./model.ts";

/**
 * What a plugin hooks into, given to `bot.hook()`. Each member is optional.
 * `answer` and `question`: the newest installed (and not removed) wins.
 * `stopping`: every one installed is run and awaited.
 */
export interface BotHooks {
  /**
   * Shows an answer of the bot instead of replacing its whole text with
   * `send()`: `ctx.reply()` of commands, events and schedules, and the
   * built-in answers (usage errors, `Sorry, /x failed.`, `/help`, cooldown
   * replies, unknown commands, questions when no `question` hook is
   * installed). `user` is the person it answers, when there is one. What it
   * returns is awaited by the reply. The newest installed wins.
   */
  readonly answer?: (text: string, user: User | undefined) => unknown;
  /**
   * Shows a question of `ctx.ask()`/`bot.ask()` (each re-ask too) to `user`
   * until `signal` aborts: the question was answered, timed out or ended
   * otherwise. The newest installed wins; without one, questions are answers.
   */
  readonly question?: (text: string, user: User, signal: AbortSignal) => unknown;
  /**
   * Called by `stop()` once the bot is disconnected: work to finish first (a
   * write that must not be lost). `stop()` awaits every `stopping` hook, all
   * at once, for at most 5 seconds on the bot's clock; a hook that fails is
   * reported like a failure nobody awaited (the `error` event, else the log).
   */
  readonly stopping?: () => unknown;
}

/** The names `bot.hook()` accepts. */
const HOOK_NAMES = ["answer", "question", "stopping"] as const;

/** How long `stop()` waits for its `stopping` hooks at most. */
export const STOP_GRACE_MS = 5000;

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** The hooks installed on one bot, oldest first. */
export class Hooks {
  readonly #installed: BotHooks[] = [];

  /** Installs `hooks` (checked, copied); returns the function that removes them. */
  install(hooks: BotHooks): () => void {
    if (hooks === null || typeof hooks !== "object" || Array.isArray(hooks)) {
      throw new TypeError(`Cannot install hooks: expected an object, got ${typeName(hooks)}`);
    }
    const entry: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(hooks)) {
      if (!(HOOK_NAMES as readonly string[]).includes(name)) {
        const permitted = HOOK_NAMES.map((n) => `"${n}"`).join(", ");
        throw new TypeError(`Cannot install hook "${name}": permitted hooks are ${permitted}`);
      }
      if (fn === undefined) continue;
      if (typeof fn !== "function") {
        throw new TypeError(
          `Cannot install hook "${name}": expected a function, got ${typeName(fn)}`,
        );
      }
      entry[name] = fn;
    }
    const installed = entry as BotHooks;
    this.#installed.push(installed);
    return () => {
      const at = this.#installed.indexOf(installed);
      if (at >= 0) this.#installed.splice(at, 1);
    };
  }

  /** The newest `answer` or `question` hook, or `undefined`. */
  newest<K extends "answer" | "question">(name: K): BotHooks[K] {
    for (let i = this.#installed.length - 1; i >= 0; i--) {
      const fn = this.#installed[i][name];
      if (fn) return fn;
    }
    return undefined;
  }

  /**
   * Runs every `stopping` hook and resolves when all have ended, or after
   * `graceMs` on `clock`; failures go to `report`.
   */
  async stopping(graceMs: number, clock: Clock, report: (error: unknown) => void): Promise<void> {
    const work: Promise<unknown>[] = [];
    for (const { stopping } of [...this.#installed]) {
      if (!stopping) continue;
      try {
        work.push(Promise.resolve(stopping()).catch(report));
      } catch (error) {
        report(error);
      }
    }
    if (work.length === 0) return;
    let timer: unknown;
    const grace = new Promise<void>((resolve) => timer = clock.setTimeout(resolve, graceMs));
    try {
      await Promise.race([Promise.all(work), grace]);
    } finally {
      clock.clearTimeout(timer);
    }
  }
}
