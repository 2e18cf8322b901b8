// The event bus built alone with fake ports: a once-handler runs once, a
// handler that throws (or rejects) reaches catch() or else the logger, data
// given as a thunk is built only when someone listens, and a failure nobody
// awaited reaches the `error` event or else the logger (a stopped action
// after stop(): nowhere).
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import type { Answer } from "../../bot/commands/answers.ts";
import { type ContextOf, Handlers } from "../../bot/handlers.ts";
import { ActionError, HandlerError } from "../../bot/errors.ts";
import type { Bot } from "../../bot/bot.ts";
import type { BotEventName, EventHandler } from "../../bot/events.ts";
import type { BotLogger } from "../../bot/options.ts";
import type { Me } from "../../bot/model.ts";
import { settle } from "../_fake_clock.ts";

const ME: Me = Object.freeze({ id: "u1", name: "Alone", location: "test", isBot: true });

/** Handlers whose ports record what reaches them; `stopped` is what the bot's stop flag says. */
function handlersAlone(stopped = () => false) {
  const logged: string[] = [];
  const answers: string[] = [];
  const logger: BotLogger = {
    debug: (message) => void logged.push(`debug ${message}`),
    warn: (message) => void logged.push(`warn ${message}`),
    error: (message) => void logged.push(`error ${message}`),
  };
  // A context with no bot behind it: the bus must not reach for one.
  const context: ContextOf = <T extends object>(data: T) => ({
    ...data,
    get bot(): Bot {
      throw new Error("the event bus reached for the bot");
    },
    room: undefined,
    reply: (text: string) => (answers.push(text), Promise.resolve()),
  });
  const answer: Answer = (
    text,
    user,
  ) => (answers.push(`${user?.name}: ${text}`), Promise.resolve());
  const handlers = new Handlers(context, answer, logger, stopped);
  /** `bot.on()` / `bot.once()`: typed handlers. */
  const on = <E extends BotEventName>(name: E, fn: EventHandler<E>, once = false) =>
    handlers.add(name, fn, once);
  return { handlers, on, logged, answers };
}

Deno.test("Handlers alone: a once-handler runs once, the others every time", () => {
  const { handlers, on } = handlersAlone();
  const ran: string[] = [];
  on("ready", () => void ran.push("once"), true);
  on("ready", () => void ran.push("always"), false);
  handlers.emit("ready", { me: ME });
  handlers.emit("ready", { me: ME });
  assertEquals(ran, ["once", "always", "always"]);
  // A lone once-handler too (the bus has a path of its own for one handler).
  on("roomCreated", () => void ran.push("lone"), true);
  handlers.emit("roomCreated", { roomId: "123456" });
  handlers.emit("roomCreated", { roomId: "123456" });
  assertEquals(ran.slice(3), ["lone"]);
  assertEquals(handlers.has("roomCreated"), false, "no listener is left");
});

Deno.test("Handlers alone: a handler that throws or rejects reaches catch(), else the logger", async () => {
  const { handlers, on, logged } = handlersAlone();
  on("roomCreated", () => {
    throw new Error("sync boom");
  }, false);
  handlers.emit("roomCreated", { roomId: "111111" });
  assertEquals(logged, ['error Handler for "roomCreated" threw: sync boom']);

  const caught: HandlerError[] = [];
  handlers.setCatch((error) => void caught.push(error));
  on("roomCreated", () => Promise.reject(new Error("async boom")), false);
  handlers.emit("roomCreated", { roomId: "222222" });
  await settle();
  assertEquals(caught.map((e) => [e.event, (e.error as Error).message]), [
    ["roomCreated", "sync boom"],
    ["roomCreated", "async boom"],
  ]);
  assertInstanceOf(caught[1], HandlerError);
  assertEquals((caught[1].context as { roomId: string }).roomId, "222222");
  assertEquals(logged.length, 1, "with a catch() set, nothing more is logged");
});

Deno.test("Handlers alone: data given as a thunk is built only when someone listens, once", () => {
  const { handlers, on } = handlersAlone();
  let built = 0;
  const data = () => (built++, { roomId: "123456" });
  handlers.emit("roomCreated", data);
  assertEquals(built, 0, "nobody listens: nothing built");
  const seen: string[] = [];
  on("roomCreated", (ctx) => void seen.push(`a ${ctx.roomId}`), false);
  on("roomCreated", (ctx) => void seen.push(`b ${ctx.roomId}`), false);
  handlers.emit("roomCreated", data);
  assertEquals(built, 1, "built once for both handlers");
  assertEquals(seen, ["a 123456", "b 123456"]);
});

Deno.test("Handlers alone: a failure nobody awaited reaches the error event, else the logger; a stopped action after stop() nowhere", () => {
  let stopped = false;
  const { handlers, on, logged } = handlersAlone(() => stopped);
  handlers.report(new Error("lost"));
  assertEquals(logged, ["warn lost"]);
  const errors: string[] = [];
  on("error", (ctx) => void errors.push(ctx.error.message), false);
  handlers.report("a string");
  assertEquals(errors, ["a string"]);
  const stoppedError = new ActionError("send", "Cannot send: the bot was stopped", {
    code: "STOPPED",
    reason: "stopped",
  });
  handlers.report(stoppedError);
  assertEquals(errors.length, 2, "before stop() it is a failure like any other");
  stopped = true;
  handlers.report(stoppedError);
  handlers.failed("message", stoppedError, {});
  assertEquals(errors.length, 2);
  assertEquals(logged, ["warn lost"]);
  assert(errors[1].includes("the bot was stopped"));
});
