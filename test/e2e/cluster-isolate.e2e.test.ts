import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../../src/hosting/cluster-slots.js';
import { postgresMissing } from './servers/postgres.js';
import { clusterFixture, readLog, startServe, stopServe, until } from './servers/cluster.js';
import { event, probes, runWithDamaged, slotMate } from './servers/damaged-community.js';

const PLAYBOOK = `playbook "Isolate" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome {member.name}"\n  step intro "intro": message.posted where text contains "-"\n}\n`;
const MACHINE = 'ritual:onboarding';

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
  const { pendingRows, slots, asideLines } = probes(fx);
  const a = 'alpha';
  // A second community in A's slot: the owner takes the slot and both communities' work in one round, one transaction.
  const { slot, b } = slotMate(a, 'beta');
  const memberState = async (community: string, member: string) =>
    (await fx.holder.query<{ state: string }>('SELECT state FROM members WHERE community = $1 AND id = $2', [community, member])).rows[0]!.state;
  const setMemberState = (community: string, member: string, state: string) =>
    fx.holder.query('UPDATE members SET state = $3 WHERE community = $1 AND id = $2', [community, member, state]);

  it('B commits and is answered while A is set aside, logged once, and processed once its row is repaired', async () => {
    let good = '';
    const p = await runWithDamaged(fx, a, b, slot, async () => {
      // Damage A's member row as a hand edit or another playbook version would.
      good = await memberState(a, 'ann');
      const parsed = JSON.parse(good) as { machines?: Record<string, unknown> };
      expect(Object.keys(parsed.machines ?? {})).toContain(MACHINE);
      await setMemberState(a, 'ann', JSON.stringify({ ...parsed, machines: { ...parsed.machines, [MACHINE]: 'welcomed' } }));
    });
    // Tried again meanwhile (backoff from 500 ms): still one line, naming A and the stored state.
    const aside = asideLines(p);
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
    expect(asideLines(p)).toHaveLength(1);
  }, 90_000);
});

/** The same with the wall clock: the damaged community's due timer waits, set aside; the others' timers fire. */
describe.skipIf(postgresMissing() !== undefined)('one community failing on PostgreSQL, wall clock', () => {
  const fx = clusterFixture('wall.playbook', PLAYBOOK.replace(/}\n$/, '  deadline 4s: remove member reason "no intro"\n}\n'));
  const { asideLines } = probes(fx);

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
    const aside = asideLines(p);
    expect(aside).toHaveLength(1);
    expect(aside[0]).toContain('community "wa" set aside');
    expect(aside[0]).toContain('ritual onboarding is in the stored state "welcomed"');
    expect(p.stderr()).not.toMatch(/giving up every slot/);
    expect(await removed()).toEqual(['wb', 'wc']);

    await fx.holder.query("UPDATE members SET state = $1 WHERE community = 'wa' AND id = 'm'", [good]);
    await until('the repaired community’s deadline', async () => (await removed()).length === 3, 1600);
    expect(await removed()).toEqual(['wa', 'wb', 'wc']);
    await until('the log line of wa working again', () => p.stderr().includes('community "wa" works again'));
    expect(asideLines(p)).toHaveLength(1);
  }, 90_000);
});
