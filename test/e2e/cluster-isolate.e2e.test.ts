import { describe, expect, it } from 'vitest';
import { communitySlot, DEFAULT_TIMING } from '../../src/hosting/cluster-slots.js';
import { LOCK_CLASS } from '../../src/store/postgres-schema.js';
import { postgresMissing } from './servers/postgres.js';
import { clusterFixture, readLog, startServe, stopServe, until, type ServeProcess } from './servers/cluster.js';

const PLAYBOOK = `playbook "Isolate" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome {member.name}"\n  step intro "intro": message.posted where text contains "-"\n}\n`;
const MACHINE = 'ritual:onboarding';

function event(id: string, type: string, community: string, member: string, at: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, type, at, community, member, ...extra });
}

/**
 * Failure isolation per community (docs/scaling.md, "A community whose events fail"): a member
 * row of community A in a ritual state the playbook lacks makes A fail (refused when the owner
 * loads it, src/hosting/cluster-load.ts; the run path is test/cluster-run.test.ts's); B, in the
 * same slot, is processed and answered all the same, A's events stay pending (its request
 * gets the slow-owner 202), the owner logs A once and keeps its slots, and once the row is
 * repaired A's events are processed without a restart.
 */
describe.skipIf(postgresMissing() !== undefined)('one community failing on PostgreSQL', () => {
  const fx = clusterFixture('isolate.playbook', PLAYBOOK);
  const a = 'alpha';
  const slot = communitySlot(a, DEFAULT_TIMING.slots);
  // A second community in A's slot: the owner takes the slot and both communities' work in one round, one transaction.
  let b = '';
  for (let i = 0; b === ''; i++) if (communitySlot(`beta${i}`, DEFAULT_TIMING.slots) === slot) b = `beta${i}`;

  const pendingRows = async (community: string) =>
    Number((await fx.holder.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE community = $1 AND status IS NULL', [community])).rows[0]!.n);
  const memberState = async (community: string, member: string) =>
    (await fx.holder.query<{ state: string }>('SELECT state FROM members WHERE community = $1 AND id = $2', [community, member])).rows[0]!.state;
  const setMemberState = (community: string, member: string, state: string) =>
    fx.holder.query('UPDATE members SET state = $3 WHERE community = $1 AND id = $2', [community, member, state]);
  const slots = async (p: ServeProcess) => ((await (await fetch(`${p.url}/health`)).json()) as { slots: number }).slots;

  it('B commits and is answered while A is set aside, logged once, and processed once its row is repaired', async () => {
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

    // Damage A's member row as a hand edit or another playbook version would.
    const good = await memberState(a, 'ann');
    const parsed = JSON.parse(good) as { machines?: Record<string, unknown> };
    expect(Object.keys(parsed.machines ?? {})).toContain(MACHINE);
    await setMemberState(a, 'ann', JSON.stringify({ ...parsed, machines: { ...parsed.machines, [MACHINE]: 'welcomed' } }));

    // The next process starts without A's slot, so A's and B's events wait in the inbox until it takes it.
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
    // Tried again meanwhile (backoff from 500 ms): still one line, naming A and the stored state.
    const aside = p
      .stderr()
      .split('\n')
      .filter((l) => l.includes('set aside'));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toContain(`community "${a}" set aside`);
    expect(aside[0]).toContain('ritual onboarding is in the stored state "welcomed"');
    expect(aside[0]).not.toContain(b);
    // The process kept its slots: no reconnect, and it holds every slot now.
    expect(p.stderr()).not.toMatch(/giving up every slot/);
    expect(await slots(p)).toBe(DEFAULT_TIMING.slots);

    // Repaired: picked up after the backoff, without a restart.
    await setMemberState(a, 'ann', good);
    await until('A to be processed', async () => (await pendingRows(a)) === 0, 1600);
    const outcome = await fx.holder.query<{ status: string }>('SELECT status FROM inbox WHERE community = $1 AND kind = $2', [a, 'event']);
    expect(outcome.rows.map((r) => r.status).sort()).toEqual(['processed', 'processed']);
    await until('the log line of A working again', () => p.stderr().includes(`community "${a}" works again`));
    const welcomes = (await readLog(p.url)).filter((x) => x['type'] === 'message.send').map((x) => `${String(x['community'])} ${String(x['text'])}`);
    expect(welcomes.sort()).toEqual([`${a} welcome ann`, `${b} welcome bob`].sort());
    expect(
      p
        .stderr()
        .split('\n')
        .filter((l) => l.includes('set aside')),
    ).toHaveLength(1);
  }, 90_000);
});

/** The same with the wall clock: the damaged community's due timer waits, set aside; the others' timers fire. */
describe.skipIf(postgresMissing() !== undefined)('one community failing on PostgreSQL, wall clock', () => {
  const fx = clusterFixture('wall.playbook', PLAYBOOK.replace(/}\n$/, '  deadline 4s: remove member reason "no intro"\n}\n'));

  it('the damaged community’s deadline waits, set aside and logged once; the others fire; repaired, it fires', async () => {
    const first = await startServe(fx.file, fx.cluster.url, 'wall');
    fx.running.push(first);
    const at = new Date().toISOString();
    const res = await fetch(`${first.url}/events`, {
      method: 'POST',
      body: ['wa', 'wb', 'wc'].map((c) => event(`j-${c}`, 'member.joined', c, 'm', at, { name: 'm' })).join('\n'),
    });
    expect(res.status, await res.text()).toBe(200);
    await stopServe(first);

    const state = async () => (await fx.holder.query<{ state: string }>("SELECT state FROM members WHERE community = 'wa' AND id = 'm'")).rows[0]!.state;
    const good = await state();
    const parsed = JSON.parse(good) as { machines?: Record<string, unknown> };
    expect(Object.keys(parsed.machines ?? {})).toContain(MACHINE);
    await fx.holder.query("UPDATE members SET state = $1 WHERE community = 'wa' AND id = 'm'", [
      JSON.stringify({ ...parsed, machines: { ...parsed.machines, [MACHINE]: 'welcomed' } }),
    ]);

    const p = await startServe(fx.file, fx.cluster.url, 'wall');
    fx.running.push(p);
    const removed = async () =>
      (await readLog(p.url))
        .filter((x) => x['type'] === 'member.remove')
        .map((x) => String(x['community']))
        .sort();
    await until('the sound communities’ deadlines', async () => (await removed()).length === 2, 800);
    expect(await removed()).toEqual(['wb', 'wc']);
    // Retried with a growing backoff (500 ms, 1 s, 2 s, ...) for a few seconds: one line.
    await until('a few retries', () => Date.now() - Date.parse(at) > 9000, 800);
    const aside = p
      .stderr()
      .split('\n')
      .filter((l) => l.includes('set aside'));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toContain('community "wa" set aside');
    expect(aside[0]).toContain('ritual onboarding is in the stored state "welcomed"');
    expect(p.stderr()).not.toMatch(/giving up every slot/);
    expect(await removed()).toEqual(['wb', 'wc']);

    await fx.holder.query("UPDATE members SET state = $1 WHERE community = 'wa' AND id = 'm'", [good]);
    await until('the repaired community’s deadline', async () => (await removed()).length === 3, 1600);
    expect(await removed()).toEqual(['wa', 'wb', 'wc']);
    await until('the log line of wa working again', () => p.stderr().includes('community "wa" works again'));
    expect(
      p
        .stderr()
        .split('\n')
        .filter((l) => l.includes('set aside')),
    ).toHaveLength(1);
  }, 90_000);
});
