import type { Action } from '../../ir/schema.js';
import { isoInZone } from '../../stdlib/calendar.js';
import { isoDuration, MAX_DURATION_MS } from '../../stdlib/durations.js';
import type { Core } from '../core.js';
import { actor, type Ctx } from '../context.js';

/**
 * `mute member for D`: the platform mutes; the runtime keeps no mute state. A computed length
 * (`mute member 10m * warnings`) is rounded to whole seconds, at most ten years; one with no
 * value (a missing field, a division by zero) or under a second mutes nobody (docs/language.md,
 * "Actions").
 */
export function mute(core: Core, ctx: Ctx, a: Extract<Action, { do: 'mute' }>): void {
  const m = actor(ctx);
  if (!m) return;
  const ms = a.value ? computedLength(core.value(a.value)(ctx)) : a.durationMs;
  if (ms === undefined) return;
  const fields: { duration: string; until: string; reason?: string } = {
    duration: isoDuration(ms),
    until: isoInZone(ctx.now + ms, core.zone),
  };
  if (a.reason) fields.reason = core.text(ctx, a.reason);
  core.emit(ctx, 'member.mute', m.id, fields);
}

function computedLength(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const ms = Math.round(v / 1000) * 1000;
  return ms < 1000 ? undefined : Math.min(ms, MAX_DURATION_MS);
}
