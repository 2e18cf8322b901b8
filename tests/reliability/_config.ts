// Short/long switch of the reliability suites and their summary lines.
//
// Every suite runs a short version by default (part of `deno task test`); with
// TALKOMATIC_FUZZ=long (`deno task fuzz`) it runs the long version and prints
// one summary line.

/** True when the long versions run (`TALKOMATIC_FUZZ=long`). */
export const LONG: boolean = Deno.env.get("TALKOMATIC_FUZZ") === "long";

/** Picks the short or the long value. */
export function pick<T>(short: T, long: T): T {
  return LONG ? long : short;
}

/** fast-check runs per property. */
export const RUNS: number = pick(200, 20_000);

/** Prints a suite's summary line (always in long mode, on request in short mode). */
export function summary(suite: string, figures: Record<string, string | number>): void {
  if (!LONG && Deno.env.get("TALKOMATIC_FUZZ_SUMMARY") !== "1") return;
  const parts = Object.entries(figures).map(([k, v]) => `${k}: ${v}`);
  console.log(`[reliability] ${suite} (${LONG ? "long" : "short"}): ${parts.join(", ")}`);
}

/**
 * Prints a suite's summary line when the test file finishes, from counters
 * the tests only increment: no test reads another test's counts, so every
 * test also passes alone (`--filter`).
 */
export function summaryAtEnd(suite: string, figures: () => Record<string, string | number>): void {
  globalThis.addEventListener("unload", () => summary(suite, figures()));
}
