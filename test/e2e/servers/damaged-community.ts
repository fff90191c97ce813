import { expect } from 'vitest';
import { communitySlot, DEFAULT_TIMING } from '../../../src/hosting/cluster-slots.js';
import { LOCK_CLASS } from '../../../src/store/postgres-schema.js';
import { startServe, stopServe, until, type ClusterFixture, type ServeProcess } from './cluster.js';

/**
 * The set-up the tests of a damaged community share (docs/scaling.md, "A community whose events
 * fail"): two communities of one slot, one of them damaged, and a process that takes the slot
 * with both communities' events waiting, so that it loads and runs them in one round.
 */

export function event(id: string, type: string, community: string, member: string, at: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, type, at, community, member, ...extra });
}

/** `a`'s slot, and the first `prefix0`, `prefix1`, ... that lands in it. */
export function slotMate(a: string, prefix: string): { slot: number; b: string } {
  const slot = communitySlot(a, DEFAULT_TIMING.slots);
  for (let k = 0; ; k++) if (communitySlot(`${prefix}${k}`, DEFAULT_TIMING.slots) === slot) return { slot, b: `${prefix}${k}` };
}

/** What these tests read of the database and of a process. */
export function probes(fx: ClusterFixture) {
  return {
    /** Inbox rows of the community not yet processed. */
    pendingRows: async (community: string) =>
      Number((await fx.holder.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE community = $1 AND status IS NULL', [community])).rows[0]!.n),
    slots: async (p: ServeProcess) => ((await (await fetch(`${p.url}/health`)).json()) as { slots: number }).slots,
    /** The owner's lines about communities it set aside. */
    asideLines: (p: ServeProcess) =>
      p
        .stderr()
        .split('\n')
        .filter((l) => l.includes('set aside')),
  };
}

/**
 * Member `ann` joins `a` and `bob` joins `b` through a first process, which stops; `damage` then
 * damages `a`'s rows. A second process starts while the test holds the slot, so both communities'
 * next events wait in the inbox until it takes the slot and loads both at once. B must be
 * answered (200, its event processed) and A must get the slow owner's 202 with its event still
 * pending. Returns the second process, still running.
 */
export async function runWithDamaged(fx: ClusterFixture, a: string, b: string, slot: number, damage: () => Promise<void>): Promise<ServeProcess> {
  const { pendingRows, slots } = probes(fx);
  const first = await startServe(fx.file, fx.cluster.url);
  fx.running.push(first);
  for (const [c, m] of [
    [a, 'ann'],
    [b, 'bob'],
  ] as const) {
    const res = await fetch(`${first.url}/events`, { method: 'POST', body: event(`j-${c}`, 'member.joined', c, m, '2026-03-01T08:00:00Z', { name: m }) });
    expect(res.status, await res.text()).toBe(200);
  }
  await stopServe(first);
  await damage();

  const lock = await fx.holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, slot]);
  expect(lock.rows[0]!.ok).toBe(true);
  const p = await startServe(fx.file, fx.cluster.url);
  fx.running.push(p);
  await until('the process to hold every other slot', async () => (await slots(p)) === DEFAULT_TIMING.slots - 1);
  const post = (c: string, m: string) =>
    fetch(`${p.url}/events`, {
      method: 'POST',
      body: event(`p-${c}`, 'message.posted', c, m, '2026-03-01T09:00:00Z', { messageId: `x-${c}`, text: `${m}-intro` }),
    });
  const replyA = post(a, 'ann');
  const replyB = post(b, 'bob');
  replyA.catch(() => undefined);
  replyB.catch(() => undefined);
  await until('both events to be in the inbox', async () => (await pendingRows(a)) === 1 && (await pendingRows(b)) === 1);
  await fx.holder.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, slot]);

  const resB = await replyB;
  expect(resB.status, await resB.clone().text()).toBe(200);
  expect(resB.headers.get('playbook-events')).toBe('processed=1; duplicate=0; ignored=0; late=0');
  expect(await pendingRows(b)).toBe(0);
  // A's request waits as long as for a slow owner, then gets the 202 of events stored and pending.
  const resA = await replyA;
  expect(resA.status).toBe(202);
  expect(await resA.json()).toEqual({ accepted: 1, pending: true });
  expect(await pendingRows(a)).toBe(1);
  return p;
}
