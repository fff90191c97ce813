import type * as A from '../../parser/ast.js';
import { D } from '../../parser/diagnostic-codes.js';
import { didYouMean } from '../../stdlib/suggest.js';
import type { Action, Audience, MemberFilter, Target } from '../../ir/schema.js';
import { duration } from './checks.js';
import { amountValue, cond, literalTag, muteValue } from './conditions.js';
import { platformAction } from './platform-actions.js';
import { aboutMessage, noMember, type Checker, type Scope } from './scopes.js';
import { target } from './targets.js';
import { text } from './templates.js';
import { aimsAtMember, constructId, TEMPLATE_EXTRAS } from '../../ir/index.js';

/**
 * Actions (`say`, `notify`, `delete message`, `warn`, `mute`, `remove`, `remove members`, `tag`,
 * `untag`, `award`): audiences, member filters, and what each needs in scope.
 */

export function actions(cx: Checker, list: A.Action[], scope: Scope): Action[] {
  const out: Action[] = [];
  let removed = false;
  for (const a of list) {
    if (a.kind !== 'forEach') {
      const lowered = action(cx, a, scope);
      // After `remove member` the runtime drops what is aimed at that member (docs/runtime.md).
      if (removed && aimsAtMember(lowered))
        cx.bag.report(
          D.W0406.afterRemoval(actionWords(lowered)),
          a.span,
          'put it before `remove member`, or address the group (`say "…"`, `notify admins "…"`)',
        );
      if (lowered.do === 'remove' && !lowered.target) removed = true;
      out.push(lowered);
    } else {
      // A leaderboard takes its `for each member:` out before its other actions come here.
      cx.bag.report(
        D.E0412.forEachOutside(scope.what),
        a.span,
        scope.eachOf
          ? 'the actions of a draw already run for each winner: write them without `for each member:`'
          : 'address several members with `say to members …`, or pick some with `draw N members … as NAME: …`',
      );
      actions(cx, a.actions, { ...scope, member: true });
    }
  }
  return out;
}

/** A ladder named by `warn … on ladder L` or `forgive member on ladder L`: E0213 with the closest one if undeclared. */
function ladderRef(cx: Checker, ladder: A.Ident): string {
  if (!cx.ladders.has(ladder.name)) {
    cx.bag.report(D.E0213.unknownLadder(ladder.name), ladder.span, didYouMean(ladder.name, cx.ladders) ?? 'declare it with `ladder NAME { 1: …; 2: … }`');
  }
  return ladder.name;
}

/** How an action aimed at the member reads in a message: `say to member`, `award`, `mute member`. */
function actionWords(a: Action): string {
  switch (a.do) {
    case 'say':
      return 'say to member';
    case 'award':
      return a.amount < 0 ? 'deduct' : 'award';
    case 'awardBadge':
      return 'award badge';
    default:
      return `${a.do} member`;
  }
}

function audience(cx: Checker, to: A.Audience, scope: Scope, span: A.Span): { audience: Audience; memberInText: boolean } {
  switch (to.kind) {
    case 'group':
      return { audience: { kind: 'group' }, memberInText: scope.member };
    case 'admins':
      return { audience: { kind: 'admins' }, memberInText: scope.member };
    case 'member':
      if (!scope.member) noMember(cx, span, scope, 'say to member');
      return { audience: { kind: 'member' }, memberInText: true };
    case 'channel':
      return { audience: { kind: 'channel', channel: to.channel.value }, memberInText: scope.member };
    case 'members':
      return { audience: { kind: 'members', filter: filter(cx, to, scope, span) }, memberInText: true };
  }
}

