import { z } from 'zod';
import { dict, type Dict } from '../stdlib/dict.js';
import { Cond, CondValue } from './schema-values.js';

export * from './schema-values.js';

/**
 * The IR: the single, versioned, JSON hand-off from the compiler to the runtime. Everything the
 * runtime needs is here with names resolved, durations in milliseconds, templates inlined and
 * every windowed count given an id. The zod schema is the contract; `compile` always validates
 * its output against it.
 */

export const IR_VERSION = 1;

/**
 * A record keyed by names a playbook declares (event types, payload fields), parsed into a dict.
 * zod's `z.record` builds a plain object and skips a `__proto__` key, so an IR declaring
 * `event __proto__ { }` would lose it and `events['constructor']` would find a function
 * (docs/runtime.md, "Hostile names").
 */
function nameRecord<T extends z.ZodType>(value: T) {
  return z.unknown().transform((raw, ctx): Dict<z.output<T>> => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      ctx.issues.push({ code: 'invalid_type', expected: 'record', input: raw, message: 'expected an object keyed by name' });
      return z.NEVER;
    }
    const out = dict<z.output<T>>();
    for (const key of Object.keys(raw)) {
      const item = (raw as Record<string, unknown>)[key];
      const r = value.safeParse(item);
      if (r.success) out[key] = r.data;
      else for (const issue of r.error.issues) ctx.issues.push({ code: 'custom', input: item, message: issue.message, path: [key, ...issue.path] });
    }
    return out;
  });
}

export const MemberFilter = z.object({
  silent: z.boolean(),
  tagged: z.string().optional(),
  segment: z.string().optional(),
  where: Cond.optional(),
  unless: Cond.optional(),
});
export type MemberFilter = z.infer<typeof MemberFilter>;

export const Audience = z.union([
  z.object({ kind: z.literal('group') }),
  z.object({ kind: z.literal('member') }),
  z.object({ kind: z.literal('admins') }),
  z.object({ kind: z.literal('channel'), channel: z.string() }),
  z.object({ kind: z.literal('members'), filter: MemberFilter }),
]);
export type Audience = z.infer<typeof Audience>;

/**
 * The member an action acts on when it is not the event's (docs/language.md, "Targets"): the
 * member id in a field of the event (`author`), or the inviter of the event's member.
 */
export const Target = z.union([z.object({ field: z.string() }), z.object({ inviter: z.literal(true) })]);
export type Target = z.infer<typeof Target>;
const target = Target.optional();

export const Action = z.union([
  z.object({ do: z.literal('say'), to: Audience, text: z.string(), target }),
  z.object({ do: z.literal('notify'), text: z.string() }),
  z.object({ do: z.literal('deleteMessage') }),
  z.object({ do: z.literal('warn'), ladder: z.string(), reason: z.string().optional(), target }),
  /** A fixed length (`durationMs`) or one computed when the mute runs (`value`, milliseconds; docs/language.md, "Actions"). */
  z.object({
    do: z.literal('mute'),
    durationMs: z.number().int().positive().optional(),
    value: CondValue.optional(),
    reason: z.string().optional(),
    target,
  }),
  z.object({ do: z.literal('remove'), reason: z.string().optional(), target }),
  z.object({ do: z.literal('removeMembers'), filter: MemberFilter, reason: z.string().optional() }),
  z.object({ do: z.literal('tag'), tag: z.string(), target }),
  z.object({ do: z.literal('untag'), tag: z.string(), target }),
  z.object({ do: z.literal('award'), amount: z.number(), value: CondValue.optional(), reason: z.string().optional(), multiplied: z.boolean(), target }),
  /** `tag members FILTER "t"` (`untag: true` for `untag members …`): each matching member whose tags change. */
  z.object({ do: z.literal('tagMembers'), filter: MemberFilter, tag: z.string(), untag: z.boolean() }),
  /** `forgive member on ladder L`: the member's warnings on L are cleared (`warnings.cleared`). */
  z.object({ do: z.literal('forgive'), ladder: z.string(), target }),
  /** `award badge NAME`: grants the badge of that name (`IR.badges`) unless the member has it. */
  z.object({ do: z.literal('awardBadge'), badge: z.string(), target }),
  /** `draw N members … as NAME`: runs the lottery of that name (`IR.lotteries`). */
  z.object({ do: z.literal('draw'), lottery: z.string() }),
  // The platform actions (docs/language.md, "Platform actions").
  z.object({ do: z.literal('role'), role: z.string(), revoke: z.boolean(), target }),
  z.object({ do: z.literal('unmute'), target }),
  /** Without `durationMs`, for good. */
  z.object({ do: z.literal('ban'), durationMs: z.number().int().positive().optional(), reason: z.string().optional(), target }),
  z.object({ do: z.literal('pin') }),
  z.object({ do: z.literal('reply'), text: z.string() }),
  z.object({ do: z.literal('join'), reject: z.boolean(), reason: z.string().optional() }),
  /** `call ENDPOINT with …`: `webhook.call` with the body's entries computed in order (`IR.endpoints`). */
  z.object({ do: z.literal('webhook'), endpoint: z.string(), body: z.array(z.object({ key: z.string(), value: CondValue })) }),
]);
export type Action = z.infer<typeof Action>;

