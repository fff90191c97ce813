/**
 * The report's data: what the collector aggregates and the renderer turns into HTML. Plain JSON,
 * bounded in size whatever the length of the run (details are capped, the rest is counted).
 */

export interface RunCounts {
  read: number;
  processed: number;
  /** Unknown event types (ignored by the runtime). */
  ignored: number;
  /** Lines skipped as not JSON, too long, or failing the event schema. */
  bad: number;
  duplicates: number;
  /** Events older than the clock minus the horizon, refused (docs/runtime.md, "Duplicates and the horizon"). */
  stale: number;
  late: number;
  actions: number;
}

/** What `simulate` knows and the collector may not (lines that never parsed, `--until`, the seed). */
export interface RunSummary extends Partial<RunCounts> {
  /** `--until`: timers were fired up to this instant after the input. */
  until?: string | number;
  seed?: number;
}

/** What caused an action: an input event (with enough of it to judge) or a timer. */
export type CauseInfo = { kind: 'event'; id: string; type: string; at: string; text?: string } | { kind: 'timer'; id: string; label: string };

export interface ModerationEntry {
  /** Position of the action in the run's output (1-based). */
  seq: number;
  at: string;
  kind: 'warn' | 'mute' | 'remove' | 'delete';
  detail: string;
  source: string;
  cause: CauseInfo;
}

export interface ModerationRow {
  community: string;
  member: string;
  name?: string;
  warnings: number;
  /** Warnings per ladder, e.g. `{ ads: 2 }`. */
  ladders: Record<string, number>;
  mutes: number;
  removed: boolean;
  removeReason?: string;
  deletedMessages: number;
  /** The first entries in order (capped per member; the counts above are complete). */
  entries: ModerationEntry[];
}

export interface LeaderRow {
  rank: number;
  community: string;
  member: string;
  name?: string;
  points: number;
  level?: string;
  badges: string[];
  status: MemberStatus;
}

export type MemberStatus = 'present' | 'left' | 'removed';

export interface Series {
  label: string;
  data: number[];
}

export interface TimelineRow {
  seq: number;
  at: string;
  type: string;
  community: string;
  member?: string;
  memberName?: string;
  summary: string;
  source: string;
  cause: CauseInfo | undefined;
}

export interface LifecycleReport {
  name: string;
  initial: string;
  /** Present members per state at the end, states in declaration order. */
  states: { state: string; members: number }[];
  /** `lifecycle.changed` counts; every declared transition is listed, fired or not. */
  flows: { from: string; to: string; count: number; declared: boolean }[];
  /** Members no longer in the group (not in the funnel). */
  gone: number;
}

export interface RitualReport {
  name: string;
  /** Undefined when no final state was given to the report. */
  outcome?: { started: number; completed: number; expired: number; cancelled: number; inProgress: number };
  /** Members still in the ritual who have done each step. */
  steps: { name: string; label: string; doneInProgress: number }[];
}

export interface CampaignReport {
  name: string;
  stages: {
    name: string;
    from: string;
    to?: string;
    multiplier?: number;
    entered: { at: string; community: string }[];
    exited: { at: string; community: string }[];
  }[];
  goals: { name: string; reached: { at: string; community: string }[] }[];
  /** Stage at the end, per community (from the final state). */
  current: { community: string; stage: string | null }[];
}

export interface ReportData {
  title: string;
  playbook: string;
  file?: string;
  timezone: string;
  seed?: number;
  period: { firstEvent?: string; lastEvent?: string; until?: string };
  counts: RunCounts;
  communities: string[];
  members: { total: number; present: number; left: number; removed: number };
  actionsByType: { type: string; count: number }[];
  actionsBySource: { source: string; count: number }[];
  activity: {
    granularity: 'hour' | 'day' | 'month';
    labels: string[];
    events: Series[];
    actions: Series[];
    /** Events per local hour of day (0-23), by type. */
    eventsByHour: Series[];
  };
  moderation: { warned: number; muted: number; removed: number; deletedMessages: number; rows: ModerationRow[]; more: number };
  points: {
    /** The playbook has points, levels, badges or leaderboards. */
    declared: boolean;
    awarded: number;
    deducted: number;
    members: number;
    leaderboard: LeaderRow[];
    levels: { name: string; at: number; members: number }[];
    badges: { name: string; members: number; holders: string[] }[];
  };
  lifecycles: LifecycleReport[];
  rituals: RitualReport[];
  campaigns: CampaignReport[];
  timeline: { total: number; rows: TimelineRow[]; head: number; omitted: number; types: { type: string; count: number }[] };
  problems: { line: number; text: string }[];
  problemsTotal: number;
}
