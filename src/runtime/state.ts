import type { Dict } from '../stdlib/dict.js';

/**
 * Runtime state: JSON data only, so a snapshot is `JSON.stringify` and a restore is `JSON.parse`.
 * One `CommunityState` per community; what communities share is the network (network.ts). Every table keyed
 * by a name from input (member ids, ladders, counters, campaigns, ...) is a `Dict`, without
 * `Object.prototype`, so a member called `__proto__` is just a member (src/stdlib/dict.ts).
 */

export interface Timer {
  /** Unique within the community; cancelling uses it. */
  id: string;
  due: number;
  /** Creation order, to break ties between timers due at the same instant. */
  seq: number;
  kind: 'machine' | 'job' | 'leaderboard' | 'session.open' | 'session.hook' | 'session.close' | 'stage' | 'agenda' | 'direct';
  ref: string;
  member?: string;
  /** The delayed XState event for `machine` timers. */
  event?: { type: string };
  /** Session start for session timers; hook index for hooks (and step index for agenda steps). */
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

/**
 * One member. Collections are absent until first written (see member.ts): `undefined` reads as
 * empty, 0 points as none.
 */
export interface MemberState {
  id: string;
  name?: string | undefined;
  present: boolean;
  removed: boolean;
  joinedAt: number;
  /**
   * True while the member was first seen through another event than `member.joined` and has not
   * been seen joining since: `member.age` has no value then (docs/language.md, "Member age").
   * Absent in snapshots of earlier versions, whose members count as joined.
   */
  unjoined?: true | undefined;
  points: number;
  roles?: string[] | undefined;
  tags?: string[] | undefined;
  /** Points earned per local day number, kept ~40 days, only when a leaderboard ranks by period. */
  daily?: Dict<number> | undefined;
  levels?: string[] | undefined;
  badges?: string[] | undefined;
  streaks?: Dict<{ day: number; length: number }> | undefined;
  /** Counter id -> its slot (constructs/counters.ts). */
  counters?: Dict<CounterSlot> | undefined;
  /** Ladder -> instants of warnings. */
  warnings?: Dict<number[]> | undefined;
  /** Points rule id -> instant of the last award. */
  lastAward?: Dict<number> | undefined;
  /** `${points rule id}|${per}` -> awards in the current period (a local day, ISO week or month number). */
  caps?: Dict<{ key: number; count: number; points: number }> | undefined;
  /** Leaderboard id -> bucket -> points or events tallied for it (constructs/leaderboards.ts). */
  boards?: Dict<Dict<number>> | undefined;
  /** Machine id -> XState state value. */
  machines?: Dict<unknown> | undefined;
  once?: string[] | undefined;
  /** Rule id -> instant the rule last fired for this member (`cooldown D`, per member). */
  ruleFired?: Dict<number> | undefined;
  /**
   * When the member last posted, as far as the playbook knows: their last `message.posted`, or a
   * roster's `lastActiveAt` (`member has posted`; docs/language.md, "Rosters").
   */
  lastPosted?: number | undefined;
  /** Messages to this member held by `direct messages`, first in line first (constructs/direct-messages.ts). */
  held?: HeldMessage[] | undefined;
  /** Instants of the last direct messages delivered to this member (at most the cap's count), oldest first. */
  directSent?: number[] | undefined;
  /** Who invited the member (`invitedBy` of their join, or an `invite.accepted`): the target `inviter`. */
  invitedBy?: string | undefined;
}

/** A message held by `direct messages`: the action as made (without `at`), and when it was made. */
export interface HeldMessage {
  since: number;
  action: { type: string; community: string; member?: string; [field: string]: unknown };
}

/** What `direct messages` did in a community, for the summary of `simulate` (docs/language.md, "Direct messages"). */
export interface DirectMessageTally {
  /** Messages that were held (each counted once, however long it waited). */
  held: number;
  /** Held messages sent since. */
  released: number;
  /** Messages a `drop` clause stopped, when made or when their turn came. */
  dropped: number;
  /** Held messages dropped because their member left or was removed first. */
  gone: number;
}

/**
 * What a counter keeps (constructs/counters.ts): a running count or sum; the instants of a
 * windowed count; the values seen by `count(distinct member of …)` without a window; or, for
 * windowed sums, distinct counts and counts whose `where` reads `this.`, a log: per event its
 * instant and its value (the amount, the distinct value, or for `keep`, `[value, ...kept fields]`).
 */
export type CounterSlot = number | number[] | CounterValues | CounterLog;
export type CounterValue = string | number | boolean | null | CounterValue[];
/** `count(distinct member of …)` without `within`: the values seen, each once. */
export interface CounterValues {
  seen: CounterValue[];
}
export interface CounterLog {
  at: number[];
  val: CounterValue[];
}

export interface CampaignState {
  stage: string | null;
  goals: string[];
}

/** The live state of one community. Its JSON form is `CommunitySnapshot`. */
export interface CommunityState {
  id: string;
  clock: number;
  started: number;
  /**
   * Ids of processed events within the horizon, each with its event's `at`, in processing order
   * (remembered.ts; docs/runtime.md, "Duplicates and the horizon").
   */
  processed: Map<string, number>;
  members: Dict<MemberState>;
  /** Binary heap by (due, seq); cancelled entries stay until popped (see timers.ts). */
  timers: Timer[];
  /** Live timers by id: a heap entry that is not here (or not this object) was cancelled. */
  timerIndex: Map<string, Timer>;
  timerSeq: number;
  counters: Dict<CounterSlot>;
  campaigns: Dict<CampaignState>;
  sessions: Dict<Session[]>;
  once: string[];
  /** Rule id -> the `once per FIELD` values it has fired for (absent until one has). */
  onceKeys?: Dict<Dict<1>>;
  /** Rule id -> instant the rule last fired in the community (`cooldown D per community`). */
  ruleFired?: Dict<number>;
  /** PRNG state (mulberry32), part of state so replays draw the same numbers. */
  rng: number;
  /** Leaderboard id -> its postings so far and the last one's instant (absent before the first). */
  boards?: Dict<{ posts: number; last: number }>;
  /** Absent until `direct messages` first holds or drops a message. */
  directMessages?: DirectMessageTally;
  /** Invitee -> inviter, from `invite.accepted` before the invitee is a member (constructs/targets.ts). */
  inviters?: Dict<string>;
}

/**
 * A community as plain JSON: processed ids as a list with their events' times beside them
 * (absent in snapshots from before the horizon), live timers in firing order.
 */
export interface CommunitySnapshot extends Omit<CommunityState, 'processed' | 'timers' | 'timerIndex'> {
  processed: string[];
  processedAt?: number[];
  timers: Timer[];
}