export const EventMatch = z.object({ event: z.string(), where: Cond.optional() });
export type EventMatch = z.infer<typeof EventMatch>;

export const StageRef = z.object({ campaign: z.string(), stage: z.string() });
export type StageRef = z.infer<typeof StageRef>;

export const Counter = z.object({
  id: z.string(),
  event: z.string(),
  /** `network`: every community's events, kept once for the runtime (`count(E across groups)`, runtime/network.ts). */
  scope: z.enum(['member', 'community', 'network']),
  /** Absent: counts every event since the member joined (or since the campaign began). */
  withinMs: z.number().int().positive().optional(),
  /** Only events while this campaign runs are counted. */
  campaign: z.string().optional(),
  /** `sum(FIELD of E)`: the value is the sum of this numeric field over the counted events. */
  sum: z.string().optional(),
  /** `count(distinct FIELD of E)`, `count(distinct member of E)`: the number of different values. */
  distinct: z.union([z.object({ field: z.string() }), z.object({ member: z.literal('id') })]).optional(),
  /**
   * `where …`: which events are counted; a bare field is the counted event's. Without `keep` it is
   * tested when the event is recorded; with `keep` (it reads `this.FIELD`) when the count is read,
   * on the fields listed there, kept with each event of the window.
   */
  where: Cond.optional(),
  keep: z.array(z.string()).optional(),
});
export type Counter = z.infer<typeof Counter>;

export const Rule = z.object({
  id: z.string(),
  name: z.string(),
  on: z.array(EventMatch).min(1),
  when: Cond.optional(),
  unless: z.array(Cond),
  priority: z.number(),
  once: z.enum(['member', 'community']).optional(),
  /** `exclusive NAME`: the group of rules of which an event runs only the first that matches. */
  exclusive: z.string().optional(),
  /** `once per FIELD`: at most once per value of that field in the community. */
  onceKey: z.string().optional(),
  /** `cooldown D [per member|community]`: skipped while the last firing is less than D ago. */
  cooldownMs: z.number().int().positive().optional(),
  cooldownPer: z.enum(['member', 'community']).optional(),
  stage: StageRef.optional(),
  /** Windowed counters in `when`: cleared for the member when the rule fires. */
  windows: z.array(z.string()),
  actions: z.array(Action),
});
export type Rule = z.infer<typeof Rule>;

export const Ladder = z.object({
  id: z.string(),
  name: z.string(),
  expireMs: z.number().int().positive().optional(),
  steps: z.array(z.object({ n: z.number().int().positive(), actions: z.array(Action) })),
});
export type Ladder = z.infer<typeof Ladder>;

export const PointsRule = z.object({
  id: z.string(),
  on: EventMatch,
  amount: z.number(),
  /** A computed amount (`order.paid: +amount / 100`), signed; rounded as an award's (docs/language.md, "Points"). */
  value: CondValue.optional(),
  cooldownMs: z.number().int().positive().optional(),
  caps: z.array(z.object({ limit: z.number().positive(), per: z.enum(['day', 'week', 'month']), unit: z.enum(['awards', 'points']) })),
  reason: z.string(),
  stage: StageRef.optional(),
});
export type PointsRule = z.infer<typeof PointsRule>;

export const Calendar = z.object({
  kind: z.enum(['daily', 'weekly', 'monthly']),
  weekdays: z.array(z.number().int().min(1).max(7)),
  monthDays: z.array(z.number().int().min(1).max(31)),
  times: z.array(z.number().int().min(0).max(1439)).min(1),
  /** `between 10:00 and 22:00`: each matching day fires once, at a minute drawn from [from, to) (then `times` is unused). */
  between: z.object({ from: z.number().int().min(0).max(1439), to: z.number().int().min(1).max(1440) }).optional(),
});
export type Calendar = z.infer<typeof Calendar>;

