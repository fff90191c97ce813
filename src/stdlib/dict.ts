/**
 * Tables keyed by names from input: member ids, community ids, event types, ladder, ritual,
 * campaign and schedule names, tags, counter ids (docs/runtime.md, "Hostile names").
 *
 * A plain `{}` inherits from `Object.prototype`, so `members['__proto__']` reads the prototype
 * (and writing through it pollutes every object in the process) and `events['constructor']` finds
 * a function. A dict has no `Object.prototype` in its chain: every string is an ordinary key,
 * absent keys read as `undefined`, and `JSON.stringify` writes it exactly as it would a plain
 * object, so state snapshots keep their format.
 *
 * Dicts are made with `Object.create` from one frozen, empty prototype that itself has no
 * prototype. That is as safe as `Object.create(null)` (nothing inherited, no `__proto__`
 * accessor), but V8 keeps such objects in fast mode, where `Object.create(null)` objects start as
 * hash tables: with those, a member's small per-counter and per-points tables took 1,207 bytes
 * instead of 823 after one message (`node --expose-gc bench/heap.mjs runtime 100000`).
 *
 * `test/no-plain-dicts.test.ts` keeps `src/` on these helpers.
 */

/** A table keyed by names from input; its type is an ordinary record, its prototype is not. */
export type Dict<T> = Record<string, T>;

const DictPrototype: object = Object.freeze(Object.create(null) as object);

/** An empty dict. */
export function dict<T>(): Dict<T> {
  return Object.create(DictPrototype) as Dict<T>;
}

/** A dict with the own enumerable keys of `source` (a parsed JSON object, say); values are shared. */
export function dictFrom<T>(source: Readonly<Record<string, T>> | null | undefined): Dict<T> {
  const out = dict<T>();
  if (source) for (const k of Object.keys(source)) out[k] = source[k]!;
  return out;
}

/**
 * A constant lookup table (weekday words, duration units, action types): a frozen dict, so a
 * word read from a playbook or a test file that happens to be `constructor` or `toString` is
 * simply not in it.
 */
export function table<T>(entries: Readonly<Record<string, T>>): Readonly<Dict<T>> {
  return Object.freeze(dictFrom(entries));
}

/** Whether `key` is an own key of `o` (false for anything inherited, whatever `o` is). */
export function hasKey(o: object | null | undefined, key: string): boolean {
  return o !== null && o !== undefined && Object.hasOwn(o, key);
}

/** `o[key]` if `key` is an own key of `o`, else undefined: a safe read of any object, dict or not. */
export function own<T>(o: Readonly<Record<string, T>> | null | undefined, key: string): T | undefined {
  return o !== null && o !== undefined && Object.hasOwn(o, key) ? o[key] : undefined;
}

/** Whether `o` is a dict made here (tests use it to check that restored state has no prototype). */
export function isDict(o: unknown): boolean {
  return typeof o === 'object' && o !== null && (Object.getPrototypeOf(o) === DictPrototype || Object.getPrototypeOf(o) === null);
}

/**
 * A reader of one key of objects that come from outside (event payloads): a plain property read
 * when the key is not a name `Object.prototype` has, an own-key read when it is. The choice is
 * made once per key, so the common case costs nothing.
 */
export function ownReader(key: string): (o: Readonly<Record<string, unknown>>) => unknown {
  if (!(key in Object.prototype)) return (o) => o[key];
  return (o) => (Object.hasOwn(o, key) ? o[key] : undefined);
}

/**
 * A deep copy of JSON-like data in which every object (not array) is a dict. Restoring a snapshot
 * uses it: `JSON.parse` and `structuredClone` build objects that inherit from `Object.prototype`.
 */
export function copyDicts<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    // Stryker disable next-line ArrayDeclaration: the length is only preallocation; every index is assigned below
    const arr = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) arr[i] = copyDicts(value[i] as unknown);
    return arr as T;
  }
  const out = dict<unknown>();
  const src = value as Record<string, unknown>;
  for (const k of Object.keys(src)) out[k] = copyDicts(src[k]);
  return out as T;
}
