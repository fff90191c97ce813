import type { Action } from '../../ir/schema.js';
import { isoInZone } from '../../stdlib/calendar.js';
import { isoDuration } from '../../stdlib/durations.js';
import { memberGone } from '../constructs/members.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/**
 * `ban member [for D] [reason "…"]`: `member.ban`, with `duration` and `until` when timed. The
 * member leaves the group as with `remove member`: their timers go and nothing more is aimed at
 * them; a timed ban lets them join again later, and a rejoin starts fresh (docs/runtime.md).
 */
export function ban(core: Core, ctx: Ctx, a: Extract<Action, { do: 'ban' }>): void {
  const m = actor(ctx);
  if (!m) return;
  const fields: { reason: string; duration?: string; until?: string } = { reason: a.reason === undefined ? '' : core.text(ctx, a.reason) };
  if (a.durationMs !== undefined) {
    fields.duration = isoDuration(a.durationMs);
    fields.until = isoInZone(ctx.now + a.durationMs, core.zone);
  }
  core.touch(ctx.community, m.id);
  core.emit(ctx, 'member.ban', m.id, fields);
  memberGone(ctx.community, m);
}
