/**
 * Handler contexts: `bot`, the `room` (read from the bot only when a handler
 * asks) and `reply`, around an event's data. Built by the facade and handed
 * to the parts as a function, so no part needs the `Bot` class.
 *
 * @module
 */

import type { ActionOptions } from "./out/actions.ts";
import type { Answer } from "./commands/answers.ts";
import type { Bot } from "./bot.ts";
import type { BaseContext } from "./events.ts";

/** A handler context: `bot`, a `room` read from the bot only when a handler asks, `reply`. */
class LazyRoomContext {
  readonly bot: Bot;
  readonly #answer: Answer;
  constructor(bot: Bot, answer: Answer) {
    this.bot = bot;
    this.#answer = answer;
  }
  get room() {
    return this.bot.room;
  }
  reply(text: string, options?: ActionOptions) {
    return this.#answer(text, undefined, options);
  }
}

/**
 * Builds a handler context: `bot`, `room`, `reply` (through `answer`, the
 * bot's answer) and the event's data.
 */
export function contextOf<T extends object>(bot: Bot, answer: Answer, data: T): BaseContext & T {
  if ("room" in data) {
    const reply = (text: string, options?: ActionOptions) => answer(text, undefined, options);
    return { bot, reply, ...data } as BaseContext & T;
  }
  return Object.assign(new LazyRoomContext(bot, answer), data) as unknown as BaseContext & T;
}
