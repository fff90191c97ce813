/**
 * What the IRC adapter knows about its channels (irc-room.ts) and its server (irc-server-info.ts),
 * kept from the lines the server sends, and the events those lines mean for the runtime. No
 * connection and no timers: a line goes in, events and signals come out, so every mapping is
 * testable with plain strings.
 *
 * Member ids: a member's id is their nick when the bot first sees them in the channel (in
 * NAMES when the bot joins, or their JOIN). A nick change keeps the id, so actions for that
 * id reach the member under their new nick. Someone who leaves is forgotten (except for the
 * host, kept for a while so a ban still hits them); coming back, they get the id of the nick
 * they come back with. Should that id belong to a present member who has since changed nick,
 * the newcomer gets `nick~2` (`~` is not a nick character, so no real nick looks like that).
 */
import type { ChatEvent, RoomBinding } from './adapter.js';
import { addMember, assignId, emptyRoom, removeMember, type IrcMember, type Room } from './irc-room.js';
import { changeMode, isOperator, rolesOfModes, splitPrefixes } from './irc-privileges.js';
import { applyIsupport, defaultServerInfo, parseModeChanges, type ServerInfo } from './irc-server-info.js';
import { caseFold } from './irc-text.js';

/** One parsed line from the server (the shape irc-framework's parser produces). */
export interface IrcLine {
  tags: Record<string, string>;
  /** The source's nick; empty when the server itself sent the line. */
  nick: string;
  ident: string;
  hostname: string;
  command: string;
  params: string[];
}

export type Signal =
  /** The bot is in the channel and knows who else is. */
  | { kind: 'synced'; channel: string }
  /** NAMES gave no hosts (no userhost-in-names): ask WHO before the channel counts as joined. */
  | { kind: 'who'; channel: string }
  /** The bot is no longer in the channel. */
  | { kind: 'lost'; channel: string; reason: string }
  | { kind: 'log'; text: string };

export interface Handled {
  events: ChatEvent[];
  signals: Signal[];
}

export interface TrackerOptions {
  nick: string;
  /** Milliseconds since the epoch; the adapter's clock, replaceable in tests. */
  now?: () => number;
}

export class IrcTracker {
  readonly info: ServerInfo = defaultServerInfo();
  ownNick: string;
  ownUser: string | undefined;
  ownHost: string | undefined;
  /** True once a message carried an IRCv3 `msgid` tag: the server gives message ids. */
  msgidSeen = false;
  private readonly rooms = new Map<string, Room>();
  private readonly now: () => number;
  private counter = 0;

  constructor(bindings: RoomBinding[], options: TrackerOptions) {
    this.ownNick = options.nick;
    this.now = options.now ?? Date.now;
    for (const binding of bindings) {
      this.rooms.set(this.fold(binding.room), emptyRoom(binding));
    }
  }

  fold(s: string): string {
    return caseFold(s, this.info.casemapping);
  }

  isOwn(nick: string): boolean {
    return nick !== '' && this.fold(nick) === this.fold(this.ownNick);
  }

  room(channel: string): Room | undefined {
    return this.rooms.get(this.fold(channel));
  }

  allRooms(): Room[] {
    return [...this.rooms.values()];
  }

  roomsOf(community: string): Room[] {
    return this.allRooms().filter((r) => r.binding.community === community);
  }

  /** A present member by id, or one who left recently (`present: false`). */
  findMember(room: Room, id: string): { member: IrcMember; present: boolean } | undefined {
    const here = room.ids.get(id);
    if (here) return { member: here, present: true };
    const gone = room.departed.get(id);
    return gone ? { member: gone, present: false } : undefined;
  }

  /** Forgets who is in each channel (the connection is gone); rejoining reports who left meanwhile. */
  disconnected(): void {
    for (const room of this.rooms.values()) {
      if (room.state !== 'out' && room.members.size > 0) room.before = new Map(room.members);
      room.state = 'out';
      room.botIsOp = false;
    }
  }

