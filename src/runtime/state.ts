/**
 * Runtime state: plain JSON objects only, so a snapshot is `JSON.stringify` and a restore is
 * `JSON.parse`. One `CommunityState` per community; nothing is shared between communities.
 */

export interface Timer {
  /** Unique within the community; cancelling uses it. */
  id: string;
  due: number;
  /** Creation order, to break ties between timers due at the same instant. */
  seq: number;
  kind: 'machine' | 'job' | 'leaderboard' | 'session.open' | 'session.hook' | 'session.close' | 'stage';
  ref: string;
  member?: string;
  /** The delayed XState event for `machine` timers. */
  event?: { type: string };
  /** Session start for session timers; hook index for hooks. */
  session?: number;
  hook?: number;
}

export interface Session {
  start: number;
  end: number;
  /** Members in the group when the session started. */
  present: string[];
  /** Members who posted (the schedule's attendance event) during the session. */
  attended: string[];
}

export interface MemberState {
  id: string;
  name?: string;
  present: boolean;
  removed: boolean;
  joinedAt: number;
  roles: string[];
  tags: string[];
  points: number;
  /** Points earned per local day number, for period leaderboards (kept ~35 days). */
  daily: Record<string, number>;
  levels: string[];
  badges: string[];
  streaks: Record<string, { day: number; length: number }>;
  /** Counter id -> event instants (windowed) or a running count. */
  counters: Record<string, number[] | number>;
  /** Ladder -> instants of warnings. */
  warnings: Record<string, number[]>;
  /** Points rule id -> instant of the last award. */
  lastAward: Record<string, number>;
  /** `${points rule id}|${per}` -> awards in the current period. */
  caps: Record<string, { key: string; count: number; points: number }>;
  /** Machine id -> XState state value. */
  machines: Record<string, unknown>;
  once: string[];
}

export interface CampaignState {
  stage: string | null;
  goals: string[];
}

export interface CommunityState {
  id: string;
  clock: number;
  started: number;
  processed: Record<string, 1>;
  members: Record<string, MemberState>;
  timers: Timer[];
  timerSeq: number;
  counters: Record<string, number[] | number>;
  campaigns: Record<string, CampaignState>;
  sessions: Record<string, Session[]>;
  once: string[];
  /** PRNG state (mulberry32), part of state so replays draw the same numbers. */
  rng: number;
}

export function newMember(id: string, now: number): MemberState {
  return {
    id,
    present: true,
    removed: false,
    joinedAt: now,
    roles: [],
    tags: [],
    points: 0,
    daily: {},
    levels: [],
    badges: [],
    streaks: {},
    counters: {},
    warnings: {},
    lastAward: {},
    caps: {},
    machines: {},
    once: [],
  };
}

/** Insert keeping (due, seq) order; timers are few per community, so a linear scan from the end is fine. */
export function insertTimer(c: CommunityState, t: Omit<Timer, 'seq'>): void {
  const timer: Timer = { ...t, seq: c.timerSeq++ } as Timer;
  const list = c.timers;
  let i = list.length;
  while (i > 0 && list[i - 1]!.due > timer.due) i--;
  list.splice(i, 0, timer);
}

export function cancelTimer(c: CommunityState, id: string): void {
  const i = c.timers.findIndex((t) => t.id === id);
  if (i >= 0) c.timers.splice(i, 1);
}

export function cancelMemberTimers(c: CommunityState, member: string): void {
  c.timers = c.timers.filter((t) => t.member !== member);
}
