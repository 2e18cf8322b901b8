// The two kinds of client the in-process benchmark (latency) compares: the
// Bot, and the hand-written raw socket.io-client of `clients/raw.mjs`.

import { MemoryTokenStore } from "../api/mod.ts";
import { Bot, type BotOptions } from "../bot/mod.ts";
import { quietLogger } from "./_util.ts";

export { RawClient } from "./clients/raw.mjs";

/** Options every benchmark Bot gets: the server, its token, no disk, no noise. */
export function benchBot(
  url: string,
  token: string,
  options: Partial<BotOptions> & { username: string },
  errors?: { count: number; last?: string },
): Bot {
  return new Bot({
    location: "bench",
    server: url,
    token,
    tokenStore: new MemoryTokenStore(),
    reconnect: false,
    help: false,
    logger: quietLogger(errors),
    ...options,
  });
}
