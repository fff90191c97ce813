import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durablePlaybook } from '../fixtures/durable.js';
import { mulberry32 } from '../fixtures/random.js';
import { postgresMissing, startPostgres, type PostgresCluster } from './servers/postgres.js';
import { batches, byCommunity, clusterStream, newStats, readLog, simulate, startServe, stopServe, type ServeProcess } from './servers/cluster.js';

/**
 * `playbook serve --db postgres://…` without faults: one process behaves as the SQLite server
 * does, and two processes on one database split the communities, answer for any of them, and
 * serve one action log and one stream from either.
 */
describe.skipIf(postgresMissing() !== undefined)('serve on PostgreSQL', () => {
  let cluster: PostgresCluster;
  let dir: string;
  let file: string;
  const running: ServeProcess[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'playbook-cluster-'));
    file = join(dir, 'club.playbook');
    writeFileSync(file, durablePlaybook('Cluster Club'));
  }, 60_000);
  afterAll(async () => {
    for (const p of running) await stopServe(p);
    cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two processes: replies carry each request’s actions, and the log and the stream of either equal simulate', async () => {
    const seed = 1818;
    const rnd = mulberry32(seed);
    const events = clusterStream(rnd, 300, 8, 20);
    const until = new Date(Date.parse('2026-03-01T08:00:00+08:00') + 25 * 86_400_000).toISOString();
    const expected = simulate(dir, file, events, until);
    expect(expected.filter((a) => String(a['cause']).startsWith('timer:')).length).toBeGreaterThan(20);

    const a = await startServe(file, cluster.url);
    running.push(a);
    const b = await startServe(file, cluster.url);
    running.push(b);

    // A listener on b from the start sees every action, whoever owns its community.
    const sse = await fetch(`${b.url}/actions/stream`);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    const reader = sse.body!.getReader();
    let streamed = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        streamed += Buffer.from(value).toString('utf8');
      }
    })();

    const replies: string[] = [];
    const bodies = [...batches(rnd, events, 8), { path: `/advance?to=${encodeURIComponent(until)}`, body: undefined as unknown as string }];
    const stats = newStats();
    // Replies are read here rather than in sendAll: each must hold exactly its events' actions.
    for (const { path, body } of bodies) {
      const target = rnd() < 0.5 ? a : b;
      const res = await fetch(`${target.url}${path}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      replies.push(...text.split('\n').filter(Boolean));
      stats.requests++;
    }
    const want = byCommunity(expected);
    const got = byCommunity(replies.map((l) => JSON.parse(l) as Record<string, unknown>));
    expect(got).toEqual(want);

    const logA = await readLog(a.url);
    const logB = await readLog(b.url);
    expect(logB).toEqual(logA);
    expect(logA.map((x) => x['seq'])).toEqual(logA.map((_, i) => i + 1));
    expect(byCommunity(logA)).toEqual(want);

    const last = logA.length;
    for (let i = 0; i < 200 && !streamed.includes(`id: ${last}\n`); i++) await new Promise((r) => setTimeout(r, 50));
    const ids = [...streamed.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids).toEqual(logA.map((x) => x['seq']));
    await reader.cancel();
    await reading.catch(() => undefined);

    const health = (await (await fetch(`${a.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', store: 'postgres', processes: 2, lastSeq: last });
    const healthB = (await (await fetch(`${b.url}/health`)).json()) as Record<string, unknown>;
    // Each holds half the slots once both have rebalanced.
    expect((health['slots'] as number) + (healthB['slots'] as number)).toBe(64);
    // A version with errors is refused (reloads: cluster-reload.e2e.test.ts).
    expect((await fetch(`${a.url}/playbook`, { method: 'POST', body: 'x' })).status).toBe(400);
    expect((await fetch(`${a.url}/actions?after=${last + 5}`)).status).toBe(409);
  }, 180_000);

  it('refuses to start on a database holding another playbook’s state', async () => {
    const other = join(dir, 'other.playbook');
    writeFileSync(other, durablePlaybook('Another Club'));
    await expect(startServe(other, cluster.url)).rejects.toThrow(/another version of the playbook/);
  }, 60_000);
});

describe.skipIf(postgresMissing() !== undefined)('serve on PostgreSQL with the wall clock', () => {
  let cluster: PostgresCluster;
  let dir: string;
  const running: ServeProcess[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'playbook-cluster-wall-'));
  }, 60_000);
  afterAll(async () => {
    for (const p of running) await stopServe(p, 'SIGKILL');
    cluster?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a process killed while its communities have pending timers: they fire once, at the new owner', async () => {
    const file = join(dir, 'wall.playbook');
    writeFileSync(
      file,
      `playbook "Wall" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome"\n  step intro "intro": message.posted where text contains "-"\n  deadline 4s: remove member reason "no intro"\n}\n`,
    );
    const a = await startServe(file, cluster.url, 'wall');
    running.push(a);
    const b = await startServe(file, cluster.url, 'wall');
    running.push(b);
    // Both hold their share of the slots before the events come.
    for (let i = 0; i < 100; i++) {
      const h = (await (await fetch(`${b.url}/health`)).json()) as { slots: number };
      if (h.slots === 32) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const communities = Array.from({ length: 12 }, (_, i) => `w${i}`);
    const at = new Date().toISOString();
    const body = communities.map((c) => JSON.stringify({ id: `j-${c}`, type: 'member.joined', at, community: c, member: 'm' })).join('\n');
    const res = await fetch(`${a.url}/events`, { method: 'POST', body });
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n').filter(Boolean)).toHaveLength(12);
    const health = (await (await fetch(`${a.url}/health`)).json()) as { communities: number };
    expect(health.communities).toBeGreaterThan(0); // a owned some of them: their timers were a's
    await stopServe(a, 'SIGKILL');
    let removes: Record<string, unknown>[] = [];
    for (let i = 0; i < 300 && removes.length < 12; i++) {
      await new Promise((r) => setTimeout(r, 100));
      removes = (await readLog(b.url)).filter((x) => x['type'] === 'member.remove');
    }
    expect(removes.map((x) => x['community']).sort()).toEqual([...communities].sort());
    // Nothing fires twice, even after a while.
    await new Promise((r) => setTimeout(r, 1500));
    const log = await readLog(b.url);
    expect(log.filter((x) => x['type'] === 'member.remove')).toHaveLength(12);
    expect(log.filter((x) => x['type'] === 'message.send')).toHaveLength(12);
  }, 120_000);
});
