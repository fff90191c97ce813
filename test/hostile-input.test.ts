import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { IR as IRSchema, type IR } from '../src/ir/schema.js';
import { LITERAL_CLOSE_BRACE, LITERAL_OPEN_BRACE, escapeString } from '../src/parser/strings.js';
import { createRuntime, type EngineName, type OutputAction, type RuntimeSnapshot } from '../src/runtime/runtime.js';
import { PlaybookServer } from '../src/server/server.js';
import { MemoryDurableStore } from '../src/store/memory.js';
import { runCli } from './helpers/cli.js';

/**
 * Hostile names (issue 13, prototype pollution; docs/runtime.md, "Hostile names"): ids, event
 * types, member names, roles, tags and every kind of playbook name drawn from Object.prototype's
 * own property names and other awkward strings. After every run Object.prototype is exactly as
 * it was, dispatch never threw, and a control community's actions and state are those of a run
 * without the hostile communities. HOSTILE_SEED=n replays one fast-check seed (printed on failure).
 */

const PROTO_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'])];
/** Playbook identifiers: Object.prototype's names, `prototype`, letters of other scripts, a long one. */
const IDENTS = [...PROTO_NAMES, '名前', 'Ünïcödé_x', `long_${'x'.repeat(250)}`];
/** Event ids, member and community ids, names, roles, texts, tags. */
const STRINGS = [
  ...PROTO_NAMES,
  '',
  ' ',
  '"',
  '\n',
  '$',
  '$&',
  '{member.name}',
  '{constructor}',
  '__proto__.roles',
  'toString()',
  '🎉 émoji',
  'a'.repeat(256),
  'b'.repeat(300),
];

const PROTO_BEFORE = Object.getOwnPropertyDescriptors(Object.prototype) as Record<string, PropertyDescriptor>;

/** Object.prototype has exactly its own names, values and accessors of before; plain objects gained nothing. */
function expectPrototypeIntact(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(Object.keys(PROTO_BEFORE).sort());
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    const now = Object.getOwnPropertyDescriptor(Object.prototype, name)!;
    const was = PROTO_BEFORE[name]!;
    expect(now.value === was.value && now.get === was.get && now.set === was.set && now.writable === was.writable, name).toBe(true);
  }
  expect(Object.getPrototypeOf(Object.prototype)).toBeNull();
  const plain = {} as Record<string, unknown>;
  for (const k of ['roles', 'name', 'present', 'removed', 'joinedAt', 'points', 'members', 'stage']) expect(plain[k], k).toBeUndefined();
}

/** Puts Object.prototype back as it was, so one polluting test does not fail every later one. */
function restorePrototype(): void {
  for (const name of Object.getOwnPropertyNames(Object.prototype))
    if (!Object.hasOwn(PROTO_BEFORE, name)) delete (Object.prototype as Record<string, unknown>)[name];
  for (const [name, d] of Object.entries(PROTO_BEFORE)) Object.defineProperty(Object.prototype, name, d);
}

afterEach(() => {
  try {
    expectPrototypeIntact();
  } finally {
    restorePrototype();
  }
});

const SEED = process.env['HOSTILE_SEED'] ? Number(process.env['HOSTILE_SEED']) : undefined;
const runs = (n: number): fc.Parameters<unknown> => ({ numRuns: n, ...(SEED !== undefined ? { seed: SEED } : {}) });

type Ev = Record<string, unknown> & { at: string; community: string };

