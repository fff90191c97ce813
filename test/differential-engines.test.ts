import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { createRuntime, type EngineName } from '../src/runtime/runtime.js';

/**
 * All three engines on random playbooks and random event streams: `fast` (closures), `generated`
 * (one generated function per event type, src/runtime/generated/) and `reference`
 * (json-rules-engine + XState) must give the same actions and the same snapshot, and a snapshot
 * taken from one engine must resume in another to the same end. The playbooks are written as
 * source from a pool of rule parts (every condition form the generator writes inline, and forms
 * it leaves to the closure engine), so they are what the checker accepts.
 */

const RUNS = Number(process.env['DIFF_RUNS'] ?? 60);
const SEED = Number(process.env['DIFF_SEED'] ?? 20_201);

const CONDITIONS = [
  'text matches any ["加微信", "返利", /https?:\\/\\//]',
  'text matches any ["he\\"llo", /h.llo/i]',
  'text contains "hello"',
  'text == "hello"',
  'text != "hi"',
  'member has role admin',
  'member has tag "vip"',
  'member.points >= 2',
  'member.points < 3',
  'member.level == "regular"',
  'member.name == "Ann"',
  'member in segment active',
  'member has posted',
  'member has never posted',
  'member.joinedDays < 3',
  'count(message.posted by member within 10s) > 2',
  'count(message.posted within 1m) >= 4',
  'count(reaction.added by member) > 1',
  'sum(amount of order.paid by member within 1h) > 50',
  'emoji == "👍"',
  'amount > 10 * 2',
  'chance 50%',
  'time between 09:00 and 18:00',
] as const;
const EVENTS = ['message.posted', 'reaction.added', 'order.paid', 'member.joined'] as const;
const ACTIONS = [
  'say "hi {member.name}"',
  'warn member "w" on ladder ads',
  'tag member "vip"',
  'untag member "vip"',
  'award 1 points reason "r"',
  'delete message',
  'mute member 10m',
] as const;

const cond: fc.Arbitrary<string> = fc.letrec<{ c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...CONDITIONS),
    fc.tuple(tie('c'), fc.constantFrom('and', 'or'), tie('c')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('c').map((a) => `not (${a})`),
  ),
})).c;

/** A condition is only offered where it means something: event fields on their own event. */
const fitsEvent = (event: string, c: string) => {
  const fieldsRead = c.replace(/sum\(amount of [^)]*\)/g, '');
  return (
    (!/\btext\b/.test(c) || event === 'message.posted') &&
    (!c.includes('emoji') || event === 'reaction.added') &&
    (!/\bamount\b/.test(fieldsRead) || event === 'order.paid')
  );
};

const rule = fc.record({
  event: fc.constantFrom(...EVENTS),
  where: fc.option(cond, { nil: undefined }),
  when: fc.option(cond, { nil: undefined }),
  unless: fc.option(cond, { nil: undefined }),
  once: fc.option(fc.constantFrom('once per member', 'once per community'), { nil: undefined }),
  cooldown: fc.option(fc.constantFrom('cooldown 30s', 'cooldown 1m per community'), { nil: undefined }),
  exclusive: fc.option(fc.constantFrom('exclusive g1', 'exclusive g2'), { nil: undefined }),
  priority: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  actions: fc.array(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 3 }),
});
type GenRule = typeof rule extends fc.Arbitrary<infer T> ? T : never;

function ruleSource(r: GenRule, i: number): string {
  const ok = (c: string | undefined) => (c !== undefined && fitsEvent(r.event, c) ? c : undefined);
  const where = ok(r.where);
  const lines = [`rule r${i} {`, `  on ${r.event}${where ? ` where ${where}` : ''}`];
  if (ok(r.when)) lines.push(`  when ${r.when}`);
  if (ok(r.unless)) lines.push(`  unless ${r.unless}`);
  for (const x of [r.once, r.cooldown, r.exclusive]) if (x) lines.push(`  ${x}`);
  if (r.priority !== undefined) lines.push(`  priority ${r.priority}`);
  const actions = r.event === 'message.posted' ? r.actions : r.actions.filter((a) => a !== 'delete message');
  lines.push(`  do ${(actions.length ? actions : ['say "x"']).join('; ')}`, '}');
  return lines.join('\n');
}

const pointsEntry = fc.record({
  event: fc.constantFrom(...EVENTS),
  where: fc.option(cond, { nil: undefined }),
  amount: fc.integer({ min: -2, max: 3 }).filter((n) => n !== 0),
  cooldown: fc.option(fc.constantFrom(' cooldown 60s', ' cooldown 5s'), { nil: undefined }),
  cap: fc.option(fc.constantFrom(' cap 3 per day', ' cap 2 per week'), { nil: undefined }),
});

