import { constants } from 'node:buffer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { admit, forgetBefore, RememberedIds } from '../src/runtime/remembered.js';
import { RememberedIdsFull, rememberedLimits, setRememberedLimitsForTests } from '../src/runtime/remembered-limits.js';
import { createRuntime } from '../src/runtime/runtime.js';
import type { CommunityState } from '../src/runtime/state.js';
import { PlaybookServer } from '../src/server/server.js';
import { MemoryDurableStore } from '../src/store/index.js';
import { load } from './constructs/helpers.js';
import { runCli } from './helpers/cli.js';

/**
 * The limits of the remembered ids' arena (src/runtime/remembered-ids.ts, remembered-limits.ts;
 * docs/performance.md, "Memory and simulate floor"): past a 2 GiB arena the starts are 64-bit
 * numbers, and past the largest arena the platform allows an id is refused with a clear error
 * before anything changes. The limits are lowered here (setRememberedLimitsForTests) so that a
 * few hundred bytes stand for gigabytes. Properties run with a fixed seed, printed on failure.
 */
const SEED = 20;

interface Inside {
  bytes: Uint8Array;
  used: number;
  starts: Int32Array | Float64Array;
  count: number;
  head: number;
}
const inside = (m: RememberedIds) => m as unknown as Inside;
const snapshot = (m: Map<string, number>) => ({ entries: [...m], size: m.size });

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});
const limit = (l: Parameters<typeof setRememberedLimitsForTests>[0]) => {
  restore = setRememberedLimitsForTests(l);
};

describe('the platform limits', () => {
  it('are the longest typed array Node allows, a billion places, and 32-bit starts up to a 2 GiB arena; a test puts them back', () => {
    const platform = { ...rememberedLimits };
    expect(platform).toEqual({ bytes: constants.MAX_LENGTH, places: 2 ** 30, int32Bytes: 2 ** 31 });
    expect(constants.MAX_LENGTH).toBe(2 ** 32);
    const back = setRememberedLimitsForTests({ bytes: 300 });
    expect(rememberedLimits).toEqual({ ...platform, bytes: 300 });
    back();
    expect(rememberedLimits).toEqual(platform);
  });
});

