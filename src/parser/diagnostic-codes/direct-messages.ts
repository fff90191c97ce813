/**
 * The codes of `direct messages { … }` (docs/language.md, "Direct messages"): E0440-E0449 and
 * W0430-W0434; and of rosters ("Rosters"): E0450-E0459 and W0435-W0439. docs/diagnostics.md.
 */
import { error, q, warning } from './spec.js';

export const DIRECT_MESSAGES_CODES = {
  E0440: error('not the words of `direct messages`', {
    notMessages: (found: string) => `expected \`direct messages\`, found \`direct ${found}\``,
    notHours: (found: string) => `expected \`quiet hours\`, found \`quiet ${found}\``,
  }),
  E0441: error('`direct messages` clause given twice', {
    blockTwice: () => 'the playbook has more than one `direct messages` block',
    capTwice: () => '`direct messages` has more than one `at most` cap',
    quietTwice: () => '`direct messages` has more than one `quiet hours`',
  }),
  E0442: error('direct message cap out of range', {
    capCount: (n: string) => `a cap is a whole number of messages from 1 up, not ${n}`,
  }),
  E0443: error('hold or drop missing', {
    noPolicy: (clause: string) => `${clause} does not say what happens to a message it stops: \`hold\` or \`drop\``,
    unknownPolicy: (found: string) => `a message stopped by \`direct messages\` is held or dropped, not ${q(found)}`,
  }),
  E0444: error('quiet hours with no time in them', {
    sameTimes: (t: string) => `\`quiet hours ${t} to ${t}\` starts and ends at the same time, so it is never quiet`,
  }),
  // Rosters (docs/language.md, "Rosters"): E0450-E0459, W0435-W0439.
  E0450: error('not a member test', {
    notPosted: (found: string) => `\`member has\` is followed by \`role R\`, \`tag "t"\`, \`posted\` or \`never posted\`, not ${q(found)}`,
  }),
  W0430: warning('`direct messages` block with nothing in it', {
    empty: () => '`direct messages` has neither a cap nor quiet hours, so it changes nothing',
  }),
  W0431: warning('held messages dropped at night', {
    heldThenDropped: () => 'a message the cap holds is dropped if its turn comes in quiet hours, since quiet hours `drop`',
  }),
} as const;
