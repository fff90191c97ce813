import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { createRuntime, type OutputAction, type RuntimeSnapshot } from '../src/runtime/runtime.js';

/**
 * Properties of the runtime (DESIGN.md sections 4-6b) over generated event streams, run against
 * every playbook in examples/ and against small playbooks generated from templates:
 *
 *   1. determinism      the same stream through two fresh runtimes gives the same actions;
 *   2. idempotence      replaying the stream into the same runtime produces nothing new;
 *   3. snapshot split   snapshot (JSON round trip) + resume anywhere = one uninterrupted run;
 *   4. isolation        another community's events, interleaved anywhere, change nothing;
 *   5. well-formedness  every action has at/type/community/cause/source and its section 4 fields,
 *                       `at` never goes backwards within a community (late events included),
 *                       an event's actions carry the community clock, balances add up.
 *
 * Streams: 1-80 events of members u1..u5, sometimes two communities with the same event ids,
 * gaps from 0 s to 3 days, bursts, occasional late events, duplicate ids and other UTC offsets.
 * PROPERTY_RUNS_SCALE=10 multiplies every run count for a longer hunt.
 */

// ------------------------------------------------------------------ playbooks

type Ev = { id: string; type: string; at: string; community: string; member?: string; [k: string]: unknown };

interface Profile {
  name: string;
  ir: IR;
  /** Streams start somewhere in [from, to). */
  from: number;
  to: number;
  /** Every run ends with `advance(until)`. */
  until: string;
  /** How counterexamples print the playbook: its file name, or a generated playbook's source. */
  [fc.toStringMethod]?: () => string;
}

const SEED = 7;

function compileOrThrow(source: string, file: string): IR {
  const { ir, diagnostics } = compile(source, { file });
  if (!ir) throw new Error(`${file} does not compile:\n${diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}\n${source}`);
  return ir;
}

const example = (file: string, from: string, to: string, until: string): Profile => ({
  name: file,
  ir: compileOrThrow(readFileSync(new URL(`../examples/${file}`, import.meta.url), 'utf8'), `examples/${file}`),
  from: Date.parse(from),
  to: Date.parse(to),
  until,
  [fc.toStringMethod]: () => JSON.stringify(file),
});

// Windows around each playbook's interesting dates (sessions, stages, purges, leaderboards).
// Timers fired by `advance` dominate the cost (every session and leaderboard is a timer), so the
// horizons stay just past what matters: the 15 September purge, the 24 h ritual deadline, ...
const EXAMPLES: Profile[] = [
  example('discussion-schedule.playbook', '2026-09-07T00:00:00+08:00', '2026-09-16T00:00:00+08:00', '2026-09-19T00:00:00+08:00'),
  example('entry-ritual.playbook', '2026-03-01T00:00:00+08:00', '2026-03-10T00:00:00+08:00', '2026-03-12T00:00:00+08:00'),
  example('fission-campaign.playbook', '2026-10-15T00:00:00+08:00', '2026-11-15T00:00:00+08:00', '2026-11-20T00:00:00+08:00'),
  example('flood.playbook', '2026-07-01T00:00:00+08:00', '2026-07-05T00:00:00+08:00', '2026-07-10T00:00:00+08:00'),
  example('member-lifecycle.playbook', '2026-08-01T00:00:00+08:00', '2026-09-01T00:00:00+08:00', '2026-09-30T00:00:00+08:00'),
  example('no-ads.playbook', '2026-04-01T00:00:00+08:00', '2026-05-15T00:00:00+08:00', '2026-06-01T00:00:00+08:00'),
  example('points-levels.playbook', '2026-06-01T00:00:00+08:00', '2026-06-15T00:00:00+08:00', '2026-06-22T10:00:00+08:00'),
];

// ------------------------------------------------------------------ generated playbooks

const pad = (n: number) => String(n).padStart(2, '0');
const DAY = 86_400_000;
/** A local date (Asia/Shanghai) `days` after 2026-10-15. */
const dateAfter = (days: number) => {
  const d = new Date(Date.UTC(2026, 9, 15) + days * DAY);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
};

