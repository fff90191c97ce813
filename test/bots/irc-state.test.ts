import { ircLineParser } from 'irc-framework';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/bots/adapter.js';
import { applyIsupport, defaultServerInfo, hasMuteExtban, parseModeChanges } from '../../src/bots/irc-server-info.js';
import { IrcTracker, type Signal } from '../../src/bots/irc-state.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

/** A tracker for #lobby (community lobby) that has already joined, with `occupants` in NAMES. */
function joined(occupants = '@pbot alice!al@192.0.2.1 +bob!bo@192.0.2.2', opts: { rooms?: { room: string; community: string }[] } = {}) {
  const tracker = new IrcTracker(opts.rooms ?? [{ room: '#lobby', community: 'lobby' }], { nick: 'pbot', now: () => NOW });
  const events: ChatEvent[] = [];
  const signals: Signal[] = [];
  const feed = (...raw: string[]) => {
    for (const r of raw) {
      const out = tracker.handle(ircLineParser(r)!);
      events.push(...out.events);
      signals.push(...out.signals);
    }
  };
  feed(
    ':irc.test 001 pbot :Welcome',
    ':irc.test 004 pbot irc.test InspIRCd-3 iosw biklmnopstv :bklov',
    ':irc.test 005 pbot CASEMAPPING=rfc1459 PREFIX=(ov)@+ CHANMODES=b,k,l,imnpst EXTBAN=,m :are supported',
  );
  feed(':pbot!pb@10.0.0.1 JOIN #lobby', `:irc.test 353 pbot = #lobby :${occupants}`, ':irc.test 366 pbot #lobby :End of /NAMES list.');
  // The roles of those present at the join (bob's voice): the cases below look at what follows.
  const atJoin = events.splice(0);
  return { tracker, events, atJoin, signals, feed, room: tracker.room('#lobby')! };
}

describe('IrcTracker: joining', () => {
  it('records occupants from NAMES with their hosts, with no events but their roles, and knows whether the bot is op', () => {
    const { atJoin, signals, room, tracker } = joined();
    expect(atJoin.map((e) => [e.type, e.member, e['role']])).toEqual([['role.granted', 'bob', 'voice']]);
    expect(signals).toContainEqual({ kind: 'synced', channel: '#lobby' });
    expect(room.botIsOp).toBe(true);
    expect(tracker.findMember(room, 'alice')).toEqual({ member: { id: 'alice', nick: 'alice', user: 'al', host: '192.0.2.1' }, present: true });
    expect(tracker.findMember(room, 'bob')?.member.host).toBe('192.0.2.2');
    expect(tracker.ownHost).toBe('10.0.0.1');
  });

  it('warns when the bot is not an operator', () => {
    const { signals, room } = joined('pbot @alice!al@192.0.2.1');
    expect(room.botIsOp).toBe(false);
    expect(signals.some((s) => s.kind === 'log' && s.text.includes('not a channel operator in #lobby'))).toBe(true);
  });

  it('asks WHO when NAMES has no hosts, and counts the channel as joined only after the WHO', () => {
    const { signals, room, feed, tracker } = joined('@pbot alice bob');
    expect(signals).toContainEqual({ kind: 'who', channel: '#lobby' });
    expect(signals.some((s) => s.kind === 'synced')).toBe(false);
    expect(room.state).toBe('who');
    feed(':irc.test 352 pbot #lobby al 192.0.2.1 irc.test alice H :0 Alice', ':irc.test 315 pbot #lobby :End of /WHO list.');
    expect(signals).toContainEqual({ kind: 'synced', channel: '#lobby' });
    expect(tracker.findMember(room, 'alice')?.member.host).toBe('192.0.2.1');
  });

  it('after a reconnect, reports those who left meanwhile and keeps the ids of those still there', () => {
    const { events, feed, tracker, room } = joined();
    feed(':alice!al@192.0.2.1 NICK alicia');
    tracker.disconnected();
    feed(':pbot!pb@10.0.0.1 JOIN #lobby', ':irc.test 353 pbot = #lobby :@pbot alicia!al@192.0.2.1 +carol!c@192.0.2.3', ':irc.test 366 pbot #lobby :End');
    expect(events.map((e) => [e.type, e.member])).toEqual([
      ['role.granted', 'carol'],
      ['member.left', 'bob'],
    ]);
    expect(tracker.findMember(room, 'alice')).toMatchObject({ member: { nick: 'alicia' }, present: true });
    expect(tracker.findMember(room, 'carol')?.present).toBe(true);
  });
});

