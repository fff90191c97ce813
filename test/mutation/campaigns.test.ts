import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { amounts, events, feed, load, runtime } from '../constructs/helpers.js';

/**
 * Campaign state a community may lack (src/runtime/constructs/campaigns.ts; docs/language.md,
 * "Campaigns"). Written for the mutation run (docs/testing.md, "Mutation testing").
 */

describe('a campaign added under a snapshot', () => {
  it('awards points unmultiplied until its state exists, without failing', () => {
    const rt = runtime(`points { checkin.done: +1 }`);
    const { checkin } = events();
    feed(rt, [checkin('2026-03-02T10:00:00+08:00', 'ann')]);
    const ir = load(`points { checkin.done: +1 }\ncampaign c {\n  stage s from 2026-03-01 to 2026-03-31 {\n    points x2\n  }\n}`);
    const resumed = createRuntime(ir, { snapshot: rt.snapshot() });
    expect(amounts(feed(resumed, [checkin('2026-03-03T10:00:00+08:00', 'ann')]))).toEqual([1]);
  });
});

describe('goals', () => {
  it('are checked only while a stage runs, even when the condition already holds', () => {
    const rt = runtime(`campaign c {\n  stage s from 2026-03-10 to 2026-03-20\n  goal g when count(message.posted) >= 0 { say "目标" }\n}`);
    const { msg } = events();
    const before = feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann')]);
    expect(before.filter((a) => a.type === 'goal.reached')).toEqual([]);
    const during = feed(rt, [msg('2026-03-11T10:00:00+08:00', 'ann')]);
    expect(during.filter((a) => a.type === 'goal.reached').map((a) => a.goal)).toEqual(['g']);
  });
});

describe('a campaign the playbook no longer has', () => {
  const OLD = `points { checkin.done: +1 }\ncampaign c {\n  stage s from 2026-03-10 to 2026-03-20 {\n    on enter: say "进入"\n  }\n}`;
  const NEW = `points { checkin.done: +1 }`;

  it('its armed stage timer fires as a no-op: no stage entered, nothing re-armed, no error', () => {
    const rt = runtime(OLD);
    const { checkin } = events();
    feed(rt, [checkin('2026-03-02T10:00:00+08:00', 'ann')]);
    const resumed = createRuntime(load(NEW), { snapshot: rt.snapshot() });
    expect(resumed.advance('2026-03-25T00:00:00+08:00')).toEqual([]);
    expect(resumed.community('c1')!.campaigns['c']).toEqual({ stage: null, goals: [] });
    expect(resumed.community('c1')!.timers.filter((t) => t.kind === 'stage')).toEqual([]);
  });
});

describe('a snapshot whose community lacks a campaign’s state', () => {
  // Stored state is input: a snapshot written by hand or by another tool may leave it out.
  it('gets the state back at the next stage boundary: the stage is entered and its goal reached', () => {
    const body = `campaign c {\n  stage s from 2026-03-10 to 2026-03-20\n  goal g when count(message.posted) >= 1 { say "目标" }\n}`;
    const rt = runtime(body);
    const { msg } = events();
    feed(rt, [msg('2026-03-02T10:00:00+08:00', 'ann')]);
    const snap = rt.snapshot();
    for (const c of snap.communities) delete (c as unknown as { campaigns: Record<string, unknown> }).campaigns['c'];
    const resumed = createRuntime(load(body), { snapshot: snap });
    const out = feed(resumed, [msg('2026-03-11T10:00:00+08:00', 'ann')]);
    expect(out.map((a) => [a.type, a.stage ?? a.goal ?? a.text])).toEqual([
      ['stage.entered', 's'],
      ['goal.reached', 'g'],
      ['message.send', '目标'],
    ]);
  });
});
