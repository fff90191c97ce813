import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { emptyCommit } from '../../src/store/store.js';
import { backoff, EndpointError, idempotencyKey, resolveEndpoints, retryAfterMs, WebhookDispatcher, type Endpoint } from '../../src/hosting/webhooks.js';

/**
 * Delivery of webhook.call actions (docs/serve.md, "Webhooks") without a playbook: actions are
 * committed to a SQLite store as the runtime would log them, and a local HTTP server on
 * 127.0.0.1 answers as each case needs.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let url: string;
const received: Received[] = [];
/** The answers to give, in order; the last repeats. `hang` never answers. */
let answers: ({ status: number; headers?: Record<string, string> } | 'hang')[] = [];
let dir: string;
const stores: SqliteStore[] = [];
const dispatchers: WebhookDispatcher[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'playbook-webhooks-'));
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const a = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (a === 'hang') return;
      res.writeHead(a.status, a.headers ?? {});
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterEach(async () => {
  for (const d of dispatchers.splice(0)) await d.stop();
  for (const s of stores.splice(0)) s.close();
  received.length = 0;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function store(path = join(dir, `db${++n}.sqlite`)): SqliteStore {
  const s = new SqliteStore(path);
  stores.push(s);
  return s;
}

const call = (community: string, endpoint: string, body: unknown) =>
  JSON.stringify({ at: '2026-03-01T00:00:00.000Z', type: 'webhook.call', community, cause: 'e1', source: 'rule:paid', endpoint, body });

/** Commit actions as the runtime logs them: one community row, then the actions. */
function log(s: SqliteStore, community: string, actions: string[]): void {
  s.commit({ ...emptyCommit(), communities: [{ id: community, state: '{}' }], actions: actions.map((json) => ({ community, json })) });
}

function dispatcher(s: SqliteStore, endpoint: Partial<Endpoint> = {}, lines: string[] = []): WebhookDispatcher {
  const d = new WebhookDispatcher({
    outbox: s.outbox,
    endpoints: new Map([['crm', { url, timeoutMs: 2000, retries: 3, ...endpoint }]]),
    log: (l) => lines.push(l),
    pollMs: 20,
    firstBackoffMs: 10,
    maxBackoffMs: 200,
  });
  dispatchers.push(d);
  d.start();
  return d;
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the outbox', () => {
  it('gets a row for each webhook.call in the commit that logs it, and none for other actions', async () => {
    const s = store();
    log(s, 'club', [JSON.stringify({ type: 'message.send', community: 'club', text: 'webhook.call' }), call('club', 'crm', { a: 1 })]);
    const due = await s.outbox.due(Date.now(), 10);
    expect(due.map((r) => [r.seq, r.community, r.status, r.attempts])).toEqual([[2, 'club', 'pending', 0]]);
    expect(JSON.parse(due[0]!.action)).toMatchObject({ endpoint: 'crm', body: { a: 1 } });
  });
});

describe('WebhookDispatcher', () => {
  it('POSTs the body as JSON with Content-Type and an Idempotency-Key, and marks it delivered', async () => {
    answers = [{ status: 204 }];
    const s = store();
    log(s, 'club', [call('club', 'crm', { orderId: 'o1', amount: 5 })]);
    const d = dispatcher(s);
    await until('delivered', async () => ((await s.outbox.counts()).delivered === 1 ? true : undefined));
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ orderId: 'o1', amount: 5 });
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(received[0]!.headers['idempotency-key']).toBe(idempotencyKey({ community: 'club', seq: 1 }));
    expect(d.counts).toEqual({ delivered: 1, failed: 0, retried: 0 });
  });

  it('retries 503, 429 and 408 with the same key, then delivers', async () => {
    answers = [{ status: 503 }, { status: 429, headers: { 'retry-after': '0' } }, { status: 408 }, { status: 200 }];
    const s = store();
    log(s, 'club', [call('club', 'crm', { x: 1 })]);
    const lines: string[] = [];
    dispatcher(s, {}, lines);
    await until('delivered', async () => ((await s.outbox.counts()).delivered === 1 ? true : undefined));
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(Array(4).fill('playbook:club:1'));
    expect(lines.filter((l) => l.includes('failed'))).toHaveLength(3);
  });

  it('gives up at once on another 4xx, and logs it', async () => {
    answers = [{ status: 400 }];
    const s = store();
    log(s, 'club', [call('club', 'crm', {})]);
    const lines: string[] = [];
    dispatcher(s, {}, lines);
    const failed = await until('given up', async () => (await s.outbox.list('failed', 10))[0]);
    expect(failed).toMatchObject({ attempts: 1, lastError: '400 Bad Request' });
    expect(received).toHaveLength(1);
    expect(lines).toEqual([`webhook crm (action 1, community "club"): given up after 1 attempt(s): 400 Bad Request`]);
  });

  it('gives up after `retries` more attempts', async () => {
    answers = [{ status: 500 }];
    const s = store();
    log(s, 'club', [call('club', 'crm', {})]);
    dispatcher(s, { retries: 2 });
    const failed = await until('given up', async () => (await s.outbox.list('failed', 10))[0]);
    expect(failed.attempts).toBe(3);
    expect(received).toHaveLength(3);
  });

  it('a call with no answer within the timeout is retried', async () => {
    answers = ['hang', { status: 200 }];
    const s = store();
    log(s, 'club', [call('club', 'crm', {})]);
    const lines: string[] = [];
    dispatcher(s, { timeoutMs: 150 }, lines);
    await until('delivered', async () => ((await s.outbox.counts()).delivered === 1 ? true : undefined));
    expect(lines[0]).toContain('no answer within 150 ms');
  });

  it('a call to an endpoint the playbook does not declare is given up', async () => {
    const s = store();
    log(s, 'club', [call('club', 'nowhere', {})]);
    dispatcher(s);
    const failed = await until('given up', async () => (await s.outbox.list('failed', 10))[0]);
    expect(failed.lastError).toBe('no endpoint nowhere in the running playbook');
    expect(received).toHaveLength(0);
  });

  it('pending attempts survive a restart: the next process delivers with the same key', async () => {
    answers = [{ status: 503 }, { status: 200 }];
    const path = join(dir, 'restart.sqlite');
    const s1 = store(path);
    log(s1, 'club', [call('club', 'crm', { id: 7 })]);
    const d1 = new WebhookDispatcher({
      outbox: s1.outbox,
      endpoints: new Map([['crm', { url, timeoutMs: 2000, retries: 3 }]]),
      log: () => {},
      pollMs: 20,
      // Long enough that the first process never makes the second attempt.
      firstBackoffMs: 60_000,
    });
    d1.start();
    await until('the first attempt recorded', async () => ((await s1.outbox.due(Date.now() + 120_000, 1))[0]?.attempts === 1 ? true : undefined));
    await d1.stop();
    s1.close();
    stores.splice(stores.indexOf(s1), 1);

    const s2 = store(path);
    const [row] = await s2.outbox.due(Date.now() + 120_000, 1);
    expect(row).toMatchObject({ attempts: 1, status: 'pending', lastError: '503 Service Unavailable' });
    // Due now: a new process is started with the call's next attempt at its stored time.
    await s2.outbox.record(row!.seq, { attempts: 1, status: 'pending', nextAt: 0 });
    dispatcher(s2);
    await until('delivered', async () => ((await s2.outbox.counts()).delivered === 1 ? true : undefined));
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['playbook:club:1', 'playbook:club:1']);
  });
});

