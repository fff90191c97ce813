/**
 * What the XMPP adapter knows about one room, kept from the presences and messages the room
 * sends, and the events they mean for the runtime. No connection and no timers: a parsed
 * stanza goes in, events and signals come out.
 *
 * Member ids: the occupant's real bare JID when the room shows it to the bot (the bot is a
 * moderator, or the room is non-anonymous), else the nick the bot first saw them under. A nick
 * change (status 303) keeps the id, so actions for that id reach the member under the new
 * nick. Several sessions of one account under different nicks are one member: joined when the
 * first arrives, left when the last goes. A nick-based id that is still held by someone
 * present (who has since changed nick) is given to a newcomer as `nick~2`, `nick~3`, ...
 * (`~` keeps it apart from a JID).
 *
 * Occupants already there when the bot joins are recorded, not announced, except that the
 * room's owners and admins are announced as `role.granted` so `member has role admin` holds
 * for them. After a reconnection the bot joins again and announces the difference: who left
 * and who came while it was away.
 */
import type { RoomFeatures } from './xmpp-disco.js';
import type { ChatEvent, RoomBinding } from './adapter.js';
import {
  STATUS,
  mentionedMembers,
  rolesFor,
  sameBareJid,
  type Affiliation,
  type MucRole,
  type OccupantPresence,
  type PresenceRefused,
  type RoomMessage,
  type StanzaErrorInfo,
} from './xmpp-stanzas.js';

export interface Occupant {
  nick: string;
  memberId: string;
  realJid?: string | undefined;
  affiliation: Affiliation;
  role: MucRole;
}

export type RoomSignal =
  /** Our own presence came back: the room is joined (again). */
  | { kind: 'joined' }
  /** The room refused to let us in (nick taken, banned, members only, ...). */
  | { kind: 'refused'; error: StanzaErrorInfo }
  /** We were taken out of the room: kicked (307), banned (301), the room went away (332), ... */
  | { kind: 'removed'; codes: number[]; reason?: string | undefined };

export interface RoomUpdate {
  events: ChatEvent[];
  signals: RoomSignal[];
  logs: string[];
}

export interface RoomContext {
  /** The wall clock, ms since the epoch. */
  now(): number;
  /** A number never handed out before by this adapter, for event ids. */
  serial(): number;
  /** An id for a message the room gave no stanza-id. */
  localId(): string;
  /** The bot's account: its other sessions in the room (another nick) are the bot too. */
  ownJid?: string;
}

const empty = (): RoomUpdate => ({ events: [], signals: [], logs: [] });

export class MucRoom {
  readonly room: string;
  readonly community: string;
  /** Our nick in the room; the room may assign another one (status 210). */
  nick: string;
  state: 'idle' | 'joining' | 'joined' | 'removed' = 'idle';
  /** Our own role and affiliation, from our self-presence. */
  self: { role: MucRole; affiliation: Affiliation } = { role: 'none', affiliation: 'none' };
  /** The room shows occupants' real JIDs to us (we saw one, or it says it is non-anonymous). */
  revealsJids = false;
  /** What the room announced in its service discovery at start (xmpp-disco.ts). */
  features: RoomFeatures | undefined;
  private readonly ctx: RoomContext;
  private byNick = new Map<string, Occupant>();
  /** Occupants in the middle of a nick change: the new nick -> the occupant. */
  private renaming = new Map<string, Occupant>();
  /** Who was there before we joined again after losing the connection. */
  private before: Map<string, Occupant> | undefined;
  /** Every member id that was a real JID, so a ban of someone who left still finds the address. */
  private readonly knownJids = new Set<string>();
  /** Nicks of other sessions of the bot's own account. */
  private ownNicks = new Set<string>();

  constructor(binding: RoomBinding, nick: string, ctx: RoomContext) {
    this.room = binding.room;
    this.community = binding.community;
    this.nick = nick;
    this.ctx = ctx;
  }

  /** We are sending our join presence: forget the occupants, remember them to compare. */
  beginJoin(): void {
    if (this.state === 'joined' || this.byNick.size > 0) this.before = this.memberMap();
    this.byNick.clear();
    this.renaming.clear();
    this.ownNicks.clear();
    this.state = 'joining';
  }

  occupants(): Occupant[] {
    return [...this.byNick.values()];
  }

  occupantsOf(memberId: string): Occupant[] {
    return this.occupants().filter((o) => o.memberId === memberId);
  }

  /** The account of a member, when known: from a present occupant, or a JID member id seen before. */
  realJidOf(memberId: string): string | undefined {
    const present = this.occupantsOf(memberId).find((o) => o.realJid)?.realJid;
    if (present) return present;
    return this.knownJids.has(memberId) ? memberId : undefined;
  }

