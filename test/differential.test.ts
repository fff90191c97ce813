import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { Cond, CondValue, IR, Lifecycle, Ritual } from '../src/ir/schema.js';
import { lifecycleMachine, ritualMachine } from '../src/compiler/backends/xstate.js';
import type { EvalContext } from '../src/runtime/conditions/engine.js';
import { FastConditions } from '../src/runtime/conditions/fast.js';
import { GeneratedConditions } from '../src/runtime/generated/conditions.js';
import { FastMachines } from '../src/runtime/machines/fast.js';
import type { MachineStep } from '../src/runtime/machines/engine.js';
import { XStateMachines } from '../src/runtime/machines/reference.js';
import { StoredStateError } from '../src/runtime/machines/stored.js';
import { newMember } from '../src/runtime/member.js';
import { ReferenceConditions } from '../src/runtime/conditions/reference.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { emptyNetwork, Network, type NetworkState } from '../src/runtime/network.js';
import type { CommunityState } from '../src/runtime/state.js';

/**
 * The fast paths against the reference engines they replace:
 * - conditions compiled to closures vs json-rules-engine on the rules backend's form (src/compiler/backends/rules.ts);
 * - the machine interpreter vs XState's own `initialTransition`/`transition`;
 * - conditions generated as JavaScript (src/runtime/generated/) vs the same reference;
 * - whole runs: every scenario, `engine: 'fast'` and `engine: 'generated'` vs `engine: 'reference'`
 *   (random playbooks and streams through all three: test/differential-engines.test.ts).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
/** Runs per property; DIFF_RUNS=5000 for a longer hunt. */
const RUNS = Number(process.env['DIFF_RUNS'] ?? 300);

// ---------------------------------------------------------------- conditions

const BASE_IR: IR = compile(
  `playbook "diff" { timezone "Asia/Shanghai" }
levels { newbie at 0; regular at 10; expert at 100 }
segment active where member.points >= 10
segment vip where member tagged "vip" and member in segment active
campaign promo {
  stage warmup from 2026-01-01 to 2026-01-31 { points x2 }
  stage main from 2026-02-01 to 2026-02-28 { points x3 }
}
`,
).ir!;

const IR_WITH_COUNTERS: IR = {
  ...BASE_IR,
  counters: [
    { id: 'posts10s', event: 'message.posted', scope: 'member', withinMs: 10_000 },
    { id: 'joins', event: 'member.joined', scope: 'community' },
    // sum(…), count(distinct …) and filters that read `this.` (docs/language.md, "Counting events").
    { id: 'sum10s', event: 'message.posted', scope: 'community', withinMs: 10_000, sum: 'amount' },
    { id: 'texts10s', event: 'message.posted', scope: 'community', withinMs: 10_000, distinct: { field: 'text' } },
    { id: 'voters', event: 'message.posted', scope: 'community', distinct: { member: 'id' } },
    {
      id: 'sameText10s',
      event: 'message.posted',
      scope: 'community',
      withinMs: 10_000,
      distinct: { member: 'id' },
      where: { op: 'eq', left: { field: 'text' }, right: { this: 'text' } },
      keep: ['text'],
    },
    {
      id: 'biggerSum10s',
      event: 'message.posted',
      scope: 'community',
      withinMs: 10_000,
      sum: 'amount',
      where: {
        any: [
          { op: 'gte', left: { field: 'amount' }, right: { this: 'amount' } },
          { op: 'matches', left: { field: 'text' }, patterns: [{ text: 'hello' }] },
        ],
      },
      keep: ['amount', 'text'],
    },
    // Counts `across groups` (docs/language.md, "Networks of groups"): read from the runtime's network.
    { id: 'netPosts', event: 'message.posted', scope: 'network' },
    { id: 'netSum', event: 'message.posted', scope: 'network', sum: 'amount' },
    { id: 'netVoters', event: 'message.posted', scope: 'network', distinct: { member: 'id' } },
  ],
};
const COUNTERS = ['posts10s', 'joins', 'sum10s', 'texts10s', 'voters', 'sameText10s', 'biggerSum10s', 'netPosts', 'netSum', 'netVoters'] as const;
/** The network both engines read counts `across groups` from; each generated context loads its own state into it. */
const SHARED = new Network();
const sharedOf = new WeakMap<EvalContext, NetworkState>();
const withShared = (ctx: EvalContext): EvalContext => {
  SHARED.load(sharedOf.get(ctx));
  return ctx;
};

