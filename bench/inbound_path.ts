// The Bot's inbound path alone, without sockets: one `chat update` through
// validation, the state reducer and dispatch to a `message` handler, in this
// process. Separates the framework's own cost from socket.io's, which the
// end-to-end throughput figure includes for both listeners.

import { MemoryTokenStore } from "../api/mod.ts";
import { Bot } from "../bot/mod.ts";
import { median } from "./_util.ts";

/** Result of the inbound-path benchmark. */
export interface InboundPathResult {
  /** Microseconds per `chat update`, median of the runs. */
  microsPerEvent: number;
  events: number;
  runs: number;
}

/**
 * Measures the Bot's inbound path.
 *
 * @param events Events per run.
 * @param runs Runs (median reported).
 * @returns Microseconds per event.
 */
export function inboundPath(events: number, runs: number): InboundPathResult {
  const me = "m".repeat(32);
  const others = ["a", "b", "c", "d"].map((c) => c.repeat(32));
  const bot = new Bot({
    username: "Path",
    location: "Bench",
    server: "http://127.0.0.1:1",
    token: "tk_unused",
    tokenStore: new MemoryTokenStore(),
    help: false,
  });
  const seen = new Map<string, number>();
  bot.on("message", (ctx) => void seen.set(ctx.user.id, ctx.text.length));
  // The wire entry point (what the socket calls for every event).
  const wire = bot as unknown as { _onWire(event: string, args: unknown[]): void };
  const users = [me, ...others].map((id, i) => ({ id, username: `U${i}`, location: "X" }));
  wire._onWire("signin status", [{
    isSignedIn: true,
    username: "Path",
    location: "Bench",
    userId: me,
    isIPBased: false,
    isBot: true,
    isDev: false,
  }]);
  wire._onWire("room joined", [{
    roomId: "123456",
    userId: me,
    username: "Path",
    location: "Bench",
    isDev: false,
    isHidden: false,
    isVanished: false,
    roomName: "Bench",
    roomType: "public",
    users,
    layout: "vertical",
    votes: {},
    currentMessages: Object.fromEntries(users.map((u) => [u.id, ""])),
  }]);
  // Fresh objects per event, as JSON parsing gives them.
  const frames = Array.from({ length: 1000 }, (_, i) =>
    JSON.stringify({
      userId: others[i % 4],
      username: `U${(i % 4) + 1}`,
      diff: { type: "full-replace", text: `hello world, message ${i}` },
    }));
  const parseCost: number[] = [];
  const total: number[] = [];
  for (let r = 0; r < runs + 1; r++) {
    let t0 = performance.now();
    for (let i = 0; i < events; i++) JSON.parse(frames[i % 1000]);
    const parsing = performance.now() - t0;
    t0 = performance.now();
    for (let i = 0; i < events; i++) wire._onWire("chat update", [JSON.parse(frames[i % 1000])]);
    const both = performance.now() - t0;
    if (r > 0) { // the first run warms up the JIT
      parseCost.push(parsing);
      total.push(both);
    }
  }
  const micros = ((median(total) - median(parseCost)) * 1000) / events;
  return { microsPerEvent: micros, events, runs };
}
