/**
 * The handlers of the bot's events, and where failures go: a handler that
 * throws reaches `bot.catch()` (or the log); a failure nobody awaited reaches
 * the `error` event (or the log).
 *
 * @module
 */

import { ActionError, AskError, HandlerError } from "./errors.ts";
import {
  assertEventName,
  type BaseContext,
  type BotEventData,
  type BotEventName,
} from "./events.ts";
import type { Answer } from "./commands/answers.ts";
import type { BotLogger } from "./options.ts";
import type { User } from "./model.ts";

type AnyHandler = (ctx: never) => unknown;

/** Runs the `message` and `line` handlers inside the middleware (the bot's composers). */
export interface MessageChain {
  /** Whether the event goes through the chain (`own`: `bot.on(event)` has handlers). */
  wants(own: boolean, event: ChainEvent): boolean;
  /** Runs the chain; `own` runs the bot's own handlers at their place in it. */
  run(ctx: object, own: (() => Promise<void>) | undefined, event: ChainEvent): void;
}

/** The events whose handlers run inside middleware. */
export type ChainEvent = "message" | "line";

function isStopped(error: unknown): boolean {
  return (error instanceof ActionError || error instanceof AskError) && error.reason === "stopped";
}

/** Builds a handler context (`bot`, `room`, `reply`) around an event's data. */
export type ContextOf = <T extends object>(data: T) => BaseContext & T;

/** The event handlers of one bot. */
export class Handlers {
  readonly #contextOf: ContextOf;
  readonly #answer: Answer;
  readonly #logger: BotLogger;
  readonly #stopped: () => boolean;
  readonly #map = new Map<BotEventName, { fn: AnyHandler; once: boolean }[]>();
  #catch: ((error: HandlerError) => unknown) | undefined;
  #chain: MessageChain | undefined;

  constructor(context: ContextOf, answer: Answer, logger: BotLogger, stopped: () => boolean) {
    this.#contextOf = context;
    this.#answer = answer;
    this.#logger = logger;
    this.#stopped = stopped;
  }

  add(name: BotEventName, handler: unknown, once: boolean): void {
    assertEventName(name);
    if (typeof handler !== "function") {
      throw new TypeError(`Cannot listen to "${name}": the handler must be a function`);
    }
    const list = this.#map.get(name);
    const entry = { fn: handler as AnyHandler, once };
    if (list) list.push(entry);
    else this.#map.set(name, [entry]);
  }

  remove(name: BotEventName, handler: unknown): void {
    assertEventName(name);
    const list = this.#map.get(name);
    const i = list?.findIndex((h) => h.fn === handler) ?? -1;
    if (i >= 0) list!.splice(i, 1);
    if (list?.length === 0) this.#map.delete(name);
  }

  setCatch(handler: (error: HandlerError) => unknown): void {
    if (typeof handler !== "function") throw new TypeError("Cannot set catch: not a function");
    this.#catch = handler;
  }

  /** Sends `message` events through the middleware. */
  setMessageChain(chain: MessageChain): void {
    this.#chain = chain;
  }

  /** Whether anyone listens to `name`. */
  has(name: BotEventName): boolean {
    return this.#map.has(name);
  }

  /** Runs the handlers of `name` with the data (built only when someone listens). */
  emit<E extends BotEventName>(name: E, data: BotEventData[E] | (() => BotEventData[E])): void {
    const list = this.#map.get(name);
    if ((name === "message" || name === "line") && this.#chain?.wants(list !== undefined, name)) {
      const value = typeof data === "function" ? (data as () => BotEventData[E])() : data;
      const ctx = this.#context(name, value as object);
      return this.#chain.run(ctx, list && (() => this.settle(name, ctx)), name);
    }
    if (!list) return;
    const value = typeof data === "function" ? (data as () => BotEventData[E])() : data;
    const ctx = this.#context(name, value as object);
    if (list.length === 1) {
      const h = list[0];
      if (h.once) this.remove(name, h.fn);
      return this.#call(name, h.fn, ctx);
    }
    for (const h of list.slice()) {
      if (h.once) this.remove(name, h.fn);
      this.#call(name, h.fn, ctx);
    }
  }

  /** The context of an event; replies to a person's line name them (in a box's answer section). */
  #context(name: BotEventName, value: object): BaseContext {
    const ctx = this.#contextOf(value);
    if (name === "line" || name === "unknownCommand") {
      const { user } = value as { readonly user: User };
      (ctx as { reply: (text: string) => Promise<void> }).reply = (text) =>
        this.#answer(text, user);
    }
    return ctx;
  }

  /** {@linkcode Handlers.run} without a closure per call: the dispatch of every event. */
  #call(event: string, fn: AnyHandler, ctx: unknown): void {
    try {
      const result = fn(ctx as never);
      if (result instanceof Promise) result.catch((e) => this.failed(event, e, ctx));
    } catch (error) {
      this.failed(event, error, ctx);
    }
  }

  /** Runs the handlers of `name` with `ctx`; resolves when all finished (failures go to `failed`). */
  settle(name: BotEventName, ctx: object): Promise<void> {
    const list = this.#map.get(name);
    if (!list) return Promise.resolve();
    const pending: Promise<unknown>[] = [];
    for (const h of list.slice()) {
      if (h.once) this.remove(name, h.fn);
      try {
        const result = h.fn(ctx as never);
        if (result instanceof Promise) pending.push(result.catch((e) => this.failed(name, e, ctx)));
      } catch (error) {
        this.failed(name, error, ctx);
      }
    }
    return pending.length === 0 ? Promise.resolve() : Promise.all(pending).then(() => {});
  }

  /** Runs a handler, sending what it throws or rejects with to {@linkcode Handlers.failed}. */
  run(event: string, fn: () => unknown, ctx: unknown): void {
    this.#call(event, fn, ctx);
  }

  /** A handler failed: to `bot.catch()`, else to the log. */
  failed(event: string, error: unknown, ctx: unknown): void {
    if (this.#stopped() && isStopped(error)) {
      return; // a handler still waiting on an action (or an answer) when the bot was stopped
    }
    const wrapped = error instanceof HandlerError ? error : new HandlerError(event, error, ctx);
    if (!this.#catch || event === "catch") {
      // A question that ended unanswered (the person left, a newer question, the time ran out)
      // is how conversations go, not a bug: one line, without a stack.
      if (error instanceof AskError) return this.#logger.warn(wrapped.message);
      return this.#logger.error(wrapped.message, error);
    }
    this.run("catch", () => this.#catch!(wrapped), ctx);
  }

  /** A failure nobody awaited: to the `error` event, else to the log. */
  report(error: unknown): void {
    if (isStopped(error) && this.#stopped()) return;
    const err = error instanceof Error ? error : new Error(String(error));
    if (this.#map.has("error")) this.emit("error", { error: err });
    else this.#logger.warn(err.message);
  }
}
