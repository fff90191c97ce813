/**
 * The steps of setting up an IRC connection once the server has registered the bot (irc.ts runs
 * them the first time and after every reconnect): probe what the server does not announce
 * (message ids, TBAN), become an operator when configured, join the channels.
 */
import type { IrcRequests, Reply } from './irc-requests.js';
import type { Room } from './irc-room.js';
import type { IrcTracker } from './irc-state.js';

/** Numerics that refuse a JOIN (RFC 1459/2812 and common extensions). */
const JOIN_ERRORS = new Set(['403', '405', '437', '470', '471', '473', '474', '475', '476', '477', '479', '489', '520']);

/**
 * Does the server tag messages with msgid? It does not say so in CAP or ISUPPORT; a message to
 * ourselves shows it (and how the server sees our user@host, for line lengths). The tracker
 * learns both from the echo; the reply says whether one came.
 */
export function probeMessageIds(requests: IrcRequests, tracker: IrcTracker): Promise<Reply> {
  return requests.request(
    [`PRIVMSG ${tracker.ownNick} :msgid probe`],
    (l) => (l.command === 'PRIVMSG' && tracker.isOwn(l.nick) ? { status: 'done' } : undefined),
    5000,
  );
}

/** Whether the server has TBAN: InspIRCd's m_timedbans answers "not enough parameters" when it exists. */
export async function probeTimedBans(requests: IrcRequests): Promise<boolean> {
  const probe = await requests.request(['TBAN'], (l) => {
    if (l.command === '461' && l.params[1]?.toUpperCase() === 'TBAN') return { status: 'done' };
    if (l.command === '421' && l.params[1]?.toUpperCase() === 'TBAN') return { status: 'skipped', reason: 'no TBAN' };
    return undefined;
  });
  return probe.status === 'done';
}

/** OPER with the configured credentials; throws when the server refuses or does not answer. */
export async function becomeOperator(requests: IrcRequests, oper: { name: string; password: string }): Promise<void> {
  const r = await requests.request([`OPER ${oper.name} ${oper.password}`], (l) => {
    if (l.command === '381') return { status: 'done' };
    if (['464', '491', '461'].includes(l.command)) return { status: 'failed', reason: `OPER ${oper.name} refused: ${l.params.at(-1) ?? l.command}` };
    return undefined;
  });
  if (r.status !== 'done') throw new Error(r.reason);
}

/** JOIN a channel; done once the server has sent its member list and the tracker has us in it. */
export function joinChannel(requests: IrcRequests, tracker: IrcTracker, room: Room): Promise<Reply> {
  const channel = room.binding.room;
  const same = (c: string | undefined) => c !== undefined && tracker.fold(c) === tracker.fold(channel);
  return requests.request([`JOIN ${channel}`], (l) => {
    if ((l.command === '366' || l.command === '315') && same(l.params[1]) && room.state === 'in') return { status: 'done' };
    if (JOIN_ERRORS.has(l.command) && same(l.params[1]))
      return { status: 'failed', reason: `cannot join ${channel}: ${l.params.at(-1) ?? l.command} (${l.command})` };
    return undefined;
  });
}

/** JOIN every bound channel at once; throws with every refusal when any channel cannot be joined. */
export async function joinAll(requests: IrcRequests, tracker: IrcTracker): Promise<void> {
  const joins = await Promise.all(tracker.allRooms().map((room) => joinChannel(requests, tracker, room)));
  const failed = joins.filter((r) => r.status !== 'done');
  if (failed.length > 0) throw new Error(failed.map((r) => (r as { reason: string }).reason).join('; '));
}
