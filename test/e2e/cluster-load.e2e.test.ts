import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../../src/hosting/cluster-slots.js';
import { postgresMissing } from './servers/postgres.js';
import { clusterFixture, readLog, startServe, stopServe, until } from './servers/cluster.js';
import { event, probes, runWithDamaged, slotMate } from './servers/damaged-community.js';

const PLAYBOOK = `playbook "Load" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome {member.name}"\n  step intro "intro": message.posted where text contains "-"\n}\n`;

/** A way a community's stored rows can fail to load, how to do it and undo it, and what the log line says. */
interface Damage {
  name: string;
  /** Damage the rows of `community` (member `member`); returns the repair. */
  damage(holder: import('pg').Client, community: string, member: string): Promise<() => Promise<unknown>>;
  says: string;
}

const DAMAGES: Damage[] = [
  {
    name: 'a member row that is not JSON',
    async damage(holder, community, member) {
      const good = (await holder.query<{ state: string }>('SELECT state FROM members WHERE community = $1 AND id = $2', [community, member])).rows[0]!.state;
      await holder.query('UPDATE members SET state = $3 WHERE community = $1 AND id = $2', [community, member, good.slice(0, -1)]);
      return () => holder.query('UPDATE members SET state = $3 WHERE community = $1 AND id = $2', [community, member, good]);
    },
    says: 'its stored rows do not load: the row of member "ann" is not valid JSON',
  },
  {
    name: 'a community row that is not JSON',
    async damage(holder, community) {
      const good = (await holder.query<{ state: string }>('SELECT state FROM communities WHERE id = $1', [community])).rows[0]!.state;
      await holder.query('UPDATE communities SET state = $2 WHERE id = $1', [community, `${good}}`]);
      return () => holder.query('UPDATE communities SET state = $2 WHERE id = $1', [community, good]);
    },
    says: 'its stored rows do not load: the community row is not valid JSON',
  },
  {
    name: 'a community row naming a playbook version the database lacks',
    async damage(holder, community) {
      await holder.query('UPDATE communities SET version = 99 WHERE id = $1', [community]);
      return () => holder.query('UPDATE communities SET version = 1 WHERE id = $1', [community]);
    },
    says: 'its stored rows do not load: playbook version 99 is not in the database',
  },
];

/**
 * A community whose rows do not load (docs/scaling.md, "A community whose events fail") is set
 * aside like one whose events fail: the owner that takes its slot loads and runs the slot's other
 * community, keeps its slots, logs the damaged one once, leaves its events pending, and loads it
 * again after a backoff, so a repaired row is picked up without a restart. Before, the load error
 * ended the owner's session: every slot given up, the other community never answered.
 */
describe.skipIf(postgresMissing() !== undefined)('a community that does not load on PostgreSQL', () => {
  const fx = clusterFixture('load.playbook', PLAYBOOK);
  const { pendingRows, slots, asideLines } = probes(fx);

  it.each(DAMAGES.map((d, i) => [d.name, d, i] as const))(
    '%s: the other community runs, this one waits, logged once, and runs once repaired',
    async (_name, d, i) => {
      // A case that failed left its process holding slots.
      for (const q of fx.running) await stopServe(q);
      const a = `alpha${i}`;
      // A second community in A's slot: the owner takes the slot and loads both communities at once.
      const { slot, b } = slotMate(a, `beta${i}-`);
      let repair: () => Promise<unknown> = () => Promise.resolve();
      const p = await runWithDamaged(fx, a, b, slot, async () => {
        repair = await d.damage(fx.holder, a, 'ann');
      });
      // Loaded again meanwhile (backoff from 500 ms): still one line, naming A and what is wrong with its rows.
      const aside = asideLines(p);
      expect(aside).toHaveLength(1);
      expect(aside[0]).toContain(`community "${a}" set aside`);
      expect(aside[0]).toContain(d.says);
      expect(aside[0]).not.toContain(b);
      expect(p.stderr()).not.toMatch(/giving up every slot/);
      expect(await slots(p)).toBe(DEFAULT_TIMING.slots);
      // Nothing of A was run from a missing state: no welcome sent again, no action for its pending event.
      const actionsOf = async (c: string) => (await readLog(p.url)).filter((x) => x['community'] === c).map((x) => `${String(x['type'])} ${String(x['text'])}`);
      expect(await actionsOf(a)).toEqual(['message.send welcome ann']);

      await repair();
      await until('A to be processed', async () => (await pendingRows(a)) === 0, 1600);
      const outcome = await fx.holder.query<{ status: string }>('SELECT status FROM inbox WHERE community = $1 AND kind = $2', [a, 'event']);
      expect(outcome.rows.map((r) => r.status).sort()).toEqual(['processed', 'processed']);
      await until('the log line of A working again', () => p.stderr().includes(`community "${a}" works again`));
      expect(await actionsOf(a)).toEqual(['message.send welcome ann']);
      expect((await fx.holder.query<{ state: string }>('SELECT state FROM members WHERE community = $1 AND id = $2', [a, 'ann'])).rows[0]!.state).toContain(
        '"ritual:onboarding":"completed"',
      );
      expect(asideLines(p)).toHaveLength(1);
      await stopServe(p);
    },
    90_000,
  );
});

