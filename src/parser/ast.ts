/**
 * The abstract syntax tree of a playbook. Every node that a diagnostic may point at carries a
 * `span`; names carry their own span so "unknown ladder `adz`" can underline just the name.
 */

// Actions, audiences and message texts are in ast-actions.ts; the tree reads them from here too.
import type { Action } from './ast-actions.js';
export type { Action, Audience, CallEntry, MessageText, PlatformAction, Target } from './ast-actions.js';

export interface Span {
  /** 0-based offset of the first character. */
  start: number;
  /** 0-based offset just past the last character. */
  end: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
}

export interface Ident {
  name: string;
  span: Span;
}

export interface Duration {
  ms: number;
  text: string;
  span: Span;
}

export interface StringLit {
  value: string;
  span: Span;
}

export interface Playbook {
  header?: Header;
  roles: Ident[];
  events: EventDecl[];
  templates: TemplateDecl[];
  segments: SegmentDecl[];
  rituals: RitualDecl[];
  rules: RuleDecl[];
  ladders: LadderDecl[];
  points: PointsEntry[];
  levels: LevelDecl[];
  badges: BadgeDecl[];
  leaderboards: LeaderboardDecl[];
  lifecycles: LifecycleDecl[];
  schedules: ScheduleDecl[];
  jobs: JobDecl[];
  campaigns: CampaignDecl[];
  /** Agendas and one-off dated jobs (`on 2026-03-15 at 19:00: …`). */
  agendas: AgendaDecl[];
  /** `direct messages { … }` blocks (one is allowed; the checker reports a second). */
  directMessages: DirectMessagesDecl[];
  /** `endpoint NAME { url …; timeout D; retries N }`: where `call NAME` posts (docs/language.md, "Webhooks"). */
  endpoints: EndpointDecl[];
  /** Comments with their spans, so the formatter can keep them. */
  comments: { text: string; span: Span }[];
  /**
   * Where each top-level item and each statement inside a block begins and ends, as the grammar
   * saw them, in source order. The lists above merge or drop some statements (two `do` clauses
   * become one list of actions; an empty `done:` leaves no trace), so the formatter prints from
   * these spans and the nodes inside them (docs/formatting.md). Not part of the meaning.
   */
  clauses: Span[];
}

export interface Header {
  name: StringLit;
  timezone?: StringLit;
  locale?: StringLit;
  description?: StringLit;
  /** `horizon 14d`: how long event ids are remembered (docs/runtime.md, "Duplicates and the horizon"). */
  horizon?: Duration;
  span: Span;
}

export type FieldType = 'number' | 'string' | 'boolean' | 'string[]';

export interface FieldDecl {
  name: Ident;
  type: FieldType;
  typeSpan: Span;
  optional: boolean;
}

export interface EventDecl {
  name: Ident;
  fields: FieldDecl[];
  span: Span;
}

export interface TemplateDecl {
  name: Ident;
  text: StringLit;
}

export interface EndpointDecl {
  name: Ident;
  /** `url "https://…"`, or `url env "NAME"`: the address is read from that environment variable when the bot starts. */
  url?: { value: StringLit; env: boolean };
  timeout?: Duration;
  retries?: { value: number; span: Span };
  span: Span;
}

export interface SegmentDecl {
  name: Ident;
  where: Condition;
  span: Span;
}

/** A reference to an event type, optionally filtered (`redpacket.sent where amount >= 5`). */
export interface EventPattern {
  event: Ident;
  where?: Condition;
}

export interface RitualDecl {
  name: Ident;
  startsOn?: EventPattern;
  onStart: Action[];
  steps: { name: Ident; label?: StringLit; on: EventPattern }[];
  reminders: { after: Duration; actions: Action[]; span: Span }[];
  deadline?: { after: Duration; actions: Action[]; span: Span };
  cancelOn: EventPattern[];
  done: Action[];
  span: Span;
}

export interface RuleDecl {
  name: Ident;
  on: EventPattern[];
  when?: Condition;
  unless: Condition[];
  priority?: { value: number; span: Span };
  once?: 'member' | 'community';
  /** `once per orderId`: at most once per value of that field of the triggering event. */
  onceKey?: Ident;
  /** `exclusive NAME`: of the rules in group NAME that an event triggers, only the first runs. */
  exclusive?: Ident;
  /** `cooldown 10m [per member|community]`: not again for that member (or the group) until D has passed. */
  cooldown?: { duration: Duration; per: 'member' | 'community'; span: Span };
  actions: Action[];
  span: Span;
}

export interface LadderDecl {
  name: Ident;
  expire?: Duration;
  steps: { n: number; span: Span; actions: Action[] }[];
  span: Span;
}

