/**
 * Comparison of condition values, shared by the runtime and the rules backend so both read
 * `a >= b` the same way: equality is strict; ordering needs two numbers or two strings of the
 * same type, otherwise it is false.
 */
export type CompareOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';

export function compareValues(op: CompareOp, a: unknown, b: unknown): boolean {
  if (op === 'eq') return a === b;
  if (op === 'ne') return a !== b;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const x = a as number;
  const y = b as number;
  switch (op) {
    case 'gt':
      return x > y;
    case 'gte':
      return x >= y;
    case 'lt':
      return x < y;
    default:
      return x <= y;
  }
}
