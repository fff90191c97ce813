import { dict } from '../../stdlib/dict.js';
import { pruneWindow } from '../../stdlib/windows.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import type { MemberState } from '../state.js';
import { templateExtras } from '../../ir/index.js';

/**
 * `ladder`: `warn member … on ladder L` records a warning, and the step numbered as the count
 * of unexpired warnings runs; past the last step, the last step runs (docs/runtime.md, "Rules,
 * windows, ladders"; docs/language.md, "Ladders"). The `warn` action (actions/warn.ts) calls in here.
 */
export function warnOnLadder(core: Core, ctx: Ctx, m: MemberState, ladderName: string, reasonTemplate: string | undefined): void {
  const ladder = core.ir.ladders.find((l) => l.name === ladderName);
  if (!ladder) return;
  const warnings = (m.warnings ??= dict());
  const list = (warnings[ladder.name] ??= []);
  // "Warnings older than expire no longer count": one exactly `expire` old still does.
  if (ladder.expireMs) pruneWindow(list, ctx.now, ladder.expireMs + 1);
  list.push(ctx.now);
  // The warned member may not be the event's (`warn author`): a durable store writes their row.
  core.touch(ctx.community, m.id);
  const count = list.length;
  const reason = reasonTemplate ? core.text(ctx, reasonTemplate) : '';
  ctx.out.push({
    at: core.at(ctx.now),
    type: 'member.warn',
    community: ctx.community.id,
    member: m.id,
    ladder: ladder.name,
    count,
    reason,
    cause: ctx.cause,
    source: ctx.source,
  });
  const last = ladder.steps[ladder.steps.length - 1];
  const step = ladder.steps.find((s) => s.n === count) ?? (last && count > last.n ? last : undefined);
  if (step) {
    const lctx: Ctx = {
      ...ctx,
      member: m,
      target: undefined,
      source: ladder.id,
      // Stryker disable next-line StringLiteral: templateExtras uses its kind for types only (src/ir/template-extras.ts); docs/testing.md
      extras: templateExtras('ladder', { count, ladder: ladder.name, reason }, ctx.extras),
    };
    core.runActions(lctx, step.actions);
  }
}
