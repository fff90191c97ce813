import { describe, expect, it } from 'vitest';
import { messageOf } from '../../src/stdlib/errors.js';

describe('messageOf', () => {
  it("reads an error's message, or the thrown value itself as text", () => {
    expect(messageOf(new Error('m'))).toBe('m');
    expect(messageOf(new RangeError(''))).toBe('');
    expect(messageOf('text')).toBe('text');
    expect(messageOf(null)).toBe('null');
    expect(messageOf(undefined)).toBe('undefined');
    // A `message` that is not text is not taken for one.
    expect(messageOf({ message: 3 })).toBe('[object Object]');
    expect(messageOf({ message: 'from a plain object' })).toBe('from a plain object');
  });
});
