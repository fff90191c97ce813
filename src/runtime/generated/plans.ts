import { dict } from '../../stdlib/dict.js';
import { pruneWindow } from '../../stdlib/windows.js';
import { recordCounter, type CompiledCounter } from '../constructs/counters.js';
import { tallyEvent } from '../constructs/leaderboards.js';
import { activeMultiplier } from '../constructs/campaigns.js';
import { award, grantEntry, periodNumber, type CompiledPoints } from '../constructs/points.js';
import { coolingDown, fireRules, firedForKey, onceValue, type CompiledRule } from '../constructs/rules.js';
import { recordAttendance } from '../constructs/schedules.js';
import type { Ctx } from '../context.js';
import type { Core } from '../core.js';
import type { InputEvent } from '../events.js';
import type { CommunityState, MemberState } from '../state.js';
import type { CondWriter } from './conditions.js';
import { lit, Source } from './source.js';

/**
 * One generated function per event type (the `generated` engine): the event's counters, its
 * leaderboard tallies and attendance, its rules and its points table, in the order
 * Runtime.processEvent runs them, with every condition written inline (conditions.ts) and the
 * constructs that do not apply to the type left out. What an event changes is still done by the
 * constructs' own code (`fireRules`, `grantEntry`, `recordCounter`, ...), called with their
 * compiled entries passed as constants; only the tests that decide whether they run are here.
 */
export type Plan = (ctx: Ctx, c: CommunityState, m: MemberState | undefined, ev: InputEvent, now: number) => void;

export class EventPlans {
  private readonly plans = new Map<string, Plan>();

  constructor(
    private readonly core: Core,
    private readonly writer: CondWriter,
  ) {}

  /** The plan of an event type, generated on its first event. */
  get(type: string): Plan {
    let plan = this.plans.get(type);
    if (!plan) {
      plan = this.generate(type);
      this.plans.set(type, plan);
    }
    return plan;
  }

  /** The source of the plan of `type` (for tests and for reading what was generated). */
  source(type: string): string {
    const src = new Source();
    const body = this.body(src, type);
    return src.declarations() + body;
  }

  private generate(type: string): Plan {
    const src = new Source();
    const body = this.body(src, type);
    return src.build(['ctx', 'c', 'm', 'ev', 'now'], body, 'generatedPlan') as Plan;
  }

  private body(src: Source, type: string): string {
    const core = this.core;
    const out: string[] = [];
    (core.counters.byEvent.get(type) ?? []).forEach((cc, i) => out.push(this.counter(src, cc, `c${i}`)));
    if (core.boards.byEvent.has(type)) out.push(`if (m !== undefined) ${src.k(tallyEvent)}(${src.k(core)}, c, m, ev.type, now);`);
    if (core.ir.schedules.some((s) => s.attendanceEvent === type)) out.push(`if (m !== undefined) ${src.k(recordAttendance)}(${src.k(core)}, c, m, ev, now);`);
    const rules = core.rules.get(type) ?? [];
    if (rules.length) {
      const firing = src.temp();
      const taken = src.temp();
      rules.forEach((cr, i) => out.push(this.rule(src, cr, type, `r${i}`, firing, taken)));
      out.push(`if (${firing} !== undefined) ${src.k(fireRules)}(${src.k(core)}, ctx, c, m, ev, ${firing});`);
    }
    // A roster entry (`member.seen`) runs rules and counters only (constructs/members.ts).
    const points = type === 'member.seen' ? [] : (core.points.get(type) ?? []);
    if (points.length) {
      const entries = points.map((cp, i) => {
        const p = cp.rule;
        const lines = [`p${i}: {`];
        if (p.stage) lines.push(`if (c.campaigns[${lit(p.stage.campaign)}]?.stage !== ${lit(p.stage.stage)}) break p${i};`);
        if (p.on.where) lines.push(`if (!${this.writer.cond(src, p.on.where)}) break p${i};`);
        if (p.cooldownMs !== undefined) {
          const last = src.temp();
          lines.push(`${last} = m.lastAward?.[${lit(p.id)}];`, `if (${last} !== undefined && now - ${last} < ${src.k(p.cooldownMs)}) break p${i};`);
        }
        lines.push(...this.grant(src, cp, `p${i}`), '}');
        return lines.join('\n');
      });
      out.push(`if (m !== undefined && m.present) {\n${entries.join('\n')}\n}`);
    }
    return out.join('\n');
  }

