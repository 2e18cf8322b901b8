// The listener's inbound path alone (`clients/path.mjs`), in Deno or Node:
// parsed `chat update` events handed straight to socket.io-client's
// `emitEvent`, without the network and socket.io's parsing, for the Bot and
// for the raw client doing the same job. Separates the listeners' own cost
// from socket.io's and the runtime's, which the end-to-end figure includes.
// Measured twice: with warm caches (events back to back), and with cold ones
// (4 MiB of other memory written between two events, as a real run's socket
// work and the machine's other processes do).

import { Client, type Runtime } from "./_runtimes.ts";
import { alternate, type ServerProcess } from "./_util.ts";

/** Result of the inbound-path benchmark in one runtime. */
export interface InboundPathResult {
  runtime: string;
  /** µs per event of the Bot's path (validate, state, lines, dispatch, the job). */
  botUs: number;
  /** µs per event of the raw client's path (the job). */
  rawUs: number;
  /** The same with cold caches. */
  botColdUs: number;
  rawColdUs: number;
  /** KiB written between two events for the cold figures. */
  coldKiB: number;
  events: number;
  runs: number;
}

let counter = 0;
const COLD_KIB = 4096;

async function once(
  server: ServerProcess,
  runtime: Runtime,
  kind: "bot" | "raw",
  events: number,
  runs: number,
  coldKiB = 0,
): Promise<number> {
  const name = `ip${kind}${counter++}`;
  const client = new Client(runtime, "path.mjs", [
    kind,
    server.url,
    server.token,
    name,
    String(events),
    String(runs),
    String(coldKiB),
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
  const warm = await alternate(2, (kind) => once(server, runtime, kind, events, runs));
  const cold = await alternate(2, (kind) => once(server, runtime, kind, 3000, 5, COLD_KIB));
  return {
    runtime: runtime.name,
    botUs: Math.min(...warm.bot),
    rawUs: Math.min(...warm.raw),
    botColdUs: Math.min(...cold.bot),
    rawColdUs: Math.min(...cold.raw),
    coldKiB: COLD_KIB,
    events,
    runs,
  };
}
