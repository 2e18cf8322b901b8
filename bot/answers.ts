/**
 * Where the bot's answers go: `ctx.reply()` (commands, events, schedules),
 * questions of `ctx.ask()` and the built-in answers (usage, failures,
 * `/help`, unknown commands). Without a `Box` they replace the bot's text;
 * a `Box` takes them into its answer section instead.
 *
 * @module
 */

import type { ActionOptions } from "./actions.ts";
import type { Bot } from "./bot.ts";
import type { User } from "./state.ts";

/** Shows an answer; `user` is the person it answers, when there is one. */
export type AnswerSink = (text: string, user: User | undefined) => Promise<void>;

const sinks = new WeakMap<object, AnswerSink>();

/** Sends the answers of `bot` to `sink` (a `Box`'s answer section). */
export function setAnswerSink(bot: Bot, sink: AnswerSink): void {
  sinks.set(bot, sink);
}

/**
 * Shows an answer of `bot`: in its box's answer section, else as its whole
 * text (`options` then go to `bot.send()`: a signal that aborts first means
 * it is never sent).
 */
export function answer(
  bot: Bot,
  text: string,
  user?: User,
  options?: ActionOptions,
): Promise<void> {
  const sink = sinks.get(bot);
  return sink ? sink(text, user) : bot.send(text, options);
}
