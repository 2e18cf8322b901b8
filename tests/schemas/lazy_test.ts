// valibot is loaded only when a payload fails: the bot's way in and the REST
// client validate through the generated guards (schemas/lazy.ts), and their
// static import graphs do not reach valibot or validators.gen.ts.
import { assert, assertEquals, assertRejects } from "@std/assert";
import { loadOnce } from "../../schemas/lazy.ts";

interface InfoModule {
  specifier: string;
  dependencies?: { code?: { specifier: string }; isDynamic?: boolean }[];
}

/** Every module `entry` loads before it runs (static imports only). */
async function staticGraph(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", new URL(entry, import.meta.url).href],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  const { modules, roots } = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    modules: InfoModule[];
    roots: string[];
  };
  const edges = new Map(modules.map((m) => [
    m.specifier,
    (m.dependencies ?? []).flatMap((d) => d.code && !d.isDynamic ? [d.code.specifier] : []),
  ]));
  const seen = new Set(roots);
  const queue = [...roots];
  while (queue.length > 0) {
    for (const next of edges.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) queue.push(next), seen.add(next);
    }
  }
  return [...seen];
}

for (const entry of ["../../bot/mod.ts", "../../api/mod.ts", "../../mod.ts"]) {
  Deno.test(`${entry.slice(6)} loads neither valibot nor validators.gen.ts before it runs`, async () => {
    const graph = await staticGraph(entry);
    assert(graph.some((s) => s.endsWith("/schemas/guards.gen.ts")), "the guards are loaded");
    assertEquals(graph.filter((s) => s.includes("valibot") || s.includes("validators.gen")), []);
  });
}

Deno.test("a lazy validator answers at once for a valid value and loads valibot for the first invalid one", async () => {
  // In a fresh process: nothing has loaded the validators yet.
  const code = `
    import { lazyValidators } from "./schemas/lazy.gen.ts";
    import { loadedValidators } from "./schemas/lazy.ts";
    const v = lazyValidators.ChatUpdate["~standard"];
    const payload = { userId: "u1", username: "Ann", diff: { type: "full-replace", text: "hi" } };
    const valid = v.validate(payload);
    const before = loadedValidators() === undefined;
    const first = v.validate({ userId: 42 });
    const firstIsPromise = first instanceof Promise;
    const issues = (await first).issues;
    const second = v.validate({ userId: 42 });
    console.log(JSON.stringify({
      same: !(valid instanceof Promise) && valid.value === payload,
      before,
      firstIsPromise,
      firstPath: issues?.[0]?.path?.map((p) => p.key).join("."),
      after: loadedValidators() !== undefined,
      secondIsPromise: second instanceof Promise,
      secondIssues: second.issues?.length > 0,
    }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(out.success, new TextDecoder().decode(out.stderr));
  assertEquals(JSON.parse(new TextDecoder().decode(out.stdout)), {
    same: true,
    before: true,
    firstIsPromise: true,
    firstPath: "userId",
    after: true,
    secondIsPromise: false,
    secondIssues: true,
  });
});

Deno.test("loadOnce shares one load, and tries again after a failed one", async () => {
  let calls = 0;
  const load = loadOnce(() => {
    calls++;
    return calls === 1 ? Promise.reject(new Error("broken install")) : Promise.resolve(calls);
  });
  await assertRejects(() => load(), Error, "broken install");
  assertEquals(await Promise.all([load(), load()]), [2, 2]);
  assertEquals(await load(), 2);
  assertEquals(calls, 2);
});
