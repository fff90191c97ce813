import { localDayNumber } from '../../stdlib/calendar.js';
import { dict } from '../../stdlib/dict.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { InputEvent } from '../events.js';
import { addItem, hasItem } from '../member.js';
import type { MemberState } from '../state.js';
import { templateExtras } from '../../ir/index.js';
import type { Badge } from '../../ir/schema.js';

/**
 * `level` and `badge`: what a member reaches once (docs/runtime.md, "Points"; docs/language.md,
 * "Levels" and "Badges").
 */

/** Levels are reached when the balance first crosses a threshold above zero; each once per member. */
export function reachLevels(core: Core, ctx: Ctx, m: MemberState): void {
  for (const l of core.ir.levels) {
    if (l.at > 0 && m.points >= l.at && !hasItem(m.levels, l.name)) {
      m.levels = addItem(m.levels, l.name);
      core.emit({ ...ctx, source: 'levels' }, 'level.reached', m.id, { level: l.name });
    }
  }
}

export function checkBadges(core: Core, ctx: Ctx, m: MemberState, ev: InputEvent, now: number): void {
  for (const b of core.ir.badges) {
    if (hasItem(m.badges, b.name)) continue;
    let earned = false;
    if (b.streak) {
      if (b.streak.event === ev.type) {
        const today = localDayNumber(now, core.zone);
        const streaks = (m.streaks ??= dict());
        const s = streaks[b.name];
        if (!s || s.day < today - 1) streaks[b.name] = { day: today, length: 1 };
        else if (s.day === today - 1) streaks[b.name] = { day: today, length: s.length + 1 };
        // Stryker disable next-line OptionalChaining: the streak was set just above; docs/testing.md
        earned = (streaks[b.name]?.length ?? 0) >= b.streak.days;
      }
    } else if (b.when) {
      earned = core.test(b.when, ctx);
    }
    if (earned) grantBadge(core, ctx, m, b);
  }
}

/** Grants badge `b` once: `badge.granted`, then the badge's actions, whether a condition or `award badge` earned it. */
export function grantBadge(core: Core, ctx: Ctx, m: MemberState, b: Badge): void {
  if (hasItem(m.badges, b.name)) return;
  m.badges = addItem(m.badges, b.name);
  // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
  const bctx: Ctx = { ...ctx, member: m, target: undefined, source: b.id, extras: templateExtras('badge', { badge: b.name }, ctx.extras) };
  core.emit(bctx, 'badge.granted', m.id, { badge: b.name });
  core.runActions(bctx, b.actions);
}
