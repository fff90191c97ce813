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