  presence(p: OccupantPresence | PresenceRefused): RoomUpdate {
    const out = empty();
    if (p.kind === 'error') {
      if (this.state === 'joining') out.signals.push({ kind: 'refused', error: p.error });
      else out.logs.push(`${this.room}: the room answered a presence with an error: ${p.error.condition}${p.error.text ? ` (${p.error.text})` : ''}`);
      return out;
    }
    if (p.codes.includes(STATUS.nonAnonymous)) this.revealsJids = true;
    if (p.self) {
      this.selfPresence(p, out);
      return out;
    }
    if (p.realJid) this.revealsJids = true;
    if (p.realJid && this.ctx.ownJid && sameBareJid(p.realJid, this.ctx.ownJid)) {
      if (p.available) this.ownNicks.add(p.nick);
      else {
        this.ownNicks.delete(p.nick);
        if (p.newNick) this.ownNicks.add(p.newNick);
      }
      return out;
    }
    if (p.available) this.available(p, out);
    else this.unavailable(p, out);
    return out;
  }

  message(m: RoomMessage): RoomUpdate {
    const out = empty();
    // Before our self-presence everything is the room catching us up; the room itself speaks
    // subjects and moderation notices; a delay marks history; our own words are not events.
    if (this.state !== 'joined' || m.nick === undefined || m.nick === this.nick || this.ownNicks.has(m.nick)) return out;
    if (m.delayed || m.subject || m.retraction !== undefined) return out;
    if (m.body === undefined || m.body.trim() === '') return out;
    const occupant = this.byNick.get(m.nick);
    const member = occupant?.memberId ?? m.nick;
    let messageId = m.stanzaId;
    if (messageId === undefined) {
      messageId = `local:${this.ctx.localId()}`;
      out.logs.push(
        `${this.room}: a message from ${m.nick} came without the room's stanza-id (is message archiving on for the room?); its id ${messageId} is the adapter's own and cannot be moderated`,
      );
    }
    const mentions = mentionedMembers(m.body, this.byNick.values(), member);
    out.events.push({
      id: `msg:${messageId}`,
      type: 'message.posted',
      at: this.at(),
      community: this.community,
      member,
      messageId,
      text: m.body,
      ...(mentions.length ? { mentions } : {}),
    });
    return out;
  }

  // ------------------------------------------------------------------------------- presences

  private selfPresence(p: OccupantPresence, out: RoomUpdate): void {
    if (!p.available) {
      if (p.codes.includes(STATUS.nickChange) && p.newNick) {
        this.nick = p.newNick;
        return;
      }
      this.state = 'removed';
      out.signals.push({ kind: 'removed', codes: p.codes, reason: p.reason });
      return;
    }
    this.nick = p.nick;
    this.self = { role: p.role, affiliation: p.affiliation };
    if (this.state === 'joined') return; // a presence update of ours (role change): nothing new
    this.state = 'joined';
    const before = this.before;
    this.before = undefined;
    if (before) this.announceDifference(before, out);
    else this.announceAdmins(out);
    out.signals.push({ kind: 'joined' });
  }

  private available(p: OccupantPresence, out: RoomUpdate): void {
    const known = this.byNick.get(p.nick);
    if (known) {
      const was = known.affiliation;
      known.role = p.role;
      known.affiliation = p.affiliation;
      if (p.realJid && !known.realJid) known.realJid = p.realJid;
      // Every session of the account hears of the change; the first one announces it.
      const announced = this.occupantsOf(known.memberId).some((o) => o !== known && o.affiliation === p.affiliation);
      if (this.state === 'joined' && was !== p.affiliation && !announced) this.announceRoleChange(known, rolesFor(was), out);
      return;
    }
    const renamed = this.renaming.get(p.nick);
    if (renamed) {
      this.renaming.delete(p.nick);
      const was = renamed.affiliation;
      Object.assign(renamed, { nick: p.nick, role: p.role, affiliation: p.affiliation });
      if (p.realJid && !renamed.realJid) renamed.realJid = p.realJid;
      this.byNick.set(p.nick, renamed);
      if (this.state === 'joined' && was !== p.affiliation) this.announceRoleChange(renamed, rolesFor(was), out);
      return;
    }
    const occupant: Occupant = { nick: p.nick, memberId: this.newMemberId(p), realJid: p.realJid, affiliation: p.affiliation, role: p.role };
    if (p.realJid) this.knownJids.add(occupant.memberId);
    const alreadyHere = this.sharedBy(occupant.memberId, undefined);
    this.byNick.set(p.nick, occupant);
    if (this.state !== 'joined' || alreadyHere) return;
    out.events.push(this.joinedEvent(occupant));
  }