/**
 * The same for a playbook with a network (docs/scaling.md, "Networks of groups"): a transaction
 * that finds the network changed by another process reloads every community the owner holds. A
 * row damaged since the owner loaded it fails that reload: when the community is the
 * transaction's own, it is set aside and the transaction runs without it; when it is another
 * one, the transaction goes on and the community is set aside at its next load. Before, the
 * reload error ended the session (every slot given up) and failed again after every reconnect.
 */
describe.skipIf(postgresMissing() !== undefined)('a community that does not load again, in a network on PostgreSQL', () => {
  const fx = clusterFixture(
    'load-network.playbook',
    `${PLAYBOOK}\nrule busy {\n  on message.posted\n  when count(message.posted across groups) >= 100\n  once per community\n  do say "busy network"\n}\n`,
  );
  const { pendingRows, asideLines } = probes(fx);
  // Another process's transaction that wrote other owners' communities (a network goal's actions) bumps the epoch.
  const bumpEpoch = () => fx.holder.query("UPDATE playbook_network SET epoch = epoch + 1 WHERE scope = 'cluster'");

  it('the damaged community is set aside, logged once; the other runs; repaired, it runs', async () => {
    const p = await startServe(fx.file, fx.cluster.url);
    fx.running.push(p);
    const post = (id: string, c: string, m: string, type = 'message.posted', extra: Record<string, unknown> = { messageId: `x-${id}`, text: `${m}-intro` }) =>
      fetch(`${p.url}/events`, { method: 'POST', body: event(id, type, c, m, '2026-03-01T09:00:00Z', extra) });
    for (const [c, m] of [
      ['na', 'ann'],
      ['nb', 'bob'],
    ] as const) {
      const res = await post(`j-${c}`, c, m, 'member.joined', { name: m });
      expect(res.status, await res.text()).toBe(200);
    }
    const [row] = (await fx.holder.query<{ state: string }>("SELECT state FROM members WHERE community = 'na' AND id = 'ann'")).rows;
    const good = row!.state;
    await fx.holder.query("UPDATE members SET state = $1 WHERE community = 'na' AND id = 'ann'", [good.slice(0, -1)]);
    await bumpEpoch();

    // The transaction of na's own event reloads na: na is set aside, its event stays pending.
    const resA = await post('p-na', 'na', 'ann');
    expect(resA.status).toBe(202);
    expect(await pendingRows('na')).toBe(1);
    // nb's transaction reloads every held community again (na's failed transaction changed nothing): na fails, nb runs.
    const resB = await post('p-nb', 'nb', 'bob');
    expect(resB.status, await resB.clone().text()).toBe(200);
    expect(resB.headers.get('playbook-events')).toBe('processed=1; duplicate=0; ignored=0; late=0');
    await bumpEpoch();
    const resB2 = await post('q-nb', 'nb', 'bob');
    expect(resB2.status, await resB2.clone().text()).toBe(200);

    const aside = asideLines(p);
    expect(aside).toHaveLength(1);
    expect(aside[0]).toContain('community "na" set aside');
    expect(aside[0]).toContain('its stored rows do not load: the row of member "ann" is not valid JSON');
    expect(p.stderr()).not.toMatch(/giving up every slot/);
    expect(await pendingRows('na')).toBe(1);

    await fx.holder.query("UPDATE members SET state = $1 WHERE community = 'na' AND id = 'ann'", [good]);
    await until('na to be processed', async () => (await pendingRows('na')) === 0, 1600);
    await until('the log line of na working again', () => p.stderr().includes('community "na" works again'));
    const welcomes = (await readLog(p.url)).filter((x) => x['type'] === 'message.send').map((x) => `${String(x['community'])} ${String(x['text'])}`);
    expect(welcomes.sort()).toEqual(['na welcome ann', 'nb welcome bob']);
    expect((await fx.holder.query<{ state: string }>("SELECT state FROM members WHERE community = 'na' AND id = 'ann'")).rows[0]!.state).toContain(
      '"ritual:onboarding":"completed"',
    );
  }, 90_000);
});

