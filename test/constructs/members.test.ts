import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, texts } from './helpers.js';

/** Members: joining twice, leaving, roles (docs/runtime.md, "Members"; issue 14, item 7). */

describe('a second member.joined of a member who is present changes nothing of their progress', () => {
  const body = `
ritual onboarding {
  starts on member.joined
  say to member "欢迎 {member.id}"
  step intro: message.posted where text contains "我是"
  step rules: rules.acknowledged
  deadline 24h: remove member reason "未完成"
}
lifecycle journey {
  newcomer -> active on message.posted
  active -> paying on order.paid
}
rule second_post {
  on message.posted
  when count(message.posted) == 2
  do say to member "第二次发言"
}`;

  it('the ritual keeps its done step and its deadline; no second welcome', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:10:00+08:00', 'ann', '我是 Ann'),
      join('2026-03-02T12:00:00+08:00', 'ann', { name: 'Ann' }), // a platform repeats the join
    ]);
    expect(texts(out)).toEqual(['欢迎 ann']);
    // The intro step stays done: acknowledging the rules completes the ritual, and the deadline
    // set at the first join never fires.
    const rest = feed(rt, [ev('rules.acknowledged', '2026-03-02T13:00:00+08:00', 'ann')]);
    expect(rest.some((a) => a.type === 'member.remove')).toBe(false);
    expect(rt.advance('2026-03-04T00:00:00+08:00').some((a) => a.type === 'member.remove')).toBe(false);
  });

  it('the pending deadline still falls 24h after the first join, not the second', () => {
    const rt = runtime(body);
    const { join } = events();
    feed(rt, [join('2026-03-02T10:00:00+08:00', 'ann'), join('2026-03-02T12:00:00+08:00', 'ann')]);
    const removed = ofType(rt.advance('2026-03-04T00:00:00+08:00'), 'member.remove');
    expect(removed.map((a) => a.at)).toEqual(['2026-03-03T10:00:00+08:00']);
  });

  it('the lifecycle state and the event counts are kept; the join updates the name', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:10:00+08:00', 'ann', 'hi'),
      join('2026-03-02T12:00:00+08:00', 'ann', { name: 'Ann' }),
      msg('2026-03-02T12:10:00+08:00', 'ann', 'hi again'),
      ev('order.paid', '2026-03-02T12:20:00+08:00', 'ann', { orderId: 'o1', amount: 1 }),
    ]);
    expect(ofType(out, 'lifecycle.changed').map((a) => `${a.from}->${a.to}`)).toEqual(['newcomer->active', 'active->paying']);
    expect(texts(out)).toContain('第二次发言');
    expect(rt.community('c1')!.members['ann']!.name).toBe('Ann');
  });
});

describe('a departed member', () => {
  it('produces nothing and is not counted until they rejoin', () => {
    const rt = runtime(`
points { message.posted: +1 }
rule busy {
  on message.posted
  when count(message.posted) >= 2
  once per community
  do say "群里热闹起来了"
}`);
    const { join, leave, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      join('2026-03-02T10:00:00+08:00', 'bob'),
      msg('2026-03-02T10:01:00+08:00', 'ann'),
      leave('2026-03-02T10:02:00+08:00', 'bob'),
      msg('2026-03-02T10:03:00+08:00', 'bob'), // a late message of someone who left
    ]);
    expect(ofType(out, 'points.award').map((a) => a.member)).toEqual(['ann']);
    expect(texts(out)).toEqual([]);
    // The next message of a present member is the community's second counted one.
    expect(texts(feed(rt, [msg('2026-03-02T10:04:00+08:00', 'ann')]))).toEqual(['群里热闹起来了']);
  });

  it('a departed member no longer counts toward their own counts either', () => {
    const rt = runtime(`rule third { on message.posted; when count(message.posted by member) == 3; do say to member "third" }`);
    const { join, leave, msg } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann'),
      msg('2026-03-02T10:01:00+08:00', 'ann'),
      leave('2026-03-02T10:02:00+08:00', 'ann'),
      msg('2026-03-02T10:03:00+08:00', 'ann'),
      msg('2026-03-02T10:04:00+08:00', 'ann'),
    ]);
    expect(out.filter((a) => a.type !== 'points.award')).toEqual([]);
    expect(rt.community('c1')!.members['ann']!.present).toBe(false);
  });
});

describe('roles', () => {
  const body = `
roles kol, volunteer
rule kol { on message.posted; when member has role kol; do say to member "kol" }
rule vol { on message.posted; when member has role volunteer; do say to member "volunteer" }`;

  it('revoking one role keeps the others', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann', { roles: ['kol', 'volunteer'] }),
      msg('2026-03-02T10:01:00+08:00', 'ann'),
      ev('role.revoked', '2026-03-02T10:02:00+08:00', 'ann', { role: 'kol' }),
      msg('2026-03-02T10:03:00+08:00', 'ann'),
    ]);
    expect(texts(out)).toEqual(['kol', 'volunteer', 'volunteer']);
  });

  it('granting adds a role to those from the join; revoking a role not held changes nothing', () => {
    const rt = runtime(body);
    const { join, msg, ev } = events();
    const out = feed(rt, [
      join('2026-03-02T10:00:00+08:00', 'ann', { roles: ['volunteer'] }),
      ev('role.granted', '2026-03-02T10:01:00+08:00', 'ann', { role: 'kol' }),
      ev('role.revoked', '2026-03-02T10:02:00+08:00', 'ann', { role: 'admin' }),
      msg('2026-03-02T10:03:00+08:00', 'ann'),
      ev('role.revoked', '2026-03-02T10:04:00+08:00', 'ann', { role: 'volunteer' }),
      ev('role.revoked', '2026-03-02T10:05:00+08:00', 'ann', { role: 'kol' }),
      msg('2026-03-02T10:06:00+08:00', 'ann'),
    ]);
    expect(texts(out)).toEqual(['kol', 'volunteer']);
  });
});
