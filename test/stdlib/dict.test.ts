import { describe, expect, it } from 'vitest';
import { copyDicts, dict, dictFrom, hasKey, isDict, own, ownReader, table } from '../../src/stdlib/dict.js';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

describe('dict', () => {
  it('is empty: names of Object.prototype read as undefined', () => {
    const d = dict<number>();
    for (const k of HOSTILE) expect(d[k], k).toBeUndefined();
    expect(Object.keys(d)).toEqual([]);
    expect(isDict(d)).toBe(true);
  });

  it('stores __proto__ as an ordinary key, without touching any prototype', () => {
    const d = dict<unknown>();
    d['__proto__'] = { polluted: true };
    expect(Object.keys(d)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(JSON.stringify(d)).toBe('{"__proto__":{"polluted":true}}');
  });

  it('shares one prototype, which is frozen and has no prototype itself', () => {
    const proto = Object.getPrototypeOf(dict()) as object;
    expect(Object.getPrototypeOf(dict())).toBe(proto);
    expect(Object.isFrozen(proto)).toBe(true);
    expect(Object.getPrototypeOf(proto)).toBeNull();
    expect(Object.getOwnPropertyNames(proto)).toEqual([]);
  });
});

describe('dictFrom', () => {
  it('copies the own enumerable keys, sharing the values', () => {
    const inner = { x: 1 };
    const d = dictFrom<unknown>({ a: 1, b: inner });
    expect(isDict(d)).toBe(true);
    expect({ ...d }).toEqual({ a: 1, b: inner });
    expect(d['b']).toBe(inner);
    expect(d['toString']).toBeUndefined();
  });

  it('makes an empty dict of null or undefined', () => {
    for (const src of [null, undefined]) {
      const d = dictFrom<number>(src);
      expect(isDict(d)).toBe(true);
      expect(Object.keys(d)).toEqual([]);
    }
  });

  it('leaves the source alone', () => {
    const src = { a: 1 };
    const d = dictFrom(src);
    d['b'] = 2;
    expect(src).toEqual({ a: 1 });
  });
});

describe('table', () => {
  it('is a frozen dict of the entries', () => {
    const t = table({ ms: 1, s: 1000 });
    expect(Object.isFrozen(t)).toBe(true);
    expect(isDict(t)).toBe(true);
    expect(t['s']).toBe(1000);
    expect(t['constructor']).toBeUndefined();
    expect(Object.keys(t)).toEqual(['ms', 's']);
  });
});

describe('hasKey and own', () => {
  it('see own keys only', () => {
    const o = { a: 1, z: 0 };
    expect(hasKey(o, 'a')).toBe(true);
    expect(hasKey(o, 'z')).toBe(true);
    expect(hasKey(o, 'b')).toBe(false);
    expect(hasKey(o, 'toString')).toBe(false);
    expect(own(o, 'a')).toBe(1);
    expect(own(o, 'z')).toBe(0);
    expect(own(o, 'b')).toBeUndefined();
    expect(own(o, 'toString')).toBeUndefined();
    expect(own(o as Record<string, number>, '__proto__')).toBeUndefined();
  });

  it('take null and undefined as having no keys', () => {
    expect(hasKey(null, 'a')).toBe(false);
    expect(hasKey(undefined, 'a')).toBe(false);
    expect(own(null, 'a')).toBeUndefined();
    expect(own(undefined, 'a')).toBeUndefined();
  });

  it('work on dicts', () => {
    const d = dictFrom({ k: 'v' });
    expect(hasKey(d, 'k')).toBe(true);
    expect(own(d, 'k')).toBe('v');
    expect(hasKey(d, 'constructor')).toBe(false);
  });
});

describe('isDict', () => {
  it('is true for dicts and objects without a prototype', () => {
    expect(isDict(dict())).toBe(true);
    expect(isDict(Object.create(null))).toBe(true);
  });

  it('is false for everything else', () => {
    for (const v of [{}, [], null, undefined, 1, 'x', () => 1, new Map(), Object.create({})]) expect(isDict(v), String(v)).toBe(false);
  });
});

describe('ownReader', () => {
  it('reads an ordinary key, inherited or own', () => {
    const read = ownReader('text');
    expect(read({ text: 'hi' })).toBe('hi');
    expect(read({})).toBeUndefined();
    expect(read(Object.create({ text: 'inherited' }) as Record<string, unknown>)).toBe('inherited');
  });

  it('reads a key Object.prototype has only when it is own', () => {
    for (const k of HOSTILE) {
      const read = ownReader(k);
      expect(read({}), k).toBeUndefined();
      expect(read(JSON.parse(`{"${k}": 5}`) as Record<string, unknown>), k).toBe(5);
    }
  });
});

describe('copyDicts', () => {
  it('copies deeply, every object a dict, arrays as arrays', () => {
    const src = JSON.parse('{"a":{"b":[1,{"c":null}],"__proto__":{"x":1}},"n":2,"s":"t"}') as Record<string, unknown>;
    const copy = copyDicts(src);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(src));
    expect(copy).not.toBe(src);
    expect(isDict(copy)).toBe(true);
    const a = copy['a'] as Record<string, unknown>;
    expect(isDict(a)).toBe(true);
    expect(a).not.toBe(src['a']);
    expect(Object.keys(a)).toEqual(['b', '__proto__']);
    expect(isDict(a['__proto__'])).toBe(true);
    const arr = a['b'] as unknown[];
    expect(Array.isArray(arr)).toBe(true);
    expect(arr).toHaveLength(2);
    expect(arr).not.toBe((src['a'] as Record<string, unknown>)['b']);
    expect(isDict(arr[1])).toBe(true);
  });

  it('returns primitives and null as they are', () => {
    for (const v of [null, undefined, 0, 1, 'x', true]) expect(copyDicts(v)).toBe(v);
  });
});
