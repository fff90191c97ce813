import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startServe, stopServe, type ServeProcess } from './servers/cluster.js';
import { eventually } from './servers/common.js';

/**
 * `call crm with …` through a real playbook and `playbook serve` (docs/serve.md, "Webhooks"): the
 * server is killed with SIGKILL between two attempts of a call, and the server started again on
 * its database delivers it, with the same Idempotency-Key. The receiver is a local HTTP server.
 */

const PLAYBOOK = `playbook "Shop" {
  timezone "UTC"
}

endpoint crm {
  url env "PLAYBOOK_TEST_CRM_URL"
  timeout 2s
  retries 5
}

rule paid {
  on order.paid
  do call crm with orderId, amount, buyer: member
}
`;

describe('webhook calls through serve, across a SIGKILL', () => {
  let dir: string;
  let file: string;
  let receiver: Server;
  const received: { key: string; type: string; body: string }[] = [];
  let accept = false;
  const running: ServeProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-serve-webhooks-'));
    file = join(dir, 'shop.playbook');
    writeFileSync(file, PLAYBOOK);
    receiver = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ key: String(req.headers['idempotency-key']), type: String(req.headers['content-type']), body });
        res.writeHead(accept ? 200 : 503);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    process.env['PLAYBOOK_TEST_CRM_URL'] = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/orders`;
  });

  afterAll(async () => {
    for (const p of running) await stopServe(p, 'SIGKILL');
    delete process.env['PLAYBOOK_TEST_CRM_URL'];
    receiver.closeAllConnections();
    await new Promise((r) => receiver.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const pending = async (url: string) =>
    (await (await fetch(`${url}/webhooks?status=pending`)).text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number; attempts: number });

  it('a call pending when the server is killed is delivered after the restart, with the same key', async () => {
    const db = join(dir, 'shop.db');
    const first = await startServe(file, db);
    running.push(first);
    const event = { id: 'o-1', type: 'order.paid', at: '2026-03-01T10:00:00Z', community: 'shop', member: 'ann', orderId: 'A-17', amount: 120 };
    const reply = await fetch(`${first.url}/events`, { method: 'POST', body: JSON.stringify(event) });
    expect(reply.status).toBe(200);
    const [logged] = (await reply.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; endpoint: string; body: unknown });
    const seq = (await (await fetch(`${first.url}/actions`)).text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { seq: number })[0]!.seq;
    expect(logged).toMatchObject({ type: 'webhook.call', endpoint: 'crm', body: { orderId: 'A-17', amount: 120, buyer: 'ann' } });
    // The first attempt got a 503 and is recorded; the next is a second away. Killed now.
    await eventually('the first attempt recorded', async () => ((await pending(first.url))[0]?.attempts === 1 ? true : undefined));
    await stopServe(first, 'SIGKILL');

    accept = true;
    const again = await startServe(file, db);
    running.push(again);
    await eventually('the call delivered', async () => {
      const h = (await (await fetch(`${again.url}/health`)).json()) as { webhooks: { delivered: number } };
      return h.webhooks.delivered === 1 ? true : undefined;
    });
    const key = `playbook:shop:${seq}`;
    expect(received.map((r) => r.key)).toEqual(Array(received.length).fill(key));
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.at(-1)!.type).toBe('application/json');
    expect(JSON.parse(received.at(-1)!.body)).toEqual({ orderId: 'A-17', amount: 120, buyer: 'ann' });
    expect(await pending(again.url)).toEqual([]);
    await stopServe(again);
  }, 60_000);

  it('refuses to start when the endpoint’s URL variable is not set', () => {
    const env = { ...process.env };
    delete env['PLAYBOOK_TEST_CRM_URL'];
    const r = spawnSync(process.execPath, [CLI, 'serve', file, '--db', ':memory:', '--port', '0'], { encoding: 'utf8', env, timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('endpoint crm takes its URL from the environment variable PLAYBOOK_TEST_CRM_URL, which is not set');
  });
});
