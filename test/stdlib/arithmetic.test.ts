import { describe, expect, it } from 'vitest';
import { ARITH_OPS, arith, callFunction, drawInt, FUNCTION_ARITY, lengthOf, roundHalfAway, VALUE_FUNCTIONS } from '../../src/stdlib/arithmetic.js';

/** src/stdlib/arithmetic.ts on its own (docs/language.md, "Arithmetic" and "Randomness"; issue 14, item 7). */

describe('the tables the checker and the IR schema read', () => {
  it('operators, functions and their argument counts', () => {
    expect(ARITH_OPS).toEqual(['+', '-', '*', '/']);
    expect(VALUE_FUNCTIONS).toEqual(['min', 'max', 'round', 'floor', 'ceil', 'abs', 'length', 'random']);
    expect(FUNCTION_ARITY).toEqual({
      min: [2, Infinity],
      max: [2, Infinity],
      round: [1, 1],
      floor: [1, 1],
      ceil: [1, 1],
      abs: [1, 1],
      length: [1, 1],
      random: [2, 2],
    });
  });
});

describe('arith', () => {
  it('each operator on numbers', () => {
    expect([arith('+', 7, 2), arith('-', 7, 2), arith('*', 7, 2), arith('/', 7, 2)]).toEqual([9, 5, 14, 3.5]);
  });

  it('no value when either operand is not a number', () => {
    for (const op of ARITH_OPS) {
      expect(arith(op, '7', 2)).toBeUndefined();
      expect(arith(op, 7, '2')).toBeUndefined();
      expect(arith(op, undefined, 2)).toBeUndefined();
    }
  });

  it('no value for division by zero or a result that is not finite', () => {
    expect(arith('/', 1, 0)).toBeUndefined();
    expect(arith('/', 0, 5)).toBe(0);
    expect(arith('+', 1e308, 1e308)).toBeUndefined();
    expect(arith('-', -1e308, 1e308)).toBeUndefined();
    expect(arith('*', 1e308, 10)).toBeUndefined();
    expect(arith('/', 1e308, 1e-10)).toBeUndefined();
    expect(arith('+', Infinity, 1)).toBeUndefined();
  });
});

describe('roundHalfAway, lengthOf', () => {
  it('rounds halves away from zero and never gives -0', () => {
    expect([roundHalfAway(2.5), roundHalfAway(-2.5), roundHalfAway(2.4), roundHalfAway(-2.6)]).toEqual([3, -3, 2, -3]);
    expect(Object.is(roundHalfAway(-0.4), 0)).toBe(true);
    expect(Object.is(roundHalfAway(0), 0)).toBe(true);
  });

  it('counts characters (an emoji is one), list items, and 0 for an absent value', () => {
    expect([lengthOf('abc'), lengthOf('a😀'), lengthOf(''), lengthOf(['x', 'y']), lengthOf(undefined), lengthOf(null)]).toEqual([3, 2, 0, 2, 0, 0]);
    expect(lengthOf(5)).toBeUndefined();
    expect(lengthOf({ length: 3 })).toBeUndefined();
  });
});

describe('drawInt', () => {
  it('the same salt draws the same number, as it always has (replays and resumed snapshots depend on it)', () => {
    const salts = ['', 'a', 'seed|cause|draw|ann', 'x'.repeat(40)];
    expect(salts.map((s) => drawInt(s, 0, 1_000_000_000))).toEqual([877848927, 929769033, 472576569, 638852630]);
  });

  it('stays within both bounds, reaches both, and lo = hi draws lo', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const v = drawInt(`s${i}`, -2, 2)!;
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThanOrEqual(2);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
    expect(drawInt('any', 7, 7)).toBe(7);
  });

  it('no value unless both bounds are whole numbers with lo <= hi', () => {
    expect(drawInt('s', 1.5, 3)).toBeUndefined();
    expect(drawInt('s', 1, 3.5)).toBeUndefined();
    expect(drawInt('s', '1', 3)).toBeUndefined();
    expect(drawInt('s', 1, '3')).toBeUndefined();
    expect(drawInt('s', 4, 3)).toBeUndefined();
  });
});

describe('callFunction', () => {
  it('each function', () => {
    expect(callFunction('min', [3, 1, 2])).toBe(1);
    expect(callFunction('max', [1, 3.4, 2])).toBe(3.4);
    expect(callFunction('round', [-2.5])).toBe(-3);
    // 2.5 tells round from floor, which agree on -2.5.
    expect(callFunction('round', [2.5])).toBe(3);
    expect(callFunction('floor', [-2.5])).toBe(-3);
    expect(callFunction('ceil', [-2.5])).toBe(-2);
    expect(callFunction('abs', [-2.5])).toBe(2.5);
    expect(callFunction('length', ['ab😀'])).toBe(3);
    expect(callFunction('random', [5, 5], 'salt')).toBe(5);
    expect(callFunction('random', [0, 1_000_000_000], 'a')).toBe(drawInt('a', 0, 1_000_000_000));
    expect(callFunction('random', [0, 1_000_000_000])).toBe(drawInt('', 0, 1_000_000_000));
  });

  it('no value when an argument is not a number (length and random check their own)', () => {
    expect(callFunction('min', [1, '2'])).toBeUndefined();
    expect(callFunction('abs', [undefined])).toBeUndefined();
    expect(callFunction('length', [undefined])).toBe(0);
    expect(callFunction('nope' as never, [1])).toBeUndefined();
  });
});
