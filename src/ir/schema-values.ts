import { z } from 'zod';
import { ARITH_OPS, VALUE_FUNCTIONS, type ArithOp, type ValueFunction } from '../stdlib/arithmetic.js';
import { CLOCK_PARTS, type ClockPart } from '../stdlib/local-time.js';

/**
 * The IR's values and conditions (a part of the IR contract, schema.ts, which re-exports them):
 * what `when`, `unless`, filters and computed amounts are lowered to.
 */
export const CondValue: z.ZodType<CondValue> = z.union([
  z.object({ const: z.union([z.number(), z.string(), z.boolean()]) }),
  z.object({ field: z.string() }),
  z.object({ member: z.enum(['id', 'name', 'points', 'level', 'joinedDays', 'age']) }),
  z.object({ counter: z.string() }),
  z.object({ this: z.string() }),
  z.object({ clock: z.enum(CLOCK_PARTS) }),
  z.object({
    attendance: z.object({ schedule: z.string(), kind: z.enum(['absences', 'attended']), withinMs: z.number().int().positive() }),
  }),
  z.object({ arith: z.enum(ARITH_OPS), left: z.lazy(() => CondValue), right: z.lazy(() => CondValue) }),
  z.object({ fn: z.enum(VALUE_FUNCTIONS), args: z.array(z.lazy(() => CondValue)), draw: z.string().optional() }),
]);
export type CondValue =
  | { const: number | string | boolean }
  | { field: string }
  /** `age`: milliseconds since the member joined; no value for a member never seen joining. */
  | { member: 'id' | 'name' | 'points' | 'level' | 'joinedDays' | 'age' }
  | { counter: string }
  /** Inside a counter's `where` read at query time: a field of the event being handled (`this.sku`). */
  | { this: string }
  /** The wall clock in the playbook's zone at `now` (src/stdlib/local-time.ts): minute of day, ISO weekday, date. */
  | { clock: ClockPart }
  | { attendance: { schedule: string; kind: 'absences' | 'attended'; withinMs: number } }
  /** Arithmetic on numbers (src/stdlib/arithmetic.ts). */
  | { arith: ArithOp; left: CondValue; right: CondValue }
  /** `draw`: for `random`, which draw of the playbook this is (`random:1`, …), so two draws differ. */
  | { fn: ValueFunction; args: CondValue[]; draw?: string };

export const TextPattern = z.union([z.object({ regex: z.string(), flags: z.string() }), z.object({ text: z.string() })]);
export type TextPattern = z.infer<typeof TextPattern>;

export type Cond =
  | { all: Cond[] }
  | { any: Cond[] }
  | { not: Cond }
  | { op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte'; left: CondValue; right: CondValue }
  | { op: 'matches'; left: CondValue; patterns: TextPattern[] }
  | { op: 'contains'; left: CondValue; value: string }
  | { op: 'truthy'; left: CondValue }
  | { op: 'hasRole'; role: string }
  | { op: 'hasTag'; tag: string }
  /** The member has posted, as far as the playbook knows (a message, or a roster's `lastActiveAt`). */
  | { op: 'hasPosted' }
  | { op: 'inSegment'; segment: string }
  | { op: 'inStage'; campaign: string; stage?: string };

export const Cond: z.ZodType<Cond> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(Cond) }),
    z.object({ any: z.array(Cond) }),
    z.object({ not: Cond }),
    z.object({ op: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']), left: CondValue, right: CondValue }),
    z.object({ op: z.literal('matches'), left: CondValue, patterns: z.array(TextPattern) }),
    z.object({ op: z.literal('contains'), left: CondValue, value: z.string() }),
    z.object({ op: z.literal('truthy'), left: CondValue }),
    z.object({ op: z.literal('hasRole'), role: z.string() }),
    z.object({ op: z.literal('hasTag'), tag: z.string() }),
    z.object({ op: z.literal('hasPosted') }),
    z.object({ op: z.literal('inSegment'), segment: z.string() }),
    z.object({ op: z.literal('inStage'), campaign: z.string(), stage: z.string().optional() }),
  ]),
);