describe('starts past 32 bits', () => {
  it('turn 64-bit when the arena grows past the 32-bit size, and 32-bit again when a compaction shrinks it back', () => {
    limit({ int32Bytes: 512 });
    const m = new RememberedIds();
    // 256 bytes to begin with: ids of 3 characters take 4 bytes.
    for (let i = 0; i < 60; i++) m.set(`${100 + i}`, i);
    expect(inside(m).bytes.length).toBe(256);
    expect(inside(m).starts).toBeInstanceOf(Int32Array);
    for (let i = 60; i < 120; i++) m.set(`${100 + i}`, i);
    // 480 bytes used: a 512-byte arena, every start below 512, still 32-bit.
    expect(inside(m).bytes.length).toBe(512);
    expect(inside(m).starts).toBeInstanceOf(Int32Array);
    for (let i = 120; i < 2_000; i++) m.set(`${100 + i}`, i);
    expect(inside(m).bytes.length).toBeGreaterThan(512);
    expect(inside(m).starts).toBeInstanceOf(Float64Array);
    expect(m.get('100')).toBe(0);
    expect(m.get('2099')).toBe(1_999);
    expect([...m.keys()].slice(-2)).toEqual(['2098', '2099']);
    // Forgetting all but the last 50 compacts: 200 bytes left, in a 512-byte arena.
    m.forgetBefore(1_950);
    expect(inside(m).bytes.length).toBe(512);
    expect(inside(m).starts).toBeInstanceOf(Int32Array);
    expect([...m]).toEqual(Array.from({ length: 50 }, (_, k) => [`${2_050 + k}`, 1_950 + k]));
  });

  it('a start past 2^31 would have read back negative, as a deleted place: 64-bit starts keep it', () => {
    limit({ int32Bytes: 256 });
    const m = new RememberedIds();
    for (let i = 0; i < 100; i++) m.set(`id${i}`, i);
    expect(inside(m).starts).toBeInstanceOf(Float64Array);
    // What the 64-bit array holds at the platform's size: an Int32Array would wrap it.
    inside(m).starts[0] = 2 ** 31 + 7;
    expect(inside(m).starts[0]).toBe(2 ** 31 + 7);
    expect(new Int32Array([2 ** 31 + 7])[0]).toBeLessThan(0);
  });

  describe('a map whose starts switched behaves like a plain Map (fast-check, fixed seed)', () => {
    type Op = ['set', string, number] | ['get', string] | ['delete', string] | ['forget', number] | ['bulk', number] | readonly ['clear'];
    const id = fc.constantFrom('a', 'b', 'c', 'dé', '__proto__', 'long-'.repeat(60), 'wide-\u4e2d');
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(fc.constant('set' as const), id, fc.integer({ min: 0, max: 3_000 })) },
      { weight: 3, arbitrary: fc.tuple(fc.constant('get' as const), id) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('delete' as const), id) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('forget' as const), fc.integer({ min: 0, max: 3_500 })) },
      // Enough ids to grow the arena past its 32-bit size, and to make a forgetting compact.
      { weight: 2, arbitrary: fc.tuple(fc.constant('bulk' as const), fc.integer({ min: 0, max: 2 })) },
      { weight: 1, arbitrary: fc.constant(['clear'] as const) },
    );

    it('through sets, deletes, forgetting, compaction, clears and iteration, both ways across the switch', () => {
      limit({ int32Bytes: 1_024 });
      const kinds = { wide: 0, narrowedBack: 0 };
      fc.assert(
        fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
          const ids = new RememberedIds();
          const model = new Map<string, number>();
          let bulk = 0;
          let wide = false;
          const both = (f: (m: Map<string, number>) => void) => {
            f(ids);
            f(model);
          };
          const iterator = ids.entries();
          const modelIterator = model.entries();
          for (const o of ops) {
            if (o[0] === 'set') both((m) => m.set(o[1], o[2]));
            else if (o[0] === 'get') expect(ids.get(o[1])).toBe(model.get(o[1]));
            else if (o[0] === 'delete') both((m) => m.delete(o[1]));
            else if (o[0] === 'forget') both((m) => forgetBefore(m, o[1]));
            else if (o[0] === 'clear') both((m) => m.clear());
            else {
              const n = bulk++;
              both((m) => {
                for (let i = 0; i < 1_200; i++) m.set(`b${n}-${i}`, o[1] * 1_000 + i);
              });
            }
            // The 32-bit array exactly while the arena is at most the 32-bit size.
            expect(inside(ids).starts instanceof Float64Array).toBe(inside(ids).bytes.length > 1_024);
            if (inside(ids).starts instanceof Float64Array) wide = true;
            else if (wide) kinds.narrowedBack++;
            expect([...ids]).toEqual([...model]);
          }
          if (wide) kinds.wide++;
          for (const k of ['a', 'b', 'c', 'dé', '__proto__', 'wide-\u4e2d', 'b0-0', 'b1-1199']) expect(ids.get(k)).toBe(model.get(k));
          expect([...iterator]).toEqual([...modelIterator]);
          const seen: [string, number][] = [];
          ids.forEach((v, k) => seen.push([k, v]));
          expect(seen).toEqual([...model]);
          expect(ids.size).toBe(model.size);
        }),
        { seed: SEED, numRuns: 200 },
      );
      // The runs did cross the switch, both ways.
      expect(kinds.wide).toBeGreaterThan(20);
      expect(kinds.narrowedBack).toBeGreaterThan(5);
    });
  });
});