describe('IrcTracker: events', () => {
  it('maps JOIN, PART, QUIT and KICK of others to member.joined and member.left', () => {
    const { events, feed } = joined();
    feed(
      '@time=2026-03-01T11:59:58.123Z :dave!d@192.0.2.4 JOIN #lobby',
      ':dave!d@192.0.2.4 PART #lobby :bye',
      ':alice!al@192.0.2.1 QUIT :Quit: gone',
      ':pbot!pb@10.0.0.1 KICK #lobby bob :spam',
    );
    expect(events.map((e) => [e.type, e.member, e['name']])).toEqual([
      ['member.joined', 'dave', 'dave'],
      ['member.left', 'dave', undefined],
      ['member.left', 'alice', undefined],
      ['member.left', 'bob', undefined],
    ]);
    expect(events[0]!.at).toBe('2026-03-01T11:59:58.123Z');
    expect(events[1]!.at).toBe(new Date(NOW).toISOString());
    expect(events.every((e) => e.community === 'lobby')).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(4);
  });

  it('maps a channel PRIVMSG to message.posted with the msgid as message and event id', () => {
    const { events, feed } = joined();
    feed('@msgid=abc123;time=2026-03-01T11:00:00Z :alice!al@192.0.2.1 PRIVMSG #lobby :buy now');
    expect(events).toEqual([
      {
        id: '#lobby/abc123',
        type: 'message.posted',
        at: '2026-03-01T11:00:00.000Z',
        community: 'lobby',
        member: 'alice',
        messageId: 'abc123',
        text: 'buy now',
      },
    ]);
  });

  it('makes unique ids when the server gives no msgid', () => {
    const { events, feed, tracker } = joined();
    feed(':alice!al@192.0.2.1 PRIVMSG #lobby :same', ':alice!al@192.0.2.1 PRIVMSG #lobby :same');
    expect(events[0]!['messageId']).toMatch(/^local-/);
    expect(events[0]!['messageId']).not.toBe(events[1]!['messageId']);
    expect(events[0]!.id).not.toBe(events[1]!.id);
    expect(tracker.msgidSeen).toBe(false);
  });

  it('takes CTCP ACTION as text and ignores other CTCP, NOTICE, private messages and the bot itself', () => {
    const { events, feed } = joined();
    feed(
      ':alice!al@192.0.2.1 PRIVMSG #lobby :\x01ACTION waves\x01',
      ':alice!al@192.0.2.1 PRIVMSG #lobby :\x01VERSION\x01',
      ':alice!al@192.0.2.1 NOTICE #lobby :a notice',
      ':alice!al@192.0.2.1 PRIVMSG pbot :a private word',
      ':pbot!pb@10.0.0.1 PRIVMSG #lobby :echo of our own',
      ':PBot!pb@10.0.0.1 JOIN #other',
    );
    expect(events.map((e) => e['text'])).toEqual(['waves']);
  });

  it('ignores (and logs) a message from someone not in the channel', () => {
    const { events, signals, feed } = joined();
    feed(':stranger!s@198.51.100.1 PRIVMSG #lobby :hi');
    expect(events).toEqual([]);
    expect(signals.some((s) => s.kind === 'log' && s.text.includes('stranger'))).toBe(true);
  });

  it('ignores channels it is not bound to', () => {
    const { events, feed } = joined();
    feed(':x!x@h JOIN #elsewhere', ':x!x@h PRIVMSG #elsewhere :hi');
    expect(events).toEqual([]);
  });

  it('names the channel in message.posted only when the community spans several channels', () => {
    const rooms = [
      { room: '#a', community: 'c' },
      { room: '#b', community: 'c' },
    ];
    const { feed, events } = joined('@pbot', { rooms });
    feed(':pbot!pb@h JOIN #a', ':irc.test 353 pbot = #a :@pbot x!x@h', ':irc.test 366 pbot #a :End', ':x!x@h PRIVMSG #a :hi');
    expect(events[0]).toMatchObject({ community: 'c', channel: '#a', text: 'hi' });
  });
});

