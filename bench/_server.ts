// The benchmark's server process: a TestServer with every rate limit relaxed,
// plus the scripted typists, kept out of the measuring process so that its
// CPU time and resident memory are the client's alone.
//
// Protocol: prints one JSON line `{ url, token }`, then answers JSON lines on
// stdin, one JSON line each on stdout:
//   { cmd: "stream", roomId, typists, durationMs }   -> { sent }
//   { cmd: "token" }                                  -> { token }
//   { cmd: "stats" }                                  -> { rooms, sockets }
// It exits when stdin closes.

import { TestServer, TestUser } from "../testing/mod.ts";

const server = await TestServer.start({
  relaxRateLimits: true,
  requireToken: false,
  wordFilter: false,
  timing: {
    startupPurgeDelayMs: false,
    // Each typist's diffs are broadcast about once per millisecond instead
    // of once per 20 ms, so the listener sees many events per second.
    batchIntervalMs: Number(Deno.env.get("BENCH_BATCH_MS") ?? "20"),
  },
  limits: { hardMaxRooms: 100_000, baseMaxRooms: 100_000, roomCapacity: 9 },
});
const token = server.issueToken();
console.log(JSON.stringify({ url: server.url, token }));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const WORDS = "the quick brown fox jumps over the lazy dog while typing on talkomatic ";

async function stream(roomId: string, typists: number, durationMs: number): Promise<number> {
  const users: TestUser[] = [];
  for (let i = 0; i < typists; i++) {
    const u = await TestUser.connect(server, { username: `typist${i}`, location: "bench" });
    await u.joinRoom(roomId);
    users.push(u);
  }
  let sent = 0;
  const end = Date.now() + durationMs;
  await Promise.all(users.map(async (u, k) => {
    let text = "";
    let i = k * 7;
    while (Date.now() < end) {
      // One letter per diff, a line of up to 80 letters, then a fresh line.
      if (text.length >= 80) {
        text = "";
        u.emit("chat update", { diff: { type: "full-replace", text } });
      } else {
        const ch = WORDS[i++ % WORDS.length];
        u.emit("chat update", { diff: { type: "add", index: text.length, text: ch } });
        text += ch;
      }
      sent++;
      await sleep(1);
    }
  }));
  await sleep(100);
  await Promise.all(users.map((u) => u.close()));
  return sent;
}

const decoder = new TextDecoder();
let buffer = "";
for await (const chunk of Deno.stdin.readable) {
  buffer += decoder.decode(chunk, { stream: true });
  let nl: number;
  while ((nl = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    if (line.trim() === "") continue;
    const msg = JSON.parse(line);
    let out: unknown;
    try {
      if (msg.cmd === "stream") {
        out = { sent: await stream(msg.roomId, msg.typists, msg.durationMs) };
      } else if (msg.cmd === "token") out = { token: server.issueToken() };
      else if (msg.cmd === "stats") {
        out = { rooms: server.rooms().length, sockets: server.sockets().length };
      } else out = { error: `unknown command ${msg.cmd}` };
    } catch (e) {
      out = { error: String(e) };
    }
    console.log(JSON.stringify(out));
  }
}
await server.close();
Deno.exit(0);