  /**
   * The grant of a points entry whose cooldown passed: grantEntry (constructs/points.ts) written
   * out for this entry, its amount, caps and ids as constants, each period computed once; an
   * entry with a computed amount goes through grantEntry itself.
   */
  private grant(src: Source, cp: CompiledPoints, label: string): string[] {
    const p = cp.rule;
    const core = this.core;
    if (p.value) return [`${src.k(grantEntry)}(${src.k(core)}, ctx, ${src.k(cp)}, now);`];
    const amount = src.temp();
    const caps = p.caps.length ? src.temp() : '';
    const lines = [
      core.ir.campaigns.length ? `${amount} = ${src.k(p.amount)} * ${src.k(activeMultiplier)}(${src.k(core)}, c);` : `${amount} = ${src.k(p.amount)};`,
      // Before the caps and the cooldown, so an award that is not made counts for neither.
      `if (Math.abs(m.points + ${amount}) === Infinity) break ${label};`,
    ];
    if (p.caps.length) lines.push(`${caps} = m.caps;`);
    // Caps of one period share one slot (its key), read by each and counted once.
    const slots = new Map<string, { key: string; slot: string; id: string }>();
    p.caps.forEach((cap, i) => {
      let s = slots.get(cp.capIds[i]!);
      if (!s) {
        s = { key: src.temp(), slot: src.temp(), id: lit(cp.capIds[i]!) };
        slots.set(cp.capIds[i]!, s);
        lines.push(
          `${s.key} = ${src.k(periodNumber)}(${src.k(core.zone)}, now, ${lit(cap.per)});`,
          `${s.slot} = ${caps}?.[${s.id}];`,
          // As grantEntry reads it: a slot of another period, or none (`null` in a damaged snapshot), counts nothing.
          `if (${s.slot} == null || ${s.slot}.key !== ${s.key}) ${s.slot} = undefined;`,
        );
      }
      const used = cap.unit === 'points' ? `${s.slot}.points` : `${s.slot}.count`;
      const adds = cap.unit === 'points' ? amount : '1';
      lines.push(`if ((${s.slot} === undefined ? 0 : ${used}) + ${adds} > ${src.k(cap.limit)}) break ${label};`);
    });
    if (slots.size) lines.push(`if (${caps} == null) ${caps} = m.caps = ${src.k(dict)}();`);
    for (const { key, slot, id } of slots.values()) {
      lines.push(
        `if (${slot} !== undefined) { ${slot}.count++; ${slot}.points += ${amount}; } else ${caps}[${id}] = { key: ${key}, count: 1, points: ${amount} };`,
      );
    }
    if (p.cooldownMs !== undefined) lines.push(`(m.lastAward ??= ${src.k(dict)}())[${lit(p.id)}] = now;`);
    lines.push(`ctx.source = ${lit(p.id)};`, `${src.k(award)}(${src.k(core)}, ctx, ${amount}, ${lit(p.reason)});`);
    return lines;
  }

  /** One counter: a plain count or window of a member or the community inline, any other form by recordCounter. */
  private counter(src: Source, cc: CompiledCounter, label: string): string {
    const spec = cc.spec;
    const core = this.core;
    if (cc.measure || cc.keep || spec.scope === 'network') {
      return `${src.k(recordCounter)}(${src.k(cc)}, ${src.k(core.counterFilter)}, ctx, c, m, ev, now, ${src.k(core.network)});`;
    }
    const store = src.temp();
    const slot = src.temp();
    const key = lit(spec.id);
    const lines = [`${label}: {`];
    if (spec.campaign) lines.push(`if (!c.campaigns[${lit(spec.campaign)}]?.stage) break ${label};`);
    // The member's table is made before the `where` is tested, as recordCounter does (snapshots show it).
    if (spec.scope === 'member') lines.push(`if (m === undefined) break ${label};`, `${store} = (m.counters ??= ${src.k(dict)}());`);
    else lines.push(`${store} = c.counters;`);
    if (spec.where) lines.push(`if (!${this.writer.cond(src, spec.where)}) break ${label};`);
    if (spec.withinMs) {
      lines.push(
        `${slot} = ${store}[${key}];`,
        `if (!Array.isArray(${slot})) ${slot} = ${store}[${key}] = [];`,
        `${src.k(pruneWindow)}(${slot}, now, ${src.k(spec.withinMs)});`,
        `${slot}.push(now);`,
      );
    } else lines.push(`${slot} = ${store}[${key}];`, `${store}[${key}] = (typeof ${slot} === 'number' ? ${slot} : 0) + 1;`);
    lines.push('}');
    return lines.join('\n');
  }

  /** One rule's tests, in runRules's order; a rule that passes them all is added to the firing list. */
  private rule(src: Source, cr: CompiledRule, type: string, label: string, firing: string, taken: string): string {
    const r = cr.rule;
    const k = (v: unknown) => src.k(v);
    const ons = r.on.filter((o) => o.event === type).map((o) => (o.where ? this.writer.cond(src, o.where) : 'true'));
    const lines = [`${label}: {`, `if (!(${ons.join(' || ')})) break ${label};`];
    if (r.stage) lines.push(`if (c.campaigns[${lit(r.stage.campaign)}]?.stage !== ${lit(r.stage.stage)}) break ${label};`);
    if (r.once === 'member') lines.push(`if (m?.once?.includes(${lit(r.id)})) break ${label};`);
    if (r.once === 'community') lines.push(`if (c.once.includes(${lit(r.id)})) break ${label};`);
    if (r.onceKey !== undefined) lines.push(`if (${k(firedForKey)}(c, ${lit(r.id)}, ${k(onceValue)}(ev, ${lit(r.onceKey)}))) break ${label};`);
    if (r.cooldownMs !== undefined) lines.push(`if (${k(coolingDown)}(c, m, ${k(r)}, ${k(r.cooldownMs)}, now)) break ${label};`);
    if (r.when) lines.push(`if (!${this.writer.cond(src, r.when)}) break ${label};`);
    for (const u of r.unless) lines.push(`if (${this.writer.cond(src, u)}) break ${label};`);
    if (r.exclusive !== undefined) {
      lines.push(`if (${taken}?.has(${lit(r.exclusive)})) break ${label};`, `(${taken} ??= new Set()).add(${lit(r.exclusive)});`);
    }
    lines.push(`(${firing} ??= []).push(${k(cr)});`, '}');
    return lines.join('\n');
  }
}