const fields = ['text', 'amount', 'shares', 'tags', 'missing'] as const;
const constants = fc.oneof(
  fc.integer({ min: -5, max: 120 }),
  fc.constantFrom('hello', '加微信', 'HELLO world', '', 'regular', 'u1', '5'),
  fc.boolean(),
  // Times of day (minutes), weekdays, local dates and ages (ms), as the clock conditions compare them.
  fc.integer({ min: 0, max: 1439 }),
  fc.constantFrom('2026-02-10', '2026-02-11', '2026-02-09'),
  fc.constantFrom(600_000, 3_600_000, 86_400_000),
);
/** `chance P%`, as the checker lowers it (src/compiler/checker/clock.ts). */
const chanceDraw: CondValue = { fn: 'random', args: [{ const: 1 }, { const: 1_000_000 }], draw: 'chance:1' };
const value: fc.Arbitrary<CondValue> = fc.oneof(
  constants.map((k) => ({ const: k })),
  fc.constantFrom(...fields).map((f) => ({ field: f })),
  fc.constantFrom('id', 'name', 'points', 'level', 'joinedDays', 'age').map((m) => ({ member: m as 'id' })),
  fc.constantFrom(...COUNTERS).map((c) => ({ counter: c })),
  fc.constantFrom('text', 'amount').map((f) => ({ this: f })),
  fc.constantFrom('minute', 'weekday', 'date').map((clock) => ({ clock: clock as 'minute' })),
);
const leaf: fc.Arbitrary<Cond> = fc.oneof(
  fc.record({ op: fc.constantFrom('eq', 'ne', 'gt', 'gte', 'lt', 'lte'), left: value, right: value }) as fc.Arbitrary<Cond>,
  fc.record({
    op: fc.constant('matches'),
    left: value,
    patterns: fc.array(
      fc.oneof(
        fc.constantFrom('加微信', 'hello', 'WORLD', '5').map((t) => ({ text: t })),
        fc.constantFrom({ regex: 'h.llo', flags: 'i' }, { regex: '^\\d+$', flags: '' }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  }) as fc.Arbitrary<Cond>,
  fc.record({ op: fc.constant('contains'), left: value, value: fc.constantFrom('hello', 'vip', 'World', 'x') }) as fc.Arbitrary<Cond>,
  fc.record({ op: fc.constant('truthy'), left: value }) as fc.Arbitrary<Cond>,
  // `time between A and B` (both shapes), `weekday is D`, `chance P%`.
  fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 })).map(([a, b]): Cond => {
    const from: Cond = { op: 'gte', left: { clock: 'minute' }, right: { const: a } };
    const to: Cond = { op: 'lt', left: { clock: 'minute' }, right: { const: b } };
    return a < b ? { all: [from, to] } : { any: [from, to] };
  }),
  fc.integer({ min: 1, max: 7 }).map((d): Cond => ({ op: 'eq', left: { clock: 'weekday' }, right: { const: d } })),
  fc.integer({ min: 0, max: 1_000_000 }).map((k): Cond => ({ op: 'lte', left: chanceDraw, right: { const: k } })),
  fc.constantFrom('admin', 'mod').map((role) => ({ op: 'hasRole', role }) as Cond),
  fc.constantFrom('vip', 'new').map((tag) => ({ op: 'hasTag', tag }) as Cond),
  fc.constant({ op: 'hasPosted' } as Cond),
  fc.constantFrom('active', 'vip').map((segment) => ({ op: 'inSegment', segment }) as Cond),
  fc
    .constantFrom({ campaign: 'promo' }, { campaign: 'promo', stage: 'main' }, { campaign: 'promo', stage: 'warmup' })
    .map((s) => ({ op: 'inStage', ...s }) as Cond),
);
const cond: fc.Arbitrary<Cond> = fc.letrec<{ c: Cond }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('c'), { maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('c'), { maxLength: 3 }).map((any) => ({ any })),
    tie('c').map((not) => ({ not })),
  ),
})).c;

