import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/bots/adapter.js';
import { MucRoom } from '../../src/bots/xmpp-room.js';
import type { Affiliation, MucRole, OccupantPresence, RoomMessage } from '../../src/bots/xmpp-stanzas.js';

const ROOM = 'club@conference.example.org';
const T0 = Date.parse('2025-03-01T10:00:00Z');

function newRoom(): { room: MucRoom; logs: string[] } {
  let serial = 0;
  let local = 0;
  const room = new MucRoom({ room: ROOM, community: 'club' }, 'bot', { now: () => T0, serial: () => ++serial, localId: () => `L${++local}`, ownJid: 'bot@x' });
  return { room, logs: [] };
}

function occ(nick: string, o: Partial<Omit<OccupantPresence, 'kind' | 'room' | 'nick'>> = {}): OccupantPresence {
  return { kind: 'occupant', room: ROOM, nick, available: true, self: false, affiliation: 'none', role: 'participant', codes: [], ...o };
}

const self = (o: Partial<OccupantPresence> = {}) => occ('bot', { self: true, codes: [110], affiliation: 'owner', role: 'moderator', ...o });

function msg(nick: string | undefined, body: string | undefined, o: Partial<RoomMessage> = {}): RoomMessage {
  return { kind: 'groupchat', room: ROOM, nick, body, stanzaId: 's1', delayed: false, retraction: undefined, subject: false, ...o };
}

/** Feed presences, collect every event. */
function feed(room: MucRoom, ...ps: OccupantPresence[]): ChatEvent[] {
  return ps.flatMap((p) => room.presence(p).events);
}

function joined(room: MucRoom, ...before: OccupantPresence[]): ChatEvent[] {
  room.beginJoin();
  return feed(room, ...before, self());
}

describe('joining a room', () => {
  it('records the occupants already there without announcing them, except owners and admins as roles', () => {
    const { room } = newRoom();
    room.beginJoin();
    const alice = room.presence(occ('alice', { realJid: 'alice@x' }));
    const boss = room.presence(occ('boss', { realJid: 'boss@x', affiliation: 'owner', role: 'moderator' }));
    expect([...alice.events, ...boss.events, ...alice.signals]).toEqual([]);
    const done = room.presence(self());
    expect(done.signals).toEqual([{ kind: 'joined' }]);
    expect(done.events.map((e) => [e.type, e.member, e['role']])).toEqual([
      ['role.granted', 'boss@x', 'owner'],
      ['role.granted', 'boss@x', 'admin'],
    ]);
    expect(room.state).toBe('joined');
    expect(room.self).toEqual({ role: 'moderator', affiliation: 'owner' });
    expect(room.occupantsOf('alice@x').map((o) => o.nick)).toEqual(['alice']);
    expect(room.revealsJids).toBe(true);
  });

  it('an error presence while joining is a refusal; the room may assign us another nick', () => {
    const { room } = newRoom();
    room.beginJoin();
    const refused = room.presence({ kind: 'error', room: ROOM, nick: 'bot', error: { condition: 'conflict' } });
    expect(refused.signals).toEqual([{ kind: 'refused', error: { condition: 'conflict' } }]);
    room.beginJoin();
    expect(room.presence(occ('bot-2', { self: true, codes: [110, 210] })).signals).toEqual([{ kind: 'joined' }]);
    expect(room.nick).toBe('bot-2');
  });

  it('being kicked or banned is a removal signal, our own nick change is not', () => {
    const { room } = newRoom();
    joined(room);
    expect(room.presence(occ('bot', { self: true, available: false, codes: [110, 303], newNick: 'robot' })).signals).toEqual([]);
    expect(room.nick).toBe('robot');
    const kicked = room.presence(occ('robot', { self: true, available: false, codes: [307, 110], reason: 'out' }));
    expect(kicked.signals).toEqual([{ kind: 'removed', codes: [307, 110], reason: 'out' }]);
    expect(room.state).toBe('removed');
  });
});