const ladderStepArb = fc.oneof(
  fc.integer({ min: 1, max: 90 }).map((m) => `mute member ${m}m reason "刷屏"`),
  fc.integer({ min: 1, max: 48 }).map((h) => `mute member ${h}h`),
  fc.constant('say to member "警告 {count}"'),
  fc.constant('remove member reason "违规"'),
);

const sectionsArb = fc.record({
  // The window below holds the autumn DST changes of Europe (25 Oct) and the US (1 Nov).
  timezone: fc.constantFrom('Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'UTC'),
  include: fc.subarray(['burst', 'ads', 'points', 'ritual', 'lifecycle', 'campaign', 'schedule', 'badge', 'daily'] as const, { minLength: 1 }),
  /** A daily job's time: 01:30 and 02:30 happen twice on the fall-back nights. */
  daily: fc.constantFrom('00:00', '01:30', '02:30', '03:00', '09:00', '23:59'),
  burst: fc.record({ within: fc.integer({ min: 1, max: 120 }), over: fc.integer({ min: 1, max: 6 }), exemptAdmins: fc.boolean() }),
  ads: fc.record({ priority: fc.integer({ min: 0, max: 3 }), remove: fc.boolean() }),
  ladder: fc.record({ expireH: fc.integer({ min: 1, max: 72 }), steps: fc.array(ladderStepArb, { minLength: 1, maxLength: 3 }) }),
  points: fc.record({
    msg: fc.integer({ min: -2, max: 5 }).filter((n) => n !== 0),
    cooldown: fc.integer({ min: 0, max: 600 }),
    cap: fc.integer({ min: 1, max: 30 }),
    per: fc.constantFrom('day', 'week', 'month'),
    checkin: fc.integer({ min: 1, max: 10 }),
    invite: fc.integer({ min: 1, max: 20 }),
    redpacketMin: fc.integer({ min: 1, max: 10 }),
    levels: fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 0, maxLength: 3 }),
    leaderboard: fc.boolean(),
  }),
  ritual: fc.record({
    remindH: fc.integer({ min: 1, max: 12 }),
    deadlineH: fc.integer({ min: 13, max: 48 }),
    minAmount: fc.integer({ min: 1, max: 10 }),
    award: fc.integer({ min: 1, max: 20 }),
  }),
  lifecycle: fc.record({
    withinD: fc.integer({ min: 1, max: 7 }),
    n: fc.integer({ min: 1, max: 4 }),
    dormantD: fc.integer({ min: 1, max: 10 }),
    advocates: fc.integer({ min: 1, max: 3 }),
  }),
  campaign: fc.record({
    start: fc.integer({ min: 0, max: 8 }),
    len1: fc.integer({ min: 0, max: 4 }),
    gap: fc.integer({ min: 1, max: 2 }),
    len2: fc.integer({ min: 0, max: 4 }),
    mult: fc.integer({ min: 1, max: 3 }),
    bait: fc.integer({ min: 1, max: 3 }),
    goal: fc.integer({ min: 1, max: 4 }),
  }),
  badge: fc.integer({ min: 1, max: 8 }),
});

type Sections = typeof sectionsArb extends fc.Arbitrary<infer T> ? T : never;