  handle(line: IrcLine): Handled {
    const out: Handled = { events: [], signals: [] };
    if (line.tags['msgid'] !== undefined && line.tags['msgid'] !== '') this.msgidSeen = true;
    const p = line.params;
    switch (line.command) {
      case '001':
        if (p[0]) this.ownNick = p[0];
        break;
      case '004':
        this.info.version = p[2] ?? '';
        break;
      case '005':
        applyIsupport(this.info, p.slice(1, -1));
        this.rekeyRooms();
        break;
      case '396': // RPL_VISIBLEHOST: the server changed (cloaked) our host
        if (p[1]) this.ownHost = p[1].includes('@') ? p[1].slice(p[1].indexOf('@') + 1) : p[1];
        break;
      case 'JOIN':
        this.onJoin(line, out);
        break;
      case '353':
        this.onNames(p[2] ?? '', p[3] ?? '');
        break;
      case '366':
        this.onEndOfNames(p[1] ?? '', out);
        break;
      case '352':
        this.onWhoReply(p);
        break;
      case '315':
        this.onEndOfWho(p[1] ?? '', out);
        break;
      case 'PART':
        this.onLeave(line, p[0] ?? '', line.nick, out, 'left');
        break;
      case 'KICK':
        this.onLeave(line, p[0] ?? '', p[1] ?? '', out, `kicked by ${line.nick || 'the server'}${p[2] ? `: ${p[2]}` : ''}`);
        break;
      case 'QUIT':
        for (const room of this.rooms.values()) {
          if (room.members.has(this.fold(line.nick))) this.onLeave(line, room.binding.room, line.nick, out, 'quit');
        }
        break;
      case 'NICK':
        this.onNick(line.nick, p[0] ?? '');
        break;
      case 'CHGHOST':
        this.onChangeHost(line.nick, p[0], p[1]);
        break;
      case 'MODE':
        this.onMode(line, out);
        break;
      case 'PRIVMSG':
        this.onPrivmsg(line, out);
        break;
    }
    return out;
  }

  private rekeyRooms(): void {
    const rooms = [...this.rooms.values()];
    this.rooms.clear();
    for (const room of rooms) {
      this.rooms.set(this.fold(room.binding.room), room);
      const members = [...room.members.values()];
      room.members.clear();
      for (const m of members) room.members.set(this.fold(m.nick), m);
    }
  }

  private at(line: IrcLine): string {
    const tag = line.tags['time'];
    if (tag) {
      const t = Date.parse(tag);
      if (!Number.isNaN(t)) return new Date(t).toISOString();
    }
    return new Date(this.now()).toISOString();
  }

  /** Event id and message id: the server's msgid when it gave one, else unique to this adapter. */
  private ids(room: Room, line: IrcLine): { eventId: string; messageId: string } {
    const msgid = line.tags['msgid'];
    if (msgid) return { eventId: `${room.binding.room}/${msgid}`, messageId: msgid };
    const local = `local-${this.now()}-${++this.counter}`;
    return { eventId: `${room.binding.room}/${local}`, messageId: local };
  }

  private event(room: Room, line: IrcLine, type: string, member: string, payload: Record<string, unknown> = {}): ChatEvent {
    return { id: this.ids(room, line).eventId, type, at: this.at(line), community: room.binding.community, member, ...payload };
  }

  private onJoin(line: IrcLine, out: Handled): void {
    const room = this.room(line.params[0] ?? '');
    if (!room) return;
    if (this.isOwn(line.nick)) {
      this.ownUser = line.ident || this.ownUser;
      this.ownHost = line.hostname || this.ownHost;
      if (room.state === 'in' || room.state === 'who') room.before = new Map(room.members);
      for (const m of room.members.values()) removeMember(room, this.fold(m.nick), m);
      room.state = 'names';
      room.botIsOp = false;
      return;
    }
    if (room.state !== 'in' && room.state !== 'who') return;
    const key = this.fold(line.nick);
    const known = room.members.get(key);
    if (known) {
      // A JOIN for someone already present means our view was stale; refresh the host only.
      known.user = line.ident || known.user;
      known.host = line.hostname || known.host;
      return;
    }
    const member: IrcMember = { id: assignId(room, line.nick), nick: line.nick, user: line.ident || undefined, host: line.hostname || undefined };
    addMember(room, this.fold(member.nick), member);
    out.events.push(this.event(room, line, 'member.joined', member.id, { name: line.nick }));
  }

