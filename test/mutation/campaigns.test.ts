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

describe('a community first seen exactly at a stage’s start', () => {
  it('enters the stage at that instant, before its first event’s rules (issue 14, item 7)', () => {
    const rt = runtime(
      `campaign c {\n  stage s from 2026-03-10 to 2026-03-20 { on enter: say "进入 {stage}" }\n}\nrule echo { on message.posted; when in stage c; do say "活动中" }`,
    );
    const out = feed(rt, [events().msg('2026-03-10T00:00:00+08:00', 'ann')]);
    expect(out.map((a) => [a.type, a.at, a.text ?? a.stage])).toEqual([
      ['stage.entered', '2026-03-10T00:00:00+08:00', 's'],
      ['message.send', '2026-03-10T00:00:00+08:00', '进入 s'],
      ['message.send', '2026-03-10T00:00:00+08:00', '活动中'],
    ]);
  });
});

describe('stage bounds', () => {
  it('a stage with a start time and none before it starts at that time, not at midnight', () => {
    const rt = runtime(`campaign c {\n  stage s from 2026-03-10 10:00 to 2026-03-20 {\n    every day at 09:00: say "job"\n  }\n}`);
    feed(rt, [events().join('2026-03-09T12:00:00+08:00', 'ann')]);
    const out = rt.advance('2026-03-11T12:00:00+08:00');
    expect(out.map((a) => [a.type, a.at])).toEqual([
      ['stage.entered', '2026-03-10T10:00:00+08:00'],
      ['message.send', '2026-03-11T09:00:00+08:00'],
    ]);
  });

  it('a job in the second of two stages runs only while that stage runs', () => {
    const rt = runtime(
      `campaign c {\n  stage a from 2026-03-10 to 2026-03-11\n  stage b from 2026-03-12 to 2026-03-13 {\n    every day at 09:00: say "job"\n  }\n}`,
    );
    feed(rt, [events().join('2026-03-09T12:00:00+08:00', 'ann')]);
    const out = rt.advance('2026-03-15T00:00:00+08:00');
    expect(out.filter((a) => a.type === 'message.send').map((a) => a.at)).toEqual(['2026-03-12T09:00:00+08:00', '2026-03-13T09:00:00+08:00']);
  });

  it('a stage is left at its end, and a community first seen after it enters nothing', () => {
    const body = `campaign c {\n  stage s from 2026-03-10 to 2026-03-11 { on exit: say "结束" }\n}`;
    const rt = runtime(body);
    feed(rt, [events().join('2026-03-09T12:00:00+08:00', 'ann')]);
    expect(rt.advance('2026-03-13T00:00:00+08:00').map((a) => [a.type, a.at])).toEqual([
      ['stage.entered', '2026-03-10T00:00:00+08:00'],
      ['stage.exited', '2026-03-12T00:00:00+08:00'],
      ['message.send', '2026-03-12T00:00:00+08:00'],
    ]);
    const late = runtime(body);
    expect(feed(late, [events().join('2026-03-12T00:00:00+08:00', 'bob')])).toEqual([]);
  });
});

describe('a network goal', () => {
  it('runs its actions in every group seen so far, `notify admins` only in the group that reached it', () => {
    const rt = runtime(
      `campaign d across all groups {\n  stage s from 2026-11-05 to 2026-11-11\n  goal two when count(order.paid) >= 2 { say "全网"; notify admins "达成" }\n}`,
    );
    const a = events('g1');
    const b = events('g2');
    const out = feed(rt, [
      a.ev('order.paid', '2026-11-06T10:00:00+08:00', 'ann', { orderId: 'o1', amount: 1 }),
      b.ev('order.paid', '2026-11-06T11:00:00+08:00', 'bob', { orderId: 'o2', amount: 1 }),
    ]);
    expect(out.filter((x) => x.type !== 'stage.entered').map((x) => [x.community, x.type])).toEqual([
      ['g2', 'goal.reached'],
      ['g1', 'message.send'],
      ['g2', 'message.send'],
      ['g2', 'admin.notify'],
    ]);
  });
});
