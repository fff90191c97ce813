import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import type { IR } from '../src/ir/schema.js';
import { EndpointError } from '../src/hosting/webhooks.js';
import { PlaybookServer } from '../src/server/server.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { emptyCommit } from '../src/store/store.js';

/**
 * `playbook serve` delivering webhook calls (docs/serve.md, "Webhooks"), with the endpoints
 * given to the IR as the compiler gives them and the calls committed as the runtime logs them:
 * the server's dispatcher sends them, GET /webhooks lists them by status and /health counts them.
 */

const SOURCE = `playbook "Hooks" {
  timezone "UTC"
}

rule hi {
  on message.posted
  do say "hi"
}
`;

let receiver: Server;
let hook: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'playbook-serve-webhooks-'));
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(req.url === '/gone' ? 410 : 200);
      res.end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((r) => receiver.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function irWith(endpoints: Record<string, unknown>): IR {
  const ir = compile(SOURCE).ir!;
  return { ...ir, endpoints } as IR;
}

const call = (endpoint: string, body: unknown) =>
  JSON.stringify({ at: '2026-03-01T00:00:00.000Z', type: 'webhook.call', community: 'club', cause: 'e1', source: 'rule:paid', endpoint, body });

describe('serve delivers webhook calls', () => {
  it('sends each call from the outbox; GET /webhooks and /health show what was delivered and what was given up', async () => {
    const store = new SqliteStore(join(dir, 'serve.db'));
    const server = new PlaybookServer({
      file: 'hooks.playbook',
      source: SOURCE,
      ir: irWith({ crm: { url: `${hook}/crm`, timeoutMs: 2000, retries: 2 }, gone: { url: `${hook}/gone`, timeoutMs: 2000, retries: 2 } }),
      store,
      clock: 'events',
    });
    const { port } = await server.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    try {
      store.commit({ ...emptyCommit(), communities: [{ id: 'club', state: '{}' }], actions: [{ community: 'club', json: call('crm', { orderId: 'o1' }) }] });
      store.commit({ ...emptyCommit(), communities: [{ id: 'club', state: '{}' }], actions: [{ community: 'club', json: call('gone', { orderId: 'o2' }) }] });
      server.webhooks!.wake();
      for (let i = 0; i < 500; i++) {
        const h = (await (await fetch(`${base}/health`)).json()) as { webhooks: Record<string, number> };
        if (h.webhooks['delivered'] === 1 && h.webhooks['failed'] === 1) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      const health = (await (await fetch(`${base}/health`)).json()) as { webhooks: Record<string, number> };
      expect(health.webhooks).toEqual({ pending: 0, delivered: 1, failed: 1 });
      expect(received.map((r) => [r.body, r.headers['idempotency-key']])).toEqual(
        expect.arrayContaining([
          ['{"orderId":"o1"}', 'playbook:club:1'],
          ['{"orderId":"o2"}', 'playbook:club:2'],
        ]),
      );
      const failed = (await (await fetch(`${base}/webhooks`)).text()).trim().split('\n');
      expect(failed.map((l) => JSON.parse(l) as unknown)).toEqual([
        { seq: 2, community: 'club', endpoint: 'gone', cause: 'e1', status: 'failed', attempts: 1, lastError: '410 Gone' },
      ]);
      const delivered = (await (await fetch(`${base}/webhooks?status=delivered`)).text()).trim();
      expect(JSON.parse(delivered)).toMatchObject({ seq: 1, endpoint: 'crm', status: 'delivered', attempts: 1 });
      expect((await fetch(`${base}/webhooks?status=lost`)).status).toBe(400);
    } finally {
      await server.close();
    }
  });

  it('an endpoint whose URL variable is not set refuses the start, naming the variable', () => {
    const store = new SqliteStore(join(dir, 'refused.db'));
    try {
      expect(
        () =>
          new PlaybookServer({
            file: 'hooks.playbook',
            source: SOURCE,
            ir: irWith({ crm: { urlEnv: 'PLAYBOOK_TEST_UNSET_CRM_URL', timeoutMs: 2000, retries: 2 } }),
            store,
            clock: 'events',
          }),
      ).toThrow(new EndpointError('endpoint crm takes its URL from the environment variable PLAYBOOK_TEST_UNSET_CRM_URL, which is not set'));
    } finally {
      store.close();
    }
  });
});
