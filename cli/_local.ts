// The local server for `talkomatic dev` and `talkomatic server`: ./testing,
// loaded only when needed (socket.io is an optional peer dependency on npm).
import process from "node:process";
import { CliFailure } from "./_common.ts";

/** The ./testing module. */
export type Testing = typeof import("../testing/mod.ts");

/** Loads ./testing; a missing socket.io is a {@linkcode CliFailure} naming the install command. */
export async function loadTesting(): Promise<Testing> {
  try {
    return await import("../testing/mod.ts");
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    if (/socket\.io/.test(text)) {
      throw new CliFailure(
        text.startsWith("The local Talkomatic server needs")
          ? text
          : `The local Talkomatic server needs the "socket.io" package: run "npm install socket.io" (${
            text.split("\n")[0]
          })`,
      );
    }
    throw error;
  }
}

/** Whether `error` says the port is taken. */
export function addressInUse(error: unknown): boolean {
  return (error as { code?: string })?.code === "EADDRINUSE" ||
    (error as Error)?.name === "AddrInUse";
}

/** Resolves on the first Ctrl+C or SIGTERM (then removes its listeners). */
export function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const signals = process.platform === "win32"
      ? ["SIGINT", "SIGBREAK"] as const
      : ["SIGINT", "SIGTERM"] as const;
    const on = (signal: string) => {
      for (const s of signals) process.off(s, on);
      resolve(signal);
    };
    for (const s of signals) process.on(s, on);
  });
}
