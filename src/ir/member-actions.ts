import type { Action } from './schema.js';

/**
 * Actions aimed at the one member a rule, step or ladder runs for: a direct message, a warning, a
 * mute, a removal, tags, points and badges. Once that member is removed, these are dropped for the
 * rest of the event, while group messages, admin notices, deletions and actions about other
 * members still run (docs/runtime.md, "Rules, windows, ladders"); the checker warns where one
 * follows `remove member` (W0406).
 */
export function aimsAtMember(a: Action): boolean {
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
      return true;
    case 'notify':
    case 'deleteMessage':
    case 'removeMembers':
    case 'tagMembers':
    case 'draw':
      return false;
  }
}
