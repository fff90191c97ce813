/**
 * Arithmetic on playbook values (docs/language.md, "Arithmetic"): `+ - * /`, `min`, `max`,
 * `round`, `floor`, `ceil`, `abs` and `length`. Values come from events, so any operand may be
 * missing or of the wrong kind: the result is then `undefined`, and a comparison with it is
 * false, as a comparison with a missing field is. Division by zero and results that are not
 * finite are `undefined` too, never `Infinity` or `NaN`.
 */

export const ARITH_OPS = ['+', '-', '*', '/'] as const;
export type ArithOp = (typeof ARITH_OPS)[number];

export const VALUE_FUNCTIONS = ['min', 'max', 'round', 'floor', 'ceil', 'abs', 'length', 'random'] as const;
export type ValueFunction = (typeof VALUE_FUNCTIONS)[number];

/** How many arguments each function takes: [at least, at most]. */
export const FUNCTION_ARITY: Readonly<Record<ValueFunction, readonly [number, number]>> = {
  min: [2, Infinity],
  max: [2, Infinity],
  round: [1, 1],
  floor: [1, 1],
  ceil: [1, 1],
  abs: [1, 1],
  length: [1, 1],
  random: [2, 2],
};

function finite(x: number): number | undefined {
  return Number.isFinite(x) ? x : undefined;
}

export function arith(op: ArithOp, a: unknown, b: unknown): number | undefined {
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  switch (op) {
    case '+':
      return finite(a + b);
    case '-':
      return finite(a - b);
    case '*':
      return finite(a * b);
    case '/':
      return b === 0 ? undefined : finite(a / b);
  }
}

/** Rounds to the nearest whole number, halves away from zero (2.5 → 3, −2.5 → −3). */
export function roundHalfAway(x: number): number {
  const r = Math.round(Math.abs(x)) * Math.sign(x);
  return r === 0 ? 0 : r;
}

/**
 * The length of a text in characters (code points: an emoji counts as one) or of a list in
 * items; an absent value has length 0 (an optional `mentions` that is not there lists nobody).
 */
export function lengthOf(v: unknown): number | undefined {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string') {
    let n = 0;
    for (const _ of v) n++;
    return n;
  }
  return Array.isArray(v) ? v.length : undefined;
}

/**
 * `random(lo, hi)`: a whole number from `lo` to `hi`, both included, drawn without state from
 * `salt` (the runtime's seed for the community, the cause, the draw's place in the playbook and
 * the member): the same stream draws the same numbers however it is split or resumed
 * (docs/language.md, "Randomness"). No value unless both bounds are whole numbers, `lo <= hi`.
 */
export function drawInt(salt: string, lo: unknown, hi: unknown): number | undefined {
  if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isInteger(lo) || !Number.isInteger(hi) || lo > hi) return undefined;
  return lo + Math.floor(unitFloat(salt) * (hi - lo + 1));
}

/** A number in [0, 1) from a text: FNV-1a, then a splitmix32 finaliser so near texts draw apart. */
function unitFloat(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  h ^= h >>> 15;
  return (h >>> 0) / 4294967296;
}

export function callFunction(fn: ValueFunction, args: readonly unknown[], salt = ''): number | undefined {
  if (fn === 'length') return lengthOf(args[0]);
  if (fn === 'random') return drawInt(salt, args[0], args[1]);
  if (!args.every((a): a is number => typeof a === 'number')) return undefined;
  const nums = args;
  switch (fn) {
    case 'min':
      return Math.min(...nums);
    case 'max':
      return Math.max(...nums);
    case 'round':
      return roundHalfAway(nums[0]!);
    case 'floor':
      return Math.floor(nums[0]!);
    case 'ceil':
      return Math.ceil(nums[0]!);
    case 'abs':
      return Math.abs(nums[0]!);
  }
  return undefined;
}
