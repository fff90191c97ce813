import { RememberedIds } from './remembered-ids.js';
import { RememberedIdsFull } from './remembered-limits.js';
import type { CommunityState } from './state.js';

export { RememberedIds };

/**
 * Remembered event ids and their horizon (docs/runtime.md, "Duplicates and the horizon").
 *
 * An id is remembered, so that an event carrying it again is a duplicate, while the latest `at` it
 * came with is within the horizon of the community's clock. An event older than that is refused as stale:
 * its id may already be forgotten, so processing it could process it twice. Ids are kept in a
 * map from id to the event's `at`, in the order they were processed (`RememberedIds`, off the
 * JavaScript heap); forgetting walks from the front, so memory stays proportional to the events
 * of one horizon however long the stream is.
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
      if (roomToMove(c, id)) c.processed.delete(id);
      // Else its time changes where it is: forgetting stops at it until that time leaves the
      // horizon, so the ids behind it are kept longer, never forgotten early.
      c.processed.set(id, at);
    }
    return 'duplicate';
  }
  reserve(c, id, horizonMs);
  if (seenAt !== undefined) c.processed.delete(id);
  c.processed.set(id, at);
  return 'new';
}

/**
 * Room for `id` before the map changes, or RememberedIdsFull naming the community: a set that
 * failed after the delete of a redelivery would forget the id, and its next delivery would run
 * the event twice.
 */
function reserve(c: CommunityState, id: string, horizonMs: number): void {
  if (!(c.processed instanceof RememberedIds)) return;
  try {
    c.processed.reserve(id);
  } catch (e) {
    throw e instanceof RememberedIdsFull ? e.of(c.id, horizonMs) : e;
  }
}

/**
 * Whether a redelivered id can move to the end with its later time. When the ids are full it
 * keeps its place and takes the later time there, and the event is still a duplicate: a
 * duplicate is never refused for want of room (the places moved ids leave behind are freed only
 * as forgetting passes them).
 */
function roomToMove(c: CommunityState, id: string): boolean {
  if (!(c.processed instanceof RememberedIds)) return true;
  try {
    c.processed.reserve(id);
    return true;
  } catch (e) {
    if (e instanceof RememberedIdsFull) return false;
    throw e;
  }
}

/**
 * Drop remembered ids whose event is older than the horizon, from the oldest processed. An id
 * processed late (with an `at` older than ids before it) waits behind them: kept a little longer,
 * never forgotten early.
 */
export function forget(c: CommunityState, now: number, horizonMs: number): void {
  forgetBefore(c.processed, now - horizonMs);
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
