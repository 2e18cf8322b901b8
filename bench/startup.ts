// 4. Start-up: from spawning `deno run -A examples/hello_world.ts` to the
// bot's "Hello, world!" seen by a TestUser in the only public room, against
// `bench/raw_hello.ts` doing the same with a bare socket.io-client.

import { TestUser } from "../testing/mod.ts";
import { alternate, median, type ServerProcess, sleep } from "./_util.ts";

const SCRIPTS = {
  bot: new URL("../examples/hello_world.ts", import.meta.url).pathname,
  raw: new URL("./raw_hello.ts", import.meta.url).pathname,
};

/** Results of the start-up benchmark. */
export interface StartupResult {
  runs: number;
  bot: number[];
  raw: number[];
  botMs: number;
  rawMs: number;
  ratio: number;
}

async function once(
  server: ServerProcess,
  user: TestUser,
  kind: "bot" | "raw",
): Promise<number> {
  const since = user.events.length;
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SCRIPTS[kind]],
    env: { TALKOMATIC_URL: server.url, TALKOMATIC_TOKEN: server.token, NO_COLOR: "1" },
    stdout: "null",
    stderr: "null",
  }).spawn();
  let joined: { id: string } | undefined;
  try {
    joined = await user.waitFor<{ id: string }>("user joined", () => true, {
      since,
      timeout: 20_000,
    });
    await user.waitFor<{ userId: string; diff: { text: string } }>(
      "chat update",
      (p) => p.userId === joined!.id && p.diff.text === "Hello, world!",
      { since, timeout: 20_000 },
    );
    return performance.now() - t0;
  } finally {
    child.kill("SIGTERM");
    await child.status;
    if (joined) {
      await user.waitFor("user left", (id) => id === joined!.id, { since, timeout: 5000 })
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
 * @param runs Runs of each script.
 * @returns Every run and the medians.
 */
export async function startup(server: ServerProcess, runs: number): Promise<StartupResult> {
  const user = await TestUser.connect(server.url, {
    token: server.token,
    username: "Watcher",
    location: "bench",
  });
  await user.joinRoom(await user.createRoom({ name: "Start-up" }));
  let bot: number[];
  let raw: number[];
  try {
    await once(server, user, "bot");
    await once(server, user, "raw");
    ({ bot, raw } = await alternate(runs, (kind) => once(server, user, kind)));
  } finally {
    await user.close();
  }
  const botMs = median(bot);
  const rawMs = median(raw);
  return { runs, bot, raw, botMs, rawMs, ratio: botMs / rawMs };
}