function filter(
  cx: Checker,
  f: { silent: boolean; tagged?: A.StringLit; segment?: A.Ident; where?: A.Condition; unless?: A.Condition },
  scope: Scope,
  span: A.Span,
): MemberFilter {
  const each: Scope = {
    ...scope,
    member: true,
    countScope: 'member',
    events: [],
    owner: undefined,
    windows: undefined,
    what: `${scope.what}, for each member`,
  };
  const out: MemberFilter = { silent: f.silent };
  if (f.silent && !scope.extras.includes('session')) {
    // Silent means "has not spoken in the current session": only schedules have sessions.
    cx.bag.report(D.E0408.silentOutsideSchedule(), span);
  }
  if (f.tagged) {
    out.tagged = literalTag(cx, f.tagged);
  }
  if (f.segment) {
    if (!cx.segments.has(f.segment.name)) cx.bag.report(D.E0203.unknownSegment(f.segment.name), f.segment.span, didYouMean(f.segment.name, cx.segments));
    out.segment = f.segment.name;
  }
  if (f.where) out.where = cond(cx, f.where, each);
  if (f.unless) out.unless = cond(cx, f.unless, each);
  return out;
}

/**
 * An action aimed at another member (`warn author …`, docs/language.md, "Targets") is checked as if
 * that member were the member, so its texts may name `{member.name}`, and carries its target.
 */
function action(cx: Checker, a: Exclude<A.Action, { kind: 'forEach' }>, scope: Scope): Action {
  const word = 'target' in a ? a.target : a.kind === 'say' && a.to.kind === 'member' ? a.to.target : undefined;
  if (!word) return lower(cx, a, scope);
  const lowered = lower(cx, a, { ...scope, member: true });
  const t = target(cx, word, scope);
  if (t) (lowered as { target?: Target }).target = t;
  return lowered;
}

function lower(cx: Checker, a: Exclude<A.Action, { kind: 'forEach' }>, scope: Scope): Action {
  switch (a.kind) {
    case 'say': {
      const { audience: to, memberInText } = audience(cx, a.to, scope, a.span);
      return { do: 'say', to, text: text(cx, a.text, scope, memberInText) };
    }
    case 'notify':
      return { do: 'notify', text: text(cx, a.text, scope, scope.member) };
    case 'deleteMessage':
      if (!aboutMessage(cx, scope)) {
        cx.bag.report(D.E0409.deleteNeedsMessage(scope.what), a.span, 'trigger the rule `on message.posted`');
      }
      return { do: 'deleteMessage' };
    case 'warn': {
      if (!scope.member) noMember(cx, a.span, scope, 'warn member');
      const out: Action = { do: 'warn', ladder: ladderRef(cx, a.ladder) };
      if (a.reason) out.reason = text(cx, a.reason, scope, true);
      return out;
    }
    case 'mute': {
      if (!scope.member) noMember(cx, a.span, scope, 'mute member');
      const out: Extract<Action, { do: 'mute' }> = { do: 'mute' };
      if (a.duration) out.durationMs = Math.max(1, duration(cx, a.duration, 'mute'));
      else if (a.value) out.value = muteValue(cx, a.value, scope);
      // Neither: a syntax error left the mute without its length, and was reported.
      else out.durationMs = 1;
      if (a.reason) out.reason = inline(cx, a.reason, scope);
      return out;
    }
    case 'remove': {
      if (!scope.member) noMember(cx, a.span, scope, 'remove member');
      return a.reason ? { do: 'remove', reason: inline(cx, a.reason, scope) } : { do: 'remove' };
    }
    case 'removeMembers': {
      const out: Action = { do: 'removeMembers', filter: filter(cx, a, scope, a.span) };
      if (!a.where && !a.tagged && !a.segment) {
        cx.bag.report(D.W0404.removeEveryone(), a.span, 'add `where …` or `tagged "…"`');
      }
      if (a.reason) out.reason = inline(cx, a.reason, scope);
      return out;
    }
    case 'tag':
    case 'untag':
      if (!scope.member) noMember(cx, a.span, scope, `${a.kind} member`);
      if (a.tag.value.trim() === '') cx.bag.report(D.E0410.emptyTag(), a.tag.span);
      return { do: a.kind, tag: inline(cx, a.tag, scope) };
    case 'award': {
      if (!scope.member) noMember(cx, a.span, scope, a.amount < 0 ? 'deduct' : 'award');
      if (a.amount === 0 && !a.value) cx.bag.report(D.E0601.zeroAward(), a.span);
      const out: Extract<Action, { do: 'award' }> = { do: 'award', amount: a.amount, multiplied: a.multiplied };
      if (a.value) {
        const v = amountValue(cx, a.value, scope);
        out.value = a.amount < 0 ? { arith: '-', left: { const: 0 }, right: v } : v;
      }
      if (a.reason) out.reason = inline(cx, a.reason, scope);
      return out;
    }
    case 'draw':
      return { do: 'draw', lottery: lottery(cx, a, scope) };
    case 'tagMembers': {
      if (a.tag.value.trim() === '') cx.bag.report(D.E0410.emptyTag(), a.tag.span);
      return {
        do: 'tagMembers',
        filter: filter(cx, { silent: false, ...a }, scope, a.span),
        tag: inline(cx, a.tag, { ...scope, member: true }),
        untag: a.untag,
      };
    }
    case 'forgive':
      if (!scope.member) noMember(cx, a.span, scope, 'forgive member');
      return { do: 'forgive', ladder: ladderRef(cx, a.ladder) };
    case 'awardBadge': {
      if (!scope.member) noMember(cx, a.span, scope, 'award badge');
      const name = a.badge.name;
      if (!cx.badges.has(name)) {
        cx.bag.report(
          D.E0605.unknownBadge(name),
          a.badge.span,
          didYouMean(name, cx.badges) ?? 'declare it with `badge NAME` (with `when …` to grant it on a condition too)',
        );
      }
      cx.badgesAwarded.add(name);
      return { do: 'awardBadge', badge: name };
    }
    default:
      return platformAction(cx, a, scope);
  }
}

