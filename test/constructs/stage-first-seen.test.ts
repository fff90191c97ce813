import { describe, expect, it } from 'vitest';
import { createRuntime, type OutputAction, type RuntimeSnapshot } from '../../src/runtime/runtime.js';
import { events, feed, load, type Raw } from './helpers.js';

/**
 * A group whose first event comes in the middle of a dated stage runs that stage's `on enter`
 * once, at its first event, before the event's own rules (issue 16, item 6; docs/language.md,
 * "Campaigns"). Before, only groups that existed when the stage began ever ran it.
 */

const BODY = `
points { order.paid: +1 }
campaign d11 {
  stage warmup from 2026-11-01 to 2026-11-10 { on enter: say "{stage} 开始"; on exit: say "{stage} 结束" }
  stage sale from 2026-11-11 to 2026-11-11 { points x2; on enter: say "{stage} 开始" }
}
rule hello { on message.posted; when in stage d11; do say to member "活动进行中" }
`;

const IR = load(BODY);

function stream(): Raw[] {
  const a = events('g-a');
  const b = events('g-b');
  const c = events('g-c');
  return [
    a.msg('2026-10-31T10:00:00+08:00', 'ann'), // before the campaign: g-a enters warmup by its timer
    b.msg('2026-11-03T10:00:00+08:00', 'bob'), // g-b first seen inside warmup
    a.msg('2026-11-04T10:00:00+08:00', 'ann'),
    b.msg('2026-11-05T10:00:00+08:00', 'bob'),
    c.ev('order.paid', '2026-11-11T15:00:00+08:00', 'cat', { orderId: 'o1', amount: 9 }), // g-c first seen inside sale
    c.msg('2026-11-11T15:01:00+08:00', 'cat'),
    b.msg('2026-11-11T16:00:00+08:00', 'bob'),
  ];
}

const entered = (out: OutputAction[]) => out.filter((a) => a.type === 'stage.entered').map((a) => `${a.community} ${String(a.stage)} ${a.at}`);

describe('a group first seen in the middle of a stage', () => {
  it('enters the stage at its first event, once, before that event’s rules; other groups are not affected', () => {
    const rt = createRuntime(IR);
    const out = feed(rt, stream());
    expect(entered(out)).toEqual([
      'g-b warmup 2026-11-03T10:00:00+08:00',
      'g-a warmup 2026-11-01T00:00:00+08:00', // fired by g-a's own next event (timers fire per group)
      'g-c sale 2026-11-11T15:00:00+08:00',
      'g-b sale 2026-11-11T00:00:00+08:00',
    ]);
    // g-c's first event is an order: the stage's x2 already applies to it, after `on enter`.
    const gc = out.filter((a) => a.community === 'g-c').map((a) => [a.type, a.text ?? a.amount ?? a.stage]);
    expect(gc).toEqual([
      ['stage.entered', 'sale'],
      ['message.send', 'sale 开始'],
      ['points.award', 2],
      ['message.send', '活动进行中'],
    ]);
    // g-b leaves warmup (on exit) and enters sale by its timers when its next event comes.
    const gb = out.filter((a) => a.community === 'g-b' && a.type === 'message.send').map((a) => a.text);
    expect(gb).toEqual(['warmup 开始', '活动进行中', '活动进行中', 'warmup 结束', 'sale 开始', '活动进行中']);
  });

  it('a group first seen after the last stage ended enters nothing', () => {
    const rt = createRuntime(IR);
    const out = feed(rt, [events('late').msg('2026-11-12T00:00:00+08:00', 'zed')]);
    expect(out).toEqual([]);
  });

  it('snapshot and resume anywhere in the stream, through JSON, gives the same actions', () => {
    const all = stream();
    const whole = feed(createRuntime(IR), all);
    for (let cut = 0; cut <= all.length; cut++) {
      const first = createRuntime(IR);
      const head = feed(first, all.slice(0, cut));
      const snap = JSON.parse(JSON.stringify(first.snapshot())) as RuntimeSnapshot;
      const second = createRuntime(IR, { snapshot: snap });
      const tail = feed(second, all.slice(cut));
      expect([...head, ...tail], `cut at ${cut}`).toEqual(whole);
    }
  });

  it('a replayed first event enters nothing twice', () => {
    const rt = createRuntime(IR);
    const first = events('g-b').msg('2026-11-03T10:00:00+08:00', 'bob');
    expect(entered(rt.dispatch(first))).toEqual(['g-b warmup 2026-11-03T10:00:00+08:00']);
    expect(rt.dispatch(first)).toEqual([]);
  });
});
