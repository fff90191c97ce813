import { describe, expect, it } from 'vitest';
import { compareValues, type CompareOp } from '../../src/stdlib/compare.js';

const table = (op: CompareOp, pairs: [unknown, unknown, boolean][]) => {
  for (const [a, b, want] of pairs) expect(compareValues(op, a, b), `${String(a)} ${op} ${String(b)}`).toBe(want);
};

describe('compareValues', () => {
  it('eq and ne are strict', () => {
    table('eq', [
      [1, 1, true],
      [1, 2, false],
      [1, '1', false],
      ['a', 'a', true],
      [null, undefined, false],
      [true, true, true],
    ]);
    table('ne', [
      [1, 1, false],
      [1, 2, true],
      [1, '1', true],
      ['a', 'a', false],
      [null, undefined, true],
    ]);
  });

  it('orders two numbers', () => {
    table('gt', [
      [2, 1, true],
      [1, 1, false],
      [0, 1, false],
    ]);
    table('gte', [
      [2, 1, true],
      [1, 1, true],
      [0, 1, false],
    ]);
    table('lt', [
      [2, 1, false],
      [1, 1, false],
      [0, 1, true],
    ]);
    table('lte', [
      [2, 1, false],
      [1, 1, true],
      [0, 1, true],
    ]);
  });

  it('orders two strings', () => {
    table('gt', [
      ['b', 'a', true],
      ['a', 'a', false],
      ['a', 'b', false],
      ['10', '9', false],
    ]);
    table('gte', [
      ['b', 'a', true],
      ['a', 'a', true],
      ['a', 'b', false],
    ]);
    table('lt', [
      ['b', 'a', false],
      ['a', 'a', false],
      ['a', 'b', true],
    ]);
    table('lte', [
      ['b', 'a', false],
      ['a', 'a', true],
      ['a', 'b', true],
    ]);
  });

  it('does not order values of different types, or of other types', () => {
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      table(op, [
        [1, '1', false],
        ['1', 1, false],
        [2, '1', false],
        ['0', 1, false],
        [true, true, false],
        [true, false, false],
        [false, true, false],
        [null, null, false],
        [undefined, undefined, false],
        [[1], [1], false],
        [{}, {}, false],
        [1n, 1n, false],
        [2n, 1n, false],
        [1n, 2n, false],
      ]);
    }
  });
});
