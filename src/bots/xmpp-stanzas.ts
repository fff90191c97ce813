/**
 * The XMPP stanzas the adapter sends and the ones it reads, as plain functions over ltx
 * elements: no connection, so every mapping is testable with elements built in memory.
 *
 * Protocols: XEP-0045 (multi-user chat), XEP-0359 (stanza-id), XEP-0203 (delay),
 * XEP-0425 in the form Prosody's mod_muc_moderation understands (fasten apply-to holding
 * moderate/retract), XEP-0424 (a member retracting their own message).
 */
import { xml, type XmlElement } from '@xmpp/client';

export const NS = {
  muc: 'http://jabber.org/protocol/muc',
  mucUser: 'http://jabber.org/protocol/muc#user',
  mucAdmin: 'http://jabber.org/protocol/muc#admin',
  stanzaId: 'urn:xmpp:sid:0',
  delay: 'urn:xmpp:delay',
  fasten: 'urn:xmpp:fasten:0',
  moderate: 'urn:xmpp:message-moderate:0',
  retract: 'urn:xmpp:message-retract:0',
  stanzas: 'urn:ietf:params:xml:ns:xmpp-stanzas',
} as const;

export type Affiliation = 'owner' | 'admin' | 'member' | 'none' | 'outcast';
export type MucRole = 'moderator' | 'participant' | 'visitor' | 'none';

const AFFILIATIONS: readonly string[] = ['owner', 'admin', 'member', 'none', 'outcast'];
const ROLES: readonly string[] = ['moderator', 'participant', 'visitor', 'none'];

/** XEP-0045 status codes the adapter acts on. */
export const STATUS = {
  nonAnonymous: 100,
  self: 110,
  nickAssigned: 210,
  banned: 301,
  nickChange: 303,
  kicked: 307,
  affiliationChange: 321,
  membersOnly: 322,
  shutdown: 332,
} as const;

// ------------------------------------------------------------------------------- addresses

/** `room@service/nick` -> `room@service`. */
export function bareJid(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? jid : jid.slice(0, slash);
}

/** `room@service/nick` -> `nick` (a nick may itself contain `/`), undefined without one. */
export function resourceOf(jid: string): string | undefined {
  const slash = jid.indexOf('/');
  return slash < 0 ? undefined : jid.slice(slash + 1);
}

/**
 * Local part and domain compare without case (servers fold them; resources keep case).
 * Only the bare part is folded.
 */
export function sameBareJid(a: string, b: string): boolean {
  return bareJid(a).toLowerCase() === bareJid(b).toLowerCase();
}

/** A bare JID of an account: `local@domain`, nothing else. */
export function isBareUserJid(s: string): boolean {
  return /^[^@/\s]+@[^@/\s]+$/.test(s);
}

// ------------------------------------------------------------------------------- building

/** Enter a room (or come back to it) without the room's history: we only act on what is new. */
export function joinPresence(room: string, nick: string): XmlElement {
  return xml('presence', { to: `${room}/${nick}` }, xml('x', { xmlns: NS.muc }, xml('history', { maxstanzas: '0' })));
}

export function leavePresence(room: string, nick: string): XmlElement {
  return xml('presence', { to: `${room}/${nick}`, type: 'unavailable' });
}

export function groupchatMessage(room: string, text: string, id: string): XmlElement {
  return xml('message', { to: room, type: 'groupchat', id }, xml('body', {}, text));
}

/**
 * A one-to-one message. To an occupant's address in the room (`room/nick`) it is a MUC
 * private message, marked as such so clients thread it with the room (XEP-0045 7.5).
 */
export function chatMessage(to: string, text: string, id: string, viaRoom: boolean): XmlElement {
  return xml('message', { to, type: 'chat', id }, xml('body', {}, text), viaRoom ? xml('x', { xmlns: NS.mucUser }) : null);
}

/** XEP-0425 moderation as mod_muc_moderation reads it: `<apply-to id><moderate><retract/><reason/>`. */
export function moderateIq(room: string, stanzaId: string, reason: string | undefined, id: string): XmlElement {
  return xml(
    'iq',
    { to: room, type: 'set', id },
    xml(
      'apply-to',
      { xmlns: NS.fasten, id: stanzaId },
      xml('moderate', { xmlns: NS.moderate }, xml('retract', { xmlns: NS.retract }), reason ? xml('reason', {}, reason) : null),
    ),
  );
}