  private onNames(channel: string, names: string): void {
    const room = this.room(channel);
    if (!room || room.state !== 'names') return;
    for (const entry of names.split(' ')) {
      if (!entry) continue;
      const { modes, rest } = splitPrefixes(this.info, entry);
      const bang = rest.indexOf('!');
      const at = rest.indexOf('@', bang + 1);
      const nick = bang < 0 ? rest : rest.slice(0, bang);
      const user = bang >= 0 && at > bang ? rest.slice(bang + 1, at) : undefined;
      const host = at > bang && bang >= 0 ? rest.slice(at + 1) : undefined;
      if (this.isOwn(nick)) {
        room.botIsOp = isOperator(this.info, modes);
        continue;
      }
      if (room.members.has(this.fold(nick))) continue;
      const carried = room.before?.get(this.fold(nick));
      const member: IrcMember = { id: assignId(room, nick, carried), nick, user: user ?? carried?.user, host: host ?? carried?.host };
      if (modes.length) member.modes = modes;
      addMember(room, this.fold(member.nick), member);
    }
  }

  private onEndOfNames(channel: string, out: Handled): void {
    const room = this.room(channel);
    if (!room || room.state !== 'names') return;
    const hostless = [...room.members.values()].some((m) => m.host === undefined);
    if (hostless) {
      room.state = 'who';
      out.signals.push({ kind: 'who', channel: room.binding.room });
      return;
    }
    this.finishJoin(room, out);
  }

  private onWhoReply(p: string[]): void {
    // 352 <me> <channel> <user> <host> <server> <nick> <flags> :<hops> <realname>
    const [, , user, host, , nick] = p;
    if (!nick) return;
    for (const room of this.rooms.values()) {
      const m = room.members.get(this.fold(nick));
      if (m) {
        m.user = user || m.user;
        m.host = host || m.host;
      }
    }
  }

  private onEndOfWho(target: string, out: Handled): void {
    const room = this.room(target);
    if (room && room.state === 'who') this.finishJoin(room, out);
  }

  private finishJoin(room: Room, out: Handled): void {
    room.state = 'in';
    const line: IrcLine = { tags: {}, nick: '', ident: '', hostname: '', command: '', params: [] };
    for (const m of room.members.values())
      for (const role of rolesOfModes(m.modes ?? [])) out.events.push(this.event(room, line, 'role.granted', m.id, { role }));
    if (room.before) {
      // Those present before a reconnect and gone now left while the bot was away.
      for (const [key, m] of room.before) {
        if (room.members.has(key)) continue;
        room.departed.set(m.id, m);
        out.events.push(this.event(room, line, 'member.left', m.id));
      }
      room.before = undefined;
    }
    if (!room.botIsOp) out.signals.push({ kind: 'log', text: `not a channel operator in ${room.binding.room}: kicks, bans and mutes will be refused` });
    out.signals.push({ kind: 'synced', channel: room.binding.room });
  }

  private onLeave(line: IrcLine, channel: string, nick: string, out: Handled, why: string): void {
    const room = this.room(channel);
    if (!room) return;
    if (this.isOwn(nick)) {
      for (const m of room.members.values()) removeMember(room, this.fold(m.nick), m);
      room.state = 'out';
      room.botIsOp = false;
      room.before = undefined;
      out.signals.push({ kind: 'lost', channel: room.binding.room, reason: why });
      return;
    }
    const member = room.members.get(this.fold(nick));
    if (!member) return;
    if (line.command === 'PART' || line.command === 'QUIT') {
      member.user = line.ident || member.user;
      member.host = line.hostname || member.host;
    }
    removeMember(room, this.fold(member.nick), member);
    out.events.push(this.event(room, line, 'member.left', member.id));
  }