/**
 * `draw N members FILTER as NAME: ACTIONS`: the lottery goes to the IR's `lotteries`, the action
 * names it. Its actions run for each winner, with `{rank}` (the draw order) and `{draw}`.
 */
function lottery(cx: Checker, a: Extract<A.Action, { kind: 'draw' }>, scope: Scope): string {
  const name = a.name?.name ?? `draw_line_${a.span.line}`;
  if (!a.name) cx.bag.report(D.E0413.drawName(), a.span, 'write `as NAME` after the members: `draw 3 members tagged "打卡" as 周抽奖`');
  else if (cx.lotteries.has(name))
    cx.bag.report(D.E0415.drawTwice(name), a.name.span, 'give each draw its own name: the name is what its winners are drawn from');
  const n = a.count.value;
  if (!Number.isInteger(n) || n < 1) cx.bag.report(D.E0414.drawSize(String(n)), a.count.span);
  const each: Scope = {
    ...scope,
    member: true,
    countScope: 'member',
    owner: undefined,
    windows: undefined,
    extras: [...scope.extras, ...TEMPLATE_EXTRAS.lottery],
    what: `draw \`${name}\``,
    eachOf: `draw \`${name}\``,
  };
  const out = {
    id: constructId('lottery', name),
    name,
    count: Math.max(1, Math.floor(n)),
    filter: filter(cx, { silent: false, ...a }, scope, a.span),
    each: actions(cx, a.actions, each),
  };
  if (!cx.lotteries.has(name)) cx.lotteries.set(name, out);
  return name;
}

/**
 * A tag or a reason: text like a message's, so its placeholders are checked here and filled in
 * when it runs (`tag member "来源:{source}"`), never stored as written (docs/language.md,
 * "Templates and placeholders"). They are about the member the action acts on.
 */
function inline(cx: Checker, t: A.StringLit, scope: Scope): string {
  return text(cx, { kind: 'inline', text: t }, scope, true);
}
