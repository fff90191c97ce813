import { once } from 'node:events';
import type { MessageChannel as Channel } from 'node:worker_threads';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { toJreCondition } from '../../src/compiler/backends/rules.js';
import type { Cond } from '../../src/ir/schema.js';

/**
 * The worker side of the reference condition engine (src/runtime/conditions/jre-worker.ts),
 * loaded here in this thread with `node:worker_threads` standing in: the runtime starts the built
 * file (dist/) in a real worker, which a mutation run of src/ never reaches
 * (test/mutation/conditions-reference.test.ts drives that one end to end).
 */

const h = vi.hoisted(() => ({ channel: undefined as unknown as Channel, flag: new Int32Array(new SharedArrayBuffer(4)), parent: [] as unknown[] }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  h.channel = new real.MessageChannel();
  return { ...real, workerData: { port: h.channel.port1, flag: h.flag }, parentPort: { postMessage: (m: unknown) => h.parent.push(m) } };
});

beforeAll(async () => {
  await import('../../src/runtime/conditions/jre-worker.js');
});

/** One request; the reply, and the flag as the worker left it (the caller sets it to 0 first). */
async function ask(id: number, cond: Cond | object | undefined, facts: Record<string, unknown> = {}): Promise<{ reply: unknown; flag: number }> {
  Atomics.store(h.flag, 0, 0);
  const port = h.channel.port2;
  const reply = once(port, 'message');
  const conditions = cond === undefined ? undefined : 'fact' in cond ? cond : toJreCondition(cond as Cond);
  port.postMessage({ id, conditions, facts });
  const [msg] = await reply;
  return { reply: msg as unknown, flag: Atomics.load(h.flag, 0) };
}

const points = (k: number): Cond => ({ op: 'gte', left: { member: 'points' }, right: { const: k } });

describe('the json-rules-engine worker', () => {
  it('says it is ready', () => {
    expect(h.parent).toEqual(['ready']);
  });

  it('answers a condition on the facts it is sent, and raises the flag', async () => {
    expect(await ask(1, points(10), { 'member.points': 12 })).toEqual({ reply: { ok: true }, flag: 1 });
    expect(await ask(2, points(20), { 'member.points': 12 })).toEqual({ reply: { ok: false }, flag: 1 });
  });

  it('keeps each condition by its id: later asks send only facts', async () => {
    expect((await ask(1, undefined, { 'member.points': 3 })).reply).toEqual({ ok: false });
    expect((await ask(2, undefined, { 'member.points': 30 })).reply).toEqual({ ok: true });
    // A condition sent again under a known id is not rebuilt: the first one still answers.
    expect((await ask(1, points(100), { 'member.points': 12 })).reply).toEqual({ ok: true });
  });

  it('absent facts are allowed, and the playbook operators are registered', async () => {
    expect((await ask(3, points(1))).reply).toEqual({ ok: false });
    const contains: Cond = { op: 'contains', left: { field: 'text' }, value: 'Spam' };
    expect((await ask(4, contains, { 'event.text': 'buy SPAM' })).reply).toEqual({ ok: true });
  });

  it('an id never sent, or a condition json-rules-engine refuses, is an error, and the flag is raised all the same', async () => {
    expect(await ask(99, undefined)).toEqual({ reply: { error: 'condition 99 was never sent' }, flag: 1 });
    const bad = await ask(5, { fact: 'member.points', operator: 'noSuchOperator', value: 1 }, { 'member.points': 1 });
    expect(bad).toEqual({ reply: { error: 'Unknown operator: noSuchOperator' }, flag: 1 });
  });
});