/**
 * A network goal's actions run in every group, in one transaction holding them all
 * (src/hosting/cluster-wide.ts). A group whose rows do not load cannot take them: the community
 * whose event reaches the goal is set aside with its event pending (the goal is not reached
 * without that group), the log line names the group, the other communities run, and once the
 * group's row is repaired the goal is reached and its actions run in every group. Before, the
 * error ended the owner's session, and every reconnect failed on it again.
 */
describe.skipIf(postgresMissing() !== undefined)('a network group that does not load when a goal is reached, on PostgreSQL', () => {
  const fx = clusterFixture(
    'load-goal.playbook',
    `playbook "Goal" {\n  timezone "UTC"\n}\n\ncampaign sale across all groups {\n  stage main from 2026-11-01 to 2026-11-30 {\n    on enter: say "sale on"\n  }\n  goal two when count(order.paid) >= 2: say "two orders in the network"\n}\n`,
  );
  const { pendingRows, asideLines } = probes(fx);

  it('the community reaching the goal waits, naming the group; the others run; repaired, the goal runs in every group', async () => {
    const p = await startServe(fx.file, fx.cluster.url);
    fx.running.push(p);
    const post = (id: string, type: string, c: string, m: string, at: string, extra: Record<string, unknown> = {}) =>
      fetch(`${p.url}/events`, { method: 'POST', body: event(id, type, c, m, at, extra) });
    for (const [c, m] of [
      ['na', 'ann'],
      ['nb', 'bob'],
      ['nc', 'cat'],
    ] as const) {
      const res = await post(`j-${c}`, 'member.joined', c, m, '2026-11-02T10:00:00Z', { name: m });
      expect(res.status, await res.text()).toBe(200);
    }
    const good = (await fx.holder.query<{ state: string }>("SELECT state FROM members WHERE community = 'nc' AND id = 'cat'")).rows[0]!.state;
    await fx.holder.query("UPDATE members SET state = $1 WHERE community = 'nc' AND id = 'cat'", [good.slice(0, -1)]);

    const order = (c: string, m: string, n: number) => post(`o-${c}-${n}`, 'order.paid', c, m, '2026-11-02T11:00:00Z', { orderId: `x-${c}-${n}`, amount: 10 });
    const first = await order('na', 'ann', 1);
    expect(first.status, await first.text()).toBe(200);
    // The second order of the network reaches the goal: nc must be loaded for its actions, and is not.
    const second = await order('nb', 'bob', 1);
    expect(second.status).toBe(202);
    expect(await pendingRows('nb')).toBe(1);
    const other = await post('j-na-dan', 'member.joined', 'na', 'dan', '2026-11-02T11:30:00Z', { name: 'dan' });
    expect(other.status, await other.text()).toBe(200);

    const aside = asideLines(p);
    expect(aside).toHaveLength(1);
    expect(aside[0]).toContain('community "nb" set aside');
    expect(aside[0]).toContain(
      'its work reaches a network goal, and group "nc" of the network does not load: its stored rows do not load: the row of member "cat"',
    );
    expect(p.stderr()).not.toMatch(/giving up every slot/);
    const says = async (text: string) =>
      (await readLog(p.url))
        .filter((x) => x['type'] === 'message.send' && x['text'] === text)
        .map((x) => String(x['community']))
        .sort();
    expect(await says('two orders in the network')).toEqual([]);
    expect(await pendingRows('nb')).toBe(1);

    await fx.holder.query("UPDATE members SET state = $1 WHERE community = 'nc' AND id = 'cat'", [good]);
    await until('nb to be processed', async () => (await pendingRows('nb')) === 0, 1600);
    await until('the log line of nb working again', () => p.stderr().includes('community "nb" works again'));
    expect(await says('two orders in the network')).toEqual(['na', 'nb', 'nc']);
    expect(await says('sale on')).toEqual(['na', 'nb', 'nc']);
  }, 90_000);
});
