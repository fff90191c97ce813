import { dict } from '../stdlib/dict.js';
import { RememberedIds } from './remembered.js';
import type { CommunityState } from './state.js';

/** A community's state before anything has happened in it: its clock and start at `now`. */
export function newCommunity(id: string, now: number, rng: number): CommunityState {
  return {
    id,
    clock: now,
    started: now,
    processed: new RememberedIds(),
    members: dict(),
    timers: [],
    timerIndex: new Map(),
    timerSeq: 0,
    counters: dict(),
    campaigns: dict(),
    sessions: dict(),
    once: [],
    rng,
  };
}
