/**
 * The IRC adapter's picture of one channel (irc-state.ts keeps them up to date): who is present,
 * by case-folded nick and by member id, and who left recently. Member ids are explained at
 * irc-state.ts; `key` below is a member's case-folded nick.
 */
import type { RoomBinding } from './adapter.js';

export interface IrcMember {
  id: string;
  nick: string;
  user?: string | undefined;
  host?: string | undefined;
  /** Channel prefix modes (`o`, `v`...), which give roles (irc-privileges.ts). */
  modes?: string[] | undefined;
}

export type RoomState = 'out' | 'names' | 'who' | 'in';

export interface Room {
  binding: RoomBinding;
  state: RoomState;
  botIsOp: boolean;
  /** Present members by case-folded nick. */
  members: Map<string, IrcMember>;
  /** Present members by id. */
  ids: Map<string, IrcMember>;
  /** Members who left, by id, newest last (bounded): a ban can still be set on their host. */
  departed: Map<string, IrcMember>;
  /** Who was present before the bot rejoined (after a reconnect), to report who left meanwhile. */
  before: Map<string, IrcMember> | undefined;
}

const DEPARTED_KEPT = 1000;

export function emptyRoom(binding: RoomBinding): Room {
  return {
    binding,
    state: 'out',
    botIsOp: false,
    members: new Map(),
    ids: new Map(),
    departed: new Map(),
    before: undefined,
  };
}

/** The id for someone arriving as `nick`: the id they had before a reconnect, else their nick, else `nick~2`... */
export function assignId(room: Room, nick: string, carried?: IrcMember): string {
  if (carried && !room.ids.has(carried.id)) return carried.id;
  if (!room.ids.has(nick)) return nick;
  for (let n = 2; ; n++) if (!room.ids.has(`${nick}~${n}`)) return `${nick}~${n}`;
}

export function addMember(room: Room, key: string, member: IrcMember): void {
  room.members.set(key, member);
  room.ids.set(member.id, member);
  room.departed.delete(member.id);
}

/** No longer present, but kept among the departed (the newest DEPARTED_KEPT) so a ban still reaches them. */
export function removeMember(room: Room, key: string, member: IrcMember): void {
  room.members.delete(key);
  room.ids.delete(member.id);
  room.departed.delete(member.id);
  room.departed.set(member.id, member);
  if (room.departed.size > DEPARTED_KEPT) room.departed.delete(room.departed.keys().next().value!);
}
