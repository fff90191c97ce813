/**
 * How communities map to the slots processes own (docs/scaling.md): a fixed number of slots, a
 * community's slot a hash of its id, the same in every process and every version.
 */

export interface OwnerTiming {
  /** Slots the communities are spread over; every process must use the same number. */
  slots: number;
  /** How often a process counts the live processes and takes or releases slots. */
  rebalanceMs: number;
  /** How often the inbox is scanned for work a missed NOTIFY did not announce. */
  pollMs: number;
  /** Inbox rows of one community processed per transaction. */
  batch: number;
  /** Communities processed together in one transaction (one WAL flush for all). */
  communitiesPerTransaction: number;
  /** How long processed inbox rows are kept (for replies still waiting), and how often they are deleted. */
  keepDoneMs: number;
}

export const DEFAULT_TIMING: OwnerTiming = { slots: 64, rebalanceMs: 500, pollMs: 1000, batch: 500, communitiesPerTransaction: 100, keepDoneMs: 10 * 60_000 };

/** FNV-1a over the id's UTF-16 code units, modulo `slots`. */
export function communitySlot(community: string, slots: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < community.length; i++) {
    h ^= community.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % slots;
}