export type CapPeriod = 'day' | 'week' | 'month';

export interface PointsEntry {
  on: EventPattern;
  /** The signed number, or for a computed amount (`order.paid: +amount / 100`) the sign of `value`. */
  amount: number;
  value?: Operand;
  cooldown?: Duration;
  caps: { limit: number; per: CapPeriod; unit: 'awards' | 'points'; span: Span }[];
  reason?: StringLit;
  span: Span;
}

export interface LevelDecl {
  name: Ident;
  at: number;
  span: Span;
}

export interface BadgeDecl {
  name: Ident;
  when?: Condition;
  streak?: { days: number; event: Ident; span: Span };
  actions: Action[];
  span: Span;
}

/** The exact windows of a leaderboard (docs/language.md, "Leaderboards"). */
export type BoardWindow = 'sinceLastPost' | 'today' | 'yesterday' | 'thisWeek' | 'lastWeek' | 'thisMonth' | 'lastMonth' | 'allTime';

export interface LeaderboardDecl {
  name: Ident;
  /** The old form's period word (`daily`, `weekly`, …) and where it was written. */
  period: 'daily' | 'weekly' | 'monthly' | 'all';
  periodWord?: Ident;
  /** True when the name was not written and the period word stands for it (`leaderboard weekly top 3 …`). */
  nameFromPeriod?: boolean;
  top: number;
  /** `by points`, `by count(E)` or `by VALUE`; absent when `by …` was left out (E0606). */
  rankBy?: Operand;
  window?: { window: BoardWindow; span: Span };
  skipIfEmpty: boolean;
  every: Calendar;
  actions: Action[];
  span: Span;
}

export interface LifecycleDecl {
  name: Ident;
  initial?: Ident;
  transitions: LifecycleTransition[];
  span: Span;
}

export type TransitionTrigger = { kind: 'on'; on: EventPattern } | { kind: 'when'; when: Condition } | { kind: 'after'; after: Duration; without?: Ident };

export interface LifecycleTransition {
  from: Ident;
  to: Ident;
  trigger: TransitionTrigger;
  actions: Action[];
  span: Span;
}

/** When something recurs, in the playbook's time zone. */
export interface Calendar {
  /** ISO weekdays 1 (Mon) .. 7 (Sun) when `kind` is `weekly`. */
  kind: 'daily' | 'weekly' | 'monthly';
  weekdays: number[];
  monthDays: number[];
  /** Minutes after local midnight. */
  times: number[];
  /** `between 10:00 and 22:00`: one time a day drawn from the window (start included, end not). */
  between?: { from: number; to: number; span: Span };
  span: Span;
}

export interface ScheduleDecl {
  name: Ident;
  every: Calendar;
  /** Session length in minutes when the schedule has `until HH:MM`. */
  untilMinutes?: number;
  attendance?: Ident;
  hooks: { anchor: 'start' | 'end'; offsetMs: number; actions: Action[]; span: Span }[];
  span: Span;
}

export interface JobDecl {
  name: Ident;
  every: Calendar;
  /** `every … when CONDITION: …`: the occurrence runs only if the condition holds then. */
  when?: Condition;
  actions: Action[];
  span: Span;
}

/** A date with an optional time of day: `2026-11-11` or `2026-11-11 10:00` (minutes after local midnight). */
export interface DateTimeLit {
  date: string;
  minutes?: number;
  span: Span;
}

/**
 * `agenda NAME on DATE { 19:00 签到: … }`: timed steps on one date. A one-off
 * `on DATE at TIME: …` is an agenda of one unnamed step (`oneOff`), named after its line.
 */
export interface AgendaDecl {
  name: Ident;
  date: { date: string; span: Span };
  steps: AgendaStep[];
  oneOff: boolean;
  span: Span;
}

export interface AgendaStep {
  /** Minutes after local midnight. */
  minutes: number;
  timeSpan: Span;
  name?: Ident;
  actions: Action[];
  span: Span;
}

export interface StageDecl {
  name: Ident;
  from: DateTimeLit;
  to?: DateTimeLit;
  multiplier?: { factor: number; span: Span };
  onEnter: Action[];
  onExit: Action[];
  points: PointsEntry[];
  rules: RuleDecl[];
  /** Schedules, jobs and agendas that run only while the stage runs. */
  schedules: ScheduleDecl[];
  jobs: JobDecl[];
  agendas: AgendaDecl[];
  span: Span;
}

