/**
 * Channel privileges as roles (docs/bots.md, IRC "Roles"): IRC has no roles, but a channel's
 * prefix modes say who runs it. Without this mapping `unless member has role admin` spared
 * nobody on IRC, so a channel operator posting a link was kicked like a spammer.
 *
 * The modes come from NAMES when the bot joins (every prefix with `multi-prefix`, else the
 * highest) and from MODE changes while it watches; each change of the roles they give is a
 * `role.granted` or `role.revoked` event (each with an id of its own: one MODE line may change
 * several), and at every join the bot announces the roles of those present, as it does on XMPP.
 * Modes the server does not list in PREFIX are not
 * privileges there and give nothing.
 */
import { table } from '../stdlib/dict.js';
import type { IrcMember } from './irc-room.js';
import type { ServerInfo } from './irc-server-info.js';

/**
 * The roles of each prefix mode: founder (`~`, InspIRCd/UnrealIRCd `q`) as XMPP's owner,
 * protected (`&`, `a`) and operator (`@`, `o`) as admin, half-operator (`%`, `h`) as moderator,
 * voice (`+`, `v`) as voice.
 */
export const ROLES_OF_MODE: Readonly<Record<string, readonly string[]>> = table({
  q: ['owner', 'admin'],
  a: ['admin'],
  o: ['admin'],
  h: ['moderator'],
  v: ['voice'],
});

/** The roles a set of prefix modes gives, without repeats, in a fixed order. */
export function rolesOfModes(modes: Iterable<string>): string[] {
  const roles = new Set<string>();
  for (const m of modes) for (const r of ROLES_OF_MODE[m] ?? []) roles.add(r);
  return ['owner', 'admin', 'moderator', 'voice'].filter((r) => roles.has(r));
}

/** A NAMES entry (`@+nick!user@host`): its prefix modes and the rest. */
export function splitPrefixes(info: ServerInfo, entry: string): { modes: string[]; rest: string } {
  const modes: string[] = [];
  let i = 0;
  while (i < entry.length && info.prefixSymbols.includes(entry[i]!)) {
    const mode = info.prefixModes[info.prefixSymbols.indexOf(entry[i]!)];
    if (mode !== undefined) modes.push(mode);
    i++;
  }
  return { modes, rest: entry.slice(i) };
}

/** Whether the modes hold operator status or higher (what kicks and bans need). */
export function isOperator(info: ServerInfo, modes: readonly string[]): boolean {
  const opRank = info.prefixModes.indexOf('o');
  return (
    opRank >= 0 &&
    modes.some((m) => {
      const rank = info.prefixModes.indexOf(m);
      return rank >= 0 && rank <= opRank;
    })
  );
}

/** A member's prefix mode set on or taken off: the roles that came and went, as event types and roles. */
export function changeMode(member: IrcMember, mode: string, add: boolean): ['role.granted' | 'role.revoked', string][] {
  const before = rolesOfModes(member.modes ?? []);
  const modes = new Set(member.modes ?? []);
  if (add) modes.add(mode);
  else modes.delete(mode);
  member.modes = [...modes];
  const after = rolesOfModes(modes);
  return [
    ...after.filter((r) => !before.includes(r)).map((r): ['role.granted', string] => ['role.granted', r]),
    ...before.filter((r) => !after.includes(r)).map((r): ['role.revoked', string] => ['role.revoked', r]),
  ];
}