function renderPlaybook(s: Sections): string {
  const has = (x: Sections['include'][number]) => s.include.includes(x);
  const out = ['playbook "Generated" {', `  timezone "${s.timezone}"`, '}', 'roles admin'];
  if (has('burst')) {
    out.push(
      'rule burst {',
      '  on message.posted',
      `  when count(message.posted by member within ${s.burst.within}s) > ${s.burst.over}`,
      ...(s.burst.exemptAdmins ? ['  unless member has role admin'] : []),
      '  do warn member "刷屏" on ladder gen',
      '}',
    );
  }
  if (has('ads')) {
    out.push(
      'rule ads {',
      '  on message.posted',
      '  when text matches any ["加微信", "返利", /https?:\\/\\//i]',
      `  priority ${s.ads.priority}`,
      `  do delete message; ${s.ads.remove ? 'remove member reason "广告"' : 'warn member "广告" on ladder gen'}`,
      '}',
    );
  }
  if (has('burst') || has('ads')) {
    out.push('ladder gen {', `  expire ${s.ladder.expireH}h`, ...s.ladder.steps.map((a, i) => `  ${i + 1}: ${a}`), '}');
  }
  if (has('points')) {
    const p = s.points;
    out.push(
      'points {',
      `  message.posted: ${p.msg >= 0 ? '+' : ''}${p.msg}${p.cooldown ? ` cooldown ${p.cooldown}s` : ''} cap ${p.cap} per ${p.per} reason "发言"`,
      `  checkin.done: +${p.checkin} cap 1 per day`,
      `  invite.accepted: +${p.invite}`,
      `  redpacket.sent where amount >= ${p.redpacketMin}: +3 cap 2 per week`,
      '}',
    );
    if (p.levels.length > 0) {
      let at = 0;
      out.push(`levels { ${p.levels.map((d, i) => `L${i} at ${(at += d)}`).join('; ')} }`);
    }
    if (p.leaderboard) out.push('leaderboard weekly top 3 by points every mon 09:00 { say "榜 {board}" }');
  }
  if (has('ritual')) {
    const r = s.ritual;
    out.push(
      'ritual onboarding {',
      '  starts on member.joined',
      '  say to member "欢迎 {member.name}"',
      `  step redpacket "红包": redpacket.sent where amount >= ${r.minAmount} and shares >= 3`,
      '  step intro "自我介绍": message.posted where text matches /^[^-\\s]+-[^-\\s]+-[^-\\s]+/',
      `  remind after ${r.remindH}h: say to member "还差:{missing}"`,
      `  deadline ${r.deadlineH}h: remove member reason "超时"`,
      '  cancel on member.left',
      `  done { tag member "member"; award ${r.award} points reason "ritual"; say "欢迎 {member.name} 正式加入" }`,
      '}',
    );
  }
  if (has('lifecycle')) {
    const l = s.lifecycle;
    out.push(
      'lifecycle member {',
      '  initial newcomer',
      `  newcomer -> active when count(message.posted within ${l.withinD}d) >= ${l.n}`,
      `  active -> dormant after ${l.dormantD}d without message.posted { say to member "好久不见" }`,
      '  dormant -> active on message.posted',
      '  active -> paying on order.paid',
      `  paying -> advocate when count(invite.accepted) >= ${l.advocates}`,
      '}',
    );
  }
  if (has('campaign')) {
    const c = s.campaign;
    const s1 = c.start;
    const e1 = s1 + c.len1;
    const s2 = e1 + c.gap;
    const e2 = s2 + c.len2;
    out.push(
      'campaign promo {',
      `  stage warmup from ${dateAfter(s1)} to ${dateAfter(e1)} {`,
      ...(c.mult > 1 ? [`    points x${c.mult}`] : []),
      '    invite.accepted: +10 reason "邀请"',
      '    rule bait {',
      '      on invite.accepted',
      `      when count(invite.accepted by member) == ${c.bait}`,
      '      do award 50 points reason "bait" unmultiplied; say to member "奖品已解锁"',
      '    }',
      '  }',
      `  stage sale from ${dateAfter(s2)} to ${dateAfter(e2)} {`,
      '    on enter: say "开始"',
      '    on exit: say "结束"',
      '    order.paid: +100 reason "下单"',
      '  }',
      `  goal orders when count(order.paid) >= ${c.goal} { notify admins "目标达成" }`,
      '}',
    );
  }
  if (has('schedule')) {
    out.push(
      'schedule talk every mon-fri 19:20 until 20:00 attendance by message.posted {',
      '  at start: say "讨论开始"',
      '  at start + 20m: say to silent members unless member has role admin "{member.name}?"',
      '  at end: say "讨论结束"',
      '}',
      'job purge every month on 1 at 10:00 {',
      '  remove members where absences(talk, 30d) >= 2 unless member has role admin reason "缺席"',
      '}',
    );
  }
  if (has('badge')) out.push(`badge talker when count(message.posted) >= ${s.badge} { say "徽章 {badge}" }`);
  if (has('daily')) out.push(`job tick every day at ${s.daily} { say "tick {date} {time}" }`);
  return out.join('\n') + '\n';
}

