import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import {
  NS,
  affiliationIq,
  bareJid,
  chatMessage,
  groupchatMessage,
  joinPresence,
  mentionedMembers,
  moderateIq,
  readMessage,
  readPresence,
  resourceOf,
  roleIq,
  rolesFor,
  sameBareJid,
  stanzaError,
} from '../../src/bots/xmpp-stanzas.js';

const ROOM = 'club@conference.example.org';

describe('addresses', () => {
  it('splits a full JID into bare part and resource, keeping slashes of the nick', () => {
    expect(bareJid(`${ROOM}/a/b`)).toBe(ROOM);
    expect(resourceOf(`${ROOM}/a/b`)).toBe('a/b');
    expect(resourceOf(ROOM)).toBeUndefined();
    expect(bareJid(ROOM)).toBe(ROOM);
  });

  it('compares bare JIDs without case, ignoring resources', () => {
    expect(sameBareJid('Club@Conference.example.org/x', ROOM)).toBe(true);
    expect(sameBareJid('other@conference.example.org', ROOM)).toBe(false);
  });
});

describe('stanzas the adapter sends', () => {
  it('joins without history', () => {
    expect(joinPresence(ROOM, 'bot').toString()).toBe(`<presence to="${ROOM}/bot"><x xmlns="${NS.muc}"><history maxstanzas="0"/></x></presence>`);
  });

  it('moderates in the shape mod_muc_moderation reads: apply-to(id) > moderate > retract, reason', () => {
    const iq = moderateIq(ROOM, 'sid-1', 'advertising', 'i1');
    expect(iq.attrs).toMatchObject({ to: ROOM, type: 'set', id: 'i1' });
    const applyTo = iq.getChild('apply-to', NS.fasten)!;
    expect(applyTo.attrs['id']).toBe('sid-1');
    const moderate = applyTo.getChild('moderate', NS.moderate)!;
    expect(moderate.getChild('retract', NS.retract)).toBeDefined();
    expect(moderate.getChildText('reason')).toBe('advertising');
    expect(moderateIq(ROOM, 'sid-1', undefined, 'i2').getChild('apply-to', NS.fasten)!.getChild('moderate', NS.moderate)!.getChild('reason')).toBeUndefined();
  });

  it('changes roles by nick and affiliations by account, with the reason', () => {
    const mute = roleIq(ROOM, 'carol', 'visitor', 'flood', 'i3');
    expect(mute.toString()).toBe(
      `<iq to="${ROOM}" type="set" id="i3"><query xmlns="${NS.mucAdmin}"><item nick="carol" role="visitor"><reason>flood</reason></item></query></iq>`,
    );
    const ban = affiliationIq(ROOM, 'eve@example.org', 'outcast', undefined, 'i4');
    expect(ban.toString()).toBe(
      `<iq to="${ROOM}" type="set" id="i4"><query xmlns="${NS.mucAdmin}"><item jid="eve@example.org" affiliation="outcast"/></query></iq>`,
    );
  });

  it('marks a private message through the room, and escapes text', () => {
    expect(chatMessage(`${ROOM}/bob`, 'a<b', 'm1', true).toString()).toBe(
      `<message to="${ROOM}/bob" type="chat" id="m1"><body>a&lt;b</body><x xmlns="${NS.mucUser}"/></message>`,
    );
    expect(chatMessage('bob@example.org', 'hi', 'm2', false).getChild('x')).toBeUndefined();
    expect(groupchatMessage(ROOM, 'hi', 'm3').attrs).toMatchObject({ to: ROOM, type: 'groupchat', id: 'm3' });
  });

  it('any text survives building and reading back', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (text) => {
        const built = groupchatMessage(ROOM, text, 'x');
        expect(built.getChildText('body')).toBe(text);
      }),
    );
  });
});