export interface CampaignDecl {
  name: Ident;
  stages: StageDecl[];
  goals: { name: Ident; when: Condition; actions: Action[]; span: Span }[];
  /** `across all groups`: its goals are the network's (a node, so that fmt's tree key skips its span). */
  across?: { span: Span };
  span: Span;
}

// ---------------------------------------------------------------- conditions

export type CompareOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

export type Operand =
  | { kind: 'number'; value: number; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'boolean'; value: boolean; span: Span }
  | { kind: 'duration'; ms: number; text: string; span: Span }
  /** `amount`, `event.amount`, `member.points`, `member.name`. */
  | { kind: 'path'; path: Ident[]; span: Span }
  /**
   * `count(E)`, `count(distinct F of E)`, `sum(F of E)`, each with `[by member] [where …] [within D]`
   * (docs/language.md, "Counting events"); `distinct` names a field or `member`.
   */
  | { kind: 'count'; event: Ident; byMember: boolean; across?: { span: Span }; within?: Duration; where?: Condition; distinct?: Ident; span: Span }
  | { kind: 'sum'; field: Ident; event: Ident; byMember: boolean; across?: { span: Span }; within?: Duration; where?: Condition; span: Span }
  | { kind: 'absences' | 'attended'; schedule: Ident; within?: Duration; span: Span }
  /** `amount * 2`, `member.points - cost`: numbers only (docs/language.md, "Arithmetic"). */
  | { kind: 'arith'; op: ArithOp; left: Operand; right: Operand; parens?: boolean; span: Span }
  /** `min(a, b)`, `round(x)`, `length(mentions)`. */
  | { kind: 'call'; fn: Ident; args: Operand[]; span: Span };

export type ArithOp = '+' | '-' | '*' | '/';

export type Pattern = { kind: 'regex'; source: string; flags: string; span: Span } | { kind: 'text'; value: string; span: Span };

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[]; span: Span }
  | { kind: 'not'; item: Condition; span: Span }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand; span: Span }
  | { kind: 'matches'; subject: Operand; patterns: Pattern[]; span: Span }
  | { kind: 'contains'; subject: Operand; value: StringLit; span: Span }
  | { kind: 'hasRole'; role: Ident; span: Span }
  | { kind: 'hasTag'; tag: StringLit; span: Span }
  /** `member has posted`, `member has never posted` (docs/language.md, "Rosters"). */
  | { kind: 'hasPosted'; never: boolean; span: Span }
  | { kind: 'inSegment'; segment: Ident; span: Span }
  | { kind: 'inStage'; campaign: Ident; stage?: Ident; span: Span }
  | { kind: 'truth'; subject: Operand; span: Span }
  /** `time between 23:00 and 07:00`, `time >= 09:00` (docs/language.md, "Time of day, weekday and date"). */
  | { kind: 'clockTime'; op: CompareOp | 'between'; values: ClockOperand[]; span: Span }
  /** `weekday is sat`, `weekday in [mon-fri]`, `weekday is 周末`. */
  | { kind: 'weekday'; days: WeekdayItem[]; span: Span }
  /** `date is 2026-11-11`, `date >= 2026-11-01`. */
  | { kind: 'clockDate'; op: CompareOp; date: ClockOperand; span: Span }
  /** `chance 10%`: true for that share of draws (docs/language.md, "Randomness"). */
  | { kind: 'chance'; percent: ClockOperand; hasPercentSign: boolean; span: Span };

/**
 * What a clock condition was given, as written: the checker tells `25:00`, `9` or `10m` where a
 * time of day belongs apart and says what to write instead.
 */
export interface ClockOperand {
  kind: 'time' | 'number' | 'duration' | 'date';
  text: string;
  span: Span;
}

/** One weekday, a range (`mon-fri`) or a group (`weekend`, `周末`), resolved by the checker. */
export interface WeekdayItem {
  from: Ident;
  to?: Ident;
}

/**
 * `direct messages { at most 1 per member per 1d, else hold; quiet hours 22:00 to 08:00, hold }`:
 * a community-wide limit on messages to one member (docs/language.md, "Direct messages").
 * Clauses are kept as lists so the checker can point at a second one.
 */
export interface DirectMessagesDecl {
  caps: DirectMessagesCap[];
  quiet: DirectMessagesQuiet[];
  span: Span;
}

/** What a clause does with a message it stops: the word as written (`hold` or `drop`), checked later. */
export interface DirectMessagesCap {
  count: { value: number; text: string; span: Span };
  per: Duration;
  policy?: Ident;
  span: Span;
}

export interface DirectMessagesQuiet {
  /** Minutes after local midnight; absent when the time was wrong (reported by the parser). */
  times: { from?: number; to?: number; span: Span };
  policy?: Ident;
  span: Span;
}
