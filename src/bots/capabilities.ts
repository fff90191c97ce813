/**
 * What a playbook asks of a platform that the platform cannot do, found before the bot
 * goes live, so an operator reads "IRC cannot delete messages: rule no_ads deletes" at start
 * rather than discovering it in the log when the first ad is posted.
 */
import type { IR } from '../ir/schema.js';
import type { Capabilities } from './adapter.js';

/**
 * The one line the bot logs at start that says what this platform can do here, and what the
 * adapter found out from the server to say so:
 * `capabilities: irc (ngircd-26.1, no EXTBAN, ...): message ids made up by the bot; delete no; mute no; ...`.
 */
export function capabilitiesLine(platform: string, caps: Capabilities): string {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  const mute = caps.mute
    ? `mute yes (ended by ${caps.muteEnds === 'server' ? 'the server' : caps.muteEnds === 'bot' ? 'the bot' : 'nobody'}, ${caps.muteSurvivesRejoin ? 'kept' : 'applied again by the bot'} when the member rejoins)`
    : 'mute no';
  const parts = [
    `message ids ${caps.messageIds === 'server' ? "the server's" : 'made up by the bot'}`,
    `delete ${yes(caps.deleteMessage)}`,
    mute,
    `kick ${yes(caps.kick)}`,
    `ban ${yes(caps.ban)}`,
    `private messages ${yes(caps.privateMessage)}`,
    `admin notify ${yes(caps.adminNotify)}`,
  ];
  return `capabilities: ${platform}${caps.discovered ? ` (${caps.discovered})` : ''}: ${parts.join('; ')}`;
}

/** IR action kinds, and the capability each needs. */
const NEEDS: Record<string, { capability: keyof Capabilities; what: string } | undefined> = {
  deleteMessage: { capability: 'deleteMessage', what: 'delete messages' },
  mute: { capability: 'mute', what: 'mute members' },
  remove: { capability: 'kick', what: 'remove members' },
  removeMembers: { capability: 'kick', what: 'remove members' },
  notify: { capability: 'adminNotify', what: 'notify administrators (give it --admin)' },
  unmute: { capability: 'mute', what: 'unmute members' },
  ban: { capability: 'ban', what: 'ban members' },
  pin: { capability: 'pin', what: 'pin messages' },
  join: { capability: 'joinRequests', what: 'answer join requests' },
};

/** Where in the playbook each kind of action appears: the names of the constructs holding it. */
export function actionSites(ir: IR): Map<string, string[]> {
  const sites = new Map<string, string[]>();
  const walk = (node: unknown, owner: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, owner);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const here = typeof obj['name'] === 'string' ? obj['name'] : owner;
    if (typeof obj['do'] === 'string') {
      const kind = obj['do'] === 'say' && (obj['to'] as { kind?: string } | undefined)?.kind === 'admins' ? 'notify' : obj['do'];
      const list = sites.get(kind) ?? [];
      if (here !== undefined && !list.includes(here)) list.push(here);
      sites.set(kind, list);
    }
    for (const v of Object.values(obj)) if (typeof v === 'object') walk(v, here);
  };
  walk(ir, undefined);
  return sites;
}

/**
 * Where the playbook waits for each event type, by the names of the constructs holding it: rule
 * triggers, ritual starts, steps and cancels, points, counts (`count(E ...)`, streaks), lifecycle
 * triggers and `without E`. Every such place is an object with an `event` field in the IR
 * (EventMatch, Counter, a streak), or a lifecycle's `without`.
 */
export function eventSites(ir: IR): Map<string, string[]> {
  const sites = new Map<string, string[]>();
  const add = (type: string, owner: string | undefined) => {
    const list = sites.get(type) ?? [];
    if (owner !== undefined && !list.includes(owner)) list.push(owner);
    sites.set(type, list);
  };
  const walk = (node: unknown, owner: string | undefined): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n, owner);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    // A construct (rule, ritual, lifecycle...) has an id and a name; a ritual's step has a name only.
    const here = typeof obj['id'] === 'string' && typeof obj['name'] === 'string' ? obj['name'] : owner;
    if (typeof obj['event'] === 'string') add(obj['event'], here);
    if (typeof obj['without'] === 'string') add(obj['without'], here);
    for (const [k, v] of Object.entries(obj)) if (k !== 'events' && typeof v === 'object') walk(v, here);
  };
  walk(ir, undefined);
  return sites;
}

/** One line per event type the playbook waits for that the platform never produces (when the adapter says which it does). */
export function unproducedEvents(ir: IR, platform: string, caps: Capabilities): string[] {
  const produced = caps.events;
  if (!produced) return [];
  const lines: string[] = [];
  for (const [type, where] of eventSites(ir)) {
    if (produced.includes(type)) continue;
    const by = where.length ? where.join(', ') : 'the playbook';
    lines.push(
      `warning: ${platform} never produces ${type}, which ${by} waits for: rules on it never fire and ritual steps on it are never done (a ritual's deadline then runs out)`,
    );
  }
  return lines;
}

/** One line per kind of action the playbook uses and the platform cannot carry out, and per event it waits for in vain. */
export function unsupportedByPlatform(ir: IR, platform: string, caps: Capabilities): string[] {
  const lines: string[] = [];
  for (const [kind, where] of actionSites(ir)) {
    const need = NEEDS[kind];
    // A capability an adapter leaves out (pin, joinRequests) is not checked.
    if (!need || caps[need.capability] !== false) continue;
    const at = where.length ? ` (used by ${where.join(', ')})` : '';
    lines.push(`note: ${platform} cannot ${need.what}${at}; those actions will be reported, not carried out`);
  }
  if (caps.messageIds === 'adapter' && caps.deleteMessage) {
    lines.push(`note: ${platform} gives no message ids here; message ids are made up by the bot`);
  }
  lines.push(...unproducedEvents(ir, platform, caps));
  return lines;
}
