/**
 * The closest command name to a typo (`hepl` → `help`), for the
 * `unknownCommand` event and the `unknownCommands: "suggest"` answer.
 *
 * @module
 */

/** The optimal string alignment distance: edits, with a swap of neighbours counting one. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, rows[i - 2][j - 2] + 1);
      }
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}

/**
 * The name of `names` closest to `typed` (case-insensitive), when it is close
 * enough to be a typo: at most 1 edit for names up to 4 letters, 2 beyond.
 * Ties go to the first name.
 */
export function closestName(typed: string, names: Iterable<string>): string | undefined {
  const t = typed.toLowerCase();
  if (t === "") return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const n = name.toLowerCase();
    const limit = Math.max(n.length, t.length) <= 4 ? 1 : 2;
    // The lengths alone tell when a name is too far: a person's 5000-letter `/aaaa…` costs no
    // distance table.
    if (Math.abs(n.length - t.length) > limit) continue;
    const d = editDistance(t, n);
    if (d <= limit && d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}
