/**
 * The codes of leaderboards and lottery draws (docs/language.md, "Leaderboards" and "Lottery
 * draws"): E0606-E0619 for the constructs, E0411-E0419 and W0405 for the per-member actions they
 * run. docs/diagnostics.md.
 */
import { error, q, warning } from './spec.js';

export const BOARD_CODES = {
  E0411: error('member action outside `for each member`', {
    eachMember: (action: string, where: string) => `\`${action}\` acts on one member, and ${where} runs for several`,
  }),
  E0412: error('`for each member` with no members to go through', {
    notEach: (found: string) => `expected \`for each member:\`, found \`for ${found}\``,
    forEachOutside: (where: string) => `\`for each member\` goes through the members a leaderboard ranks, and ${where} is not a leaderboard`,
  }),
  E0413: error('draw without a name', {
    drawName: () => 'a draw needs a name: it is the `draw` field of its `lottery.drawn` action and part of what its winners are drawn from',
  }),
  E0414: error('draw size out of range', {
    drawSize: (n: string) => `a draw picks a whole number of members from 1 up, not ${n}`,
  }),
  E0415: error('draw defined twice', {
    drawTwice: (name: string) => `draw ${q(name)} is defined twice`,
  }),
  W0405: warning('`for each member` before other actions', {
    eachNotLast: () => 'the actions after `for each member:` on this line run for each member; the block\u2019s other actions after it run before them',
  }),
  E0606: error('leaderboard without a ranking', {
    noRanking: (name: string) => `leaderboard ${q(name)} does not say what it ranks by`,
  }),
  E0607: error('unknown leaderboard window', {
    unknownWindow: (found: string) => `${q(found)} is not a window of a leaderboard`,
    notSkipIfEmpty: (found: string) => `expected \`skip if empty\` after the calendar, found ${q(found)}`,
  }),
  E0608: error('window on a value that has none', {
    windowOnValue: (window: string) => `\`${window}\` counts points or events over a period; a member value is read as it is when the board is posted`,
  }),
  E0610: error('old period beside a window', {
    periodAndWindow: (period: string) => `${q(period)} is the period of the old form of \`leaderboard\`, and this leaderboard states a window too`,
    periodWithRanking: (period: string) => `${q(period)} is the period of the old form of \`leaderboard\`, which counts points only`,
  }),
} as const;
