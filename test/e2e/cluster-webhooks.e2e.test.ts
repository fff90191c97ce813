import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import type { IR } from '../../src/ir/schema.js';
import { ClusterServer } from '../../src/server/cluster-server.js';
import { appendActions } from '../../src/store/postgres.js';
import { durablePlaybook } from '../fixtures/durable.js';
import { eventually } from './servers/common.js';
import { postgresMissing, startPostgres, type PostgresCluster } from './servers/postgres.js';

/**
 * Webhook calls in cluster mode (docs/scaling.md, "Webhooks"), before the language side makes
 * them: the endpoints are given to the IR as the compiler gives them, and a call is logged the
 * way an owner logs it (appendActions, which writes its outbox row in the same transaction).
 * Only the community's owner delivers; when the owner stops mid-retry, the process that takes
 * the community over sends the call with the same Idempotency-Key.
 */

const SOURCE = durablePlaybook('Hook Cluster');
const EVENT = { id: 'e1', type: 'message.posted', at: '2026-03-01T08:00:00+08:00', community: 'club', member: 'ann', messageId: 'x1', text: 'hi' };

describe.skipIf(postgresMissing() !== undefined)('webhook calls in cluster mode', () => {
  let db: PostgresCluster;
  let receiver: Server;
  let hook: string;
  const received: { key: string; body: string }[] = [];
  let accept = false;
  const servers: ClusterServer[] = [];

  beforeAll(async () => {
    db = await startPostgres();
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ key: String(req.headers['idempotency-key']), body });
        res.writeHead(accept ? 200 : 503);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/crm`;
  }, 60_000);

  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => undefined);
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    db?.destroy();
  });

  async function open(): Promise<{ server: ClusterServer; url: string }> {
    const ir = { ...compile(SOURCE).ir!, endpoints: { crm: { url: hook, timeoutMs: 2000, retries: 10 } } } as IR;
    const server = await ClusterServer.open({ file: 'hooks.playbook', source: SOURCE, ir, url: db.url, clock: 'events', timing: { rebalanceMs: 200 } });
    servers.push(server);
    const { port } = await server.listen(0, '127.0.0.1');
    return { server, url: `http://127.0.0.1:${port}` };
  }

  it('only the owner delivers; a call pending when its owner stops is delivered by the next owner with the same key', async () => {
    const a = await open();
    const b = await open();
    await eventually('both processes to hold slots', () => (a.server.owner.slots.length > 0 && b.server.owner.slots.length > 0 ? true : undefined));
    // The community exists (its owner loaded it) once an event was processed.
    expect((await fetch(`${a.url}/events`, { method: 'POST', body: JSON.stringify(EVENT) })).status).toBe(200);
    const owner = [a, b].find((p) => p.server.owner.ownedCommunities().includes('club'))!;
    const other = owner === a ? b : a;
    expect(other.server.owner.ownedCommunities()).not.toContain('club');

    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    try {
      await sql.query('BEGIN');
      const { firstSeq } = await appendActions(sql, [
        {
          community: 'club',
          json: JSON.stringify({ at: EVENT.at, type: 'webhook.call', community: 'club', cause: 'e1', source: 'rule:paid', endpoint: 'crm', body: { n: 1 } }),
        },
      ]);
      await sql.query('COMMIT');
      a.server.webhooks.wake();
      b.server.webhooks.wake();
      await eventually('the first attempt recorded', () => (owner.server.webhooks.counts.retried === 1 ? true : undefined));
      expect(other.server.webhooks.counts).toEqual({ delivered: 0, failed: 0, retried: 0 });

      // The owner stops before its next attempt; the other process takes the community over.
      await owner.server.close();
      accept = true;
      await eventually('the call delivered by the new owner', () => (other.server.webhooks.counts.delivered === 1 ? true : undefined), 20_000);
      expect(other.server.owner.ownedCommunities()).toContain('club');
      const key = `playbook:club:${firstSeq}`;
      expect(received.map((r) => r.key)).toEqual(Array(received.length).fill(key));
      expect(received.at(-1)!.body).toBe('{"n":1}');
      const status = await sql.query<{ status: string; attempts: number }>('SELECT status, attempts FROM outbox WHERE seq = $1', [firstSeq]);
      expect(status.rows).toEqual([{ status: 'delivered', attempts: received.length }]);
      const health = (await (await fetch(`${other.url}/health`)).json()) as { webhooks: Record<string, number> };
      expect(health.webhooks).toEqual({ pending: 0, delivered: 1, failed: 0 });
    } finally {
      await sql.end();
    }
  }, 60_000);
});