/** Streams for generated playbooks use this window (the IR is filled in per playbook). */
const GENERATED_WINDOW: Profile = {
  name: 'generated',
  ir: undefined as unknown as IR,
  from: Date.parse('2026-10-13T00:00:00+08:00'),
  to: Date.parse('2026-10-30T00:00:00+08:00'),
  until: '2026-11-04T00:00:00+08:00',
};

const irCache = new Map<string, IR>();
const generatedArb: fc.Arbitrary<Profile> = sectionsArb.map((s) => {
  const source = renderPlaybook(s);
  let ir = irCache.get(source);
  if (!ir) irCache.set(source, (ir = compileOrThrow(source, 'generated.playbook')));
  return { ...GENERATED_WINDOW, ir, [fc.toStringMethod]: () => JSON.stringify(source) };
});

// ------------------------------------------------------------------ event streams

const TEXTS = [
  'hello',
  '好的',
  '我觉得可以',
  '加微信 abc123',
  '返利群,优惠券领取',
  '邀请码 12345',
  '邀请码 12',
  'see https://example.com/x',
  'HTTP://EXAMPLE.COM',
  'Alice-上海-工程师',
  'Bob-北京-设计师',
  'Dan-深圳-学生',
  'Eve-杭州-产品',
  'Carol - Paris',
  '',
] as const;

const NAMES = ['Alice', 'Bob', 'Carol', 'Dan', 'Eve'] as const;

const KINDS = [
  { weight: 8, arbitrary: fc.constant('message.posted') },
  { weight: 3, arbitrary: fc.constant('member.joined') },
  { weight: 2, arbitrary: fc.constant('redpacket.sent') },
  { weight: 2, arbitrary: fc.constant('checkin.done') },
  { weight: 1, arbitrary: fc.constant('order.paid') },
  { weight: 2, arbitrary: fc.constant('invite.accepted') },
  { weight: 1, arbitrary: fc.constant('member.left') },
  /** A burst of messages by one member one or two seconds apart (flood rules need them). */
  { weight: 1, arbitrary: fc.constant('burst') },
] as const;

/** Gaps from "same second" to days, in seconds. */
const gapArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 15 }) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 900 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 12 * 3600 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 * 86_400 }) },
);

const stepArb = fc.record({
  gap: gapArb,
  member: fc.integer({ min: 1, max: 5 }),
  type: fc.oneof(...KINDS),
  text: fc.integer({ min: 0, max: TEXTS.length - 1 }),
  amount: fc.constantFrom(1, 5, 8, 20, 199),
  shares: fc.constantFrom(1, 3, 5, 8),
  admin: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  /** Seconds this event is dated before the stream's clock (out of order), usually 0. */
  late: fc.oneof({ weight: 15, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 6 * 3600 }) }),
  /** Reuse an earlier event's id: -1 no, otherwise an index (mod the events so far). */
  dup: fc.oneof({ weight: 15, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat() }),
  /** A duplicate is an exact replay of the earlier event, or a different event with its id. */
  exact: fc.boolean(),
  /** The UTC offset `at` is written with (the instant is the same). */
  offset: fc.oneof({ weight: 6, arbitrary: fc.constant(480) }, { weight: 1, arbitrary: fc.constantFrom(0, -300, 330) }),
  /** For bursts: the gaps (0-2 s) between its messages. */
  burst: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 8 }),
});
type Step = typeof stepArb extends fc.Arbitrary<infer T> ? T : never;

