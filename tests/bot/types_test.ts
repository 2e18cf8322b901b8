// Type-level tests: each @ts-expect-error line must fail to type-check
// (`deno check` fails when one of them compiles), the others must compile.
import { assertEquals } from "@std/assert";
import { Bot } from "../../bot/mod.ts";

Deno.test("Bot.on() and the command builder are typed from their tables", () => {
  const bot = new Bot({ username: "Types", server: "http://127.0.0.1:1", token: "tk_0" });
  bot.on("message", (ctx) => {
    const text: string = ctx.text;
    const previous: string = ctx.previous;
    const name: string = ctx.user.name;
    // @ts-expect-error a message has no voter
    void ctx.voter;
    return [text, previous, name];
  });
  bot.on("vote", (ctx) => {
    const added: boolean = ctx.added;
    const target: string = ctx.target.id;
    return [added, target];
  });
  bot.on("raw", (ctx) => {
    if (ctx.event === "user left") {
      const id: string = ctx.payload;
      return id;
    }
  });
  // @ts-expect-error unknown event name
  assertEqualsThrows(() => bot.on("mesage", () => {}));

  bot.command("t")
    .param("words", { rest: true })
    .param("times", { type: "integer", flag: true, default: 1 })
    .param("loud", { type: "boolean", flag: true })
    .param("ratio", { type: "number", flag: true, optional: true })
    .handle((ctx, args) => {
      const words: string[] = args.words;
      const times: number = args.times;
      const loud: boolean = args.loud;
      const ratio: number | undefined = args.ratio;
      // @ts-expect-error optional without default may be undefined
      const sure: number = args.ratio;
      // @ts-expect-error no such parameter
      void args.nope;
      const user: string = ctx.user.name;
      const same: string[] = ctx.args.words;
      return [words, times, loud, ratio, sure, user, same];
    });
  // @ts-expect-error default must match the type
  assertEqualsThrows(() => bot.command("u").param("n", { type: "integer", default: "one" }));
  // @ts-expect-error duplicate parameter name
  assertEqualsThrows(() => bot.command("v").param("a").param("a"));
});

function assertEqualsThrows(f: () => unknown): void {
  let threw = false;
  try {
    f();
  } catch (e) {
    threw = e instanceof TypeError;
  }
  assertEquals(threw, true);
}
