// The socket.io-client `Socket` class whose `emitEvent` a listener wraps: in
// Node, the Bot runs on the copy that the talkomatic package bundles (its
// `socket.io-client.js`, outside the export map) and the raw client on the npm
// package; in Deno both run on the npm package.
import process from "node:process";

/**
 * @param {string} kind "bot" or "raw".
 * @returns {Promise<any>} The `Socket` class.
 */
export async function socketClass(kind) {
  if (kind === "bot" && !("Deno" in globalThis)) {
    const root = new URL(".", import.meta.resolve(process.env.BENCH_SDK ?? "talkomatic"));
    return (await import(new URL("socket.io-client.js", root).href)).Socket;
  }
  return (await import("socket.io-client")).Socket;
}