describe('an arena that cannot grow', () => {
  it('grows to the limit and no further, takes an id that fills it exactly, and refuses the next with the map unchanged', () => {
    limit({ bytes: 600 });
    const m = new RememberedIds();
    // 100 ids of 5 bytes (a header and 4 characters): 500 bytes, in an arena grown from 256 to 512.
    for (let i = 0; i < 100; i++) m.set(`${1_000 + i}`, i);
    expect(inside(m).bytes.length).toBe(512);
    // 95 bytes: the arena grows to the limit, not to 1,024; an id of 4 characters then fills it exactly.
    m.set('x'.repeat(94), 100);
    expect(inside(m).bytes.length).toBe(600);
    m.set('last', 101);
    expect(inside(m).used).toBe(600);
    const before = snapshot(m);
    expect(() => m.set('', 101)).toThrow(RememberedIdsFull);
    expect(snapshot(m)).toEqual(before);
    expect(m.has('')).toBe(false);
    expect(inside(m).bytes.length).toBe(600);
    // As admit() does it: a lookup that misses, then the set.
    expect(m.get('y')).toBeUndefined();
    expect(() => m.set('y', 102)).toThrow(RememberedIdsFull);
    expect(snapshot(m)).toEqual(before);
    // A known id is still set in place, and deletes still work.
    m.set('1000', 7);
    expect(m.get('1000')).toBe(7);
    expect(m.delete('1001')).toBe(true);
    expect(m.size).toBe(101);
  });

  it('says what happened and what to do', () => {
    limit({ bytes: 300 });
    const m = new RememberedIds();
    for (let i = 0; i < 60; i++) m.set(`${1_000 + i}`, i);
    let error: unknown;
    try {
      for (let i = 60; i < 200; i++) m.set(`${1_000 + i}`, i);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RememberedIdsFull);
    const full = error as RememberedIdsFull;
    expect(full.ids).toBe(60);
    expect(full.bytes).toBe(300);
    expect(full.message).toBe(
      'too many event ids to remember within the horizon: 60 ids in 300 bytes, and the next does not fit (at most 1073741824 ids and 300 bytes of ids). ' +
        "This event was not processed. Shorten the horizon so that fewer ids are remembered at once: `horizon 1d` in the playbook's header " +
        '(which `serve` follows), `--horizon D` for `simulate`, or `createRuntime(ir, { horizonMs })` (docs/runtime.md, "Duplicates and the horizon")',
    );
    expect(full.of('club', 7 * 86_400_000).message).toMatch(
      /^community "club": too many event ids to remember within the horizon of P7D: 60 ids in 300 bytes,/,
    );
  });

  it('drops the forgotten front first when that makes room, before it gives up', () => {
    limit({ bytes: 512 });
    const m = new RememberedIds();
    for (let i = 0; i < 100; i++) m.set(`${1_000 + i}`, i);
    // 40 forgotten: too few to compact by themselves (forgetBefore compacts past 1,024).
    m.forgetBefore(40);
    expect(inside(m).head).toBe(40);
    for (let i = 100; i < 102; i++) m.set(`${1_000 + i}`, i);
    expect(inside(m).head).toBe(40);
    // The arena is full (510 bytes): the next id moves the 62 live ones to the front.
    m.set('1102', 102);
    expect(inside(m).head).toBe(0);
    expect(inside(m).count).toBe(63);
    expect([...m]).toEqual(Array.from({ length: 63 }, (_, k) => [`${1_040 + k}`, 40 + k]));
    expect(m.get('1039')).toBeUndefined();
    expect(m.get('1101')).toBe(101);
  });

  it('refuses a place past the places limit, after dropping the forgotten front', () => {
    limit({ places: 20 });
    const m = new RememberedIds();
    for (let i = 0; i < 20; i++) m.set(`p${i}`, i);
    expect(inside(m).starts.length).toBe(20);
    const before = snapshot(m);
    expect(() => m.set('p20', 20)).toThrow(RememberedIdsFull);
    expect(snapshot(m)).toEqual(before);
    m.forgetBefore(1);
    m.set('p20', 20);
    expect(inside(m).count).toBe(20);
    expect([...m.keys()]).toEqual(Array.from({ length: 20 }, (_, k) => `p${k + 1}`));
  });
});