function irOf(source: string): IR {
  const r = compile(source, { file: 'hostile.playbook' });
  if (!r.ir) throw new Error(`hostile names must compile:\n${r.diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`).join('\n')}\n${source}`);
  return r.ir;
}

/** A playbook string literal for any text; braces stay braces, not placeholders. */
const lit = (s: string) => escapeString(s.split('{').join(LITERAL_OPEN_BRACE).split('}').join(LITERAL_CLOSE_BRACE));

interface Names {
  roles: string[];
  event: string;
  field: string;
  template: string;
  segment: string;
  rules: string[];
  ladders: string[];
  levels: string[];
  badge: string;
  ritual: string;
  steps: string[];
  lifecycle: string;
  states: string[];
  schedule: string;
  campaign: string;
  stages: string[];
  goal: string;
  job: string;
  board: string;
  tags: string[];
  text: string;
}

const distinct = (n: number) => fc.uniqueArray(fc.constantFrom(...IDENTS), { minLength: n, maxLength: n });
const one = fc.constantFrom(...IDENTS);
const tag = fc.constantFrom(...STRINGS.filter((s) => s.trim() !== ''));
const namesArb: fc.Arbitrary<Names> = fc.record({
  roles: distinct(2),
  event: one,
  field: one.filter((f) => f !== 'score'),
  template: one,
  segment: one,
  rules: distinct(4),
  ladders: distinct(2),
  levels: distinct(2),
  badge: one,
  ritual: one,
  steps: distinct(2),
  lifecycle: one,
  states: distinct(3),
  schedule: one,
  campaign: one,
  stages: distinct(2),
  goal: one,
  job: one,
  board: one,
  tags: fc.uniqueArray(tag, { minLength: 2, maxLength: 2 }),
  text: fc.constantFrom(...STRINGS),
});

/** Every construct, every name hostile. */
function playbookOf(n: Names): string {
  const [r1, r2, r3, r4] = n.rules;
  const [l1, l2] = n.ladders;
  const [s1, s2, s3] = n.states;
  return `playbook "Hostile" { timezone "Asia/Shanghai" }
