// Typed prompts: ctx.ask(question, { parse, retries }) against the local
// server, answered by a scripted person; each parse kind, re-asks with the
// reason, the typed result, and the `invalid` error after the retries.
import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { AskError } from "../../bot/mod.ts";
import { parserOf } from "../../bot/commands/prompt.ts";
import { quietLogger, scene, seen, until } from "./_helpers.ts";
import { enter } from "../_support.ts";

Deno.test("ctx.ask() with parse re-asks with the reason and resolves with a typed value", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const results: unknown[] = [];
  bot.command("form").handle(async (ctx) => {
    const age: number = await ctx.ask("Your age?", { parse: "integer" });
    const height: number = await ctx.ask("Your height in m?", { parse: "number" });
    const sure: boolean = await ctx.ask("Sure?", { parse: "yes/no" });
    const color: "Red" | "Green" = await ctx.ask("Color?", { parse: ["Red", "Green"] });
    const date: Date = await ctx.ask("A date (YYYY-MM-DD)?", {
      parse: (text) => {
        if (!/^\d{4}-\d\d-\d\d$/.test(text)) throw new Error("That is not YYYY-MM-DD.");
        return new Date(text);
      },
    });
    const plain: string = await ctx.ask("Anything else?");
    // @ts-expect-error an integer answer is a number, not a string
    const wrong: string = await ctx.ask("Again?", { parse: "integer", timeoutMs: 1 }).catch(
      () => "",
    );
    results.push(age, height, sure, color, date.toISOString().slice(0, 10), plain, wrong);
    await ctx.reply("done");
  });
  await enter(alice, "/form");
  await until(() => seen(alice, bot) === "Your age?", "the first question");
  await enter(alice, "twelve");
  await until(
    () => seen(alice, bot) === '"twelve" is not a whole number. Your age?',
    "the re-ask with the reason",
  );
  await enter(alice, "12");
  await until(() => seen(alice, bot) === "Your height in m?", "the number question");
  await enter(alice, "1,75");
  await until(() => seen(alice, bot) === "Sure?", "the yes/no question");
  await enter(alice, "maybe");
  await until(() => seen(alice, bot) === "Please answer yes or no. Sure?", "the yes/no re-ask");
  await enter(alice, "Y");
  await until(() => seen(alice, bot) === "Color?", "the choices");
  await enter(alice, "blue");
  await until(
    () => seen(alice, bot) === "Please answer one of: Red, Green. Color?",
    "the choices re-ask",
  );
  await enter(alice, "green");
  await until(() => seen(alice, bot) === "A date (YYYY-MM-DD)?", "the function parse");
  await enter(alice, "tomorrow");
  await until(
    () => seen(alice, bot) === "That is not YYYY-MM-DD. A date (YYYY-MM-DD)?",
    "the function's reason",
  );
  await enter(alice, "2026-12-07");
  await until(() => seen(alice, bot) === "Anything else?", "the plain question");
  await enter(alice, "no");
  await until(() => seen(alice, bot) === "done", "the end");
  assertEquals(results, [12, 1.75, true, "Green", "2026-12-07", "no", ""]);
});

Deno.test("ctx.ask() rejects with reason invalid after the retries; bad parse options are typed errors", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  const errors: unknown[] = [];
  bot.command("pick").handle(async (ctx) => {
    try {
      await ctx.ask("Pick 1 to 3", {
        retries: 1,
        parse: (text) => {
          const n = Number(text);
          if (![1, 2, 3].includes(n)) throw new Error(`${text} is not 1, 2 or 3.`);
          return n;
        },
      });
    } catch (error) {
      errors.push(error);
      await ctx.reply("giving up");
    }
  });
  await enter(alice, "/pick");
  await until(() => seen(alice, bot) === "Pick 1 to 3", "the question");
  await enter(alice, "7");
  await until(() => seen(alice, bot) === "7 is not 1, 2 or 3. Pick 1 to 3", "the one retry");
  await enter(alice, "8");
  await until(() => seen(alice, bot) === "giving up", "the end");
  assertInstanceOf(errors[0], AskError);
  assertEquals((errors[0] as AskError).reason, "invalid");
  assertEquals(
    (errors[0] as AskError).message,
    'Cannot get an answer from "Alice": 2 answers did not parse, the last: 8 is not 1, 2 or 3.',
  );
  const id = alice.userId!;
  await assertRejects(
    // @ts-expect-error not a parse kind
    () => bot.ask(id, "?", { parse: "date" }),
    TypeError,
    'parse must be "integer", "number", "yes/no", a list of choices or a function, got "date"',
  );
  await assertRejects(
    () => bot.ask(id, "?", { parse: [] }),
    TypeError,
    "parse choices must be a non-empty list",
  );
  await assertRejects(
    () => bot.ask(id, "?", { parse: "integer", retries: -1 }),
    RangeError,
    "retries must be an integer from 0 to 100, got -1",
  );
});

Deno.test("ctx.ask() with a slow parse: a person who left meanwhile is not asked again", async () => {
  await using s = await scene();
  const { bot, alice } = s;
  let release!: () => void;
  const gate = new Promise<void>((r) => release = r);
  let parsing = false;
  let reason: string | undefined;
  bot.command("slow").handle(async (ctx) => {
    try {
      await ctx.ask("A number?", {
        timeoutMs: 30_000,
        parse: async () => {
          parsing = true;
          await gate;
          throw new Error("Not a number.");
        },
      });
    } catch (error) {
      reason = (error as AskError).reason;
    }
  });
  await enter(alice, "/slow");
  await until(() => seen(alice, bot) === "A number?", "the question");
  await enter(alice, "nope");
  await until(() => parsing, "the answer being parsed");
  const id = alice.userId!;
  await alice.leaveRoom();
  await until(() => !bot.users.has(id), "the bot seeing Alice leave");
  release();
  await until(() => reason, "the question's end");
  assertEquals(reason, "left");
});

Deno.test("a question a handler leaves uncaught is logged as one warning when the person leaves", async () => {
  const logger = quietLogger();
  await using s = await scene({}, { logger });
  const { bot, alice } = s;
  bot.command("quiz").handle(async (ctx) => void await ctx.ask("Capital of France?"));
  await enter(alice, "/quiz");
  await until(() => seen(alice, bot) === "Capital of France?", "the question");
  await alice.leaveRoom();
  await until(() => logger.lines.some((l) => l.includes("threw")), "the log line");
  assertEquals(logger.lines.filter((l) => l.includes("threw")), [
    'warn Handler for "/quiz" threw: Cannot get an answer from "Alice": they left the room',
  ]);
});

Deno.test("parserOf() reads integers, numbers, yes/no and choices strictly", () => {
  const int = parserOf("integer")!;
  assertEquals(int("-3"), -3);
  for (const bad of ["1.5", "", "1e3", "99999999999999999999"]) {
    try {
      int(bad);
      throw new Error(`accepted ${bad}`);
    } catch (e) {
      assertEquals((e as Error).message, `${JSON.stringify(bad)} is not a whole number.`);
    }
  }
  const num = parserOf("number")!;
  assertEquals(num("2.5"), 2.5);
  assertEquals(num("1,5"), 1.5);
  for (const bad of ["", "abc", "Infinity"]) {
    let threw = false;
    try {
      num(bad);
    } catch {
      threw = true;
    }
    assertEquals(threw, true, bad);
  }
  const yn = parserOf("yes/no")!;
  assertEquals([yn("YES"), yn("n")], [true, false]);
  assertEquals(parserOf(["A", "b"])!("B"), "b");
  assertEquals(parserOf(undefined), undefined);
});