describe('admit with a full arena', () => {
  const fullCommunity = () => {
    limit({ bytes: 256 });
    const processed = new RememberedIds();
    for (let i = 0; i < 51; i++) processed.set(`${1_000 + i}`, 1_000 + i);
    return { id: 'club', processed } as unknown as CommunityState;
  };

  it('a new id is refused naming the community and its horizon, and nothing is remembered', () => {
    const c = fullCommunity();
    const before = snapshot(c.processed);
    expect(() => admit(c, 'new-id', 2_000, 2_000, 5_000)).toThrow(
      /^community "club": too many event ids to remember within the horizon of PT5S: 51 ids in 255 bytes/,
    );
    expect(snapshot(c.processed)).toEqual(before);
  });

  it('a redelivery stamped later stays a duplicate and takes its later time in place when there is no room to move it; a forgotten id is a new event and is refused', () => {
    const c = fullCommunity();
    const before = snapshot(c.processed);
    expect(admit(c, '1003', 2_000, 2_000, 5_000)).toBe('duplicate');
    // Remembered a horizon from its later time, as if moved, where it is (no room to move it).
    expect(snapshot(c.processed)).toEqual({ ...before, entries: before.entries.map(([id, at]) => [id, id === '1003' ? 2_000 : at]) });
    // Delivered again when its first time has left the horizon: still a duplicate (remembered from 1,003 it would run again).
    expect(admit(c, '1003', 2_000, 6_500, 5_000)).toBe('duplicate');
    // Forgetting stops at it until its later time leaves the horizon: the ids behind it are kept longer.
    forgetBefore(c.processed, 1_500);
    expect([...c.processed.keys()].slice(0, 2)).toEqual(['1003', '1004']);
    forgetBefore(c.processed, 2_001);
    expect(c.processed.size).toBe(0);
    c.processed = fullCommunity().processed;
    // An id seen before the horizon is a new event, which must be remembered: refused.
    expect(() => admit(c, '1000', 7_000, 7_000, 5_000)).toThrow(RememberedIdsFull);
    expect(snapshot(c.processed)).toEqual(before);
  });

  it('a redelivery whose room cannot be made for another reason than full ids throws that error, with nothing changed', () => {
    class Failing extends RememberedIds {
      override reserve(): void {
        throw new RangeError('Array buffer allocation failed');
      }
    }
    const processed = new Failing();
    processed.set('a', 1);
    const c = { id: 'club', processed } as unknown as CommunityState;
    expect(() => admit(c, 'a', 2, 2, 10)).toThrow(new RangeError('Array buffer allocation failed'));
    expect([...c.processed]).toEqual([['a', 1]]);
  });

  it('redeliveries that fill the places with moved ids go on being duplicates (they were refused)', () => {
    limit({ places: 16 });
    const c = { id: 'club', processed: new RememberedIds() } as unknown as CommunityState;
    expect([admit(c, 'a', 0, 0, 1e9), admit(c, 'b', 1, 1, 1e9)]).toEqual(['new', 'new']);
    // Each redelivery stamped later moves `b` to a new place; the sixteenth place is the last.
    const answers = Array.from({ length: 30 }, (_, i) => admit(c, 'b', 2 + i, 2 + i, 1e9));
    expect(answers).toEqual(Array.from({ length: 30 }, () => 'duplicate'));
    expect([...c.processed]).toEqual([
      ['a', 0],
      ['b', 31],
    ]);
    expect(inside(c.processed as RememberedIds).count).toBe(16);
  });
});

describe('making room by compaction', () => {
  // Ids of 127 characters take 128 bytes with their header: three fill a 384-byte arena.
  const long = (n: number) => `${'L'.repeat(126)}${n}`;
  it('keeps every id when the place the last forgetting stopped at was moved away since (a redelivery)', () => {
    limit({ bytes: 384 });
    const c = { id: 'club', processed: new RememberedIds() } as unknown as CommunityState;
    let clock = 0;
    const event = (id: string, at: number) => {
      const now = Math.max(at, clock);
      const a = admit(c, id, at, now, 1);
      if (a === 'new' && now > clock) {
        forgetBefore(c.processed, now - 1);
        clock = now;
      }
      return a;
    };
    // L0 is forgotten when L3 comes: forgetting stops at L3's place, which L3's redelivery then leaves.
    expect([event(long(0), 0), event(long(3), 59), event(long(3), 60)]).toEqual(['new', 'new', 'duplicate']);
    expect([...c.processed.keys()]).toEqual([long(3)]);
    // A late event: its id needs room, made by compacting from the first live place (it read the bytes from a deleted place's -1).
    expect(event(long(0), 58)).toBe('new');
    expect([...c.processed]).toEqual([
      [long(3), 60],
      [long(0), 58],
    ]);
    expect(event(long(3), 60)).toBe('duplicate');
    expect(event(long(0), 59)).toBe('duplicate');
  });
});

const PLAYBOOK = `playbook "Arena" {
  timezone "UTC"
}

rule pin {
  on message.posted
  do pin message
}
`;

