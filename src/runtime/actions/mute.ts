import type { Action } from '../../ir/schema.js';
import { isoInZone } from '../../stdlib/calendar.js';
import { isoDuration } from '../../stdlib/durations.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';

/** `mute member for D`: the platform mutes; the runtime keeps no mute state. */
export function mute(core: Core, ctx: Ctx, a: Extract<Action, { do: 'mute' }>): void {
  const m = ctx.member;
  if (!m) return;
  const fields: { duration: string; until: string; reason?: string } = {
    duration: isoDuration(a.durationMs),
    until: isoInZone(ctx.now + a.durationMs, core.zone),
  };
  if (a.reason) fields.reason = core.text(ctx, a.reason);
  core.emit(ctx, 'member.mute', m.id, fields);
}
