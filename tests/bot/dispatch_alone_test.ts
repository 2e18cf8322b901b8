// The dispatch built alone with fake ports: a finished line with the prefix
// runs its command (args parsed, answers to the answer port), plain text runs
// none and becomes a `line` event, an unknown command is suggested (or only
// reported, with "ignore"), a failing command answers "Sorry" and reaches the
// failure port, and a waiting question takes the person's next line.
import { assert, assertEquals } from "@std/assert";
import { Dispatch, type DispatchHost } from "../../bot/commands/dispatch.ts";
import type { ContextOf } from "../../bot/handlers.ts";
import type { Bot } from "../../bot/bot.ts";
import type { BotEventName } from "../../bot/events.ts";
import { type BotOptions, resolveOptions } from "../../bot/options.ts";
import type { User } from "../../bot/model.ts";
import { FakeClock, settle } from "../_fake_clock.ts";

const ALICE: User = Object.freeze({ id: "u2", name: "Alice", location: "Here", isDev: false });

/** A Dispatch whose ports record what reaches them; `listening`: events with a listener. */
function dispatchAlone(options: Partial<BotOptions> = {}, listening: BotEventName[] = []) {
  const clock = new FakeClock();
  const emitted: { name: BotEventName; data: unknown }[] = [];
  const answered: string[] = [];
  const failed: { event: string; error: unknown }[] = [];
  const reported: unknown[] = [];
  const stop = new AbortController();
  const context: ContextOf = <T extends object>(data: T) => ({
    ...data,
    get bot(): Bot {
      throw new Error("the dispatch reached for the bot");
    },
    room: undefined,
    reply: (text: string) => (answered.push(`(bot) ${text}`), Promise.resolve()),
  });
  const host: DispatchHost = {
    options: resolveOptions({ username: "Alone", clock, ...options }),
    handlers: {
      emit: (name, data) => void emitted.push({ name, data }),
      has: (name) => listening.includes(name),
      failed: (event, error) => void failed.push({ event, error }),
      report: (error) => void reported.push(error),
    },
    roomUser: (id) => id === ALICE.id ? ALICE : undefined,
    context,
    answer: (text, user) => (answered.push(`${user?.name}: ${text}`), Promise.resolve()),
    questionHook: () => undefined,
    stopSignal: stop.signal,
  };
  const dispatch = new Dispatch(host);
  const lines = dispatch.lineOptions();
  /** What the line watcher does with a finished line of Alice's. */
  const finish = (line: string) => {
    if (lines.isCommand(line, ALICE.id)) lines.onLine(ALICE.id, line);
  };
  /** An event's data, built the way the bus builds a thunk. */
  const dataOf = (e: { data: unknown }) => typeof e.data === "function" ? e.data() : e.data;
  return { dispatch, lines, finish, emitted, dataOf, answered, failed, reported, clock, stop };
}

Deno.test("Dispatch alone: a line with the prefix runs its command; plain text runs none", async () => {
  const { dispatch, lines, finish, answered, emitted } = dispatchAlone();
  const ran: string[] = [];
  dispatch.root.command("echo").param("text").handle(async (ctx, args) => {
    ran.push(`${ctx.user.name} ${args.text}`);
    await ctx.reply(`echo: ${args.text}`);
  });
  assertEquals(lines.isCommand("/echo hi", ALICE.id), true);
  assertEquals(lines.isCommand("echo hi", ALICE.id), false, "no line handler wants plain text");
  finish("/echo hi");
  await settle();
  assertEquals(ran, ["Alice hi"]);
  assertEquals(answered, ["Alice: echo: hi"]);
  lines.onLine(ALICE.id, "echo plain"); // the watcher reports it anyway: still no command
  await settle();
  assertEquals(ran.length, 1);
  assertEquals(emitted.map((e) => e.name), ["line"]);
  lines.onLine("u9", "/echo stranger"); // someone not in the room: nothing
  await settle();
  assertEquals(ran.length, 1);
});

Deno.test("Dispatch alone: an unknown command is suggested with suggest, only reported with ignore", async () => {
  const suggesting = dispatchAlone({ unknownCommands: "suggest" });
  suggesting.dispatch.root.command("vote").handle(() => {});
  assertEquals(suggesting.lines.isCommand("/vot", ALICE.id), true);
  suggesting.finish("/vot now");
  await settle();
  assertEquals(suggesting.answered, ["Alice: Unknown command /vot. Did you mean /vote?"]);
  assertEquals(suggesting.emitted.map((e) => e.name), ["unknownCommand"]);
  assertEquals(suggesting.dataOf(suggesting.emitted[0]), {
    user: ALICE,
    name: "vot",
    suggestion: "vote",
    line: "/vot now",
  });

  const ignoring = dispatchAlone({ unknownCommands: "ignore" }, ["unknownCommand"]);
  ignoring.dispatch.root.command("vote").handle(() => {});
  ignoring.finish("/vot now");
  await settle();
  assertEquals(ignoring.answered, [], "no answer: other bots in the room share the prefix");
  assertEquals(ignoring.emitted.map((e) => e.name), ["unknownCommand"]);
  const quiet = dispatchAlone({ unknownCommands: "ignore" }); // and nobody listens
  assertEquals(quiet.lines.isCommand("/vot now", ALICE.id), false);
});

Deno.test("Dispatch alone: a command that fails answers Sorry and reaches the failure port", async () => {
  const { dispatch, finish, answered, failed, reported } = dispatchAlone();
  dispatch.root.command("boom").handle(() => {
    throw new Error("kaput");
  });
  finish("/boom");
  await settle();
  assertEquals(answered, ["Alice: Sorry, /boom failed."]);
  assertEquals(failed.length, 1);
  assertEquals(failed[0].event, "/boom");
  assert(failed[0].error instanceof Error && failed[0].error.message === "kaput");
  assertEquals(reported, []);
});

Deno.test("Dispatch alone: a waiting question takes the person's next line instead of a command", async () => {
  const { dispatch, finish, answered, clock, stop } = dispatchAlone();
  const ran: string[] = [];
  dispatch.root.command("echo").param("text").handle((_ctx, args) => void ran.push(args.text));
  const answer = dispatch.ask(ALICE, "Your name?", { timeoutMs: 60_000 }, undefined);
  await settle();
  assertEquals(answered, ["Alice: Your name?"], "without a question hook: shown as an answer");
  finish("/echo Bob");
  assertEquals(await answer, "/echo Bob");
  assertEquals(ran, [], "the answer did not run as a command");
  finish("/echo again"); // the question is over: commands run again
  await settle();
  assertEquals(ran, ["again"]);
  stop.abort();
  assertEquals(clock.pending, 0, "the question's timer is gone");
});
