// The cost of reading the clock, shared by the timing clients.

/** The cost of one pair of `performance.now()` readings, in ms (median of 51 rounds of 1000). */
export function clockCostMs() {
  const samples = [];
  for (let r = 0; r < 51; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) {
      const t = performance.now();
      void (performance.now() - t);
    }
    samples.push((performance.now() - t0) / 1000);
  }
  samples.sort((a, b) => a - b);
  return samples[25];
}