describe('presences after joining', () => {
  it('a newcomer is member.joined with name and roles from the affiliation; leaving is member.left', () => {
    const { room } = newRoom();
    joined(room);
    const [join] = feed(room, occ('alice', { realJid: 'alice@x', affiliation: 'admin', role: 'moderator' }));
    expect(join).toEqual({
      id: `join:alice@x:${new Date(T0).toISOString()}:1`,
      type: 'member.joined',
      at: new Date(T0).toISOString(),
      community: 'club',
      member: 'alice@x',
      name: 'alice',
      roles: ['admin'],
    });
    const [left] = feed(room, occ('alice', { available: false, role: 'none', codes: [307] }));
    expect(left).toMatchObject({ type: 'member.left', member: 'alice@x' });
    expect(left!.id).not.toBe(join!.id);
  });

  it("another session of the bot's own account is the bot: no events, its messages ignored, not an occupant to act on", () => {
    const { room } = newRoom();
    joined(room);
    expect(feed(room, occ('bot-phone', { realJid: 'bot@x' }))).toEqual([]);
    expect(room.message(msg('bot-phone', 'testing')).events).toEqual([]);
    expect(room.occupantsOf('bot@x')).toEqual([]);
    expect(feed(room, occ('bot-phone', { realJid: 'bot@x', available: false }))).toEqual([]);
  });

  it('a nick change keeps the member and emits nothing', () => {
    const { room } = newRoom();
    joined(room);
    feed(room, occ('bob', { realJid: 'bob@x' }));
    expect(feed(room, occ('bob', { available: false, codes: [303], newNick: 'bobby' }), occ('bobby', { realJid: 'bob@x' }))).toEqual([]);
    expect(room.occupantsOf('bob@x').map((o) => o.nick)).toEqual(['bobby']);
    expect(room.message(msg('bobby', 'hi')).events[0]).toMatchObject({ member: 'bob@x' });
  });

  it("without real JIDs the id is the first nick; a newcomer taking a renamed member's old nick gets nick~2", () => {
    const { room } = newRoom();
    joined(room);
    feed(room, occ('bob'));
    feed(room, occ('bob', { available: false, codes: [303], newNick: 'bobby' }), occ('bobby'));
    const [newcomer] = feed(room, occ('bob'));
    expect(newcomer).toMatchObject({ type: 'member.joined', member: 'bob~2', name: 'bob' });
    expect(room.occupantsOf('bob').map((o) => o.nick)).toEqual(['bobby']);
    expect(room.realJidOf('bob')).toBeUndefined();
  });

  it('two sessions of one account are one member: joined with the first, left with the last', () => {
    const { room } = newRoom();
    joined(room);
    expect(feed(room, occ('carol', { realJid: 'carol@x' })).map((e) => e.type)).toEqual(['member.joined']);
    expect(feed(room, occ('carol-phone', { realJid: 'carol@x' }))).toEqual([]);
    expect(feed(room, occ('carol', { available: false }))).toEqual([]);
    expect(feed(room, occ('carol-phone', { available: false })).map((e) => e.type)).toEqual(['member.left']);
    // The address stays known for a ban after they left.
    expect(room.realJidOf('carol@x')).toBe('carol@x');
  });

  it('an affiliation change while present becomes role.granted / role.revoked, once per account', () => {
    const { room } = newRoom();
    joined(room);
    feed(room, occ('dave', { realJid: 'dave@x', affiliation: 'member' }), occ('dave2', { realJid: 'dave@x', affiliation: 'member' }));
    const promoted = feed(
      room,
      occ('dave', { realJid: 'dave@x', affiliation: 'owner', role: 'moderator' }),
      occ('dave2', { realJid: 'dave@x', affiliation: 'owner', role: 'moderator' }),
    );
    expect(promoted.map((e) => `${e.type} ${e['role']}`)).toEqual(['role.revoked member', 'role.granted owner', 'role.granted admin']);
    // A role change alone (muted) is not an affiliation change.
    expect(feed(room, occ('dave', { realJid: 'dave@x', affiliation: 'owner', role: 'visitor' }))).toEqual([]);
    expect(room.occupantsOf('dave@x').find((o) => o.nick === 'dave')?.role).toBe('visitor');
  });

  it('a reconnection reports who left and who came while the bot was away', () => {
    const { room } = newRoom();
    joined(room, occ('alice', { realJid: 'alice@x' }), occ('bob', { realJid: 'bob@x', affiliation: 'member' }));
    const events = joined(room, occ('bob', { realJid: 'bob@x', affiliation: 'admin' }), occ('frank', { realJid: 'frank@x' }));
    expect(events.map((e) => `${e.type} ${e.member}${e['role'] ? ` ${e['role']}` : ''}`)).toEqual([
      'member.left alice@x',
      'role.revoked bob@x member',
      'role.granted bob@x admin',
      'member.joined frank@x',
    ]);
  });
});

