/**
 * Where the bot's answers go: `ctx.reply()` (commands, events, schedules),
 * questions of `ctx.ask()` and the built-in answers (usage, failures,
 * `/help`, unknown commands). Without an `answer` hook (`bot.hook()`; a `Box`
 * installs one for its answer section) they replace the bot's text.
 *
 * @module
 */

import type { ActionOptions } from "../out/actions.ts";
import type { BotHooks } from "../hooks.ts";
import type { User } from "../model.ts";

/**
 * Shows an answer; `user` is the person it answers, when there is one.
 * Without a hook, `options` go to `send()` (a signal that aborts first means
 * it is never sent).
 */
export type Answer = (text: string, user?: User, options?: ActionOptions) => Promise<void>;

/**
 * The bot's answer: through the newest `answer` hook, else through `send`.
 *
 * @param hook The newest `answer` hook, read at each answer.
 * @param send The bot's `send()`.
 */
export function answerWith(
  hook: () => BotHooks["answer"],
  send: (text: string, options?: ActionOptions) => Promise<void>,
): Answer {
  return (text, user, options) => {
    const show = hook();
    if (!show) return send(text, options);
    try {
      return Promise.resolve(show(text, user)).then(() => {});
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
