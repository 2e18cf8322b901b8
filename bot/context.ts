/**
 * Handler contexts: `bot`, the `room` (read from the bot only when a handler
 * asks) and `reply`, around an event's data. Built by the facade and handed
 * to the parts as a function, so no part needs the `Bot` class.
 *
 * @module
 */

import type { ActionOptions } from "./out/actions.ts";
import { answer } from "./commands/answers.ts";
import type { Bot } from "./bot.ts";
import type { BaseContext } from "./events.ts";

/** A handler context: `bot`, a `room` read from the bot only when a handler asks, `reply`. */
class LazyRoomContext {
  readonly bot: Bot;
  constructor(bot: Bot) {
    this.bot = bot;
  }
  get room() {
    return this.bot.room;
  }
  reply(text: string, options?: ActionOptions) {
    return answer(this.bot, text, undefined, options);
  }
}

/** Builds a handler context: `bot`, `room`, `reply` and the event's data. */
export function contextOf<T extends object>(bot: Bot, data: T): BaseContext & T {
  if ("room" in data) {
    const reply = (text: string, options?: ActionOptions) => answer(bot, text, undefined, options);
    return { bot, reply, ...data } as BaseContext & T;
  }
  return Object.assign(new LazyRoomContext(bot), data) as unknown as BaseContext & T;
}