export const Ritual = z.object({
  id: z.string(),
  name: z.string(),
  startsOn: EventMatch,
  onStart: z.array(Action),
  steps: z.array(z.object({ name: z.string(), label: z.string(), on: EventMatch })),
  reminders: z.array(z.object({ afterMs: z.number().int().positive(), actions: z.array(Action) })),
  deadline: z.object({ afterMs: z.number().int().positive(), actions: z.array(Action) }).optional(),
  cancelOn: z.array(EventMatch),
  done: z.array(Action),
});
export type Ritual = z.infer<typeof Ritual>;

export const LifecycleTrigger = z.union([
  z.object({ on: EventMatch }),
  z.object({ when: Cond }),
  z.object({ afterMs: z.number().int().positive(), without: z.string().optional() }),
]);
export type LifecycleTrigger = z.infer<typeof LifecycleTrigger>;

export const Lifecycle = z.object({
  id: z.string(),
  name: z.string(),
  initial: z.string(),
  states: z.array(z.string()).min(1),
  transitions: z.array(z.object({ from: z.string(), to: z.string(), trigger: LifecycleTrigger, actions: z.array(Action) })),
});
export type Lifecycle = z.infer<typeof Lifecycle>;

export const Schedule = z.object({
  id: z.string(),
  name: z.string(),
  calendar: Calendar,
  durationMs: z.number().int().positive().optional(),
  attendanceEvent: z.string(),
  hooks: z.array(z.object({ anchor: z.enum(['start', 'end']), offsetMs: z.number().int(), actions: z.array(Action) })),
  /** Written inside a stage: only sessions that start while the stage runs are held. */
  stage: StageRef.optional(),
});
export type Schedule = z.infer<typeof Schedule>;

export const Job = z.object({
  id: z.string(),
  name: z.string(),
  calendar: Calendar,
  /** `when …`: an occurrence runs its actions only if this holds then (no member in scope). */
  when: Cond.optional(),
  actions: z.array(Action),
  /** Written inside a stage: runs only at occurrences while the stage runs. */
  stage: StageRef.optional(),
});
export type Job = z.infer<typeof Job>;

/** The exact windows of a leaderboard (docs/language.md, "Leaderboards"). */
export const BoardWindow = z.enum(['sinceLastPost', 'today', 'yesterday', 'thisWeek', 'lastWeek', 'thisMonth', 'lastMonth', 'allTime']);
export type BoardWindow = z.infer<typeof BoardWindow>;

/** What a leaderboard ranks by: points, a count of one event type, or a member value read when it is posted. */
export const BoardRank = z.union([z.object({ points: z.literal(true) }), z.object({ count: z.string() }), z.object({ value: CondValue })]);
export type BoardRank = z.infer<typeof BoardRank>;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Minutes after local midnight. */
const Minutes = z.number().int().min(0).max(1439);

/** `agenda NAME on DATE { … }` and the one-off `on DATE at TIME: …` (one step): each step runs once. */
export const Agenda = z.object({
  id: z.string(),
  name: z.string(),
  date: IsoDate,
  steps: z.array(z.object({ name: z.string().optional(), minutes: Minutes, actions: z.array(Action) })),
  stage: StageRef.optional(),
});
export type Agenda = z.infer<typeof Agenda>;

export const Leaderboard = z.object({
  id: z.string(),
  name: z.string(),
  /** The old form's rolling period; used only when `window` is absent. */
  period: z.enum(['daily', 'weekly', 'monthly', 'all']),
  top: z.number().int().positive(),
  calendar: Calendar,
  actions: z.array(Action),
  /** Absent (an IR of the old shape): points. */
  rank: BoardRank.optional(),
  window: BoardWindow.optional(),
  skipIfEmpty: z.boolean().optional(),
  /** `for each member: …`: run for each ranked member in rank order, after `actions`. */
  each: z.array(Action).optional(),
});
export type Leaderboard = z.infer<typeof Leaderboard>;

