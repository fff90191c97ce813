import type { CommunityState, Timer } from './state.js';

/**
 * The timer queue of a community: a binary heap ordered by (due, seq), so timers due at the same
 * instant fire in creation order, with an index by id for cancelling. Cancelling only drops the
 * index entry; the heap entry is skipped when it reaches the top. This keeps inserting and
 * cancelling logarithmic or constant with a deadline pending for every one of 100,000 newcomers.
 */

/**
 * Timer ids by member, derived from the index (kept beside it, not in the state, and rebuilt if
 * the index object is replaced), so removing or losing a member does not scan every timer.
 */
const byMember = new WeakMap<Map<string, Timer>, Map<string, Set<string>>>();

function memberIndex(c: CommunityState): Map<string, Set<string>> {
  let idx = byMember.get(c.timerIndex);
  if (!idx) {
    idx = new Map();
    for (const t of c.timerIndex.values()) if (t.member !== undefined) addToMember(idx, t);
    byMember.set(c.timerIndex, idx);
  }
  return idx;
}

function addToMember(idx: Map<string, Set<string>>, t: Timer): void {
  let set = idx.get(t.member!);
  if (!set) idx.set(t.member!, (set = new Set()));
  set.add(t.id);
}

// Stryker disable next-line BlockStatement: a stale id left in the member index only costs memory (docs/testing.md, equivalent mutants)
function forget(c: CommunityState, t: Timer | undefined): void {
  // Stryker disable next-line all: a stale id left in the member index only costs memory (docs/testing.md, equivalent mutants)
  if (t?.member === undefined) return;
  const idx = memberIndex(c);
  const set = idx.get(t.member);
  // Stryker disable next-line all: a stale id left in the member index only costs memory (docs/testing.md, equivalent mutants)
  if (!set) return;
  set.delete(t.id);
  if (set.size === 0) idx.delete(t.member);
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

export function insertTimer(c: CommunityState, t: Omit<Timer, 'seq'>): void {
  const timer = { ...t, seq: c.timerSeq++ };
  const old = c.timerIndex.get(timer.id);
  // Stryker disable next-line all: a stale id left in the member index only costs memory (docs/testing.md, equivalent mutants)
  if (old) {
    forget(c, old);
    c.timerIndex.delete(timer.id);
  }
  c.timerIndex.set(timer.id, timer);
  if (timer.member !== undefined) addToMember(memberIndex(c), timer);
  const heap = c.timers;
  let i = heap.length;
  heap.push(timer);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(timer, heap[parent]!)) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = timer;
  // Cancelled entries are dropped lazily; compact when they outnumber live timers.
  if (heap.length > 64 && heap.length > 2 * c.timerIndex.size) rebuild(c);
}

export function cancelTimer(c: CommunityState, id: string): void {
  const t = c.timerIndex.get(id);
  if (!t) return;
  forget(c, t);
  c.timerIndex.delete(id);
}

export function cancelMemberTimers(c: CommunityState, member: string): void {
  const idx = memberIndex(c);
  const ids = idx.get(member);
  if (!ids) return;
  // Stryker disable next-line OptionalChaining: forget keeps the member index to live ids (docs/testing.md, equivalent mutants)
  for (const id of ids) if (c.timerIndex.get(id)?.member === member) c.timerIndex.delete(id);
  idx.delete(member);
}

/** The next live timer, or undefined. */
export function peekTimer(c: CommunityState): Timer | undefined {
  const heap = c.timers;
  while (heap.length > 0) {
    const top = heap[0]!;
    if (c.timerIndex.get(top.id) === top) return top;
    popTop(heap);
  }
  return undefined;
}

/** Remove and return the next live timer. */
export function popTimer(c: CommunityState): Timer | undefined {
  const t = peekTimer(c);
  if (!t) return undefined;
  popTop(c.timers);
  forget(c, t);
  c.timerIndex.delete(t.id);
  return t;
}

/** Live timers in firing order (for snapshots). */
export function liveTimers(c: CommunityState): Timer[] {
  return [...c.timerIndex.values()].sort((a, b) => a.due - b.due || a.seq - b.seq);
}

/** Rebuild the queue from a list of timers (a snapshot's, or after many cancellations). */
export function loadTimers(c: CommunityState, timers: readonly Timer[]): void {
  c.timerIndex = new Map();
  for (const t of timers) c.timerIndex.set(t.id, t);
  c.timers = [...c.timerIndex.values()].sort((a, b) => a.due - b.due || a.seq - b.seq);
}

function rebuild(c: CommunityState): void {
  c.timers = liveTimers(c);
}

function popTop(heap: Timer[]): void {
  const last = heap.pop()!;
  if (heap.length === 0) return;
  let i = 0;
  const n = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= n) break;
    const r = l + 1;
    const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
    if (!before(heap[child]!, last)) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = last;
}