roles ${n.roles.join(', ')}
event ${n.event} { ${n.field}: string, score: number }
template ${n.template} "hi {member.name} ${lit(n.text).slice(1, -1)}"
segment ${n.segment} where member has role ${n.roles[0]}
rule ${r1} {
  on message.posted
  when text contains "ad"
  unless member has role ${n.roles[1]}
  do delete message; warn member ${lit(n.text)} on ladder ${l1}; tag member ${lit(n.tags[0]!)}
}
rule ${r2} { on ${n.event} where score >= 5 do award 3 points reason ${lit(n.text)}; say to member ${n.template} }
rule ${r3} { on ${n.event} where score < 2 do warn member on ladder ${l2} }
ladder ${l1} { expire 30d; 1: say to member "one {ladder} {count}"; 2: mute member 10m; 3: remove member reason "r" }
ladder ${l2} { 1: say to member "w {member.name}"; 2: remove member }
points {
  message.posted: +1 cooldown 1m cap 5 per day reason "talk"
  ${n.event}: +2
}
levels { ${n.levels[0]} at 0; ${n.levels[1]} at 5 }
badge ${n.badge} when count(${n.event} by member) >= 2 { say "badge {badge}" }
ritual ${n.ritual} {
  starts on member.joined
  say to member "welcome {member.name}"
  step ${n.steps[0]} ${lit(n.text)}: ${n.event} where score >= 1
  step ${n.steps[1]}: message.posted where text contains "intro"
  remind after 1h: say to member "missing {missing}"
  deadline 1d: remove member reason "late"
}
lifecycle ${n.lifecycle} {
  initial ${s1}
  ${s1} -> ${s2} on message.posted
  ${s2} -> ${s3} after 2d without message.posted { say to member "miss you" }
  ${s3} -> ${s2} on ${n.event}
}
schedule ${n.schedule} every day 20:00 until 21:00 {
  at start: say "start"
  at start + 10m: say to silent members "{member.name}?"
}
campaign ${n.campaign} {
  stage ${n.stages[0]} from 2026-03-01 to 2026-03-03 { points x2 }
  stage ${n.stages[1]} from 2026-03-04 to 2026-12-31 {
    rule ${r4} { on message.posted do tag member ${lit(n.tags[1]!)} }
  }
  goal ${n.goal} when count(message.posted) >= 3: notify admins "goal"
}
job ${n.job} every day at 09:00 { say to members in ${n.segment} "segment" }
leaderboard ${n.board} daily top 3 by points every day at 22:00: say "{board}"
`;
}

const T0 = Date.parse('2026-03-02T08:00:00+08:00');

interface Step {
  kind: 'join' | 'post' | 'custom' | 'left' | 'grant' | 'unknown';
  gap: number;
  community: number;
  member: string;
  text: string;
  score: number;
  type: string;
}
const stepArb = (members: fc.Arbitrary<string>, texts: fc.Arbitrary<string>): fc.Arbitrary<Step> =>
  fc.record({
    kind: fc.constantFrom('join', 'join', 'post', 'post', 'post', 'custom', 'custom', 'left', 'grant', 'unknown'),
    gap: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 2000 })),
    community: fc.nat(1),
    member: members,
    text: texts,
    score: fc.integer({ min: 0, max: 9 }),
    type: fc.constantFrom(...PROTO_NAMES),
  });

/** Events from steps: times accumulate, ids may repeat (duplicates are part of the input). */
function eventsOf(steps: Step[], communities: string[], n: Names, idPrefix: string): Ev[] {
  let t = T0;
  return steps.map((s, i) => {
    t += s.gap * 60_000;
    const base = {
      id: i % 4 === 0 ? s.text : `${idPrefix}${i}`,
      at: new Date(t).toISOString(),
      community: communities[s.community % communities.length]!,
      member: s.member,
    };
    switch (s.kind) {
      case 'join':
        return { ...base, type: 'member.joined', name: s.text, roles: s.score > 5 ? [n.roles[0]!, s.text] : [] };
      case 'post':
        return { ...base, type: 'message.posted', messageId: s.text, text: s.score % 3 === 0 ? `ad ${s.text}` : s.score % 3 === 1 ? 'intro' : s.text };
      case 'custom':
        return { ...base, type: n.event, [n.field]: s.text, score: s.score };
      case 'left':
        return { ...base, type: 'member.left' };
      case 'grant':
        return { ...base, type: 'role.granted', role: s.score > 4 ? n.roles[1]! : s.text };
      case 'unknown':
        return { ...base, type: s.type };
    }
  });
}

/** Events as they arrive from outside: parsed JSON, where `"__proto__"` is an own key. */
const parsed = (events: Ev[]) => events.map((e) => JSON.parse(JSON.stringify(e)) as Ev);

interface Run {
  actions: OutputAction[];
  snapshot: RuntimeSnapshot;
}

/** Dispatch (restoring from a JSON snapshot after `split` events, if given), then advance to `until`. */
function run(ir: IR, engine: EngineName, events: Ev[], until: number, split?: number): Run {
  let rt = createRuntime(ir, { engine });
  const actions: OutputAction[] = [];
  try {
    events.forEach((e, i) => {
      if (i === split) {
        const snapshot = JSON.parse(JSON.stringify(rt.snapshot())) as RuntimeSnapshot;
        rt.close();
        rt = createRuntime(ir, { engine, snapshot });
      }
      const r = rt.dispatchDetailed(e);
      expect(['processed', 'duplicate', 'invalid', 'ignored']).toContain(r.status);
      actions.push(...r.actions);
    });
    actions.push(...rt.advance(until));
    return { actions, snapshot: JSON.parse(JSON.stringify(rt.snapshot())) as RuntimeSnapshot };
  } finally {
    rt.close();
  }
}

const control = (r: Run) => ({ actions: r.actions.filter((a) => a.community === 'B'), state: r.snapshot.communities.find((c) => c.id === 'B') });

/** Hostile communities A1, A2 and a control community B with ordinary names, merged by time. */
const caseArb = fc
  .tuple(namesArb, fc.uniqueArray(fc.constantFrom(...STRINGS.filter((s) => s !== '')), { minLength: 2, maxLength: 2 }))
  .chain(([names, communities]) =>
    fc.record({
      names: fc.constant(names),
      communities: fc.constant(communities),
      hostile: fc.array(stepArb(fc.constantFrom(...STRINGS), fc.constantFrom(...STRINGS)), { minLength: 1, maxLength: 30 }),
      plain: fc.array(stepArb(fc.constantFrom('alice', 'bob', 'carol'), fc.constantFrom('hello', 'ad here', 'intro', 'x')), { minLength: 1, maxLength: 15 }),
      split: fc.nat(45),
    }),
  );

function streams(c: { names: Names; communities: string[]; hostile: Step[]; plain: Step[] }) {
  const hostile = eventsOf(c.hostile, c.communities, c.names, '');
  const plain = eventsOf(
    c.plain.map((s) => ({ ...s, kind: s.kind === 'unknown' ? 'post' : s.kind })),
    ['B'],
    c.names,
    'b',
  );
  const merged = [...hostile, ...plain].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  // Three days past the last event: deadlines, `after 2d` and the calendars all fire.
  const until = Date.parse(merged[merged.length - 1]!.at) + 3 * 86_400_000;
  return { merged: parsed(merged), plain: parsed(plain), until };
}

describe('hostile names: generated playbooks and event streams', () => {
  it('fast engine: no pollution, no throw, the control community unchanged, snapshots round-trip', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const ir = irOf(playbookOf(c.names));
        const { merged, plain, until } = streams(c);
        const whole = run(ir, 'fast', merged, until);
        expectPrototypeIntact();
        expect(control(whole)).toEqual(control(run(ir, 'fast', plain, until)));
        const resumed = run(ir, 'fast', merged, until, c.split % (merged.length + 1));
        expect(resumed.actions).toEqual(whole.actions);
        expect(JSON.stringify(resumed.snapshot)).toBe(JSON.stringify(whole.snapshot));
        // The IR survives its JSON form and the schema with every name (an event __proto__ included).
        expect(JSON.stringify(IRSchema.parse(JSON.parse(JSON.stringify(ir))).events)).toBe(JSON.stringify(ir.events));
        expectPrototypeIntact();
      }),
      runs(40),
    );
  });

  it('reference engine (json-rules-engine, XState): the same actions and state as the fast engine', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const ir = irOf(playbookOf(c.names));
        const { merged, plain, until } = streams(c);
        const reference = run(ir, 'reference', merged, until, c.split % (merged.length + 1));
        expectPrototypeIntact();
        const fast = run(ir, 'fast', merged, until);
        expect(reference.actions).toEqual(fast.actions);
        expect(JSON.stringify(reference.snapshot)).toBe(JSON.stringify(fast.snapshot));
        expect(control(reference)).toEqual(control(run(ir, 'fast', plain, until)));
      }),
      runs(8),
    );
  }, 120_000);

  it('generated engine (one generated function per event type): the same actions and state as the fast engine', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const ir = irOf(playbookOf(c.names));
        const { merged, until } = streams(c);
        const generated = run(ir, 'generated', merged, until, c.split % (merged.length + 1));
        expectPrototypeIntact();
        const fast = run(ir, 'fast', merged, until);
        expect(generated.actions).toEqual(fast.actions);
        expect(JSON.stringify(generated.snapshot)).toBe(JSON.stringify(fast.snapshot));
      }),
      runs(40),
    );
  }, 120_000);
});

// ------------------------------------------------------------------ the inputs of the issue

const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const ENGINES: EngineName[] = ['fast', 'generated', 'reference'];
const TYPES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'];
const LADDERS = ['__proto__', 'constructor', 'toString'];

/** The playbook of the issue's examples: a greeting, an ad rule on a hostile ladder, a hostile event type. */
const issuePlaybook = (ladder: string, event?: string) => `playbook "Issue 13" { timezone "Asia/Shanghai" }
roles admin
${event ? `event ${event} { score: number }\nrule got { on ${event} where score > 1 do say to member "got {score} {member.name}" }` : ''}
rule hello { on message.posted where text contains "hello" do say to member "hi {member.name}" }
rule no_ads {
  on message.posted
  when text contains "ad"
  unless member has role admin
  do delete message; warn member "no ads" on ladder ${ladder}
}
ladder ${ladder} { expire 30d; 1: say to member "warning {count} on {ladder}"; 2: remove member reason "ads again" }
`;

const mallory = { id: 'm1', type: 'member.joined', at: at(0), community: 'A', member: '__proto__', name: 'Mallory', roles: ['admin'] };
const bobSaysHello = { id: 'b1', type: 'message.posted', at: at(1), community: 'B', member: 'bob', messageId: 'x1', text: 'hello' };

describe('hostile names: the inputs of issue 13', () => {
  it.each(ENGINES)('%s: a member `__proto__` in A pollutes nothing; a message in B acts as without it', (engine) => {
    const ir = irOf(issuePlaybook('ads'));
    const withA = run(ir, engine, parsed([mallory, bobSaysHello]), T0 + 60_000);
    expectPrototypeIntact();
    const bActions = withA.actions.filter((a) => a.community === 'B');
    expect(bActions).toEqual([
      { at: '2026-03-02T08:01:00+08:00', type: 'message.send', community: 'B', member: 'bob', to: 'bob', text: 'hi bob', cause: 'b1', source: 'rule:hello' },
    ]);
    expect(control(withA)).toEqual(control(run(ir, engine, parsed([bobSaysHello]), T0 + 60_000)));
    const a = withA.snapshot.communities.find((c) => c.id === 'A')!;
    expect(Object.keys(a.members)).toEqual(['__proto__']);
    expect(a.members['__proto__']).toMatchObject({ id: '__proto__', name: 'Mallory', roles: ['admin'], present: true });
    expect(Object.keys(withA.snapshot.communities.find((c) => c.id === 'B')!.members)).toEqual(['bob']);
    // Mallory is an admin of A only: her ad there is exempt, and the snapshot restores her.
    const rt = createRuntime(ir, { engine, snapshot: JSON.parse(JSON.stringify(withA.snapshot)) as RuntimeSnapshot });
    try {
      expect(rt.dispatch({ id: 'm2', type: 'message.posted', at: at(2), community: 'A', member: '__proto__', messageId: 'x2', text: 'hello ad' })).toEqual([
        {
          at: '2026-03-02T08:02:00+08:00',
          type: 'message.send',
          community: 'A',
          member: '__proto__',
          to: '__proto__',
          text: 'hi Mallory',
          cause: 'm2',
          source: 'rule:hello',
        },
      ]);
    } finally {
      rt.close();
    }
  });

  it.each(TYPES)('event type %s: ignored while undeclared, processed once the playbook declares it', (type) => {
    const event = { id: 'e1', type, at: at(0), community: 'A', member: 'bob', score: 5 };
    for (const engine of ENGINES) {
      const plain = createRuntime(irOf(issuePlaybook('ads')), { engine });
      const declared = createRuntime(irOf(issuePlaybook('ads', type)), { engine });
      try {
        expect(plain.dispatchDetailed(JSON.parse(JSON.stringify(event)))).toEqual({ status: 'ignored', actions: [], late: false });
        expect(plain.snapshot().communities).toEqual([]);
        const r = declared.dispatchDetailed(JSON.parse(JSON.stringify(event)));
        expect(r.status).toBe('processed');
        expect(r.actions.map((a) => a['text'])).toEqual(['got 5 bob']);
      } finally {
        plain.close();
        declared.close();
      }
    }
  });

  it.each(LADDERS)('ladder %s: the first ad warns, the second (after a restart) removes', (ladder) => {
    const ad = (id: string, minutes: number) => ({
      id,
      type: 'message.posted',
      at: at(minutes),
      community: 'A',
      member: 'eve',
      messageId: id,
      text: 'cheap ad',
    });
    for (const engine of ENGINES) {
      const ir = irOf(issuePlaybook(ladder));
      const { actions } = run(ir, engine, [ad('a1', 0), ad('a2', 5)], T0 + 3_600_000, 1);
      expect(actions.map((a) => [a.type, a['ladder'] ?? a['text'] ?? a['reason'] ?? a['messageId'], a['count'] ?? null])).toEqual([
        ['message.delete', 'a1', null],
        ['member.warn', ladder, 1],
        ['message.send', `warning 1 on ${ladder}`, null],
        ['message.delete', 'a2', null],
        ['member.warn', ladder, 2],
        ['member.remove', 'ads again', null],
      ]);
    }
  });
});

// ------------------------------------------------------------------ simulate and serve

/** Every input of the issue in one stream: the `__proto__` member, the five event types, ads on a hostile ladder. */
const issueStream = (): Record<string, unknown>[] => [
  mallory,
  bobSaysHello,
  ...TYPES.map((type, i) => ({ id: `t${i}`, type, at: at(2 + i), community: 'B', member: 'bob', score: 5 })),
  { id: 'a1', type: 'message.posted', at: at(10), community: '__proto__', member: 'constructor', messageId: 'a1', text: 'ad' },
  { id: 'a2', type: 'message.posted', at: at(11), community: '__proto__', member: 'constructor', messageId: 'a2', text: 'ad' },
];

const dir = mkdtempSync(join(tmpdir(), 'playbook-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile names: simulate and serve', () => {
  const source = issuePlaybook('__proto__', 'constructor');
  const file = join(dir, 'issue.playbook');
  const events = join(dir, 'events.jsonl');
  writeFileSync(file, source);
  writeFileSync(
    events,
    issueStream()
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );
  const expected = () => run(irOf(source), 'fast', parsed(issueStream() as Ev[]), T0 + 11 * 60_000).actions;

  it.each(ENGINES)("simulate --engine %s exits 0 with the runtime's actions", async (engine) => {
    const r = await runCli(['simulate', file, '--events', events, '--engine', engine]);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(r.code).toBe(0);
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(expected());
    expect(r.err).toMatch(/4 ignored/);
  });

  // `npm test` builds first; run alone, build first (npm run build --silent) or this is skipped.
  const CLI = 'bin/playbook.js';
  const built = spawnSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!built)('the built command exits 0 on the same stream', () => {
    const r = spawnSync(process.execPath, [CLI, 'simulate', file, '--events', events], { encoding: 'utf8' });
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(0);
    expect(
      r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(expected());
  });

  it('serve answers 200 with the same actions, and its health still answers', async () => {
    const server = new PlaybookServer({ file: 'issue.playbook', source, ir: irOf(source), store: new MemoryDurableStore(), clock: 'events', log: () => {} });
    try {
      const { port } = await server.listen(0, '127.0.0.1');
      const url = `http://127.0.0.1:${port}`;
      const res = await fetch(`${url}/events`, {
        method: 'POST',
        body:
          issueStream()
            .map((e) => JSON.stringify(e))
            .join('\n') + '\n',
      });
      const body = await res.text();
      expect(res.status, body).toBe(200);
      expect(res.headers.get('playbook-events')).toBe('processed=5; duplicate=0; ignored=4; late=0');
      expect(
        body
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown),
      ).toEqual(expected());
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expectPrototypeIntact();
    } finally {
      await server.close();
    }
  });
});

describe('hostile names: the command line', () => {
  it('a command called after an Object.prototype member is an unknown command (exit 2), not an internal error', async () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const r = await runCli([name]);
      expect(r.code, name).toBe(2);
      expect(r.err, name).toContain(`playbook: unknown command \`${name}\``);
      expect(r.err, name).not.toMatch(/internal error/);
    }
  });
});
