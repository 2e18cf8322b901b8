// The plugin hooks built alone: the newest answer hook wins and removing it
// brings back the one before; stopping hooks are all awaited, cut at the grace
// on a fake clock, and a failing one is reported. No bot, no server.
import { assertEquals, assertThrows } from "@std/assert";
import { Hooks, STOP_GRACE_MS } from "../../bot/hooks.ts";
import { FakeClock } from "../_fake_clock.ts";

Deno.test("Hooks alone: the newest answer hook wins; removing it brings back the one before", () => {
  const hooks = new Hooks();
  assertEquals(hooks.newest("answer"), undefined);
  const first = () => "first";
  const second = () => "second";
  hooks.install({ answer: first });
  const removeSecond = hooks.install({ answer: second });
  hooks.install({ stopping: () => {} }); // newer, but without an answer hook
  assertEquals(hooks.newest("answer"), second);
  assertEquals(hooks.newest("question"), undefined);
  removeSecond();
  assertEquals(hooks.newest("answer"), first);
  removeSecond(); // twice: nothing more is removed
  assertEquals(hooks.newest("answer"), first);
});

Deno.test("Hooks alone: stopping() awaits every hook, and no more than the grace on the clock", async () => {
  const clock = new FakeClock();
  const hooks = new Hooks();
  let finishQuick!: () => void;
  hooks.install({ stopping: () => new Promise<void>((r) => finishQuick = r) });
  hooks.install({ stopping: () => new Promise<void>(() => {}) }); // never ends
  let done = false;
  const stopping = hooks.stopping(STOP_GRACE_MS, clock, (error) => {
    throw error;
  }).then(() => done = true);
  finishQuick();
  await clock.advance(STOP_GRACE_MS - 1);
  assertEquals(done, false, "one hook still runs: the grace is not over");
  await clock.advance(1);
  await stopping;
  assertEquals(done, true);
  assertEquals(clock.pending, 0, "the grace timer is gone");
});

Deno.test("Hooks alone: stopping() ends as soon as every hook ended, and reports the one that failed", async () => {
  const clock = new FakeClock();
  const hooks = new Hooks();
  const reported: string[] = [];
  const ran: string[] = [];
  hooks.install({ stopping: () => void ran.push("sync") });
  hooks.install({
    stopping: () => {
      throw new Error("threw");
    },
  });
  hooks.install({ stopping: () => Promise.reject(new Error("rejected")) });
  const removed = hooks.install({ stopping: () => new Promise<void>(() => {}) });
  removed(); // a removed hook is not waited for
  await hooks.stopping(STOP_GRACE_MS, clock, (error) => void reported.push(String(error)));
  assertEquals(ran, ["sync"]);
  assertEquals(reported, ["Error: threw", "Error: rejected"]);
  assertEquals(clock.pending, 0);
});

Deno.test("Hooks alone: install() rejects what is not a hook, naming the permitted ones", () => {
  const hooks = new Hooks();
  assertThrows(
    () => hooks.install({ answr: () => {} } as never),
    TypeError,
    'Cannot install hook "answr": permitted hooks are "answer", "question", "stopping"',
  );
  assertThrows(
    () => hooks.install({ answer: "text" } as never),
    TypeError,
    'Cannot install hook "answer": expected a function, got string',
  );
  assertEquals(hooks.newest("answer"), undefined, "nothing was installed");
});
