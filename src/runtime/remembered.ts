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

/**
 * The runtime's map from remembered id to its event's `at`, in processing order; it reads,
 * iterates and snapshots as a plain `Map` (docs/performance.md, "Memory and simulate floor").
 * Until an id is first forgotten, the map's values are each `at` as its distance from the first
 * one stored: a small integer kept in the map's own slot, where a whole `at` would be a 16-byte
 * heap number per id. From the first forgetting on, ids and times are a queue of two arrays
 * (the times unboxed), trimmed by moving its head, and the map only points each id to its place
 * in the queue: a `Map` walked and trimmed from its front keeps its deleted entries as holes
 * until it rehashes, so each trim skipped every hole before it, which made a stream longer than
 * the horizon spend most of its time there.
 */
export class RememberedIds extends Map<string, number> {
  /** Whether the values are places in the queue (else distances from `base`). */
  private queued = false;
  private base = 0;
  /** Ids in processing order; undefined where an id was deleted. */
  private ids: (string | undefined)[] = [];
  private ats: number[] = [];
  /** The first place of the queue not yet trimmed. */
  private head = 0;
  /** The place number of `ids[0]`. */
  private offset = 0;

  override get(id: string): number | undefined {
    const v = super.get(id);
    if (v === undefined) return undefined;
    return this.queued ? this.ats[v - this.offset] : v + this.base;
  }

  override set(id: string, at: number): this {
    if (!this.queued) {
      if (this.size === 0 && Number.isInteger(at)) this.base = at;
      // A distance is exact between whole numbers; anything else goes to the queue as it is.
      if (Number.isInteger(at) && Number.isInteger(this.base)) return super.set(id, at - this.base);
      this.toQueue();
    }
    const old = super.get(id);
    // As in a Map, a key set again keeps its place (admit() deletes it first to move it).
    if (old !== undefined) this.ats[old - this.offset] = at;
    else {
      super.set(id, this.offset + this.ids.length);
      this.ids.push(id);
      this.ats.push(at);
    }
    return this;
  }

  override delete(id: string): boolean {
    const v = super.get(id);
    if (v === undefined) return false;
    if (this.queued) this.ids[v - this.offset] = undefined;
    return super.delete(id);
  }

  override clear(): void {
    super.clear();
    this.queued = false;
    this.ids = [];
    this.ats = [];
    this.head = 0;
    this.offset = 0;
  }

  override *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  override *values(): MapIterator<number> {
    for (const [, at] of this.entries()) yield at;
  }

  override *entries(): MapIterator<[string, number]> {
    if (!this.queued) {
      for (const [id, d] of super.entries()) yield [id, d + this.base];
      return;
    }
    for (let i = this.head; i < this.ids.length; i++) {
      const id = this.ids[i];
      if (id !== undefined) yield [id, this.ats[i]!];
    }
  }

  override [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  override forEach(fn: (at: number, id: string, map: Map<string, number>) => void, thisArg?: unknown): void {
    for (const [id, at] of this.entries()) fn.call(thisArg, at, id, this);
  }

  /** Drop ids dated before `cutoff` from the front, up to the first that is not. */
  forgetBefore(cutoff: number): void {
    if (!this.queued) {
      // Nothing forgotten yet: the map's front has no holes (but those of a few redeliveries).
      let first: number | undefined;
      for (const d of super.values()) {
        first = d;
        break;
      }
      if (first === undefined || first + this.base >= cutoff) return;
      this.toQueue();
    }
    const { ids, ats } = this;
    let head = this.head;
    for (; head < ids.length; head++) {
      const id = ids[head];
      if (id === undefined) continue;
      if (ats[head]! >= cutoff) break;
      super.delete(id);
    }
    this.head = head;
    // Drop the trimmed front once it is most of the arrays: each place is copied O(1) times.
    if (head > 1024 && head * 2 > ids.length) {
      this.ids = ids.slice(head);
      this.ats = ats.slice(head);
      this.offset += head;
      this.head = 0;
    }
  }

  /** From distances to the queue, in the map's order (once per map, when it first forgets). */
  private toQueue(): void {
    for (const [id, d] of super.entries()) {
      super.set(id, this.offset + this.ids.length);
      this.ids.push(id);
      this.ats.push(d + this.base);
    }
    this.queued = true;
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