describe('the runtime and simulate with a full arena', () => {
  const event = (i: number) => ({
    id: `event-${1_000 + i}`,
    type: 'message.posted',
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    community: 'club',
    member: 'ann',
    messageId: `m${i}`,
    text: 'hello',
  });

  it('dispatch throws before anything of the event is applied; an event that fits afterwards goes on', () => {
    const ir = load(PLAYBOOK.slice(PLAYBOOK.indexOf('rule')), 'UTC');
    limit({ bytes: 512 });
    const rt = createRuntime(ir);
    let i = 0;
    let before = '';
    let thrown: unknown;
    for (; i < 100; i++) {
      before = JSON.stringify(rt.snapshot());
      try {
        expect(rt.dispatch(event(i))).toHaveLength(1);
      } catch (e) {
        thrown = e;
        break;
      }
    }
    expect(thrown).toBeInstanceOf(RememberedIdsFull);
    expect((thrown as Error).message).toMatch(/^community "club": too many event ids to remember within the horizon of P7D: /);
    expect(i).toBe(46);
    expect(JSON.stringify(rt.snapshot())).toBe(before);
    // Redelivered, the refused event is still refused the same way, and a duplicate is still one.
    expect(() => rt.dispatch(event(i))).toThrow(RememberedIdsFull);
    expect(rt.dispatchDetailed(event(3)).status).toBe('duplicate');
  });

  const tmp = mkdtempSync(join(tmpdir(), 'playbook-arena-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('simulate stops at the event that does not fit, with its line, the message and no stack trace, after the actions before it', async () => {
    const playbook = join(tmp, 'arena.playbook');
    writeFileSync(playbook, PLAYBOOK);
    const events = join(tmp, 'events.jsonl');
    writeFileSync(events, Array.from({ length: 60 }, (_, i) => JSON.stringify(event(i))).join('\n') + '\n');
    limit({ bytes: 512 });
    const r = await runCli(['simulate', playbook, '--events', events]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`playbook simulate: ${events}:47: community "club": too many event ids to remember within the horizon of P7D: 46 ids in`);
    expect(r.err).toContain('`--horizon D` for `simulate`');
    expect(r.err).not.toContain('internal error');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out.trim().split('\n')).toHaveLength(46);
  });

  it('serve answers the request that does not fit with the message, applies nothing of it, logs it, and goes on', async () => {
    const logs: string[] = [];
    limit({ bytes: 512 });
    const server = new PlaybookServer({
      file: 'arena.playbook',
      source: PLAYBOOK,
      ir: load(PLAYBOOK.slice(PLAYBOOK.indexOf('rule')), 'UTC'),
      store: new MemoryDurableStore(),
      clock: 'events',
      log: (l) => logs.push(l),
    });
    const address = await server.listen(0, '127.0.0.1');
    const send = async (events: unknown[]) => {
      const res = await fetch(`http://127.0.0.1:${address.port}/events`, { method: 'POST', body: events.map((e) => JSON.stringify(e)).join('\n') + '\n' });
      return { status: res.status, body: await res.text() };
    };
    try {
      for (let i = 0; i < 40; i += 10) expect((await send(Array.from({ length: 10 }, (_, k) => event(i + k)))).status).toBe(200);
      const before = JSON.stringify(server.durable.snapshot());
      // Six fit, the seventh does not: the whole request is refused.
      const refused = await send(Array.from({ length: 10 }, (_, k) => event(40 + k)));
      // 507 Insufficient Storage: neither a bug (500) nor a passing fault (503 and Retry-After).
      expect(refused.status).toBe(507);
      expect(refused.body).not.toContain('internal error');
      expect(refused.body).toContain('community \\"club\\": too many event ids to remember within the horizon of P7D: 46 ids in');
      expect(refused.body).toContain('nothing of this request was applied');
      expect(refused.body).not.toMatch(/\n\s+at /);
      expect(logs.some((l) => l.startsWith('refused on POST "/events": community "club": too many event ids to remember within the horizon of P7D'))).toBe(
        true,
      );
      expect(JSON.stringify(server.durable.snapshot())).toBe(before);
      // The six that fit, sent alone, are processed; a duplicate is still one.
      expect((await send(Array.from({ length: 6 }, (_, k) => event(40 + k)))).status).toBe(200);
      expect((await send([event(3)])).body).not.toContain('error');
    } finally {
      await server.close();
    }
  });
});
