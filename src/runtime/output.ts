import { isoInZone } from '../stdlib/calendar.js';
import { hasKey, own } from '../stdlib/dict.js';
import { renderTemplate } from '../stdlib/templates.js';
import type { Core } from './core.js';
import type { Ctx, OutputAction } from './context.js';
import { ENVELOPE_KEYS } from './events.js';
import { levelOf } from './member.js';
import type { MemberState } from './state.js';

const DAY = 86_400_000;

/** One action, keys in the order of DESIGN.md section 4: at, type, community, member, fields, cause, source. */
export function emit(core: Core, ctx: Ctx, type: string, member: string | undefined, fields?: Record<string, unknown>): void {
  const a: OutputAction = member === undefined
    ? { at: core.at(ctx.now), type, community: ctx.community.id }
    : { at: core.at(ctx.now), type, community: ctx.community.id, member };
  if (fields) for (const k in fields) a[k] = fields[k];
  a['cause'] = ctx.cause;
  a['source'] = ctx.source;
  ctx.out.push(a);
}

/** A message template filled in for the moment (docs/language.md, "Templates and placeholders"). */
export function text(core: Core, ctx: Ctx, template: string, member?: MemberState): string {
  if (!template.includes('{')) return template;
  const m = member ?? ctx.member;
  return renderTemplate(template, (name) => {
    if (hasKey(ctx.extras, name)) return ctx.extras![name];
    if (name.startsWith('member.') && m) {
      const attr = name.slice(7);
      if (attr === 'id') return m.id;
      if (attr === 'name') return m.name ?? m.id;
      if (attr === 'points') return m.points;
      if (attr === 'level') return levelOf(core.levels, m);
      if (attr === 'joinedDays') return Math.floor((ctx.now - m.joinedAt) / DAY);
    }
    if (name === 'community') return ctx.community.id;
    if (name === 'date') return isoInZone(ctx.now, core.zone).slice(0, 10);
    if (name === 'time') return isoInZone(ctx.now, core.zone).slice(11, 16);
    const field = name.startsWith('event.') ? name.slice(6) : name;
    if (ENVELOPE_KEYS.has(field)) return undefined;
    const v = own(ctx.event?.payload, field);
    if (typeof v === 'string' || typeof v === 'number') return v;
    if (Array.isArray(v)) return v.join(', ');
    return undefined;
  });
}