/** A presence as Prosody sends it (the shape the end-to-end test saw). */
function presence(
  nick: string,
  o: { type?: string; affiliation?: string; role?: string; jid?: string; codes?: number[]; newNick?: string; reason?: string } = {},
) {
  return xml(
    'presence',
    { from: `${ROOM}/${nick}`, to: 'bot@example.org/r', ...(o.type ? { type: o.type } : {}) },
    xml('occupant-id', { xmlns: 'urn:xmpp:occupant-id:0', id: 'opaque' }),
    xml(
      'x',
      { xmlns: NS.mucUser },
      xml(
        'item',
        { affiliation: o.affiliation ?? 'none', role: o.role ?? 'participant', jid: o.jid, nick: o.newNick },
        o.reason ? xml('reason', {}, o.reason) : null,
      ),
      ...(o.codes ?? []).map((c) => xml('status', { code: String(c) })),
    ),
  );
}

describe('reading presences', () => {
  it('reads an occupant with its real JID, affiliation, role and codes', () => {
    expect(readPresence(presence('alice', { jid: 'alice@example.org/phone', affiliation: 'member' }))).toEqual({
      kind: 'occupant',
      room: ROOM,
      nick: 'alice',
      available: true,
      self: false,
      realJid: 'alice@example.org',
      affiliation: 'member',
      role: 'participant',
      codes: [],
      newNick: undefined,
      reason: undefined,
    });
  });

  it('reads a kick of ourselves, and a nick change', () => {
    const kicked = readPresence(presence('bot', { type: 'unavailable', role: 'none', codes: [307, 110], reason: 'bye' }));
    expect(kicked).toMatchObject({ kind: 'occupant', available: false, self: true, codes: [307, 110], reason: 'bye' });
    const renamed = readPresence(presence('bob', { type: 'unavailable', codes: [303], newNick: 'bobby' }));
    expect(renamed).toMatchObject({ available: false, newNick: 'bobby' });
    // The nick attribute means a new nick only with status 303.
    expect(readPresence(presence('bob', { newNick: 'x' }))).toMatchObject({ newNick: undefined });
  });

  it('reads an error presence as a refusal with its condition and text', () => {
    const error = xml(
      'presence',
      { from: `${ROOM}/bot`, type: 'error' },
      xml('error', { type: 'cancel' }, xml('conflict', { xmlns: NS.stanzas }), xml('text', { xmlns: NS.stanzas }, 'Nickname in use')),
    );
    expect(readPresence(error)).toEqual({ kind: 'error', room: ROOM, nick: 'bot', error: { condition: 'conflict', text: 'Nickname in use' } });
  });

  it('ignores presences that are not about a room occupant', () => {
    expect(readPresence(xml('presence', { from: 'friend@example.org/x' }))).toEqual({ kind: 'other' });
    expect(readPresence(xml('presence', {}))).toEqual({ kind: 'other' });
  });

  it('falls back to none for affiliations and roles it does not know', () => {
    expect(readPresence(presence('x', { affiliation: 'superuser', role: 'god' }))).toMatchObject({ affiliation: 'none', role: 'none' });
  });
});

