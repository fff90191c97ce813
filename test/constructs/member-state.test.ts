import { describe, expect, it } from 'vitest';
import { events, feed, runtime } from './helpers.js';

/** What a member's state keeps from joins and roles, and which members a removal marks changed (docs/runtime.md, "Members"; issue 14, item 7). */

describe('member state from joins and roles', () => {
  it('roles from a join are kept once each; an empty list leaves none; the name is kept', () => {
    const rt = runtime(`roles kol`);
    const { join } = events();
    feed(rt, [join('2026-03-02T10:00:00+08:00', 'ann', { name: 'Ann', roles: ['kol', 'x', 'kol'] }), join('2026-03-02T10:00:00+08:00', 'bob', { roles: [] })]);
    const c = rt.community('c1')!;
    expect([c.members['ann']!.name, c.members['ann']!.roles]).toEqual(['Ann', ['kol', 'x']]);
    expect([c.members['bob']!.name, c.members['bob']!.roles]).toEqual([undefined, undefined]);
  });

  it('revoking the last role leaves no role list; a member who rejoins after leaving starts with fresh counts', () => {
    const rt = runtime(`roles kol
rule n { on message.posted when count(message.posted by member within 1d) >= 9 do say "n" }`);
    const { join, ev, msg, leave } = events();
    feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann', { roles: ['kol'] }),
      ev('role.revoked', '2026-03-02T10:01:00+08:00', 'ann', { role: 'kol' }),
      msg('2026-03-02T10:02:00+08:00', 'ann'),
    ]);
    const c = rt.community('c1')!;
    expect(c.members['ann']!.roles).toBeUndefined();
    expect(c.members['ann']!.counters).toBeDefined();
    feed(rt, [leave('2026-03-02T10:03:00+08:00', 'ann'), join('2026-03-02T10:04:00+08:00', 'ann')]);
    expect(c.members['ann']!.counters).toBeUndefined();
    expect(c.members['ann']!.joinedAt).toBe(Date.parse('2026-03-02T10:04:00+08:00'));
    expect([c.members['ann']!.present, c.members['ann']!.removed]).toEqual([true, false]);
  });
});

describe('changes a removal records for a durable store', () => {
  it('`remove members` marks each removed member changed, not only the member of the event', () => {
    const rt = runtime(
      `
rule mark { on checkin.done do tag member "bad" }
rule sweep { on rules.acknowledged do remove members tagged "bad" }`,
      { trackChanges: true },
    );
    const { join, checkin, ev } = events();
    feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      join('2026-03-02T10:00:00+08:00', 'bob'),
      join('2026-03-02T10:00:00+08:00', 'cat'),
      checkin('2026-03-02T10:01:00+08:00', 'bob'),
    ]);
    rt.takeChanges();
    feed(rt, [ev('rules.acknowledged', '2026-03-02T10:02:00+08:00', 'cat')]);
    expect([...rt.takeChanges().get('c1')!].sort()).toEqual(['bob', 'cat']);
    expect(rt.community('c1')!.members['bob']!.removed).toBe(true);
  });
});
