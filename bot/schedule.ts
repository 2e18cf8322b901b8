/**
 * Schedules: `bot.every(ms, fn)` and `bot.after(ms, fn)`. Their time runs
 * only while the bot is connected: created before `start()` they begin when
 * it is ready, a lost connection pauses them and the reconnection resumes
 * them. A run never overlaps the previous one (a tick that comes while it
 * still runs is skipped); failures go to the `error` event; `bot.stop()`
 * ends them.
 *
 * @module
 */

import type { BaseContext } from "./events.ts";
import type { Handlers } from "./handlers.ts";

/** A scheduled task, as `bot.every()` and `bot.after()` return it. */
export interface Schedule {
  /** Not stopped (an `after` task stops once it ran). */
  readonly active: boolean;
  /** Stops it; a run in progress finishes. */
  stop(): void;
  /** Stops it (`using task = bot.every(...)`). */
  [Symbol.dispose](): void;
}

/** What a scheduled function gets: `bot`, `room` and `reply`. */
export type ScheduledTask = (ctx: BaseContext) => unknown;

/** What schedules need from the bot. */
export interface ScheduleHost {
  /** Connected and signed in. */
  connected(): boolean;
  /** Aborts when the bot stops. */
  readonly stopSignal: AbortSignal;
  /** The bot's handlers: connection events, and failures to the `error` event. */
  readonly handlers: Handlers;
  /** A fresh context for one run. */
  context(): BaseContext;
}

/** Calls `listener` on each connection (ready, reconnect: `true`) and loss (`false`). */
function watch(handlers: Handlers, listener: (connected: boolean) => void): () => void {
  const up = () => listener(true);
  const down = () => listener(false);
  handlers.add("ready", up, false);
  handlers.add("reconnected", up, false);
  handlers.add("disconnected", down, false);
  return () => {
    handlers.remove("ready", up);
    handlers.remove("reconnected", up);
    handlers.remove("disconnected", down);
  };
}

const MAX_TIMER_MS = 2 ** 31 - 1;

function typeName(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

class Task implements Schedule {
  readonly #owner: Schedules;
  readonly #ms: number;
  readonly #repeat: boolean;
  readonly #fn: ScheduledTask;
  /** Time left until the next run (while paused). */
  #left: number;
  /** When the next run is due (while the timer runs). */
  #due = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #stopped = false;

  constructor(owner: Schedules, ms: number, repeat: boolean, fn: ScheduledTask) {
    this.#owner = owner;
    this.#ms = this.#left = ms;
    this.#repeat = repeat;
    this.#fn = fn;
  }

  get active(): boolean {
    return !this.#stopped;
  }

  resume(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#due = Date.now() + this.#left;
    this.#timer = setTimeout(() => this.#tick(), this.#left);
  }

  pause(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#left = Math.max(0, this.#due - Date.now());
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#owner.remove(this);
  }

  [Symbol.dispose](): void {
    this.stop();
  }

  #tick(): void {
    this.#timer = undefined;
    if (this.#repeat) {
      const now = Date.now();
      this.#due += this.#ms;
      if (this.#due <= now) this.#due = now + this.#ms - ((now - this.#due) % this.#ms);
      this.#left = this.#due - now;
      this.#timer = setTimeout(() => this.#tick(), this.#left);
    } else {
      this.stop();
    }
    if (!this.#running) this.#run();
  }

  #run(): void {
    const host = this.#owner.host;
    this.#running = true;
    const done = () => void (this.#running = false);
    try {
      const result = this.#fn(host.context());
      if (result instanceof Promise) {
        result.catch((error) => host.handlers.report(error)).finally(done);
        return;
      }
    } catch (error) {
      host.handlers.report(error);
    }
    done();
  }
}

/** The schedules of one bot. */
export class Schedules {
  readonly host: ScheduleHost;
  readonly #tasks = new Set<Task>();
  #unwatch: (() => void) | undefined;

  constructor(host: ScheduleHost) {
    this.host = host;
    host.stopSignal.addEventListener("abort", () => {
      for (const task of [...this.#tasks]) task.stop();
    }, { once: true });
  }

  /** Runs `fn` every `ms` while connected. */
  every(ms: number, fn: ScheduledTask): Schedule {
    return this.#add("every", ms, fn, true);
  }

  /** Runs `fn` once, after `ms` of connected time. */
  after(ms: number, fn: ScheduledTask): Schedule {
    return this.#add("after", ms, fn, false);
  }

  /** A task stopped. */
  remove(task: Task): void {
    this.#tasks.delete(task);
    if (this.#tasks.size === 0) {
      this.#unwatch?.();
      this.#unwatch = undefined;
    }
  }

  #add(what: string, ms: number, fn: ScheduledTask, repeat: boolean): Schedule {
    if (typeof ms !== "number" || !(ms > 0) || ms > MAX_TIMER_MS) {
      throw new RangeError(
        `Cannot schedule ${what} ${
          String(ms)
        } ms: ms must be a number of milliseconds from 1 to ${MAX_TIMER_MS}`,
      );
    }
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot schedule ${what} ${ms} ms: expected a function, got ${typeName(fn)}`,
      );
    }
    const task = new Task(this, ms, repeat, fn);
    if (this.host.stopSignal.aborted) {
      task.stop();
      return task;
    }
    this.#tasks.add(task);
    this.#unwatch ??= watch(this.host.handlers, (connected) => {
      for (const t of this.#tasks) {
        if (connected) t.resume();
        else t.pause();
      }
    });
    if (this.host.connected()) task.resume();
    return task;
  }
}