describe('endpoints and backoff', () => {
  it('a URL from a missing environment variable refuses to start, naming it', () => {
    expect(() => resolveEndpoints(new Map([['crm', { urlEnv: 'CRM_URL', timeoutMs: 1000, retries: 1 }]]), {})).toThrow(EndpointError);
    expect(() => resolveEndpoints(new Map([['crm', { urlEnv: 'CRM_URL', timeoutMs: 1000, retries: 1 }]]), {})).toThrow(
      'endpoint crm takes its URL from the environment variable CRM_URL, which is not set',
    );
    expect(resolveEndpoints(new Map([['crm', { urlEnv: 'CRM_URL', timeoutMs: 1000, retries: 1 }]]), { CRM_URL: 'http://127.0.0.1:9/x' }).get('crm')).toEqual({
      url: 'http://127.0.0.1:9/x',
      timeoutMs: 1000,
      retries: 1,
    });
    expect(() => resolveEndpoints(new Map([['crm', { url: 'ftp://x', timeoutMs: 1000, retries: 1 }]]))).toThrow(/use http/);
  });

  it('backs off exponentially up to the cap, and Retry-After wins when longer (never past the cap)', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((a) => backoff(a, undefined))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(backoff(1, 30_000)).toBe(30_000);
    expect(backoff(1, 600_000)).toBe(60_000);
    expect(retryAfterMs('5', 0)).toBe(5000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });
});
