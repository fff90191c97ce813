import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { createRuntime, type OutputAction, type RuntimeSnapshot } from '../src/runtime/runtime.js';
import { DurableRuntime } from '../src/store/durable.js';
import { MemoryDurableStore } from '../src/store/memory.js';
import { migrateSnapshot } from '../src/hosting/migrate.js';
import { serveCluster } from '../src/cli/serve-cluster.js';

/**
 * Networks of groups (issue 16, item 6; docs/language.md, "Networks of groups"): counts `across
 * groups` and the goals of a campaign `across all groups` are one total for every community,
 * reached once; simulate is deterministic in input order, and a split, resumed or restarted run
 * gives the same actions. Properties run with a fixed seed, which fast-check prints on failure.
 */

const SEED = 1611;
const RUNS = Number(process.env['NETWORK_RUNS'] ?? 120);

function load(source: string): IR {
  const r = compile(`playbook "N" { timezone "Asia/Shanghai" }\n${source}`, { file: 'network.playbook' });
  if (!r.ir) throw new Error(r.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  return r.ir;
}

const GOAL = 7;
const IR_NET = load(`
campaign d11 across all groups {
  stage sale from 2026-11-05 to 2026-11-11 { on enter: say "{stage} 开始" }
  goal seven when count(order.paid) >= ${GOAL} { say "全网 ${GOAL} 单"; notify admins "达成" }
}
rule tally {
  on order.paid
  when count(order.paid) >= 0 and sum(amount of order.paid) >= 0 and count(order.paid across groups) >= 0 and sum(amount of order.paid across groups) >= 0
  do say "ok"
}
rule nudge {
  on message.posted
  when count(order.paid across groups) >= 3 and count(message.posted) >= 2
  once per community
  do say "冲刺"
}
`);

const ids = (kind: 'community' | 'network') => {
  const c = IR_NET.counters.filter((x) => x.scope === kind && x.campaign === undefined);
  return { count: c.find((x) => x.sum === undefined)!.id, sum: c.find((x) => x.sum !== undefined)!.id };
};

interface Ev {
  id: string;
  type: string;
  at: string;
  community: string;
  member: string;
  [k: string]: unknown;
}

const DAY0 = Date.parse('2026-11-03T00:00:00+08:00');
const iso = (ms: number) => new Date(ms).toISOString();

/** Events over up to 6 groups and 10 days, in time order, with some ids repeated (duplicates). */
const streamArb = fc
  .array(
    fc.record({
      group: fc.integer({ min: 1, max: 6 }),
      order: fc.boolean(),
      amount: fc.integer({ min: 1, max: 500 }),
      gap: fc.integer({ min: 0, max: 20 * 3_600_000 }),
      dup: fc.integer({ min: 0, max: 9 }),
    }),
    { maxLength: 40 },
  )
  .map((raw) => {
    const out: Ev[] = [];
    let t = DAY0;
    raw.forEach((r, i) => {
      t += r.gap;
      const community = `g${r.group}`;
      // One event in ten replays an earlier event of the same group (same id): it must count once.
      const earlier = r.dup === 0 ? out.filter((e) => e.community === community).at(-1) : undefined;
      if (earlier) out.push({ ...earlier });
      else if (r.order) out.push({ id: `e${i}`, type: 'order.paid', at: iso(t), community, member: `m${r.group}`, orderId: `o${i}`, amount: r.amount });
      else out.push({ id: `e${i}`, type: 'message.posted', at: iso(t), community, member: `m${r.group}`, messageId: `x${i}`, text: 'hi' });
    });
    return out;
  });

function run(ir: IR, events: readonly Ev[]): OutputAction[] {
  const rt = createRuntime(ir);
  const out: OutputAction[] = [];
  for (const e of events) out.push(...rt.dispatch(structuredClone(e)));
  return out;
}

const SALE_START = Date.parse('2026-11-05T00:00:00+08:00');
const SALE_END = Date.parse('2026-11-12T00:00:00+08:00');

describe('a network total is the sum over its communities', () => {
  it('count and sum across groups equal the per-group counts added up; the goal is reached once, at the event that makes it', () => {
    const net = ids('network');
    const group = ids('community');
    fc.assert(
      fc.property(streamArb, (events) => {
        const rt = createRuntime(IR_NET);
        const out: OutputAction[] = [];
        for (const e of events) out.push(...rt.dispatch(structuredClone(e)));
        const snap = rt.snapshot();
        const perGroup = (id: string) => snap.communities.reduce((n, c) => n + ((c.counters[id] as number | undefined) ?? 0), 0);
        expect(snap.network!.counters[net.count] ?? 0).toBe(perGroup(group.count));
        expect(snap.network!.counters[net.sum] ?? 0).toBe(perGroup(group.sum));

        // The model: orders in input order, each id once per group, counted while the sale runs.
        const seen = new Set<string>();
        let inSale = 0;
        let reachedBy: string | undefined;
        const groupsSeen: string[] = [];
        let groupsWhenReached = 0;
        for (const e of events) {
          if (!groupsSeen.includes(e.community)) groupsSeen.push(e.community);
          const key = `${e.community}|${e.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const at = Date.parse(e.at);
          if (e.type === 'order.paid' && at >= SALE_START && at < SALE_END && ++inSale === GOAL) {
            reachedBy = key;
            groupsWhenReached = groupsSeen.length;
          }
        }
        const reached = out.filter((a) => a.type === 'goal.reached');
        expect(reached.map((a) => `${a.community}|${String(a.cause)}`)).toEqual(reachedBy ? [reachedBy] : []);
        // Its `say` in every group seen by then; `notify admins` once, in the group that reached it.
        expect(out.filter((a) => a.text === `全网 ${GOAL} 单`).length).toBe(groupsWhenReached);
        expect(out.filter((a) => a.type === 'admin.notify').map((a) => `${a.community}|${String(a.cause)}`)).toEqual(reachedBy ? [reachedBy] : []);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('split, resumed or restarted anywhere: the same actions', () => {
  const withCuts = streamArb.chain((events) =>
    fc.tuple(
      fc.constant(events),
      fc.uniqueArray(fc.integer({ min: 0, max: events.length }), { maxLength: 3 }).map((c) => c.sort((a, b) => a - b)),
    ),
  );

  it('snapshot through JSON at any points and resume: the actions of one uninterrupted run', () => {
    fc.assert(
      fc.property(withCuts, ([events, cuts]) => {
        const whole = run(IR_NET, events);
        const out: OutputAction[] = [];
        let rt = createRuntime(IR_NET);
        let from = 0;
        for (const cut of [...cuts, events.length]) {
          for (const e of events.slice(from, cut)) out.push(...rt.dispatch(structuredClone(e)));
          const snapshot = JSON.parse(JSON.stringify(rt.snapshot())) as RuntimeSnapshot;
          rt = createRuntime(IR_NET, { snapshot });
          from = cut;
        }
        expect(out).toStrictEqual(whole);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a durable runtime (as serve runs it) rebuilt from its store at any points: the same actions, the network read back once', () => {
    fc.assert(
      fc.property(withCuts, ([events, cuts]) => {
        const whole = run(IR_NET, events);
        const store = new MemoryDurableStore();
        const out: OutputAction[] = [];
        let from = 0;
        for (const cut of [...cuts, events.length]) {
          // A restart: everything comes back from the store, the shared state included.
          const d = new DurableRuntime(IR_NET, store);
          // Batches of up to 3 events, as serve commits them.
          for (let i = from; i < cut; i += 3) out.push(...d.dispatchBatch(events.slice(i, Math.min(i + 3, cut)).map((e) => structuredClone(e))).actions);
          from = cut;
        }
        expect(out).toStrictEqual(whole);
      }),
      { seed: SEED, numRuns: Math.ceil(RUNS / 2) },
    );
  });
});

describe('examples of the semantics', () => {
  const three = [
    { id: 'a1', type: 'order.paid', at: '2026-11-06T10:00:00+08:00', community: 'g1', member: 'ann', orderId: 'o1', amount: 5 },
    { id: 'b1', type: 'order.paid', at: '2026-11-06T10:01:00+08:00', community: 'g2', member: 'bob', orderId: 'o2', amount: 5 },
    { id: 'c1', type: 'order.paid', at: '2026-11-06T10:02:00+08:00', community: 'g3', member: 'cat', orderId: 'o3', amount: 5 },
  ];
  const IR3 = load(`
campaign d11 across all groups {
  stage sale from 2026-11-05 to 2026-11-11
  goal three when count(order.paid) >= 3 { say "{campaign} {goal}: 3 单" }
}
campaign local {
  stage sale from 2026-11-05 to 2026-11-11
  goal three when count(order.paid) >= 3 { say "本群 3 单" }
}`);

  it('3 orders in 3 groups reach a network goal of 3; a goal of one group is not reached', () => {
    const out = run(IR3, three);
    expect(out.filter((a) => a.type === 'goal.reached').map((a) => [a.community, a.campaign, a.cause])).toEqual([['g3', 'd11', 'c1']]);
    expect(out.filter((a) => a.type === 'message.send').map((a) => [a.community, a.text, a.at])).toEqual([
      ['g1', 'd11 three: 3 单', '2026-11-06T10:02:00+08:00'],
      ['g2', 'd11 three: 3 单', '2026-11-06T10:02:00+08:00'],
      ['g3', 'd11 three: 3 单', '2026-11-06T10:02:00+08:00'],
    ]);
  });

  it('a group seen after the goal was reached does not hear it, and nothing is reached twice', () => {
    const rt = createRuntime(IR3);
    for (const e of three) rt.dispatch(e);
    const late = rt.dispatch({ id: 'd1', type: 'order.paid', at: '2026-11-07T10:00:00+08:00', community: 'g4', member: 'dan', orderId: 'o4', amount: 1 });
    expect(late.filter((a) => a.type !== 'stage.entered')).toEqual([]);
    expect(rt.snapshot().network).toEqual({
      counters: { [IR3.counters.find((c) => c.scope === 'network')!.id]: 4 },
      goals: { d11: ['three'] },
      groups: ['g1', 'g2', 'g3', 'g4'],
    });
  });

  it('a reload carries the network over: totals by what they count, reached goals, groups; a durable runtime reads it back', () => {
    const rt = createRuntime(IR3);
    for (const e of three) rt.dispatch(e);
    // A new rule counts across groups first, so the goal's count gets another id.
    const v2 = load(`
rule early { on message.posted; when count(message.posted across groups) >= 1; do say "hi" }
campaign d11 across all groups {
  stage sale from 2026-11-05 to 2026-11-11
  goal three when count(order.paid) >= 3 { say "{campaign} {goal}: 3 单" }
  goal four when count(order.paid) >= 4 { say "四单" }
}`);
    const { snapshot } = migrateSnapshot(IR3, v2, rt.snapshot());
    const goalCount = v2.counters.find((c) => c.event === 'order.paid')!.id;
    expect(goalCount).not.toBe(IR3.counters.find((c) => c.scope === 'network')!.id);
    expect(snapshot.network).toEqual({ counters: { [goalCount]: 3 }, goals: { d11: ['three'] }, groups: ['g1', 'g2', 'g3'] });
    const store = new MemoryDurableStore();
    const d = new DurableRuntime(IR3, store);
    d.replace(v2, snapshot, {});
    const fourth = { id: 'a2', type: 'order.paid', at: '2026-11-06T11:00:00+08:00', community: 'g1', member: 'ann', orderId: 'o5', amount: 5 };
    const out = d.dispatchBatch([fourth]).actions;
    expect(out.filter((a) => a.type === 'goal.reached').map((a) => a.goal)).toEqual(['four']);
    expect(out.filter((a) => a.text === '四单').map((a) => a.community)).toEqual(['g1', 'g2', 'g3']);
  });

  it('a reload that starts sharing puts the groups already served in the network, so a goal is heard in each', () => {
    const before = load('campaign d11 { stage sale from 2026-11-05 to 2026-11-11 }');
    const rt = createRuntime(before);
    for (const e of three.slice(0, 2)) rt.dispatch(e);
    const { snapshot } = migrateSnapshot(before, IR3, rt.snapshot());
    expect(snapshot.network).toEqual({ counters: {}, goals: {}, groups: ['g1', 'g2'] });
    const after = createRuntime(IR3, { snapshot });
    const out = [three[2]!, { ...three[2]!, id: 'c2' }, { ...three[2]!, id: 'c3' }].flatMap((e) => after.dispatch(e));
    expect(out.filter((a) => a.text === 'd11 three: 3 单').map((a) => a.community)).toEqual(['g1', 'g2', 'g3']);
  });

  it('a playbook without networks keeps no network in its snapshot', () => {
    const rt = createRuntime(load('campaign x { stage s from 2026-11-05 }'));
    rt.dispatch(three[0]);
    expect(rt.snapshot()).not.toHaveProperty('network');
  });

  it('both engines agree on a network goal and a count across groups', () => {
    const posts = [1, 2].map((i) => ({
      id: `p${i}`,
      type: 'message.posted',
      at: `2026-11-06T11:0${i}:00+08:00`,
      community: 'g1',
      member: 'ann',
      messageId: `m${i}`,
      text: 't',
    }));
    const events = [...three, ...posts];
    const fast = run(IR_NET, events);
    // g1 has one order of its own; the nudge reads the network's three.
    expect(fast.filter((a) => a.text === '冲刺').map((a) => a.community)).toEqual(['g1']);
    const rt = createRuntime(IR_NET, { engine: 'reference' });
    const ref: OutputAction[] = [];
    try {
      for (const e of events) ref.push(...rt.dispatch(structuredClone(e)));
    } finally {
      rt.close();
    }
    expect(ref).toStrictEqual(fast);
  });
});

describe('cluster mode', () => {
  // Shared in a locked row (docs/scaling.md, "Networks of groups"; test/e2e/cluster-network.e2e.test.ts):
  // a networked playbook gets as far as the database, which here is not there.
  it('takes a playbook that counts across groups to the database', async () => {
    const io = { out: () => undefined, err: () => undefined, isTTY: false } as unknown as Parameters<typeof serveCluster>[1];
    const o = {
      file: 'n.playbook',
      source: '',
      ir: IR_NET,
      url: 'postgres://127.0.0.1:1/x',
      clock: 'wall' as const,
      token: undefined,
      host: '127.0.0.1',
      port: 0,
    };
    await expect(serveCluster(o, io)).rejects.toThrow(/^cannot use the database: /);
  });
});
