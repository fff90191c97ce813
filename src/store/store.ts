import type { Outbox } from './outbox.js';

/**
 * Durable storage of a runtime: community rows, one row per member, processed event ids, live
 * timers, and the action log with sequence numbers. A `Commit` is applied atomically: after a
 * crash either all of its rows are there or none are. Values are JSON text, serialized once by
 * the caller (src/store/durable.ts), so both implementations store exactly the same bytes.
 */

export interface MemberRow {
  community: string;
  id: string;
  /** The member's JSON, or null to delete the row. */
  state: string | null;
}

export interface TimerRow {
  community: string;
  id: string;
  /** The timer's JSON, or null to delete the row. */
  state: string | null;
}

export interface Commit {
  /** Community rows (clock, counters, campaigns, sessions, rng...; no members, ids or timers). */
  communities: { id: string; state: string }[];
  members: MemberRow[];
  /** Event ids processed by this commit, with their events' `at` (ms). */
  processed: { community: string; id: string; at: number }[];
  /**
   * Per community, forget processed ids whose event is older than `before` (ms): they left the
   * horizon (src/runtime/remembered.ts). Applied before `processed` is written.
   */
  forget?: { community: string; before: number }[];
  /** Communities whose every timer row is deleted before `timers` are written (a full rewrite). */
  timersReplaced: string[];
  timers: TimerRow[];
  /** Actions appended to the log, in order; they get the next sequence numbers. */
  actions: { community: string; json: string }[];
  /** Metadata entries to set (playbook source, ...). */
  meta?: Record<string, string>;
}

/** A stored community as the rows hold it. */
export interface StoredCommunity {
  id: string;
  state: string;
  members: { id: string; state: string }[];
  processed: string[];
  /** The events' `at` of `processed`, index by index; absent from rows written before the horizon. */
  processedAt?: number[];
  timers: string[];
}

export interface LoggedAction {
  seq: number;
  community: string;
  json: string;
}

export interface DurableStore {
  readonly kind: 'memory' | 'sqlite' | 'postgres';
  /** Every stored community, for rebuilding live state on start. */
  load(): StoredCommunity[];
  /** Apply a commit atomically; returns the sequence number of its first action (if any). */
  commit(commit: Commit): { firstSeq: number; lastSeq: number };
  /**
   * Only SQLite with sync full (src/store/sqlite.ts): apply a commit atomically without waiting for
   * the disk; it counts (readers see it, it may be acknowledged) once `sync()` has resolved.
   */
  commitDeferred?(commit: Commit): { firstSeq: number; lastSeq: number };
  /** With `commitDeferred`: resolves once every commit so far is on disk, rejects if the disk failed. */
  sync?(): Promise<void>;
  /** Replace all state (not the action log or processed ids) atomically: used by reloads. */
  replaceState(communities: Omit<StoredCommunity, 'processed'>[], meta: Record<string, string>): void;
  /** Logged actions with a sequence number above `after`, oldest first. */
  actionsAfter(after: number, limit: number, community?: string): LoggedAction[];
  /** The last sequence number of the action log (0 when empty), of what is on disk. */
  lastSeq(): number;
  getMeta(key: string): string | undefined;
  close(): void;
  /**
   * Only a store that writes behind the runtime (the bot's PostgreSQL store): make every commit
   * so far durable, resolving with the actions they logged, numbered by the store. Until then
   * `commit` returns no sequence numbers, and nothing of those commits may be carried out.
   */
  settle?(): Promise<LoggedAction[]>;
  /** The outbox of webhook calls written with the log (src/store/outbox.ts), where the store keeps one. */
  readonly outbox?: Outbox;
  /** Only with `settle`: the log after `after`, read from the database. */
  readActionsAfter?(after: number): Promise<LoggedAction[]>;
}

export function emptyCommit(): Commit {
  return { communities: [], members: [], processed: [], timersReplaced: [], timers: [], actions: [] };
}