/** An ISO-8601 instant with the given offset in minutes (`Z` for 0). */
function isoAt(ms: number, offset = 480): string {
  if (offset === 0) return new Date(ms).toISOString().slice(0, 19) + 'Z';
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${new Date(ms + offset * 60_000).toISOString().slice(0, 19)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
const MAX_EVENTS = 80;

function materialize(steps: Step[], community: string, start: number): Ev[] {
  const out: Ev[] = [];
  let t = start;
  steps.forEach((s, i) => {
    t += s.gap * 1000;
    if (s.type === 'burst') {
      [0, ...s.burst].forEach((gap, j) => {
        t += gap * 1000;
        out.push({
          id: `e${i}.${j}`,
          type: 'message.posted',
          at: isoAt(t, s.offset),
          community,
          member: `u${s.member}`,
          messageId: `m${i}.${j}`,
          text: TEXTS[(s.text + j) % 3]!,
        });
      });
      return;
    }
    if (s.dup >= 0 && out.length > 0 && s.exact) {
      out.push(structuredClone(out[s.dup % out.length]!));
      return;
    }
    const id = s.dup >= 0 && out.length > 0 ? out[s.dup % out.length]!.id : `e${i}`; // the same ids in both communities: ids are unique per community only
    const e: Ev = { id, type: s.type, at: isoAt(t - s.late * 1000, s.offset), community, member: `u${s.member}` };
    switch (s.type) {
      case 'member.joined':
        e['name'] = NAMES[s.member - 1];
        if (s.admin) e['roles'] = ['admin'];
        break;
      case 'message.posted':
        e['messageId'] = `m${i}`;
        e['text'] = TEXTS[s.text];
        break;
      case 'redpacket.sent':
        e['amount'] = s.amount;
        e['shares'] = s.shares;
        break;
      case 'checkin.done':
        e['kind'] = 'daily';
        break;
      case 'order.paid':
        e['orderId'] = `o${i}`;
        e['amount'] = s.amount;
        break;
      case 'invite.accepted':
        e['invitee'] = `n${i}`;
        break;
    }
    out.push(e);
  });
  return out.slice(0, MAX_EVENTS);
}

/** Mostly short streams (up to ~10 events: shrink-friendly, cheap), the rest up to 80. */
const stepsArb = fc.oneof(
  { weight: 3, arbitrary: fc.array(stepArb, { minLength: 1, maxLength: MAX_EVENTS, size: 'small' }) },
  { weight: 2, arbitrary: fc.array(stepArb, { minLength: 1, maxLength: MAX_EVENTS, size: 'max' }) },
);

/** A stream of one community starting somewhere in the profile's window. */
function oneStreamArb(p: Profile, community: string): fc.Arbitrary<Ev[]> {
  const span = Math.max(1, Math.floor((p.to - p.from) / 1000));
  return fc.tuple(fc.integer({ min: 0, max: span }), stepsArb).map(([offset, steps]) => materialize(steps, community, p.from + offset * 1000));
}

/** Merge two streams keeping each one's order; `picks` says which side goes next. */
function interleave(a: Ev[], b: Ev[], picks: boolean[]): Ev[] {
  const out: Ev[] = [];
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && (picks[k++ % Math.max(1, picks.length)] ?? true));
    out.push(fromA ? a[i++]! : b[j++]!);
  }
  return out;
}

/** Usually one community, sometimes two interleaved. */
function streamArb(p: Profile): fc.Arbitrary<Ev[]> {
  return fc.oneof(
    { weight: 3, arbitrary: oneStreamArb(p, 'c1') },
    {
      weight: 1,
      arbitrary: fc
        .tuple(oneStreamArb(p, 'c1'), oneStreamArb(p, 'c2'), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }))
        .map(([a, b, picks]) => interleave(a, b, picks)),
    },
  );
}

// ------------------------------------------------------------------ running

function run(ir: IR, events: Ev[], until?: string): OutputAction[] {
  const rt = createRuntime(ir, { seed: SEED });
  const out: OutputAction[] = [];
  for (const e of events) out.push(...rt.dispatch(structuredClone(e)));
  if (until) out.push(...rt.advance(until));
  return out;
}