const playbook = fc
  .record({ rules: fc.array(rule, { minLength: 1, maxLength: 6 }), points: fc.array(pointsEntry, { maxLength: 3 }) })
  .map(({ rules, points }) => {
    const lines = [
      'playbook "gen" { timezone "Asia/Shanghai" }',
      'roles admin',
      'levels { newbie at 0; regular at 3 }',
      'segment active where member.points >= 2',
      'ladder ads { expire 30d; 1: say to member "warning"; 2: mute member 1h }',
      ...rules.map(ruleSource),
    ];
    if (points.length) {
      lines.push('points {');
      for (const p of points) {
        const where = p.where && fitsEvent(p.event, p.where) ? ` where ${p.where}` : '';
        lines.push(`  ${p.event}${where}: ${p.amount > 0 ? '+' : ''}${p.amount}${p.cooldown ?? ''}${p.cap ?? ''}`);
      }
      lines.push('}');
    }
    return lines.join('\n') + '\n';
  });

const TEXTS = ['hello', 'HELLO world', 'hi', '加微信 now', 'see https://x.y', 'he"llo', 'hallo'];
const event = fc.record({
  kind: fc.constantFrom(...EVENTS, 'message.posted', 'message.posted', 'member.left'),
  member: fc.constantFrom('u1', 'u2', 'u3', '__proto__'),
  gapMs: fc.constantFrom(0, 1000, 4000, 30_000, 3_600_000),
  text: fc.constantFrom(...TEXTS),
  emoji: fc.constantFrom('👍', '💰'),
  amount: fc.integer({ min: 0, max: 60 }),
  admin: fc.boolean(),
  repeat: fc.boolean(),
});
const stream = fc.array(event, { minLength: 1, maxLength: 40 }).map((evs) => {
  let at = Date.parse('2026-03-02T08:59:00+08:00');
  const out: Record<string, unknown>[] = [];
  evs.forEach((e, i) => {
    at += e.gapMs;
    const base = { id: `e${i}`, type: e.kind, at: new Date(at).toISOString(), community: 'g', member: e.member };
    if (e.kind === 'member.joined') out.push({ ...base, name: e.member === 'u1' ? 'Ann' : e.member, ...(e.admin ? { roles: ['admin'] } : {}) });
    else if (e.kind === 'message.posted') out.push({ ...base, messageId: `m${i}`, text: e.text });
    else if (e.kind === 'reaction.added') out.push({ ...base, messageId: `m${i}`, emoji: e.emoji });
    else if (e.kind === 'order.paid') out.push({ ...base, orderId: `o${i}`, amount: e.amount });
    else out.push(base);
    // A redelivery: a duplicate id, which every engine must skip.
    if (e.repeat) out.push(out[out.length - 1]!);
  });
  return out;
});

const ALL: EngineName[] = ['fast', 'generated', 'reference'];

function run(ir: IR, engine: EngineName, events: readonly Record<string, unknown>[], from?: ReturnType<ReturnType<typeof createRuntime>['snapshot']>) {
  const rt = createRuntime(ir, { engine, ...(from ? { snapshot: from } : {}) });
  try {
    const out = events.flatMap((e) => rt.dispatch(structuredClone(e)));
    out.push(...rt.advance('2026-04-01T00:00:00Z'));
    return { out, snap: rt.snapshot() };
  } finally {
    rt.close();
  }
}

describe('fast, generated and reference engines on random playbooks and streams', () => {
  it('give the same actions and snapshots, and resume from one another', () => {
    let fired = 0;
    fc.assert(
      fc.property(playbook, stream, fc.integer({ min: 0, max: 40 }), fc.constantFrom(...ALL), (source, events, cut, first) => {
        const { ir, diagnostics } = compile(source);
        expect(ir, `${source}\n${diagnostics.map((d) => d.message).join('\n')}`).toBeDefined();
        const runs = ALL.map((engine) => run(ir!, engine, events));
        fired += runs[0]!.out.length;
        expect(runs[1]).toEqual(runs[0]);
        expect(runs[2]).toEqual(runs[0]);
        // Half the stream in one engine, the rest in the next one from its snapshot.
        const next = ALL[(ALL.indexOf(first) + 1) % ALL.length]!;
        const head = createRuntime(ir!, { engine: first });
        const before = events.slice(0, cut).flatMap((e) => head.dispatch(structuredClone(e)));
        const resumed = run(ir!, next, events.slice(cut), head.snapshot());
        head.close();
        expect({ out: [...before, ...resumed.out], snap: resumed.snap }).toEqual(runs[0]);
      }),
      // fast-check names the seed and the path of a failure in its message.
      { numRuns: RUNS, seed: SEED },
    );
    // The streams are not all silent: the comparison saw actions.
    expect(fired).toBeGreaterThan(RUNS);
  }, 120_000);
});
