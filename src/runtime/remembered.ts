import type { CommunityState } from './state.js';

/**
 * Remembered event ids and their horizon (docs/runtime.md, "Duplicates and the horizon").
 *
 * An id is remembered, so that an event carrying it again is a duplicate, while the latest `at` it
 * came with is within the horizon of the community's clock. An event older than that is refused as stale:
 * its id may already be forgotten, so processing it could process it twice. Ids are kept in a
 * `Map` from id to the event's `at`, in the order they were processed; forgetting walks from the
 * front, so memory stays proportional to the events of one horizon however long the stream is.
 */

/** The default horizon: 7 days of event time. */
export const DEFAULT_HORIZON_MS = 7 * 24 * 3_600_000;

export type Admission = 'new' | 'duplicate' | 'stale';

/**
 * Whether the event with this id and `at` is new (and now remembered), a duplicate, or stale.
 * `now` is the time the event will be processed at (the clock, or its `at` if later).
 */
export function admit(c: CommunityState, id: string, at: number, now: number, horizonMs: number): Admission {
  const cutoff = now - horizonMs;
  if (at < cutoff) return 'stale';
  const seenAt = c.processed.get(id);
  // An id whose event has left the horizon counts as forgotten even before forget() drops it,
  // so the answer does not depend on when memory was last trimmed (or on a restart).
  if (seenAt !== undefined && seenAt >= cutoff) {
    // A redelivery stamped later keeps the id a horizon from its own time too, so replaying the
    // stream again (while it is inside the horizon) is still all duplicates.
    if (at > seenAt) {
      c.processed.delete(id);
      c.processed.set(id, at);
    }
    return 'duplicate';
  }
  if (seenAt !== undefined) c.processed.delete(id);
  c.processed.set(id, at);
  return 'new';
}

/**
 * Drop remembered ids whose event is older than the horizon, from the oldest processed. An id
 * processed late (with an `at` older than ids before it) waits behind them: kept a little longer,
 * never forgotten early.
 */
export function forget(c: CommunityState, now: number, horizonMs: number): void {
  forgetBefore(c.processed, now - horizonMs);
}

/** Offsets beyond this rebase the map when its front is forgotten (a small integer is 2^31 - 1 at most). */
const SMALL = 2 ** 30;

/**
 * The runtime's map from remembered id to its event's `at`, storing each `at` as its distance
 * from a base instant (the first one stored, moved forward as the front is forgotten). A
 * millisecond distance within ±12 days is a small integer, which V8 keeps in the map's own
 * slot; a whole `at` would be a 16-byte heap number per id (docs/performance.md, "Memory and
 * simulate floor"). Reads give back the exact `at`: instants are whole milliseconds, and an
 * `at` that is not (which events never carry) switches the map to base 0, storing values as they are.
 */
export class RememberedIds extends Map<string, number> {
  private base = 0;
  /** Every value stored so far was a whole number, so any whole base is exact. */
  private whole = true;

  override get(id: string): number | undefined {
    const d = super.get(id);
    return d === undefined ? undefined : d + this.base;
  }

  override set(id: string, at: number): this {
    if (!Number.isInteger(at)) {
      if (this.whole) this.rebase(0);
      this.whole = false;
    } else if (this.whole && this.size === 0) this.base = at;
    return super.set(id, at - this.base);
  }

  override *values(): MapIterator<number> {
    for (const d of super.values()) yield d + this.base;
  }

  override *entries(): MapIterator<[string, number]> {
    for (const [id, d] of super.entries()) yield [id, d + this.base];
  }

  override [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  override forEach(fn: (at: number, id: string, map: Map<string, number>) => void, thisArg?: unknown): void {
    for (const [id, at] of this.entries()) fn.call(thisArg, at, id, this);
  }

  /** Drop ids dated before `cutoff`, from the front; then keep the front's distance small. */
  forgetBefore(cutoff: number): void {
    for (const [id, d] of super.entries()) {
      if (d + this.base >= cutoff) {
        if (this.whole && Math.abs(d) > SMALL) this.rebase(d + this.base);
        return;
      }
      super.delete(id);
    }
  }

  /** Store every value as its distance from `base` (once per ~12 days of event time, or once for a fraction). */
  private rebase(base: number): void {
    const shift = this.base - base;
    this.base = base;
    if (shift !== 0) for (const [id, d] of super.entries()) super.set(id, d + shift);
  }
}

/** Drop ids dated before `cutoff` from a map kept oldest first (the runtime's, a store's). */
export function forgetBefore(ids: Map<string, number>, cutoff: number): void {
  if (ids instanceof RememberedIds) {
    ids.forgetBefore(cutoff);
    return;
  }
  for (const [id, at] of ids) {
    if (at >= cutoff) return;
    ids.delete(id);
  }
}

/** The ids and their times as the snapshot's two parallel lists. */
export function rememberedToJSON(c: CommunityState): { processed: string[]; processedAt: number[] } {
  return { processed: [...c.processed.keys()], processedAt: [...c.processed.values()] };
}

/**
 * The map from a snapshot. A snapshot written before the horizon existed has no times: its ids
 * are remembered as of the community's clock, a full horizon from now, never less.
 */
export function rememberedFromJSON(processed: readonly string[], processedAt: readonly number[] | undefined, clock: number): Map<string, number> {
  const out = new RememberedIds();
  for (let i = 0; i < processed.length; i++) out.set(processed[i]!, processedAt?.[i] ?? clock);
  return out;
}