/** Change an occupant's role (kick = none, mute = visitor, voice = participant). */
export function roleIq(room: string, nick: string, role: MucRole, reason: string | undefined, id: string): XmlElement {
  return xml('iq', { to: room, type: 'set', id }, xml('query', { xmlns: NS.mucAdmin }, xml('item', { nick, role }, reason ? xml('reason', {}, reason) : null)));
}

/** Change an account's affiliation (ban = outcast). */
export function affiliationIq(room: string, jid: string, affiliation: Affiliation, reason: string | undefined, id: string): XmlElement {
  return xml(
    'iq',
    { to: room, type: 'set', id },
    xml('query', { xmlns: NS.mucAdmin }, xml('item', { jid, affiliation }, reason ? xml('reason', {}, reason) : null)),
  );
}

// ------------------------------------------------------------------------------- reading

export interface StanzaErrorInfo {
  /** The defined condition (`conflict`, `forbidden`, ...), `undefined-condition` when none is given. */
  condition: string;
  text?: string | undefined;
}

/** The error of an error stanza, or undefined when it is not one. */
export function stanzaError(stanza: XmlElement): StanzaErrorInfo | undefined {
  if (stanza.attrs['type'] !== 'error') return undefined;
  const error = stanza.getChild('error');
  const children = error?.getChildElements() ?? [];
  const condition = children.find((c) => c.name !== 'text' && c.getNS() === NS.stanzas) ?? children.find((c) => c.name !== 'text');
  const text = error?.getChildText('text', NS.stanzas) ?? error?.getChildText('text') ?? undefined;
  return { condition: condition?.name ?? 'undefined-condition', ...(text ? { text } : {}) };
}

export function describeError(e: StanzaErrorInfo): string {
  return e.text ? `${e.condition}: ${e.text}` : e.condition;
}

/** A presence from an occupant of a room, as the room tells it. */
export interface OccupantPresence {
  kind: 'occupant';
  room: string;
  nick: string;
  available: boolean;
  /** This presence is about our own occupant (status 110). */
  self: boolean;
  /** The occupant's real bare JID, when the room shows it to us. */
  realJid?: string | undefined;
  affiliation: Affiliation;
  role: MucRole;
  codes: number[];
  /** With status 303: the nick the occupant is changing to. */
  newNick?: string | undefined;
  reason?: string | undefined;
}

export interface PresenceRefused {
  kind: 'error';
  room: string;
  nick: string | undefined;
  error: StanzaErrorInfo;
}

export type PresenceInfo = OccupantPresence | PresenceRefused | { kind: 'other' };

/** What a presence stanza says about a room; `other` for presences that are not MUC ones. */
export function readPresence(stanza: XmlElement): PresenceInfo {
  const from = stanza.attrs['from'];
  if (!from || stanza.name !== 'presence') return { kind: 'other' };
  const room = bareJid(from);
  const nick = resourceOf(from);
  const error = stanzaError(stanza);
  if (error) return { kind: 'error', room, nick, error };
  const x = stanza.getChild('x', NS.mucUser);
  if (!x || nick === undefined) return { kind: 'other' };
  const item = x.getChild('item');
  const codes = x
    .getChildren('status')
    .map((s) => Number(s.attrs['code']))
    .filter((n) => Number.isInteger(n));
  const affiliation = item?.attrs['affiliation'] ?? 'none';
  const role = item?.attrs['role'] ?? 'none';
  const jid = item?.attrs['jid'];
  const reason = item?.getChildText('reason') ?? undefined;
  return {
    kind: 'occupant',
    room,
    nick,
    available: stanza.attrs['type'] !== 'unavailable',
    self: codes.includes(STATUS.self),
    realJid: jid ? bareJid(jid) : undefined,
    affiliation: (AFFILIATIONS.includes(affiliation) ? affiliation : 'none') as Affiliation,
    role: (ROLES.includes(role) ? role : 'none') as MucRole,
    codes,
    newNick: codes.includes(STATUS.nickChange) ? item?.attrs['nick'] : undefined,
    reason: reason || undefined,
  };
}