describe('IrcTracker: identity', () => {
  it('keeps the id across nick changes, case-insensitively under rfc1459', () => {
    const { events, feed, tracker, room } = joined();
    feed(':alice!al@192.0.2.1 NICK Alice[away]', ':ALICE{AWAY}!al@192.0.2.1 PRIVMSG #lobby :back');
    expect(events[0]).toMatchObject({ member: 'alice', text: 'back' });
    expect(tracker.findMember(room, 'alice')?.member.nick).toBe('Alice[away]');
  });

  it('gives a newcomer a suffixed id when their nick is the id of a renamed member still present', () => {
    const { events, feed, tracker, room } = joined();
    feed(':alice!al@192.0.2.1 NICK ally', ':alice!x@203.0.113.9 JOIN #lobby');
    expect(events.map((e) => e.member)).toEqual(['alice~2']);
    expect(tracker.findMember(room, 'alice~2')?.member.host).toBe('203.0.113.9');
    expect(tracker.findMember(room, 'alice')?.member.nick).toBe('ally');
  });

  it('remembers the host of someone who left, for a ban after the fact', () => {
    const { feed, tracker, room } = joined();
    feed(':alice!al@192.0.2.1 PART #lobby');
    expect(tracker.findMember(room, 'alice')).toEqual({ member: { id: 'alice', nick: 'alice', user: 'al', host: '192.0.2.1' }, present: false });
  });

  it('follows the bot losing and regaining op, and its own nick changing', () => {
    const { feed, signals, room, tracker } = joined();
    feed(':alice!al@192.0.2.1 MODE #lobby +b-o *!*@x pbot');
    expect(room.botIsOp).toBe(false);
    expect(signals.some((s) => s.kind === 'log' && s.text.includes('lost channel operator status in #lobby'))).toBe(true);
    feed(':alice!al@192.0.2.1 MODE #lobby +o pbot');
    expect(room.botIsOp).toBe(true);
    feed(':pbot!pb@10.0.0.1 NICK pbot2');
    expect(tracker.ownNick).toBe('pbot2');
    expect(tracker.isOwn('PBOT2')).toBe(true);
  });

  it('reports being kicked as a lost channel', () => {
    const { feed, signals, room } = joined();
    feed(':alice!al@192.0.2.1 KICK #lobby pbot :begone');
    expect(signals).toContainEqual({ kind: 'lost', channel: '#lobby', reason: 'kicked by alice: begone' });
    expect(room.state).toBe('out');
  });

  it('learns its own user@host from a message to itself, and server msgids from any tag', () => {
    const tracker = new IrcTracker([{ room: '#x', community: 'x' }], { nick: 'pbot' });
    tracker.handle(ircLineParser('@msgid=1 :pbot!~pb@cloak.example PRIVMSG pbot :msgid probe')!);
    expect([tracker.ownUser, tracker.ownHost, tracker.msgidSeen]).toEqual(['~pb', 'cloak.example', true]);
  });
});

describe('ISUPPORT and modes', () => {
  it('takes the letter m for a mute only on InspIRCd', () => {
    const { tracker } = joined();
    expect(hasMuteExtban(tracker.info)).toBe(true);
    const unreal = defaultServerInfo();
    applyIsupport(unreal, ['EXTBAN=~,acfjmnpqrtCGOST']);
    unreal.version = 'UnrealIRCd-6.1.0';
    expect(hasMuteExtban(unreal)).toBe(false);
    const bare = defaultServerInfo();
    bare.version = 'InspIRCd-3';
    expect(hasMuteExtban(bare)).toBe(false);
  });

  it('reads PREFIX, CHANMODES, EXTBAN and lengths', () => {
    const info = defaultServerInfo();
    applyIsupport(info, ['PREFIX=(qaohv)~&@%+', 'CHANMODES=beI,k,l,imnpst', 'EXTBAN=~,qjncrm', 'NICKLEN=16', 'CASEMAPPING=ascii', 'USERLEN=bogus']);
    expect(info).toMatchObject({
      prefixModes: 'qaohv',
      prefixSymbols: '~&@%+',
      chanmodes: ['beI', 'k', 'l', 'imnpst'],
      extban: { prefix: '~', types: 'qjncrm' },
      nicklen: 16,
      userlen: 10,
      casemapping: 'ascii',
    });
  });

  it('pairs mode letters with their parameters', () => {
    const info = defaultServerInfo();
    expect(parseModeChanges(info, '+bkl-o+im', ['m:*!*@h', 'key', '10', 'nick'])).toEqual([
      { add: true, mode: 'b', param: 'm:*!*@h' },
      { add: true, mode: 'k', param: 'key' },
      { add: true, mode: 'l', param: '10' },
      { add: false, mode: 'o', param: 'nick' },
      { add: true, mode: 'i' },
      { add: true, mode: 'm' },
    ]);
    expect(parseModeChanges(info, '-l+b', ['*!*@h'])).toEqual([
      { add: false, mode: 'l' },
      { add: true, mode: 'b', param: '*!*@h' },
    ]);
  });
});
