// 2. Reaction latency: a TestUser has typed "/ping <n>"; it presses Enter
// (an `add` diff of "\n") and waits for the bot's reply "pong <n>". Both the
// user's diff and the reply pass the server's 20 ms chat batch, so the floor
// is about 40 ms. Rounds are spaced 200 ms apart, wider than the Bot's
// default send interval (150 ms), so pacing never delays a reply.

import { TestUser } from "../testing/mod.ts";
import { benchBot, RawClient } from "./_clients.ts";
import { alternate, median, percentile, type ServerProcess, sleep } from "./_util.ts";

/** One latency run. */
export interface LatencyRun {
  samples: number[];
  p50: number;
  p99: number;
}

let counter = 0;

async function run(
  server: ServerProcess,
  kind: "bot" | "raw",
  rounds: number,
): Promise<LatencyRun> {
  const id = counter++;
  const user = await TestUser.connect(server.url, {
    token: server.token,
    username: `pinger${id}`,
    location: "bench",
    timeoutMs: 5000,
  });
  const roomId = await user.createRoom({ name: `lat${kind}${id}` });
  await user.joinRoom(roomId);
  let botId: string;
  let stop: () => Promise<void> | void;
  if (kind === "bot") {
    const bot = benchBot(server.url, server.token, { username: `latbot${id}` });
    bot.command("ping").param("n").handle((ctx, args) => ctx.reply(`pong ${args.n}`));
    botId = (await bot.start()).id;
    await bot.joinRoom(roomId);
    stop = () => bot.stop();
  } else {
    const raw = await RawClient.connect(server.url, server.token, `latraw${id}`);
    // The hand-written bot: a command line ending in "\n" gets a full-replace reply.
    raw.socket.on("chat update", (p: { userId: string; diff: { text: string } }) => {
      const text = p.diff.text;
      if (!text.endsWith("\n")) return;
      const lines = text.split("\n");
      const line = lines[lines.length - 2].trim();
      if (!line.startsWith("/ping ")) return;
      raw.socket.emit("chat update", {
        diff: { type: "full-replace", text: `pong ${line.slice(6).trim()}` },
      });
    });
    await raw.joinRoom(roomId);
    botId = raw.userId;
    stop = () => raw.close();
  }
  await sleep(100);
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    const line = `/ping ${i}`;
    user.emit("chat update", { diff: { type: "full-replace", text: line } });
    await sleep(50);
    const reply = user.waitFor<{ userId: string; diff: { text: string } }>(
      "chat update",
      (p) => p.userId === botId && p.diff.text === `pong ${i}`,
    );
    const t0 = performance.now();
    user.emit("chat update", { diff: { type: "add", index: line.length, text: "\n" } });
    await reply;
    samples.push(performance.now() - t0);
    await sleep(Math.max(0, 200 - (performance.now() - started)));
  }
  await stop();
  await user.close();
  return { samples, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Results of the latency benchmark. */
export interface LatencyResult {
  rounds: number;
  runs: number;
  bot: LatencyRun[];
  raw: LatencyRun[];
  botP50: number;
  botP99: number;
  rawP50: number;
  rawP99: number;
  /** 1.2 × raw p50 + 20 ms. */
  targetP50: number;
}

/**
 * Runs bot and raw alternately, alternating which goes first.
 *
 * @param server The server process (production 20 ms batch).
 * @param options Rounds per run and runs.
 * @returns Every run; p50 is the median of the runs' p50, p99 is over all samples.
 */
export async function latency(
  server: ServerProcess,
  options: { rounds: number; runs: number },
): Promise<LatencyResult> {
  await run(server, "bot", 5); // warm-up
  await run(server, "raw", 5);
  const { bot, raw } = await alternate(options.runs, (kind) => run(server, kind, options.rounds));
  const rawP50 = median(raw.map((r) => r.p50));
  return {
    ...options,
    bot,
    raw,
    botP50: median(bot.map((r) => r.p50)),
    botP99: percentile(bot.flatMap((r) => r.samples), 99),
    rawP50,
    rawP99: percentile(raw.flatMap((r) => r.samples), 99),
    targetP50: 1.2 * rawP50 + 20,
  };
}