describe('reading messages', () => {
  const groupchat = (nick: string | undefined, ...children: ReturnType<typeof xml>[]) =>
    xml('message', { from: nick === undefined ? ROOM : `${ROOM}/${nick}`, type: 'groupchat', id: 'c1' }, ...children);

  it('takes the stanza-id the room stamped, not one with another `by`', () => {
    const m = groupchat(
      'alice',
      xml('body', {}, 'hi'),
      xml('stanza-id', { xmlns: NS.stanzaId, by: 'alice@example.org', id: 'forged' }),
      xml('stanza-id', { xmlns: NS.stanzaId, by: ROOM, id: 'real' }),
    );
    expect(readMessage(m)).toEqual({
      kind: 'groupchat',
      room: ROOM,
      nick: 'alice',
      body: 'hi',
      stanzaId: 'real',
      delayed: false,
      retraction: undefined,
      subject: false,
    });
    expect(readMessage(groupchat('alice', xml('body', {}, 'hi'), xml('stanza-id', { xmlns: NS.stanzaId, by: 'x@y', id: 'f' })))).toMatchObject({
      stanzaId: undefined,
    });
  });

  it('notices history, subjects, retractions and moderation notices', () => {
    expect(readMessage(groupchat('alice', xml('body', {}, 'old'), xml('delay', { xmlns: NS.delay, stamp: '2020-01-01T00:00:00Z' })))).toMatchObject({
      delayed: true,
    });
    expect(readMessage(groupchat(undefined, xml('subject')))).toMatchObject({ subject: true, nick: undefined });
    const retract = groupchat(
      'alice',
      xml('body', {}, 'fallback text'),
      xml('apply-to', { xmlns: NS.fasten, id: 's9' }, xml('retract', { xmlns: NS.retract })),
    );
    expect(readMessage(retract)).toMatchObject({ retraction: 's9' });
    const moderated = groupchat(
      undefined,
      xml('apply-to', { xmlns: NS.fasten, id: 's8' }, xml('moderated', { xmlns: NS.moderate, by: `${ROOM}/bot` }, xml('retract', { xmlns: NS.retract }))),
    );
    expect(readMessage(moderated)).toMatchObject({ retraction: 's8' });
  });

  it('tells errors, direct messages and the rest apart', () => {
    const error = xml('message', { from: ROOM, type: 'error', id: 'a2' }, xml('error', { type: 'auth' }, xml('forbidden', { xmlns: NS.stanzas })));
    expect(readMessage(error)).toEqual({ kind: 'error', from: ROOM, id: 'a2', error: { condition: 'forbidden' } });
    expect(readMessage(xml('message', { from: 'boss@example.org/x', type: 'chat' }, xml('body', {}, 'yo')))).toEqual({
      kind: 'direct',
      from: 'boss@example.org/x',
      body: 'yo',
    });
    expect(readMessage(xml('message', { from: 'server', type: 'headline' }))).toEqual({ kind: 'other' });
  });

  it('reads the condition of an error without text, or says undefined-condition', () => {
    expect(stanzaError(xml('iq', { type: 'error' }, xml('error', {}, xml('item-not-found', { xmlns: NS.stanzas }))))).toEqual({ condition: 'item-not-found' });
    expect(stanzaError(xml('iq', { type: 'error' }))).toEqual({ condition: 'undefined-condition' });
    expect(stanzaError(xml('iq', { type: 'result' }))).toBeUndefined();
  });
});

describe('roles and mentions', () => {
  it('owners are admins too, so `member has role admin` covers both', () => {
    expect(rolesFor('owner')).toEqual(['owner', 'admin']);
    expect(rolesFor('admin')).toEqual(['admin']);
    expect(rolesFor('member')).toEqual(['member']);
    expect(rolesFor('none')).toEqual([]);
    expect(rolesFor('outcast')).toEqual([]);
  });

  const people = [
    { nick: 'bob', memberId: 'bob@x' },
    { nick: 'bobby', memberId: 'bobby@x' },
    { nick: '小明', memberId: 'xm@x' },
  ];

  it('finds `nick:` at the start and `@nick` anywhere, not a nick inside a longer one', () => {
    expect(mentionedMembers('bob: look', people, undefined)).toEqual(['bob@x']);
    expect(mentionedMembers('hey @bobby!', people, undefined)).toEqual(['bobby@x']);
    expect(mentionedMembers('@小明你好', people, undefined)).toEqual(['xm@x']);
    expect(mentionedMembers('小明，你好', people, undefined)).toEqual(['xm@x']);
    expect(mentionedMembers('bobsleigh and bob', people, undefined)).toEqual([]);
    expect(mentionedMembers('bob: @bob', people, 'bob@x')).toEqual([]);
  });

  it('an @mention at the end of any text is found, and the author never is', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(...people), (prefix, who) => {
        expect(mentionedMembers(`${prefix}@${who.nick}`, people, undefined)).toContain(who.memberId);
        expect(mentionedMembers(`${prefix}@${who.nick}`, people, who.memberId)).not.toContain(who.memberId);
      }),
    );
  });
});
