// The listener's inbound path alone (`clients/path.mjs`), in Deno or Node:
// parsed `chat update` events handed straight to socket.io-client's
// `emitEvent`, without the network and socket.io's parsing, for the Bot and
// for the raw client doing the same job. Separates the listeners' own cost
// from socket.io's and the runtime's, which the end-to-end figure includes.

import { Client, type Runtime } from "./_runtimes.ts";
import { alternate, type ServerProcess } from "./_util.ts";

/** Result of the inbound-path benchmark in one runtime. */
export interface InboundPathResult {
  runtime: string;
  /** µs per event of the Bot's path (validate, state, lines, dispatch, the job). */
  botUs: number;
  /** µs per event of the raw client's path (the job). */
  rawUs: number;
  events: number;
  runs: number;
}

let counter = 0;

async function once(
  server: ServerProcess,
  runtime: Runtime,
  kind: "bot" | "raw",
  events: number,
  runs: number,
): Promise<number> {
  const name = `ip${kind}${counter++}`;
  const client = new Client(runtime, "path.mjs", [
    kind,
    server.url,
    server.token,
    name,
    String(events),
    String(runs),
  ]);
  try {
    const { parseUs, totalUs } = await client.next<{ parseUs: number[]; totalUs: number[] }>();
    // The quickest run of each is the one least disturbed by the machine's other work.
    return Math.min(...totalUs) - Math.min(...parseUs);
  } finally {
    await client.close();
  }
}

/**
 * Measures the Bot's and the raw client's inbound path, twice each, alternating.
 *
 * @param server The server process.
 * @param runtime Deno or Node.
 * @param events Events per run.
 * @param runs Runs per process (the quickest counts).
 * @returns µs per event of each.
 */
export async function inboundPath(
  server: ServerProcess,
  runtime: Runtime,
  events: number,
  runs: number,
): Promise<InboundPathResult> {
  const { bot, raw } = await alternate(2, (kind) => once(server, runtime, kind, events, runs));
  return {
    runtime: runtime.name,
    botUs: Math.min(...bot),
    rawUs: Math.min(...raw),
    events,
    runs,
  };
}
