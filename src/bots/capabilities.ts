/**
 * What a playbook asks of a platform that the platform cannot do, found before the bot
 * goes live, so an operator reads "IRC cannot delete messages: rule no_ads deletes" at start
 * rather than discovering it in the log when the first ad is posted.
 */
import type { IR } from '../ir/schema.js';
import type { Capabilities } from './adapter.js';

/** IR action kinds, and the capability each needs. */
const NEEDS: Record<string, { capability: keyof Capabilities; what: string } | undefined> = {
  deleteMessage: { capability: 'deleteMessage', what: 'delete messages' },
  mute: { capability: 'mute', what: 'mute members' },
  remove: { capability: 'kick', what: 'remove members' },
  removeMembers: { capability: 'kick', what: 'remove members' },
  notify: { capability: 'adminNotify', what: 'notify administrators (give it --admin)' },
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

/** One line per kind of action the playbook uses and the platform cannot carry out. */
export function unsupportedByPlatform(ir: IR, platform: string, caps: Capabilities): string[] {
  const lines: string[] = [];
  for (const [kind, where] of actionSites(ir)) {
    const need = NEEDS[kind];
    if (!need || caps[need.capability]) continue;
    const at = where.length ? ` (used by ${where.join(', ')})` : '';
    lines.push(`note: ${platform} cannot ${need.what}${at}; those actions will be reported, not carried out`);
  }
  if (caps.messageIds === 'adapter' && caps.deleteMessage) {
    lines.push(`note: ${platform} gives no message ids here; message ids are made up by the bot`);
  }
  return lines;
}