/** `draw N members FILTER as NAME: …`: a seeded draw of distinct members (docs/language.md, "Lottery draws"). */
export const Lottery = z.object({
  id: z.string(),
  name: z.string(),
  count: z.number().int().positive(),
  filter: MemberFilter,
  /** Run for each winner in draw order. */
  each: z.array(Action),
});
export type Lottery = z.infer<typeof Lottery>;

export const Badge = z.object({
  id: z.string(),
  name: z.string(),
  when: Cond.optional(),
  streak: z.object({ days: z.number().int().positive(), event: z.string() }).optional(),
  actions: z.array(Action),
});
export type Badge = z.infer<typeof Badge>;

export const Campaign = z.object({
  id: z.string(),
  name: z.string(),
  stages: z.array(
    z.object({
      name: z.string(),
      from: IsoDate,
      to: IsoDate.optional(),
      /** `from D HH:MM`: starts at that local time (else local midnight at the start of D). */
      fromMinutes: Minutes.optional(),
      /** `to D HH:MM`: ends at that local time, excluded (else local midnight at the end of D). */
      toMinutes: Minutes.optional(),
      multiplier: z.number().positive().optional(),
      onEnter: z.array(Action),
      onExit: z.array(Action),
    }),
  ),
  goals: z.array(z.object({ name: z.string(), when: Cond, actions: z.array(Action) })),
  /** `across all groups`: its goals count and are reached once for every community (absent: per community). */
  network: z.literal(true).optional(),
});
export type Campaign = z.infer<typeof Campaign>;

/**
 * `direct messages { … }`: a cap on messages to one member (`message.send` with `to`) over a
 * sliding period, and quiet hours, each holding or dropping what it stops (docs/language.md,
 * "Direct messages"; the runtime is constructs/direct-messages.ts).
 */
export const DirectMessagePolicy = z.enum(['hold', 'drop']);
export const DirectMessages = z.object({
  cap: z.object({ count: z.number().int().positive(), perMs: z.number().positive(), policy: DirectMessagePolicy }).optional(),
  /** From `from` (included) to `to` (excluded), minutes after local midnight; `from > to` crosses midnight. */
  quiet: z.object({ from: Minutes, to: Minutes, policy: DirectMessagePolicy }).optional(),
});
export type DirectMessages = z.infer<typeof DirectMessages>;

export const FieldType = z.enum(['number', 'string', 'boolean', 'string[]']);
export type FieldType = z.infer<typeof FieldType>;

export const EventType = z.object({
  core: z.boolean(),
  memberLevel: z.boolean(),
  fields: nameRecord(z.object({ type: FieldType, optional: z.boolean() })),
});
export type EventType = z.infer<typeof EventType>;

/** `endpoint NAME { url …; timeout D; retries N }` (docs/language.md, "Webhooks"): exactly one of `url`, `urlEnv`. */
export const Endpoint = z.object({
  url: z.string().optional(),
  urlEnv: z.string().optional(),
  timeoutMs: z.number().int().positive(),
  retries: z.number().int().nonnegative(),
});
export type Endpoint = z.infer<typeof Endpoint>;

export const IR = z.object({
  version: z.literal(IR_VERSION),
  name: z.string(),
  timezone: z.string(),
  locale: z.string(),
  /** The header's `horizon`: how long event ids are remembered (docs/runtime.md); absent: 7 days. */
  horizonMs: z.number().optional(),
  source: z.string().optional(),
  roles: z.array(z.string()),
  events: nameRecord(EventType),
  segments: z.array(z.object({ name: z.string(), where: Cond })),
  counters: z.array(Counter),
  rules: z.array(Rule),
  ladders: z.array(Ladder),
  points: z.array(PointsRule),
  levels: z.array(z.object({ name: z.string(), at: z.number() })),
  badges: z.array(Badge),
  leaderboards: z.array(Leaderboard),
  /** Absent in an IR of the old shape: no draws. */
  lotteries: z.array(Lottery).optional(),
  rituals: z.array(Ritual),
  lifecycles: z.array(Lifecycle),
  schedules: z.array(Schedule),
  jobs: z.array(Job),
  campaigns: z.array(Campaign),
  /** Absent in IR stored before agendas existed. */
  agendas: z.array(Agenda).optional(),
  /** Absent: direct messages go out as they are made. */
  directMessages: DirectMessages.optional(),
  /** Where `call NAME` posts; absent in an IR of the old shape: none. */
  endpoints: nameRecord(Endpoint).optional(),
});
export type IR = z.infer<typeof IR>;
