// 4. Start-up: from spawning the hello-world bot to its "Hello, world!" seen
// by a TestUser in the only public room: `examples/hello_world.ts` in Deno,
// the same program against the npm package in Node (`clients/hello_world.mjs`),
// each against `clients/raw_hello.mjs` doing the same (session cookie,
// connect, sign in, join, say hello) with a bare socket.io-client.

import { TestUser } from "../testing/mod.ts";
import type { Runtime } from "./_runtimes.ts";
import { alternate, median, type ServerProcess, sleep } from "./_util.ts";

function script(runtime: Runtime, kind: "bot" | "raw"): string {
  if (kind === "raw") return "raw_hello.mjs";
  return runtime.name === "Deno"
    ? new URL("../examples/hello_world.ts", import.meta.url).pathname
    : "hello_world.mjs";
}

/** Results of the start-up benchmark. */
export interface StartupResult {
  runtime: string;
  runs: number;
  /** Wall time until the hello was seen, ms, per run. */
  bot: number[];
  raw: number[];
  botMs: number;
  rawMs: number;
  ratio: number;
  /** CPU time of the process until the hello was seen, ms, per run (steadier on a busy machine). */
  botCpu: number[];
  rawCpu: number[];
  botCpuMs: number;
  rawCpuMs: number;
  cpuRatio: number;
}

/** CPU time of every live thread of process `pid`, in ms (Linux; NaN elsewhere). */
function processCpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const task of Deno.readDirSync(`/proc/${pid}/task`)) {
      ns += Number(Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/schedstat`).split(" ")[0]);
    }
    return ns / 1e6;
  } catch {
    return NaN;
  }
}

async function once(
  server: ServerProcess,
  runtime: Runtime,
  user: TestUser,
  kind: "bot" | "raw",
): Promise<{ wall: number; cpu: number }> {
  const since = user.events.length;
  const { cmd, args } = runtime.command(script(runtime, kind), []);
  const t0 = performance.now();
  const child = new Deno.Command(cmd, {
    args,
    cwd: runtime.cwd,
    env: {
      ...runtime.env,
      TALKOMATIC_URL: server.url,
      TALKOMATIC_TOKEN: server.token,
      NO_COLOR: "1",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let joined: { id: string } | undefined;
  try {
    joined = await user.waitFor<{ id: string }>("user joined", () => true, {
      since,
      timeoutMs: 20_000,
    });
    await user.waitFor<{ userId: string; diff: { text: string } }>(
      "chat update",
      (p) => p.userId === joined!.id && p.diff.text === "Hello, world!",
      { since, timeoutMs: 20_000 },
    );
    return { wall: performance.now() - t0, cpu: processCpuMs(child.pid) };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    if (joined) {
      await user.waitFor("user left", (id) => id === joined!.id, { since, timeoutMs: 5000 })
        .catch(() => {});
    }
    await sleep(100);
  }
}

/**
 * Spawns each script `runs` times, alternating which goes first, after one warm-up each
 * (so the module cache is filled and not measured).
 *
 * @param server A fresh server process (no other public room).
 * @param runtime Deno or Node.
 * @param runs Runs of each script.
 * @returns Every run and the medians.
 */
export async function startup(
  server: ServerProcess,
  runtime: Runtime,
  runs: number,
): Promise<StartupResult> {
  const user = await TestUser.connect(server.url, {
    token: server.token,
    username: "Watcher",
    location: "bench",
  });
  await user.joinRoom(await user.createRoom({ name: "Start-up" }));
  let bot: { wall: number; cpu: number }[];
  let raw: { wall: number; cpu: number }[];
  try {
    await once(server, runtime, user, "bot");
    await once(server, runtime, user, "raw");
    ({ bot, raw } = await alternate(runs, (kind) => once(server, runtime, user, kind)));
  } finally {
    await user.close();
  }
  const botMs = median(bot.map((r) => r.wall));
  const rawMs = median(raw.map((r) => r.wall));
  const botCpuMs = median(bot.map((r) => r.cpu));
  const rawCpuMs = median(raw.map((r) => r.cpu));
  return {
    runtime: runtime.name,
    runs,
    bot: bot.map((r) => r.wall),
    raw: raw.map((r) => r.wall),
    botMs,
    rawMs,
    ratio: botMs / rawMs,
    botCpu: bot.map((r) => r.cpu),
    rawCpu: raw.map((r) => r.cpu),
    botCpuMs,
    rawCpuMs,
    cpuRatio: botCpuMs / rawCpuMs,
  };
}