describe('messages', () => {
  it('a post is message.posted with the stanza-id as id and messageId', () => {
    const { room } = newRoom();
    joined(room, occ('alice', { realJid: 'alice@x' }), occ('bob', { realJid: 'bob@x' }));
    const { events, logs } = room.message(msg('alice', 'bob: hello', { stanzaId: 'Xy1' }));
    expect(logs).toEqual([]);
    expect(events).toEqual([
      {
        id: 'msg:Xy1',
        type: 'message.posted',
        at: new Date(T0).toISOString(),
        community: 'club',
        member: 'alice@x',
        messageId: 'Xy1',
        text: 'bob: hello',
        mentions: ['bob@x'],
      },
    ]);
  });

  it('ignores history, our own words, the room speaking, subjects, retractions, empty bodies, and anything before we joined', () => {
    const { room } = newRoom();
    room.beginJoin();
    expect(room.message(msg('alice', 'before')).events).toEqual([]);
    room.presence(occ('alice'));
    room.presence(self());
    const ignored = [
      msg('alice', 'old', { delayed: true }),
      msg('bot', 'mine'),
      msg(undefined, 'room notice'),
      msg('alice', 'topic', { subject: true }),
      msg('alice', 'fallback', { retraction: 's0' }),
      msg('alice', undefined),
      msg('alice', '  '),
    ];
    for (const m of ignored) expect(room.message(m).events).toEqual([]);
  });

  it("a message without the room's stanza-id gets a local id, and the log says why it cannot be moderated", () => {
    const { room } = newRoom();
    joined(room, occ('alice'));
    const { events, logs } = room.message(msg('alice', 'hi', { stanzaId: undefined }));
    expect(events[0]).toMatchObject({ id: 'msg:local:L1', messageId: 'local:L1' });
    expect(logs[0]).toMatch(/without the room's stanza-id/);
  });
});

describe('what the events say matches who is in the room (generated histories)', () => {
  type Op = { kind: 'join'; person: number; nick: number } | { kind: 'leave'; session: number } | { kind: 'rename'; session: number; nick: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('join' as const), person: fc.nat(4), nick: fc.nat(9) }),
    fc.record({ kind: fc.constant('leave' as const), session: fc.nat(20) }),
    fc.record({ kind: fc.constant('rename' as const), session: fc.nat(20), nick: fc.nat(9) }),
  );
  const affiliations: Affiliation[] = ['none', 'member', 'admin', 'owner', 'none'];

  /** A room server: sessions with nicks, turning operations into the presences the room sends. */
  class Server {
    sessions: { person: number; nick: string }[] = [];
    constructor(private readonly jids: boolean) {}
    presenceOf(s: { person: number; nick: string }, extra: Partial<OccupantPresence> = {}): OccupantPresence {
      const role: MucRole = affiliations[s.person] === 'owner' || affiliations[s.person] === 'admin' ? 'moderator' : 'participant';
      return occ(s.nick, { realJid: this.jids ? `p${s.person}@x` : undefined, affiliation: affiliations[s.person]!, role, ...extra });
    }
    apply(o: Op): OccupantPresence[] {
      const free = (n: number) => !this.sessions.some((s) => s.nick === `n${n}`);
      if (o.kind === 'join') {
        if (!free(o.nick)) return [];
        const s = { person: o.person, nick: `n${o.nick}` };
        this.sessions.push(s);
        return [this.presenceOf(s)];
      }
      const s = this.sessions[o.session % Math.max(1, this.sessions.length)];
      if (!s) return [];
      if (o.kind === 'leave') {
        this.sessions.splice(this.sessions.indexOf(s), 1);
        return [this.presenceOf(s, { available: false, role: 'none' })];
      }
      if (!free(o.nick)) return [];
      const old = this.presenceOf(s, { available: false, codes: [303], newNick: `n${o.nick}` });
      s.nick = `n${o.nick}`;
      return [old, this.presenceOf(s)];
    }
  }

  const history = fc.record({
    jids: fc.boolean(),
    before: fc.array(op, { maxLength: 8 }),
    seen: fc.array(op, { maxLength: 20 }),
    away: fc.array(op, { maxLength: 8 }),
    after: fc.array(op, { maxLength: 20 }),
  });

  it('joined/left alternate per member, and the members present by the events are the occupants', () => {
    fc.assert(
      fc.property(history, ({ jids, before, seen, away, after }) => {
        const server = new Server(jids);
        const { room } = newRoom();
        for (const o of before) server.apply(o);
        const events: ChatEvent[] = [];
        const join = () => {
          room.beginJoin();
          const present = server.sessions.map((s) => server.presenceOf(s));
          events.push(...feed(room, ...present, self()));
        };
        join();
        const presentAtJoin = new Set(room.occupants().map((o) => o.memberId));
        for (const o of seen) events.push(...feed(room, ...server.apply(o)));
        for (const o of away) server.apply(o); // the bot is disconnected
        join();
        for (const o of after) events.push(...feed(room, ...server.apply(o)));

        const present = new Set(presentAtJoin);
        for (const e of events) {
          expect(e.member).not.toBe('bot');
          if (e.type === 'member.joined') {
            expect(present.has(e.member!)).toBe(false);
            present.add(e.member!);
          } else if (e.type === 'member.left') {
            expect(present.has(e.member!)).toBe(true);
            present.delete(e.member!);
          }
        }
        const occupants = room.occupants();
        expect([...present].sort()).toEqual([...new Set(occupants.map((o) => o.memberId))].sort());
        if (jids) expect([...present].sort()).toEqual([...new Set(server.sessions.map((s) => `p${s.person}@x`))].sort());
        // Without JIDs every session is its own member.
        else expect(new Set(occupants.map((o) => o.memberId)).size).toBe(server.sessions.length);
        expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
      }),
      { numRuns: 300 },
    );
  });
});
