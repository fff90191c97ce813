import type { Action } from './schema.js';

/**
 * Actions aimed at the one member a rule, step or ladder runs for: a direct message, a warning, a
 * mute, a removal, tags, points and badges. Once that member is removed, these are dropped for the
 * rest of the event, while group messages, admin notices, deletions and actions about other
 * members still run (docs/runtime.md, "Rules, windows, ladders"); the checker warns where one
 * follows `remove member` (W0406).
 */
export function aimsAtMember(a: Action): boolean {
  // Aimed at another member (docs/language.md, "Targets"): the runtime checks that one.
  if ('target' in a && a.target) return false;
  switch (a.do) {
    case 'say':
      return a.to.kind === 'member';
    case 'warn':
    case 'mute':
    case 'remove':
    case 'tag':
    case 'untag':
    case 'award':
    case 'awardBadge':
    case 'forgive':
    case 'role':
    case 'unmute':
    case 'ban':
      return true;
    case 'notify':
    case 'deleteMessage':
    case 'removeMembers':
    case 'tagMembers':
    case 'draw':
    case 'pin':
    case 'reply':
    case 'join':
    case 'webhook':
      return false;
  }
}
