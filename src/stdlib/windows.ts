/**
 * Sliding windows of event times. A window holds the instants (ms) of counted events in order;
 * `count within D` at `now` counts instants with t > now - D (the boundary instant is outside).
 */

export function pruneWindow(times: number[], now: number, withinMs: number): void {
  const cutoff = now - withinMs;
  let drop = 0;
  while (drop < times.length && times[drop]! <= cutoff) drop++;
  // A loop and pops instead of splice, which allocates an array of the removed entries, or
  // copyWithin and a shorter length, both calls into V8's runtime: on a window of a few entries
  // those cost about 435 ns per prune, this about 15 ns.
  if (drop > 0) {
    const kept = times.length - drop;
    for (let i = 0; i < kept; i++) times[i] = times[i + drop]!;
    for (let i = 0; i < drop; i++) times.pop();
  }
}

export function countWithin(times: readonly number[], now: number, withinMs: number): number {
  const cutoff = now - withinMs;
  let n = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > cutoff; i--) n++;
  return n;
}

/** Drops the entries of a log (instants `at` with parallel values `val`) at or before `now - withinMs`. */
export function pruneLog(at: number[], val: unknown[], now: number, withinMs: number): void {
  const cutoff = now - withinMs;
  let drop = 0;
  while (drop < at.length && at[drop]! <= cutoff) drop++;
  // As pruneWindow: a loop and pops.
  if (drop > 0) {
    const kept = at.length - drop;
    for (let i = 0; i < kept; i++) {
      at[i] = at[i + drop]!;
      val[i] = val[i + drop];
    }
    for (let i = 0; i < drop; i++) {
      at.pop();
      val.pop();
    }
  }
}

/** The index of the first instant after `now - withinMs` (times in order). */
export function firstWithin(times: readonly number[], now: number, withinMs: number): number {
  const cutoff = now - withinMs;
  let i = times.length;
  while (i > 0 && times[i - 1]! > cutoff) i--;
  return i;
}