const NOW = Date.parse('2026-02-10T12:00:00+08:00');
const context: fc.Arbitrary<EvalContext> = fc
  .record({
    hasMember: fc.boolean(),
    points: fc.integer({ min: 0, max: 150 }),
    roles: fc.subarray(['admin', 'mod']),
    tags: fc.subarray(['vip', 'new']),
    joinedDaysAgo: fc.integer({ min: 0, max: 60 }),
    posts: fc.array(fc.integer({ min: 0, max: 30_000 }), { maxLength: 8 }),
    joins: fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }),
    net: fc.option(fc.tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: -50, max: 500 }), fc.subarray(['u1', 'u2', 'u3'])), { nil: undefined }),
    stage: fc.constantFrom(null, 'warmup', 'main'),
    hasEvent: fc.boolean(),
    text: fc.option(fc.constantFrom('hello', 'say HELLO world', '加微信 now', '', '12345'), { nil: undefined }),
    amount: fc.option(fc.oneof(fc.integer({ min: -5, max: 120 }), fc.constant('5')), { nil: undefined }),
    tagList: fc.option(fc.subarray(['hello', 'vip', 'x']), { nil: undefined }),
    // Counted messages: how long ago, who, and the fields a log keeps.
    logged: fc.array(
      fc.record({
        ago: fc.integer({ min: 0, max: 30_000 }),
        who: fc.constantFrom('u1', 'u2', 'u3'),
        text: fc.constantFrom('hello', '加微信 now', '', null),
        amount: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.constant(null)),
      }),
      { maxLength: 8 },
    ),
    // The wall clock: up to two weeks either side, to the minute, so times, weekdays and dates vary.
    shiftMinutes: fc.integer({ min: -20_160, max: 20_160 }),
    joinedMinutesAgo: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    unjoined: fc.boolean(),
    // When the member last posted (`member has posted`): never, or some time ago.
    lastPosted: fc.option(fc.integer({ min: 0, max: 30_000 }), { nil: undefined }),
    cause: fc.constantFrom('e1', 'e2', 'timer'),
  })
  .map((r) => {
    const now = NOW + r.shiftMinutes * 60_000;
    const community = {
      id: 'c',
      clock: now,
      campaigns: { promo: { stage: r.stage, goals: [] } },
      counters: r.joins === undefined ? {} : { joins: r.joins },
      sessions: {},
    } as unknown as CommunityState;
    if (r.logged.length) {
      const logged = [...r.logged].sort((a, b) => b.ago - a.ago);
      const at = logged.map((l) => now - l.ago);
      community.counters['sum10s'] = { at, val: logged.map((l) => l.amount ?? 0) };
      community.counters['texts10s'] = { at, val: logged.map((l) => l.text) };
      community.counters['voters'] = { seen: [...new Set(logged.map((l) => l.who))] };
      community.counters['sameText10s'] = { at, val: logged.map((l) => [l.who, l.text]) };
      community.counters['biggerSum10s'] = { at, val: logged.map((l) => [l.amount ?? 0, l.amount, l.text]) };
    }
    const ctx: EvalContext = { community, now, cause: r.cause };
    const shared = emptyNetwork();
    if (r.net) Object.assign(shared.counters, { netPosts: r.net[0], netSum: r.net[1], netVoters: { seen: r.net[2] } });
    sharedOf.set(ctx, shared);
    if (r.hasMember) {
      const m = newMember('u1', now - (r.joinedMinutesAgo === undefined ? r.joinedDaysAgo * 86_400_000 : r.joinedMinutesAgo * 60_000));
      if (r.unjoined) m.unjoined = true;
      if (r.lastPosted !== undefined) m.lastPosted = now - r.lastPosted;
      m.name = r.points % 2 ? 'Alice' : undefined;
      m.points = r.points;
      if (r.roles.length) m.roles = r.roles;
      if (r.tags.length) m.tags = r.tags;
      if (r.posts.length) m.counters = { posts10s: [...r.posts].sort((a, b) => a - b).map((d) => now - d) };
      ctx.member = m;
    }
    if (r.hasEvent) {
      const payload: Record<string, unknown> = {
        id: 'e1',
        type: 'message.posted',
        at: '2026-02-10T12:00:00+08:00',
        community: 'c',
        text: r.text,
        amount: r.amount,
        shares: 5,
        tags: r.tagList,
      };
      ctx.event = { id: 'e1', type: 'message.posted', at: payload['at'] as string, atMs: now, community: 'c', member: 'u1', payload };
    }
    return ctx;
  });