  private unavailable(p: OccupantPresence, out: RoomUpdate): void {
    const occupant = this.byNick.get(p.nick);
    if (!occupant) return;
    this.byNick.delete(p.nick);
    if (p.codes.includes(STATUS.nickChange) && p.newNick) {
      this.renaming.set(p.newNick, occupant);
      return;
    }
    if (this.state !== 'joined') return;
    if (p.codes.includes(STATUS.kicked) || p.codes.includes(STATUS.banned)) {
      const how = p.codes.includes(STATUS.banned) ? 'banned' : 'kicked';
      out.logs.push(`${this.room}: ${p.nick} (${occupant.memberId}) was ${how}${p.reason ? `: ${p.reason}` : ''}`);
    }
    if (this.sharedBy(occupant.memberId, undefined)) return;
    out.events.push(this.leftEvent(occupant.memberId));
  }

  // ------------------------------------------------------------------------------- events

  private joinedEvent(o: Occupant): ChatEvent {
    const at = this.at();
    return {
      id: `join:${o.memberId}:${at}:${this.ctx.serial()}`,
      type: 'member.joined',
      at,
      community: this.community,
      member: o.memberId,
      name: o.nick,
      // The room's affiliation is the truth about a member's standing, so it replaces what
      // the runtime had, also when it is nothing.
      roles: rolesFor(o.affiliation),
    };
  }

  private leftEvent(memberId: string): ChatEvent {
    const at = this.at();
    return { id: `left:${memberId}:${at}:${this.ctx.serial()}`, type: 'member.left', at, community: this.community, member: memberId };
  }

  private roleEvent(type: 'role.granted' | 'role.revoked', memberId: string, role: string): ChatEvent {
    const at = this.at();
    return {
      id: `${type === 'role.granted' ? 'grant' : 'revoke'}:${memberId}:${role}:${at}:${this.ctx.serial()}`,
      type,
      at,
      community: this.community,
      member: memberId,
      role,
    };
  }

  private announceRoleChange(o: Occupant, had: string[], out: RoomUpdate): void {
    const has = rolesFor(o.affiliation);
    for (const r of had) if (!has.includes(r)) out.events.push(this.roleEvent('role.revoked', o.memberId, r));
    for (const r of has) if (!had.includes(r)) out.events.push(this.roleEvent('role.granted', o.memberId, r));
  }

  /** Owners and admins found in the room when we join, so the runtime knows their standing. */
  private announceAdmins(out: RoomUpdate): void {
    const seen = new Set<string>();
    for (const o of this.byNick.values()) {
      if (seen.has(o.memberId) || (o.affiliation !== 'owner' && o.affiliation !== 'admin')) continue;
      seen.add(o.memberId);
      for (const r of rolesFor(o.affiliation)) out.events.push(this.roleEvent('role.granted', o.memberId, r));
    }
  }

  /** Back after a reconnection: who went, who came, whose standing changed meanwhile. */
  private announceDifference(before: Map<string, Occupant>, out: RoomUpdate): void {
    const now = this.memberMap();
    for (const id of before.keys()) if (!now.has(id)) out.events.push(this.leftEvent(id));
    for (const [id, o] of now) {
      const old = before.get(id);
      if (!old) out.events.push(this.joinedEvent(o));
      else if (old.affiliation !== o.affiliation) this.announceRoleChange(o, rolesFor(old.affiliation), out);
    }
  }

  // ------------------------------------------------------------------------------- ids

  private newMemberId(p: OccupantPresence): string {
    if (p.realJid) return p.realJid;
    // An anonymous occupant: the nick, unless someone present already holds it as an id.
    const taken = new Set([...this.byNick.values(), ...this.renaming.values()].map((o) => o.memberId));
    if (!taken.has(p.nick)) return p.nick;
    for (let n = 2; ; n++) if (!taken.has(`${p.nick}~${n}`)) return `${p.nick}~${n}`;
  }

  /** Another present occupant (not `except`) has this member id. */
  private sharedBy(memberId: string, except: Occupant | undefined): boolean {
    for (const o of this.byNick.values()) if (o !== except && o.memberId === memberId) return true;
    for (const o of this.renaming.values()) if (o !== except && o.memberId === memberId) return true;
    return false;
  }

  private memberMap(): Map<string, Occupant> {
    const m = new Map<string, Occupant>();
    for (const o of this.byNick.values()) if (!m.has(o.memberId)) m.set(o.memberId, o);
    return m;
  }

  private at(): string {
    return new Date(this.ctx.now()).toISOString();
  }
}
