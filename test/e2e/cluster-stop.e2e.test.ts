import { request, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { communitySlot, DEFAULT_TIMING } from '../../src/hosting/cluster-slots.js';
import { LOCK_CLASS } from '../../src/store/postgres-schema.js';
import { postgresMissing } from './servers/postgres.js';
import { clusterFixture, readLog, startServe, stopServe, until, type ServeProcess } from './servers/cluster.js';

const PLAYBOOK = `playbook "Stop" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome {member.name}"\n  step intro "intro": message.posted where text contains "-"\n}\n`;
const AT = '2026-03-01T08:00:00Z';

function joined(id: string, community: string, member: string): string {
  return JSON.stringify({ id, type: 'member.joined', at: AT, community, member, name: member.toUpperCase() });
}

/**
 * Stopping a cluster process (docs/serve.md, "Signals"; docs/scaling.md, "Stopping a process"):
 * a request whose events are in the inbox and that waits for the owner's round is answered
 * before the process exits, with its actions when the round completes within the grace period,
 * else with a 503 and Retry-After; the events stay stored and the next owner processes them once.
 * The test holds a community's slot lock itself, so the owner cannot process it until released.
 */
describe.skipIf(postgresMissing() !== undefined)('stopping serve on PostgreSQL', () => {
  const fx = clusterFixture('stop.playbook', PLAYBOOK);
  // A community whose slot the test holds while the process starts, so the process owns all others.
  const held = 'held';
  const slot = communitySlot(held, DEFAULT_TIMING.slots);

  const hold = async () => {
    const r = await fx.holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [LOCK_CLASS, slot]);
    expect(r.rows[0]!.ok).toBe(true);
  };
  const release = async () => {
    await fx.holder.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, slot]);
  };
  const pendingRows = async (community: string) =>
    Number((await fx.holder.query<{ n: string }>('SELECT count(*) AS n FROM inbox WHERE community = $1 AND status IS NULL', [community])).rows[0]!.n);
  const inboxBodies = async () => (await fx.holder.query<{ body: string }>('SELECT body FROM inbox')).rows.map((r) => r.body).join('\n');
  const exitCode = (p: ServeProcess) => p.exited.then(() => p.child.exitCode);

  it('SIGTERM while a request waits for its owner: the reply carries its actions once the round completes, new requests are refused, exit 0', async () => {
    await hold();
    const a = await startServe(fx.file, fx.cluster.url);
    fx.running.push(a);
    await until('the process to hold every other slot', async () => ((await (await fetch(`${a.url}/health`)).json()) as { slots: number }).slots === 63);

    const waiting = fetch(`${a.url}/events`, { method: 'POST', body: joined('j1', held, 'ann') });
    // Awaited below; a reply cut short must fail the test there, not as an unhandled rejection.
    waiting.catch(() => undefined);
    // A request whose headers come before the stop and whose body comes after it.
    const slow = request(`${a.url}/events`, { method: 'POST' });
    const slowReply = new Promise<{ res: IncomingMessage; text: string }>((resolve, reject) => {
      slow.on('response', (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ res, text }));
      });
      slow.on('error', reject);
    });
    slowReply.catch(() => undefined);
    slow.flushHeaders();
    await until('the event to be in the inbox', async () => (await pendingRows(held)) === 1);
    // The server has read the slow request's headers by the time it answers one sent after them.
    expect((await fetch(`${a.url}/health`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    a.child.kill('SIGTERM');
    await until('the stop to begin', () => a.stderr().includes('SIGTERM: stopping'));
    slow.end(joined('late2', 'other', 'dan'));
    const refused = await slowReply;
    expect(refused.res.statusCode, refused.text).toBe(503);
    expect(refused.res.headers['retry-after']).toBe('1');
    expect(refused.text).toMatch(/stopping: nothing of this request was stored/);

    // A request after the stop began is not taken: refused at connect, or answered 503 and not stored.
    let late: Response | undefined;
    try {
      late = await fetch(`${a.url}/events`, { method: 'POST', body: joined('late1', 'other', 'bob') });
    } catch (e) {
      expect(e).toBeInstanceOf(TypeError);
    }
    if (late) {
      expect(late.status).toBe(503);
      expect(late.headers.get('retry-after')).toBe('1');
      expect(((await late.json()) as { error: string }).error).toMatch(/stopping/);
    }

    await release();
    const res = await waiting;
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(res.headers.get('playbook-events')).toBe('processed=1; duplicate=0; ignored=0; late=0');
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toMatchObject([{ type: 'message.send', community: held, text: 'welcome ANN' }]);
    expect(await exitCode(a)).toBe(0);
    expect(a.stderr()).not.toMatch(/error while stopping/);
    expect(await inboxBodies()).not.toContain('late1');
    expect(await inboxBodies()).not.toContain('late2');
  }, 60_000);

  it('SIGTERM while the owner cannot process within the grace period: a 503 with Retry-After, and the next owner processes the stored events once', async () => {
    await hold();
    const a = await startServe(fx.file, fx.cluster.url);
    fx.running.push(a);
    await until('the process to hold every other slot', async () => ((await (await fetch(`${a.url}/health`)).json()) as { slots: number }).slots === 63);

    const body = joined('j2', held, 'cat');
    const waiting = fetch(`${a.url}/events`, { method: 'POST', body });
    waiting.catch(() => undefined);
    await until('the event to be in the inbox', async () => (await pendingRows(held)) === 1);
    a.child.kill('SIGTERM');
    const res = await waiting;
    const reply = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(reply).toMatchObject({ accepted: 1, pending: true });
    expect(String(reply['error'])).toMatch(/stopping/);
    expect(await exitCode(a)).toBe(0);
    expect(await pendingRows(held)).toBe(1);

    // Sent again to the next process: a duplicate; the stored copy was processed once.
    await release();
    const b = await startServe(fx.file, fx.cluster.url);
    fx.running.push(b);
    const again = await fetch(`${b.url}/events`, { method: 'POST', body });
    expect(again.status, await again.clone().text()).toBe(200);
    expect(again.headers.get('playbook-events')).toBe('processed=0; duplicate=1; ignored=0; late=0');
    const welcomes = (await readLog(b.url)).filter((x) => x['community'] === held && x['type'] === 'message.send').map((x) => x['text']);
    expect(welcomes).toEqual(['welcome ANN', 'welcome CAT']);
    await stopServe(b);
    expect(b.child.exitCode).toBe(0);
  }, 60_000);
});