describe('conditions: compiled closures agree with json-rules-engine', () => {
  const fast = new FastConditions(IR_WITH_COUNTERS, SHARED);
  const reference = new ReferenceConditions(IR_WITH_COUNTERS, SHARED);
  const generated = new GeneratedConditions(IR_WITH_COUNTERS, SHARED);
  afterAll(() => reference.close());

  it('on generated conditions and states (fact types mixed on purpose)', () => {
    fc.assert(
      fc.property(cond, context, (c, ctx) => {
        const expected = reference.compile(c)(ctx);
        expect(fast.compile(c)(withShared(ctx))).toBe(expected);
        expect(generated.compile(c)(withShared(ctx))).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('on the conditions of every example playbook', () => {
    const ctxs = fc.sample(context, { numRuns: 40, seed: 7 });
    let checked = 0;
    for (const file of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.playbook') && !f.endsWith('.test.playbook'))) {
      const ir = compile(readFileSync(join(root, 'examples', file), 'utf8')).ir!;
      const f = new FastConditions(ir, SHARED);
      const r = new ReferenceConditions(ir, SHARED);
      const g = new GeneratedConditions(ir, SHARED);
      try {
        for (const c of allConds(ir)) {
          for (const ctx of ctxs) {
            const expected = r.compile(c)(ctx);
            expect(f.compile(c)(withShared(ctx)), `${file}: ${JSON.stringify(c)}`).toBe(expected);
            expect(g.compile(c)(withShared(ctx)), `${file}: ${JSON.stringify(c)} (generated)`).toBe(expected);
            checked++;
          }
        }
      } finally {
        r.close();
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});

function allConds(ir: IR): Cond[] {
  const out: Cond[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (typeof x !== 'object' || x === null) return;
    const o = x as Record<string, unknown>;
    if ('op' in o || 'all' in o || 'any' in o || 'not' in o) {
      if (!('do' in o)) out.push(o as Cond);
    }
    for (const v of Object.values(o)) visit(v);
  };
  visit(ir);
  return out;
}

// ---------------------------------------------------------------- machines

const EVENTS = ['a', 'b', 'c', 'd'];
const SAY = [{ do: 'say' as const, to: { kind: 'group' as const }, text: 'x' }];
const maybeWhere = fc.option(
  fc.constantFrom(0, 1, 2, 3).map((i): Cond => ({ op: 'hasTag', tag: `g${i}` })),
  { nil: undefined },
);
const match = fc.record({ event: fc.constantFrom(...EVENTS), where: maybeWhere }).map((m) => (m.where ? m : { event: m.event }));

const ritual: fc.Arbitrary<Ritual> = fc
  .record({
    steps: fc.array(match, { maxLength: 3 }),
    reminders: fc.array(fc.constantFrom(1000, 2000, 5000), { maxLength: 2 }),
    deadline: fc.option(fc.constantFrom(2000, 5000, 9000), { nil: undefined }),
    cancelOn: fc.array(match, { maxLength: 2 }),
  })
  .map((r) => ({
    id: 'ritual:gen',
    name: 'gen',
    startsOn: { event: 'member.joined' },
    onStart: SAY,
    steps: r.steps.map((on, i) => ({ name: `s${i}`, label: `step ${i}`, on })),
    reminders: r.reminders.map((afterMs) => ({ afterMs, actions: SAY })),
    ...(r.deadline ? { deadline: { afterMs: r.deadline, actions: SAY } } : {}),
    cancelOn: r.cancelOn,
    done: SAY,
  }));

const lifecycle: fc.Arbitrary<Lifecycle> = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    transitions: fc.array(
      fc.record({
        from: fc.integer({ min: 0, max: 3 }),
        to: fc.integer({ min: 0, max: 3 }),
        trigger: fc.oneof(
          match.map((on) => ({ on })),
          fc.constantFrom(4, 5).map((i) => ({ when: { op: 'hasTag', tag: `g${i}` } as Cond })),
          fc
            .record({ afterMs: fc.constantFrom(1000, 3000), without: fc.option(fc.constantFrom(...EVENTS), { nil: undefined }) })
            .map((t) => (t.without ? t : { afterMs: t.afterMs })),
        ),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ n, transitions }) => {
    const states = Array.from({ length: n }, (_, i) => `s${i}`);
    return {
      id: 'lifecycle:gen',
      name: 'gen',
      initial: 's0',
      states,
      // `when` transitions only move forwards (or stay): a cycle of them never settles in XState.
      transitions: transitions.map((t) => {
        const [a, b] = [t.from % n, t.to % n];
        const [from, to] = 'when' in t.trigger ? [Math.min(a, b), Math.max(a, b)] : [a, b];
        return { from: states[from]!, to: states[to]!, trigger: t.trigger, actions: SAY };
      }),
    } as Lifecycle;
  });

/**
 * Guards answer from a fixed random table by guard and step number, so the answer does not depend
 * on the order an engine happens to evaluate guards in.
 */
function oracle(bits: boolean[]): () => (c: Cond) => boolean {
  let step = 0;
  return () => {
    const n = step++;
    return (c) => bits[(Number((c as { tag: string }).tag.slice(1)) + n) % bits.length]!;
  };
}

function drive(
  engine: XStateMachines | FastMachines,
  kind: 'ritual' | 'lifecycle',
  parts: ReturnType<typeof ritualMachine>,
  script: number[],
  bits: boolean[],
): MachineStep[] {
  const lm = engine.load(kind === 'ritual' ? 'ritual:gen' : 'lifecycle:gen', kind, parts);
  const guard = oracle(bits);
  const steps: MachineStep[] = [engine.start(lm, guard())];
  let value = steps[0]!.value;
  const pending: string[] = [...steps[0]!.raises.map((r) => r.event.type)];
  for (const k of script) {
    if (steps.at(-1)!.done) break;
    // Half of the moves send a pending delayed event (as the runtime's timers would).
    const type = k % 2 === 1 && pending.length ? pending[k % pending.length]! : EVENTS[k % EVENTS.length]!;
    const step = engine.send(lm, value, { type }, guard());
    for (const c of step.cancels) pending.splice(pending.indexOf(c) >>> 0, pending.includes(c) ? 1 : 0);
    for (const r of step.raises) pending.push(r.event.type);
    steps.push(step);
    value = step.value;
  }
  return steps;
}

describe('machines: the interpreter agrees with XState transition()', () => {
  const empty = compile('playbook "m" { timezone "UTC" }').ir!;
  const script = fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 });
  const bits = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });

  it('rituals: same state values, actions, delayed events and cancellations', () => {
    fc.assert(
      fc.property(ritual, script, bits, (r, s, b) => {
        const parts = ritualMachine(r);
        expect(drive(new FastMachines(empty), 'ritual', parts, s, b)).toEqual(drive(new XStateMachines(empty), 'ritual', parts, s, b));
      }),
      { numRuns: RUNS },
    );
  });

  it('lifecycles: same state values, actions, delayed events and cancellations', () => {
    fc.assert(
      fc.property(lifecycle, script, bits, (l, s, b) => {
        const parts = lifecycleMachine(l);
        expect(drive(new FastMachines(empty), 'lifecycle', parts, s, b)).toEqual(drive(new XStateMachines(empty), 'lifecycle', parts, s, b));
      }),
      { numRuns: RUNS },
    );
  });
});

/** A stored state value either engine may be given: one it stored, or one damaged or from another version. */
function storedValues(valid: unknown[]): fc.Arbitrary<unknown> {
  const name = fc.constantFrom('zzz', '__proto__', 'constructor', 'toString', 'active', 'completed', 's0', 's1', 's9', 'pending', 'done');
  const junk = fc.constantFrom<unknown>(5, null, [], {}, ['active'], { active: {} }, { active: 'pending' }, { a: 'x', b: 'y' }, { active: { s0: {} } });
  return fc.oneof(
    fc.constantFrom(...valid),
    name,
    name.map((n) => ({ [n]: 'pending' })),
    fc.tuple(name, name).map(([k, v]) => ({ active: Object.assign(Object.create(null) as Record<string, unknown>, { [k]: v }) })),
    fc.tuple(name, name).map(([k, v]) => ({ active: { s0: 'pending', [k]: v } })),
    junk,
  );
}

/** What one engine makes of a stored value: the step, or the refusal's class and message. */
function outcome(
  engine: XStateMachines | FastMachines,
  kind: 'ritual' | 'lifecycle',
  parts: ReturnType<typeof ritualMachine>,
  value: unknown,
  type: string,
  bits: boolean[],
) {
  const lm = engine.load(kind === 'ritual' ? 'ritual:gen' : 'lifecycle:gen', kind, parts);
  try {
    return { step: engine.send(lm, value, { type }, oracle(bits)()) };
  } catch (e) {
    return { refused: e instanceof StoredStateError, message: (e as Error).message };
  }
}

describe('machines: a stored state the machine does not have is refused alike by both engines', () => {
  const empty = compile('playbook "m" { timezone "UTC" }').ir!;
  const bits = fc.array(fc.boolean(), { minLength: 1, maxLength: 8 });
  const check = (kind: 'ritual' | 'lifecycle', machine: fc.Arbitrary<Ritual> | fc.Arbitrary<Lifecycle>) =>
    fc.assert(
      fc.property(
        machine.chain((m) => {
          const parts = kind === 'ritual' ? ritualMachine(m as Ritual) : lifecycleMachine(m as Lifecycle);
          // Values the engine itself stores: the start, and a step on from it.
          const fast = new FastMachines(empty);
          const lm = fast.load(`${kind}:gen`, kind, parts);
          const start = fast.start(lm, () => true).value;
          const valid = [start, ...EVENTS.map((type) => fast.send(lm, start, { type }, () => false).value)];
          return fc.tuple(fc.constant(parts), storedValues(valid), fc.constantFrom(...EVENTS), bits);
        }),
        ([parts, value, type, b]) => {
          const fast = outcome(new FastMachines(empty), kind, parts, value, type, b);
          const reference = outcome(new XStateMachines(empty), kind, parts, value, type, b);
          expect(fast, `stored value ${JSON.stringify(value)}`).toEqual(reference);
          // Every refusal is the engines' own, naming the machine and the state: never XState's words or a crash.
          if ('message' in fast)
            expect(fast).toMatchObject({ refused: true, message: expect.stringContaining(`${kind} gen is in the stored state`) as unknown });
        },
      ),
      { numRuns: RUNS },
    );

  it('rituals', () => {
    check('ritual', ritual);
  });
  it('lifecycles', () => {
    check('lifecycle', lifecycle);
  });
  it('names the state: an unknown step progress, an unknown step, an unknown lifecycle state', () => {
    const r = ritualMachine({
      id: 'ritual:welcome',
      name: 'welcome',
      startsOn: { event: 'member.joined' },
      onStart: SAY,
      steps: [{ name: 'intro', label: 'intro', on: { event: 'message.posted' } }],
      reminders: [],
      cancelOn: [],
      done: SAY,
    });
    const l = lifecycleMachine({ id: 'lifecycle:member', name: 'member', initial: 'newcomer', states: ['newcomer', 'active'], transitions: [] } as Lifecycle);
    for (const engine of [new FastMachines(empty), new XStateMachines(empty)]) {
      const rm = engine.load('ritual:welcome', 'ritual', r);
      const lm = engine.load('lifecycle:member', 'lifecycle', l);
      const send = (m: typeof rm, v: unknown) => () => engine.send(m, v, { type: 'message.posted' }, () => true);
      expect(send(rm, { active: { intro: 'bogus' } })).toThrow(
        'ritual welcome is in the stored state {"active":{"intro":"bogus"}}, which this playbook does not have (no state "bogus" in active.intro (it has pending, done))',
      );
      expect(send(rm, { active: { gone: 'done' } })).toThrow('(no part "gone" in active (it has intro))');
      expect(send(rm, 'welcomed')).toThrow('(no state "welcomed" (it has active, completed, expired, cancelled))');
      expect(send(rm, 7)).toThrow('(7 is not a state name or an object of one)');
      expect(send(lm, 'dormant')).toThrow(
        'lifecycle member is in the stored state "dormant", which this playbook does not have (no state "dormant" (it has newcomer, active))',
      );
      expect(send(lm, 'active')).not.toThrow();
      expect(send(rm, { active: {} })).toThrow('(part intro of active is missing)');
      expect(send(rm, 'active')).toThrow('(state active has states of its own, and the value names none of them)');
      expect(send(rm, { completed: 'x' })).toThrow('(state completed has no states of its own, so "x" cannot be one)');
      expect(send(rm, { active: { intro: 'done' } })).not.toThrow();
    }
  });
});

// ---------------------------------------------------------------- whole runs

describe('end to end: engines fast, generated and reference give the same actions', () => {
  const scenarios = readdirSync(join(root, 'test', 'scenarios'), { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const dir of scenarios) {
    it(dir.name, () => {
      const base = join(root, 'test', 'scenarios', dir.name);
      const spec = JSON.parse(readFileSync(join(base, 'run.json'), 'utf8')) as { playbook: string };
      const source = readFileSync(join(root, spec.playbook), 'utf8');
      const ir = compile(source).ir!;
      const lines = readFileSync(join(base, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim());
      const run = (engine: 'fast' | 'generated' | 'reference') => {
        const rt = createRuntime(ir, { engine });
        try {
          const out = lines.flatMap((l) => rt.dispatch(JSON.parse(l)));
          out.push(...rt.advance('2027-01-01T00:00:00Z'));
          return { out, snap: rt.snapshot() };
        } finally {
          rt.close();
        }
      };
      const fast = run('fast');
      const ref = run('reference');
      const generated = run('generated');
      expect(fast.out.length).toBeGreaterThan(0);
      expect(fast.out).toEqual(ref.out);
      expect(fast.snap).toEqual(ref.snap);
      expect(generated.out).toEqual(ref.out);
      expect(generated.snap).toEqual(ref.snap);
    });
  }
});
