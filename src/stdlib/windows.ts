/**
 * Sliding windows of event times. A window holds the instants (ms) of counted events in order;
 * `count within D` at `now` counts instants with t > now - D (the boundary instant is outside).
 */

export function pruneWindow(times: number[], now: number, withinMs: number): void {
  const cutoff = now - withinMs;
  let drop = 0;
  while (drop < times.length && times[drop]! <= cutoff) drop++;
  // copyWithin + length instead of splice: splice allocates an array of the removed entries.
  if (drop > 0) {
    times.copyWithin(0, drop);
    times.length -= drop;
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
  if (drop > 0) {
    at.copyWithin(0, drop);
    at.length -= drop;
    val.copyWithin(0, drop);
    val.length -= drop;
  }
}

/** The index of the first instant after `now - withinMs` (times in order). */
export function firstWithin(times: readonly number[], now: number, withinMs: number): number {
  const cutoff = now - withinMs;
  let i = times.length;
  while (i > 0 && times[i - 1]! > cutoff) i--;
  return i;
}
