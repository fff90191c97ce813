import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durablePlaybook } from '../fixtures/durable.js';
import { mulberry32 } from '../fixtures/random.js';
import { postgresMissing, startPostgres, type PostgresCluster } from './servers/postgres.js';
import { batches, byCommunity, clusterStream, readLog, startServe, stopServe, type ServeProcess } from './servers/cluster.js';

/**
 * Reloading in cluster mode (docs/scaling.md, "Reloading the playbook"): a new version sent to
 * one of two processes switches every community at one point of its stream. The same stream
 * with the same reload at the same point, sent to one SQLite `playbook serve`, logs exactly the
 * same actions per community: the state carried over as a single-process reload carries it, and
 * every event sent after the reload's reply ran on the new version, whichever process got it.
 */

const V1 = durablePlaybook('Reload Club');
/** A new welcome, a later deadline (pending ones are re-timed), a new ladder text, a new rule. */
const V2 =
  V1.replace('say to member "welcome {member.name}"', 'say to member "hello {member.name}"')
    .replace('deadline 12h:', 'deadline 18h:')
    .replace('1: say to member "first warning"', '1: say to member "warning one"') +
  `
rule thanks {
  on checkin.done
  do say to member "thanks {member.name}"
}
`;

describe.skipIf(postgresMissing() !== undefined)('reload in cluster mode', () => {
  let db: PostgresCluster;
  let dir: string;
  const running: ServeProcess[] = [];
  beforeAll(async () => {
    db = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'playbook-cluster-reload-'));
    writeFileSync(join(dir, 'club.playbook'), V1);
    writeFileSync(join(dir, 'club-v2.playbook'), V2);
  }, 60_000);
  afterAll(async () => {
    for (const p of running) await stopServe(p, 'SIGKILL');
    db?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(file: string, database: string): Promise<ServeProcess> {
    const p = await startServe(join(dir, file), database);
    running.push(p);
    return p;
  }

  /** Send the bodies in order, each to a process `target` picks; every reply must be 200 (processed). */
  async function send(bodies: { path: string; body?: string }[], target: () => ServeProcess): Promise<void> {
    for (const { path, body } of bodies) {
      const res = await fetch(`${target().url}${path}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
      expect(res.status, await res.text()).toBe(200);
    }
  }

  it('POST /playbook to one of two processes: every community switches, and the log equals a single SQLite server reloaded at the same point', async () => {
    const seed = 1819;
    const rnd = mulberry32(seed);
    const events = clusterStream(rnd, 400, 8, 20);
    const until = new Date(Date.parse('2026-03-01T08:00:00+08:00') + 25 * 86_400_000).toISOString();
    const half = 200;
    const before = batches(rnd, events.slice(0, half), 6);
    const after = [...batches(rnd, events.slice(half), 6), { path: `/advance?to=${encodeURIComponent(until)}` }];

    const single = await start('club.playbook', join(dir, 'single.db'));
    await send(before, () => single);
    const r1 = await fetch(`${single.url}/playbook`, { method: 'POST', body: V2 });
    expect(r1.status).toBe(200);
    await send(after, () => single);
    const expected = await readLog(single.url);
    await stopServe(single);
    const texts = expected.map((a) => String(a['text'] ?? ''));
    // The reload shows in the log: both versions' texts are there.
    expect(texts.some((t) => t.startsWith('welcome '))).toBe(true);
    expect(texts.some((t) => t.startsWith('hello '))).toBe(true);
    expect(texts.some((t) => t.startsWith('thanks '))).toBe(true);

    const a = await start('club.playbook', db.url);
    const b = await start('club.playbook', db.url);
    const pick = () => (rnd() < 0.5 ? a : b);
    await send(before, pick);
    const reload = await fetch(`${a.url}/playbook?file=club.playbook`, { method: 'POST', body: V2 });
    expect(await reload.json()).toEqual({ reloaded: true, playbook: 'Reload Club', version: 2 });
    // The same version again changes nothing.
    const again = await fetch(`${b.url}/playbook`, { method: 'POST', body: V2 });
    expect(await again.json()).toEqual({ reloaded: false, playbook: 'Reload Club', version: 2 });
    await send(after, pick);

    const log = await readLog(b.url);
    expect(byCommunity(log)).toEqual(byCommunity(expected));
    expect(db.psql('SELECT DISTINCT version FROM communities').trim()).toBe('2');
    const health = (await (await fetch(`${a.url}/health`)).json()) as { version: number };
    expect(health.version).toBe(2);
  });

  it('a version with errors is refused with its diagnostics and changes nothing', async () => {
    const a = running.find((p) => p.child.exitCode === null && p.child.signalCode === null && !p.url.includes('single'))!;
    const res = await fetch(`${a.url}/playbook`, { method: 'POST', body: V2.replace('rule thanks {', 'rule thanks {{') });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; diagnostics: string[] };
    expect(body.error).toBe('the new playbook has errors; the running version is unchanged');
    expect(body.diagnostics.length).toBeGreaterThan(0);
    expect(db.psql('SELECT max(version) FROM playbook_versions').trim()).toBe('2');
  });

  it('after a reload, a process started with the old file is refused; one started with the new file joins', async () => {
    await expect(start('club.playbook', db.url)).rejects.toThrow(/the database runs another version of the playbook/);
    const c = await start('club-v2.playbook', db.url);
    const health = (await (await fetch(`${c.url}/health`)).json()) as { version: number; playbook: string };
    expect(health).toMatchObject({ version: 2, playbook: 'Reload Club' });
  });
});