const byCommunity = (actions: OutputAction[], community: string) => actions.filter((a) => a.community === community);

/** Milliseconds of the ISO-8601 durations `isoDuration` writes (PnDTnHnMnS). */
function durationMs(iso: string): number {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) return NaN;
  return (Number(m[1] ?? 0) * 24 * 3600 + Number(m[2] ?? 0) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0)) * 1000;
}

const isStr = (v: unknown) => typeof v === 'string';
const isNonEmptyStr = (v: unknown) => typeof v === 'string' && v.length > 0;
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
const isMember = (v: unknown) => typeof v === 'string' && /^u[1-5]$/.test(v);

/** Section 4: the fields each action type must carry (optional ones checked when present). */
const FIELDS: Record<string, Record<string, (v: unknown) => boolean>> = {
  'message.send': { text: isStr },
  'message.delete': { messageId: isNonEmptyStr },
  'member.warn': { member: isMember, ladder: isNonEmptyStr, count: (v) => Number.isInteger(v) && (v as number) >= 1, reason: isStr },
  'member.mute': { member: isMember, duration: (v) => isStr(v) && /^P/.test(v as string), until: (v) => isStr(v) && Number.isFinite(Date.parse(v as string)) },
  'member.remove': { member: isMember, reason: isStr },
  'member.tag': { member: isMember, tag: isNonEmptyStr },
  'member.untag': { member: isMember, tag: isNonEmptyStr },
  'points.award': { member: isMember, amount: isNum, balance: isNum, reason: isStr },
  'level.reached': { member: isMember, level: isNonEmptyStr },
  'badge.granted': { member: isMember, badge: isNonEmptyStr },
  'lifecycle.changed': { member: isMember, lifecycle: isNonEmptyStr, from: isNonEmptyStr, to: isNonEmptyStr },
  'stage.entered': { campaign: isNonEmptyStr, stage: isNonEmptyStr },
  'stage.exited': { campaign: isNonEmptyStr, stage: isNonEmptyStr },
  'goal.reached': { campaign: isNonEmptyStr, goal: isNonEmptyStr },
  'admin.notify': { text: isStr },
};

