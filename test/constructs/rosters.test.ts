import { describe, expect, it } from 'vitest';
import { createRuntime, type EngineName } from '../../src/runtime/runtime.js';
import { events, feed, load, ofType, runtime } from './helpers.js';

/**
 * Rosters (src/runtime/constructs/members.ts, seeMember; docs/language.md, "Rosters"):
 * `member.seen` registers a member without join semantics, and `member has [never] posted`
 * selects members by whether they were ever seen posting, in both condition engines.
 */

const JOIN_STUFF = `ritual entry {
  starts on member.joined
  say to member "welcome"
  step intro: message.posted
  deadline 1h: remove member reason "no intro"
}
rule greet { on member.joined; do say "hi {member.name}" }
rule seen { on member.seen; do tag member "old" }
lifecycle journey {
  initial newcomer
  newcomer -> quiet after 1d
}
points { member.joined: +5 reason "join" }
rule young { on message.posted; when member.age < 1d; do say "young {member.id}" }
rule first { on message.posted; when member has never posted; do say "first post {member.id}" }
`;

describe('member.seen', () => {
  for (const engine of ['fast', 'reference'] as EngineName[]) {
    it(`registers a member with no ritual, join rule, points, lifecycle or age (${engine})`, () => {
      const rt = createRuntime(load(JOIN_STUFF), { engine });
      try {
        const { ev, msg } = events();
        const seen = feed(rt, [ev('member.seen', '2026-03-02T10:00:00+08:00', 'bob', { name: 'Bob', roles: ['vip'] })]);
        expect(seen.map((a) => [a.type, a['tag']])).toEqual([['member.tag', 'old']]);
        expect(rt.advance('2026-03-04T10:00:00+08:00')).toEqual([]);
        const post = feed(rt, [msg('2026-03-04T11:00:00+08:00', 'bob')]);
        // No age (never seen joining), but this is the first post the playbook knows of.
        expect(ofType(post, 'message.send').map((a) => a['text'])).toEqual(['first post bob']);
        const m = rt.community('c1')!.members['bob']!;
        expect([m.name, m.roles, m.unjoined, m.points]).toEqual(['Bob', ['vip'], true, 0]);
      } finally {
        rt.close();
      }
    });
  }

  it('a second member.seen of a known member runs nothing and only updates name, roles and last post', () => {
    const rt = runtime(JOIN_STUFF);
    const { ev } = events();
    feed(rt, [ev('member.seen', '2026-03-02T10:00:00+08:00', 'bob', { name: 'Bob' })]);
    const again = feed(rt, [ev('member.seen', '2026-03-02T11:00:00+08:00', 'bob', { name: 'Bobby', lastActiveAt: '2026-02-01T00:00:00+08:00' })]);
    expect(again).toEqual([]);
    const m = rt.community('c1')!.members['bob']!;
    expect(m.name).toBe('Bobby');
    expect(m.lastPosted).toBe(Date.parse('2026-02-01T00:00:00+08:00'));
  });

  it('lastActiveAt counts as a post, never later than the event; an instant that is not one is ignored', () => {
    const rt = runtime(JOIN_STUFF);
    const { ev, msg } = events();
    feed(rt, [
      ev('member.seen', '2026-03-02T10:00:00+08:00', 'carol', { lastActiveAt: '2027-01-01T00:00:00Z' }),
      ev('member.seen', '2026-03-02T10:00:00+08:00', 'dave', { lastActiveAt: 'yesterday' }),
    ]);
    const members = rt.community('c1')!.members;
    expect(members['carol']!.lastPosted).toBe(Date.parse('2026-03-02T10:00:00+08:00'));
    expect(members['dave']!.lastPosted).toBeUndefined();
    const posts = feed(rt, [msg('2026-03-02T10:05:00+08:00', 'carol'), msg('2026-03-02T10:06:00+08:00', 'dave'), msg('2026-03-02T10:07:00+08:00', 'dave')]);
    expect(ofType(posts, 'message.send').map((a) => a['text'])).toEqual(['first post dave']);
  });

  it('a later member.joined is a join: the ritual starts and the age counts from it', () => {
    const rt = runtime(JOIN_STUFF);
    const { ev, join, msg } = events();
    feed(rt, [ev('member.seen', '2026-03-02T10:00:00+08:00', 'bob')]);
    const joined = feed(rt, [join('2026-03-03T10:00:00+08:00', 'bob', { name: 'Bob' })]);
    expect(ofType(joined, 'message.send').map((a) => a['text'])).toEqual(['hi Bob', 'welcome']);
    const post = feed(rt, [msg('2026-03-03T10:10:00+08:00', 'bob')]);
    expect(ofType(post, 'message.send').map((a) => a['text'])).toEqual(['young bob', 'first post bob']);
  });

  it('does not bring back a member who left or was removed', () => {
    const rt = runtime(JOIN_STUFF);
    const { ev, join, leave } = events();
    feed(rt, [join('2026-03-02T10:00:00+08:00', 'bob'), leave('2026-03-02T10:30:00+08:00', 'bob')]);
    expect(feed(rt, [ev('member.seen', '2026-03-02T11:00:00+08:00', 'bob')])).toEqual([]);
    expect(rt.community('c1')!.members['bob']!.present).toBe(false);
  });
});

describe('member has posted', () => {
  it('selects members in a job by whether they ever posted (purge of members who never spoke)', () => {
    const rt = runtime(`job purge every day at 12:00 { remove members where member has never posted reason "silent" }
job keep every day at 12:00 { tag members where member has posted "speaker" }`);
    const { ev, msg, join } = events();
    feed(rt, [
      ev('member.seen', '2026-03-02T10:00:00+08:00', 'ann', { lastActiveAt: '2026-01-01T00:00:00+08:00' }),
      ev('member.seen', '2026-03-02T10:00:00+08:00', 'bob'),
      ev('member.seen', '2026-03-02T10:00:00+08:00', '__proto__'),
      join('2026-03-02T10:00:00+08:00', 'cid'),
      msg('2026-03-02T11:00:00+08:00', 'cid'),
    ]);
    const noon = rt.advance('2026-03-02T12:00:00+08:00');
    expect(ofType(noon, 'member.remove').map((a) => a.member)).toEqual(['__proto__', 'bob']);
    expect(ofType(noon, 'member.tag').map((a) => a.member)).toEqual(['ann', 'cid']);
  });
});
