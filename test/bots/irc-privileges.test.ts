import { ircLineParser } from 'irc-framework';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/bots/adapter.js';
import { rolesOfModes, splitPrefixes } from '../../src/bots/irc-privileges.js';
import { applyIsupport, defaultServerInfo } from '../../src/bots/irc-server-info.js';
import { IrcTracker } from '../../src/bots/irc-state.js';

/** InspIRCd with its founder/protect/halfop modes (PREFIX=(qaohv)~&@%+), #club joined with `names` present. */
function club(names: string) {
  const tracker = new IrcTracker([{ room: '#club', community: 'club' }], { nick: 'pbot', now: () => 0 });
  const events: ChatEvent[] = [];
  const feed = (...raw: string[]) => {
    for (const r of raw) events.push(...tracker.handle(ircLineParser(r)!).events);
  };
  feed(':irc.test 001 pbot :Welcome', ':irc.test 005 pbot CASEMAPPING=rfc1459 PREFIX=(qaohv)~&@%+ CHANMODES=b,k,l,imnpst :are supported');
  feed(':pbot!pb@10.0.0.1 JOIN #club', `:irc.test 353 pbot = #club :${names}`, ':irc.test 366 pbot #club :End of /NAMES list.');
  const roles = () => events.map((e) => [e.type, e.member, e['role']]);
  return { tracker, events, feed, roles };
}

describe('IRC channel privileges as roles (issue 17, "Also" 1)', () => {
  it('maps founder, protected, operator, half-operator and voice to owner/admin, admin, admin, moderator and voice', () => {
    expect(rolesOfModes(['q'])).toEqual(['owner', 'admin']);
    expect(rolesOfModes(['a'])).toEqual(['admin']);
    expect(rolesOfModes(['o', 'v'])).toEqual(['admin', 'voice']);
    expect(rolesOfModes(['h'])).toEqual(['moderator']);
    expect(rolesOfModes(['v', 'o', 'a'])).toEqual(['admin', 'voice']);
    expect(rolesOfModes(['x', 'b'])).toEqual([]);
    const info = defaultServerInfo();
    applyIsupport(info, ['PREFIX=(qaohv)~&@%+']);
    expect(splitPrefixes(info, '~@+ann!a@h')).toEqual({ modes: ['q', 'o', 'v'], rest: 'ann!a@h' });
    expect(splitPrefixes(info, 'bob')).toEqual({ modes: [], rest: 'bob' });
  });

  it('announces the roles of those present when the bot joins (multi-prefix NAMES), once per role', () => {
    const { roles, tracker } = club('@pbot ~@ann!a@192.0.2.1 @+bob!b@192.0.2.2 %cat!c@192.0.2.3 +dan!d@192.0.2.4 eve!e@192.0.2.5');
    expect(roles()).toEqual([
      ['role.granted', 'ann', 'owner'],
      ['role.granted', 'ann', 'admin'],
      ['role.granted', 'bob', 'admin'],
      ['role.granted', 'bob', 'voice'],
      ['role.granted', 'cat', 'moderator'],
      ['role.granted', 'dan', 'voice'],
    ]);
    expect(tracker.room('#club')!.botIsOp).toBe(true);
  });

  it('turns MODE changes into role.granted and role.revoked, only when the roles change, each event with its own id', () => {
    const { roles, events, feed } = club('@pbot eve!e@192.0.2.5 fay!f@192.0.2.6');
    feed('@msgid=abc :ChanServ!s@services MODE #club +ov eve fay');
    feed(':ChanServ!s@services MODE #club +a eve');
    feed(':ChanServ!s@services MODE #club -o eve');
    feed(':ChanServ!s@services MODE #club -a+b eve *!*@spam');
    feed(':ChanServ!s@services MODE #club -v fay');
    expect(roles()).toEqual([
      ['role.granted', 'eve', 'admin'],
      ['role.granted', 'fay', 'voice'],
      // +a on an operator: still admin, nothing new; -o with +a kept: still admin.
      ['role.revoked', 'eve', 'admin'],
      ['role.revoked', 'fay', 'voice'],
    ]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events.every((e) => e.community === 'club')).toBe(true);
  });

  it('follows a member through a nick change, and ignores modes for people not in the channel and the bot itself', () => {
    const { roles, feed, tracker } = club('pbot gus!g@192.0.2.7');
    feed(':gus!g@192.0.2.7 NICK gustav', ':ChanServ!s@services MODE #club +o gustav', ':ChanServ!s@services MODE #club +o stranger');
    expect(roles()).toEqual([['role.granted', 'gus', 'admin']]);
    feed(':ChanServ!s@services MODE #club +o pbot');
    expect(roles()).toHaveLength(1);
    expect(tracker.room('#club')!.botIsOp).toBe(true);
  });
});