/** Every problem with the actions of one run, as readable strings (empty when all is well). */
function actionProblems(events: Ev[], actions: OutputAction[], until: string): string[] {
  const problems: string[] = [];
  const ids = new Set(events.map((e) => `${e.community}|${e.id}`));
  // Section 5: an event is processed at the community clock, the largest `at` of the events
  // processed so far (duplicates and stale events are skipped before they move it), so its
  // actions carry that. An id is remembered for the horizon after its latest delivery
  // (docs/runtime.md, "Duplicates and the horizon"), so one id may be processed again later.
  const HORIZON = 7 * 86_400_000;
  const clockAfter = new Map<string, Set<number>>();
  const remembered = new Map<string, number>();
  const clock = new Map<string, number>();
  for (const e of events) {
    const key = `${e.community}|${e.id}`;
    const at = Date.parse(e.at);
    const now = Math.max(clock.get(e.community) ?? -Infinity, at);
    if (at < now - HORIZON) continue;
    const seen = remembered.get(key);
    if (seen !== undefined && seen >= now - HORIZON) {
      if (at > seen) remembered.set(key, at);
      continue;
    }
    remembered.set(key, at);
    clock.set(e.community, now);
    if (!clockAfter.has(key)) clockAfter.set(key, new Set());
    clockAfter.get(key)!.add(now);
  }
  const horizon = (community: string) => Math.max(clock.get(community) ?? -Infinity, Date.parse(until));
  const lastAt = new Map<string, number>();
  const balance = new Map<string, number>();
  const levels = new Set<string>();
  actions.forEach((a, i) => {
    const where = `action ${i} ${JSON.stringify(a)}`;
    const at = Date.parse(String(a.at));
    if (!isStr(a.at) || !Number.isFinite(at)) problems.push(`${where}: at is not an instant`);
    if (!isNonEmptyStr(a.type)) problems.push(`${where}: no type`);
    if (a.community !== 'c1' && a.community !== 'c2') problems.push(`${where}: bad community`);
    if (!isNonEmptyStr(a['source'])) problems.push(`${where}: no source`);
    const cause = a['cause'];
    if (!isNonEmptyStr(cause)) problems.push(`${where}: no cause`);
    else if ((cause as string).startsWith('timer:')) {
      if (at > horizon(a.community)) problems.push(`${where}: a timer fired after the last event and the advance`);
    } else if (!ids.has(`${a.community}|${cause as string}`)) problems.push(`${where}: cause is neither a timer nor an event of its community`);
    else if (!clockAfter.get(`${a.community}|${cause as string}`)?.has(at))
      problems.push(`${where}: at is not the community clock when its event was processed`);
    const prev = lastAt.get(a.community);
    if (prev !== undefined && at < prev) problems.push(`${where}: at goes back from ${new Date(prev).toISOString()}`);
    lastAt.set(a.community, Math.max(prev ?? -Infinity, at));
    const spec = FIELDS[a.type];
    if (!spec) {
      problems.push(`${where}: unknown action type`);
      return;
    }
    for (const [field, ok] of Object.entries(spec)) if (!ok(a[field])) problems.push(`${where}: bad or missing ${field}`);
    if (a.member !== undefined && !isMember(a.member)) problems.push(`${where}: bad member`);
    if (a.type === 'message.send') {
      if (a['to'] !== undefined && !isMember(a['to'])) problems.push(`${where}: bad to`);
      if (a['channel'] !== undefined && !isNonEmptyStr(a['channel'])) problems.push(`${where}: bad channel`);
    }
    if (a.type === 'member.mute' && isStr(a['duration']) && isStr(a['until'])) {
      const d = durationMs(a['duration'] as string);
      if (!(d > 0) || Date.parse(a['until'] as string) - at !== d) problems.push(`${where}: until is not at + duration`);
    }
    if (a.type === 'points.award' && isNum(a['amount']) && isNum(a['balance'])) {
      const key = `${a.community}|${a.member}`;
      const want = (balance.get(key) ?? 0) + (a['amount'] as number);
      if (a['balance'] !== want) problems.push(`${where}: balance ${a['balance']} but earlier awards add up to ${want}`);
      balance.set(key, a['balance'] as number);
    }
    if (a.type === 'level.reached') {
      const key = `${a.community}|${a.member}|${a['level']}`;
      if (levels.has(key)) problems.push(`${where}: level reached twice`);
      levels.add(key);
    }
  });
  return problems;
}

// ------------------------------------------------------------------ properties

/** Each example playbook with its own stream generator, plus generated playbooks. */
const TARGETS: { name: string; arb: <T>(f: (p: Profile) => fc.Arbitrary<T>) => fc.Arbitrary<[Profile, T]> }[] = [
  ...EXAMPLES.map((p) => ({
    name: p.name,
    arb: <T>(f: (p: Profile) => fc.Arbitrary<T>) => f(p).map((x): [Profile, T] => [p, x]),
  })),
  {
    name: 'generated playbooks',
    // A tuple, not a chain: the stream does not depend on the playbook, so both shrink freely.
    arb: <T>(f: (p: Profile) => fc.Arbitrary<T>) => fc.tuple(generatedArb, f(GENERATED_WINDOW)),
  },
];

/**
 * Runs per playbook and property. The runtime spends most of its time formatting instants in the
 * playbook zone, so the budget goes where it finds most: snapshot splits and the cheap
 * well-formedness check get more runs, isolation (four runs per case) fewer.
 */
const RUNS = { determinism: 100, idempotence: 100, snapshot: 150, isolation: 100, wellFormed: 150 };
/** The time limit bounds shrinking of a failure (the best counterexample so far is reported). */
const SCALE = Number(process.env['PROPERTY_RUNS_SCALE'] ?? 1) || 1; // e.g. 10 for a longer hunt
const params = (runs: number): fc.Parameters<unknown> => ({ numRuns: Math.round(runs * SCALE), interruptAfterTimeLimit: 40_000 * SCALE });

