import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import type { BoardRank, IR } from '../../ir/schema.js';
import { actions } from './actions.js';
import { calendar, positiveInt } from './checks.js';
import { amountValue } from './conditions.js';
import { eventRef, groupScope, memberScope, type Checker, type Scope } from './scopes.js';
import { constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/**
 * `leaderboard NAME top N by RANKING [WINDOW] every CALENDAR [skip if empty] ACTIONS`
 * (docs/language.md, "Leaderboards"): what it ranks by, over which window, and the actions for
 * the group (`{board}`) and, after `for each member:`, for each ranked member (`{rank}`, `{score}`).
 */
export function leaderboard(cx: Checker, lb: A.LeaderboardDecl): IR['leaderboards'][number] {
  const name = lb.name.name;
  const what = `leaderboard \`${name}\``;
  const out: IR['leaderboards'][number] = {
    id: constructId('leaderboard', name),
    name,
    period: lb.window ? 'all' : lb.period,
    top: positiveInt(cx, lb.top, lb.span, 'leaderboard size'),
    calendar: calendar(cx, lb.every),
    actions: [],
  };
  const rank = ranking(cx, lb, what);
  if (rank) out.rank = rank;
  if (lb.window) {
    out.window = lb.window.window;
    if (lb.periodWord) {
      cx.bag.report(
        D.E0610.periodAndWindow(lb.periodWord.name),
        lb.periodWord.span,
        'a period word right after `leaderboard` is the old period: name the leaderboard another word, e.g. `leaderboard 周榜 top 3 …`',
      );
    }
  } else legacyPeriod(cx, lb, rank);
  if (lb.skipIfEmpty) out.skipIfEmpty = true;

  const group: Scope = { ...groupScope(what), extras: TEMPLATE_EXTRAS.leaderboard, eachOf: what };
  const each: Scope = { ...memberScope(`${what}, for each member`), extras: TEMPLATE_EXTRAS.leaderboardEach, eachOf: what };
  const plain: A.Action[] = [];
  const perMember: A.Action[] = [];
  let after: A.Action | undefined;
  for (const a of lb.actions) {
    if (a.kind === 'forEach') {
      perMember.push(...a.actions);
      after ??= a;
    } else {
      plain.push(a);
      if (after) cx.bag.report(D.W0405.eachNotLast(), a.span, 'move `for each member: …` to the end of the block');
    }
  }
  out.actions = actions(cx, plain, group);
  if (after) out.each = actions(cx, perMember, each);
  return out;
}

/** `by points`, `by count(E)` (windowed like points) or `by VALUE` (a member value when posted). */
function ranking(cx: Checker, lb: A.LeaderboardDecl, what: string): BoardRank | undefined {
  const by = lb.rankBy;
  if (!by) {
    cx.bag.report(
      D.E0606.noRanking(lb.name.name),
      lb.name.span,
      'add what it ranks by before `every`: `by points` (the balance), `by points since last post`, or `by count(message.posted) this week`',
    );
    return undefined;
  }
  if (by.kind === 'path' && by.path.length === 1 && by.path[0]!.name === 'points') return { points: true };
  if (by.kind === 'count' && !by.within && !by.where && !by.distinct) {
    const ev = eventRef(cx, by.event);
    return { count: ev ?? by.event.name };
  }
  if (lb.window && lb.window.window !== 'allTime') {
    cx.bag.report(
      D.E0608.windowOnValue(spelled(lb.window.window)),
      lb.window.span,
      by.kind === 'count' || by.kind === 'sum'
        ? 'a window counts a plain `count(EVENT)`; a filtered, distinct or summed count is read when the board is posted: give it `within D` and leave the window out'
        : 'rank `by points` or `by count(EVENT)` to count over a window, or leave the window out',
    );
  }
  return { value: amountValue(cx, by, memberScope(`${what}, for each member`)) };
}

/**
 * The old form keeps its meaning (the design's `leaderboard weekly top 3 by points every …`
 * compiles as it always did); its period word only counts points, so beside another ranking it is
 * refused.
 */
function legacyPeriod(cx: Checker, lb: A.LeaderboardDecl, rank: BoardRank | undefined): void {
  const word = lb.periodWord;
  if (word && rank && !('points' in rank) && lb.period !== 'all') {
    cx.bag.report(D.E0610.periodWithRanking(word.name), word.span, 'state a window after what it ranks by: `by count(message.posted) this week`');
  }
}

function spelled(w: NonNullable<A.LeaderboardDecl['window']>['window']): string {
  return w.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}