  private onNick(from: string, to: string): void {
    if (!to) return;
    if (this.isOwn(from)) {
      this.ownNick = to;
      return;
    }
    for (const room of this.rooms.values()) {
      const m = room.members.get(this.fold(from));
      if (!m) continue;
      room.members.delete(this.fold(from));
      m.nick = to;
      room.members.set(this.fold(to), m);
    }
  }

  private onChangeHost(nick: string, user: string | undefined, host: string | undefined): void {
    if (this.isOwn(nick)) {
      this.ownUser = user || this.ownUser;
      this.ownHost = host || this.ownHost;
      return;
    }
    for (const room of this.rooms.values()) {
      const m = room.members.get(this.fold(nick));
      if (!m) continue;
      m.user = user || m.user;
      m.host = host || m.host;
    }
  }

  private onMode(line: IrcLine, out: Handled): void {
    const room = this.room(line.params[0] ?? '');
    if (!room) return;
    const opRank = this.info.prefixModes.indexOf('o');
    for (const change of parseModeChanges(this.info, line.params[1] ?? '', line.params.slice(2))) {
      const rank = this.info.prefixModes.indexOf(change.mode);
      if (rank < 0 || change.param === undefined) continue;
      if (!this.isOwn(change.param)) {
        const m = room.members.get(this.fold(change.param));
        if (!m || (room.state !== 'in' && room.state !== 'who')) continue;
        const each: IrcLine = { ...line, tags: { ...line.tags, msgid: '' } };
        for (const [type, role] of changeMode(m, change.mode, change.add)) out.events.push(this.event(room, each, type, m.id, { role }));
        continue;
      }
      if (opRank < 0 || rank > opRank) continue;
      if (room.botIsOp && !change.add)
        out.signals.push({ kind: 'log', text: `lost channel operator status in ${room.binding.room} (${line.nick || 'the server'} took it)` });
      // Services and auto-op lists give op just after the join, after the "not a channel operator" warning.
      if (!room.botIsOp && change.add)
        out.signals.push({ kind: 'log', text: `channel operator in ${room.binding.room} now (${line.nick || 'the server'} gave it)` });
      room.botIsOp = change.add;
    }
  }

  private onPrivmsg(line: IrcLine, out: Handled): void {
    if (this.isOwn(line.nick)) {
      // Our own message coming back (a message to ourselves, or echo-message): it shows how the server sees us.
      this.ownUser = line.ident || this.ownUser;
      this.ownHost = line.hostname || this.ownHost;
      return;
    }
    const room = this.room(line.params[0] ?? '');
    if (!room || (room.state !== 'in' && room.state !== 'who')) return;
    let text = line.params[1] ?? '';
    if (text.startsWith('\x01')) {
      const inner = text.slice(1, text.endsWith('\x01') && text.length > 1 ? -1 : undefined);
      if (!/^ACTION( |$)/i.test(inner)) return;
      text = inner.slice(7);
    }
    const member = room.members.get(this.fold(line.nick));
    if (!member) {
      out.signals.push({ kind: 'log', text: `ignored a message to ${room.binding.room} from ${line.nick}, who is not in the channel` });
      return;
    }
    member.user = line.ident || member.user;
    member.host = line.hostname || member.host;
    const { eventId, messageId } = this.ids(room, line);
    const event: ChatEvent = { id: eventId, type: 'message.posted', at: this.at(line), community: room.binding.community, member: member.id, messageId, text };
    if (this.roomsOf(room.binding.community).length > 1) event['channel'] = room.binding.room;
    out.events.push(event);
  }
}