describe('runtime properties', () => {
  describe('1. determinism: two fresh runtimes, same stream, same actions', () => {
    for (const t of TARGETS) {
      it(t.name, () => {
        fc.assert(
          fc.property(t.arb(streamArb), ([p, events]) => {
            const a = run(p.ir, events, p.until);
            const b = run(p.ir, events, p.until);
            expect(b).toStrictEqual(a);
          }),
          params(RUNS.determinism),
        );
      });
    }
  });

  describe('2. idempotence: replaying the stream into the same runtime produces nothing', () => {
    for (const t of TARGETS) {
      it(t.name, () => {
        fc.assert(
          fc.property(t.arb(streamArb), ([p, events]) => {
            // Replay before advancing: nothing new, and the timers that fire afterwards are the
            // ones a single pass leaves (the replay changed no state).
            const rt = createRuntime(p.ir, { seed: SEED });
            const first: OutputAction[] = [];
            for (const e of events) first.push(...rt.dispatch(structuredClone(e)));
            for (const e of events) {
              const r = rt.dispatchDetailed(structuredClone(e));
              // Stale: older than the clock minus the horizon (docs/runtime.md), refused as well.
              expect(['duplicate', 'stale']).toContain(r.status);
              expect(r.actions).toStrictEqual([]);
            }
            first.push(...rt.advance(p.until));
            expect(first).toStrictEqual(run(p.ir, events, p.until));
            // Replay after advancing: still nothing.
            for (const e of events) expect(rt.dispatch(structuredClone(e))).toStrictEqual([]);
            expect(rt.advance(p.until)).toStrictEqual([]);
          }),
          params(RUNS.idempotence),
        );
      });
    }
  });

  describe('3. snapshot split: snapshot + JSON round trip + resume = one uninterrupted run', () => {
    const withSplit = (p: Profile) => streamArb(p).chain((events) => fc.tuple(fc.constant(events), fc.integer({ min: 0, max: events.length })));
    for (const t of TARGETS) {
      it(t.name, () => {
        fc.assert(
          fc.property(t.arb(withSplit), ([p, [events, k]]) => {
            const whole = run(p.ir, events, p.until);
            const rt1 = createRuntime(p.ir, { seed: SEED });
            const parts: OutputAction[] = [];
            for (const e of events.slice(0, k)) parts.push(...rt1.dispatch(structuredClone(e)));
            const snapshot = JSON.parse(JSON.stringify(rt1.snapshot())) as RuntimeSnapshot;
            const rt2 = createRuntime(p.ir, { snapshot, seed: SEED });
            for (const e of events.slice(k)) parts.push(...rt2.dispatch(structuredClone(e)));
            parts.push(...rt2.advance(p.until));
            expect(parts).toStrictEqual(whole);
          }),
          params(RUNS.snapshot),
        );
      });
    }
  });

  describe('4. isolation: another community interleaved anywhere changes nothing', () => {
    const pair = (p: Profile) => fc.tuple(oneStreamArb(p, 'c1'), oneStreamArb(p, 'c2'), fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }));
    for (const t of TARGETS) {
      it(t.name, () => {
        fc.assert(
          fc.property(t.arb(pair), ([p, [a, b, picks]]) => {
            const merged = run(p.ir, interleave(a, b, picks), p.until);
            expect(byCommunity(merged, 'c1')).toStrictEqual(run(p.ir, a, p.until));
            expect(byCommunity(merged, 'c2')).toStrictEqual(run(p.ir, b, p.until));
          }),
          params(RUNS.isolation),
        );
      });
    }
  });

  describe('5. every action is well formed (section 4) and in time order per community', () => {
    for (const t of TARGETS) {
      it(t.name, () => {
        fc.assert(
          fc.property(t.arb(streamArb), ([p, events]) => {
            expect(actionProblems(events, run(p.ir, events, p.until), p.until)).toStrictEqual([]);
          }),
          params(RUNS.wellFormed),
        );
      });
    }
  });
});