/** A message in a room, with what the adapter needs to decide whether it is a post. */
export interface RoomMessage {
  kind: 'groupchat';
  room: string;
  /** Undefined for messages from the room itself (subject, moderation notices). */
  nick: string | undefined;
  body: string | undefined;
  /** The room's own XEP-0359 id (`by` = the room), the one moderation refers to. */
  stanzaId: string | undefined;
  /** Carries a delay: history replayed to us, not something said now. */
  delayed: boolean;
  /** A member taking back their own message (XEP-0424), or the room announcing a moderation. */
  retraction: string | undefined;
  /** `<subject>`: a topic change, never a post. */
  subject: boolean;
}

export interface RoomMessageError {
  kind: 'error';
  from: string;
  id: string | undefined;
  error: StanzaErrorInfo;
}

export interface DirectMessage {
  kind: 'direct';
  from: string;
  body: string | undefined;
}

export type MessageInfo = RoomMessage | RoomMessageError | DirectMessage | { kind: 'other' };

export function readMessage(stanza: XmlElement): MessageInfo {
  const from = stanza.attrs['from'];
  if (!from || stanza.name !== 'message') return { kind: 'other' };
  const error = stanzaError(stanza);
  if (error) return { kind: 'error', from, id: stanza.attrs['id'], error };
  const body = stanza.getChildText('body') ?? undefined;
  const type = stanza.attrs['type'] ?? 'normal';
  if (type !== 'groupchat') return type === 'chat' || type === 'normal' ? { kind: 'direct', from, body } : { kind: 'other' };
  const room = bareJid(from);
  const stanzaId = stanza.getChildren('stanza-id', NS.stanzaId).find((s) => s.attrs['by'] !== undefined && sameBareJid(s.attrs['by'], room))?.attrs['id'];
  const applyTo = stanza.getChild('apply-to', NS.fasten);
  const retractionTarget =
    applyTo && (applyTo.getChild('retract', NS.retract) || applyTo.getChild('moderated', NS.moderate)) ? (applyTo.attrs['id'] ?? '') : undefined;
  return {
    kind: 'groupchat',
    room,
    nick: resourceOf(from),
    body,
    stanzaId,
    delayed: stanza.getChild('delay', NS.delay) !== undefined,
    retraction: retractionTarget,
    subject: stanza.getChild('subject') !== undefined,
  };
}

// ------------------------------------------------------------------------------- mapping

/**
 * Playbook roles for a room affiliation. An owner is also an admin, so `unless member has
 * role admin` spares owners and admins alike; members get `member`; others get none.
 */
export function rolesFor(affiliation: Affiliation): string[] {
  switch (affiliation) {
    case 'owner':
      return ['owner', 'admin'];
    case 'admin':
      return ['admin'];
    case 'member':
      return ['member'];
    default:
      return [];
  }
}

/**
 * Member ids of the occupants the text addresses, the two ways chat clients write it: the
 * text starts with `nick:` or `nick,` (also the full-width `：` `，`), or has `@nick` anywhere
 * not followed by a Latin letter, digit, `_` or `-` (so `@bob` is not found in `@bobby`,
 * but `@小明你好` addresses 小明). Sorted, without repeats; `except` (the author) is left out.
 */
export function mentionedMembers(text: string, occupants: Iterable<{ nick: string; memberId: string }>, except: string | undefined): string[] {
  const found = new Set<string>();
  for (const o of occupants) {
    if (o.memberId === except || o.nick.length === 0) continue;
    if (text.startsWith(o.nick) && ADDRESS_MARKS.includes(text.charAt(o.nick.length))) found.add(o.memberId);
    else if (hasAtMention(text, o.nick)) found.add(o.memberId);
  }
  return [...found].sort();
}

const ADDRESS_MARKS = [':', ',', '：', '，'];

function hasAtMention(text: string, nick: string): boolean {
  const needle = `@${nick}`;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    if (!/[A-Za-z0-9_-]/.test(text.charAt(at + needle.length))) return true;
  }
  return false;
}
