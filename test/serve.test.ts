import { spawn, spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime, type OutputAction } from '../src/runtime/runtime.js';
import { MAX_TIMER_DELAY_MS, RETRY_DELAY_MS, TimerLoop } from '../src/hosting/clock.js';
import { FakeHost } from './helpers/fake-timer-host.js';
import { bearerMatches, bearerTokenProblem } from '../src/server/http.js';
import { parseEvents } from '../src/server/events-body.js';
import { PlaybookServer, type PlaybookServerOptions } from '../src/server/server.js';
import { serveCommand } from '../src/cli/serve.js';
import { MemoryDurableStore } from '../src/store/memory.js';
import { SqliteStore, StoreOpenError } from '../src/store/sqlite.js';
import { DurableRuntime } from '../src/store/durable.js';
import { MAX_EVENT_LINE_BYTES, MAX_PLAYBOOK_BYTES, MAX_RELOAD_DIAGNOSTICS } from '../src/limits.js';
import Database from 'better-sqlite3';
import { runCli } from './helpers/cli.js';
import type { Commit, DurableStore } from '../src/store/store.js';

const PLAYBOOK = `playbook "Serve Club" {
  timezone "Asia/Shanghai"
}

roles admin

ritual onboarding {
  starts on member.joined
  say to member "welcome {member.name}"
  step redpacket "red packet": redpacket.sent where amount >= 5
  step intro "intro": message.posted where text contains "-"
  remind after 6h: say to member "missing: {missing}"
  deadline 24h: remove member reason "no intro"
  done {
    award 10 points reason "ritual"
  }
}

lifecycle member {
  initial newcomer
  newcomer -> active   on message.posted
  active   -> dormant  after 2d without message.posted {
    say to member "miss you {member.name}"
  }
  dormant  -> active   on message.posted
}

rule no_ads {
  on message.posted
  when text contains "ad"
  unless member has role admin
  do delete message; warn member "no ads" on ladder ads
}

ladder ads {
  1: say to member "first warning"
  2: remove member reason "ads"
}

points {
  message.posted: +1 reason "talk"
}
`;

const T0 = Date.parse('2026-03-01T08:00:00+08:00');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const HOUR = 60;
/** The instant of an action (actions are written in the playbook's time zone). */
const instant = (a: Record<string, unknown>) => Date.parse(a['at'] as string);

function ev(id: string, type: string, minutes: number, extra: Record<string, unknown> = {}, community = 'c', member = 'm1'): Record<string, unknown> {
  return { id, type, at: at(minutes), community, member, ...extra };
}
const join_ = (id: string, minutes: number, member = 'm1', community = 'c') =>
  ev(id, 'member.joined', minutes, { name: member.toUpperCase() }, community, member);
const post = (id: string, minutes: number, text: string, member = 'm1', community = 'c') =>
  ev(id, 'message.posted', minutes, { messageId: `x-${id}`, text }, community, member);

function irOf(source: string) {
  const r = compile(source, { file: 'club.playbook' });
  if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.ir;
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'playbook-serve-'));
  dirs.push(d);
  return d;
}

const open: PlaybookServer[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Started {
  server: PlaybookServer;
  url: string;
  logs: string[];
}

async function start(options: Partial<PlaybookServerOptions> & { source?: string } = {}): Promise<Started> {
  const source = options.source ?? PLAYBOOK;
  const logs: string[] = [];
  const server = new PlaybookServer({
    file: 'club.playbook',
    source,
    ir: irOf(source),
    store: new MemoryDurableStore(),
    clock: 'events',
    log: (l) => logs.push(l),
    ...options,
  });
  open.push(server);
  const address = await server.listen(0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${address.port}`, logs };
}

const lines = (body: string) =>
  body
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const jsonl = (events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

async function postEvents(url: string, events: unknown[], headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/events`, { method: 'POST', body: jsonl(events), headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

/** What an in-memory runtime (the semantics of `simulate`) makes of the same events. */
function reference(events: unknown[], until?: number, source = PLAYBOOK): OutputAction[] {
  const rt = createRuntime(irOf(source));
  const out: OutputAction[] = [];
  for (const e of events) out.push(...rt.dispatch(e));
  if (until !== undefined) out.push(...rt.advance(until));
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('the timer loop', () => {
  it('never arms a host timer longer than the maximum and fires each due instant once, on time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 * 86_400_000 }), { minLength: 1, maxLength: 8 }), (offsets) => {
        const host = new FakeHost(T0);
        const queue = offsets.map((o) => T0 + o).sort((a, b) => a - b);
        const fired: { due: number; at: number }[] = [];
        const loop = new TimerLoop(
          () => queue[0],
          (now) => {
            while (queue.length && queue[0]! <= now) fired.push({ due: queue.shift()!, at: now });
          },
          () => {},
          host,
        );
        loop.arm();
        host.runTo(T0 + 61 * 86_400_000);
        expect(queue).toEqual([]);
        expect(fired.map((f) => f.due)).toEqual(offsets.map((o) => T0 + o).sort((a, b) => a - b));
        // On time: the loop wakes exactly at each due instant, never after it.
        for (const f of fired) expect(f.at).toBe(f.due);
        expect(Math.max(...host.delays)).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
        expect(host.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('a due date 40 days ahead (past setTimeout’s 24.8-day limit) is reached by hourly wake-ups', () => {
    const host = new FakeHost(T0);
    const due = T0 + 40 * 86_400_000;
    let fired = 0;
    const loop = new TimerLoop(
      () => (fired ? undefined : due),
      () => fired++,
      () => {},
      host,
    );
    loop.arm();
    host.runTo(due - 1);
    expect(fired).toBe(0);
    host.runTo(due);
    expect(fired).toBe(1);
    expect(host.delays.every((d) => d <= MAX_TIMER_DELAY_MS)).toBe(true);
    expect(host.delays.length).toBeGreaterThanOrEqual(40 * 24);
  });

  it('retries after a failed firing instead of spinning or giving up', () => {
    const host = new FakeHost(T0);
    let attempts = 0;
    let done = false;
    const errors: unknown[] = [];
    const loop = new TimerLoop(
      () => (done ? undefined : T0),
      () => {
        attempts++;
        if (attempts < 3) throw new Error('disk I/O error');
        done = true;
      },
      (e) => errors.push(e),
      host,
    );
    loop.arm();
    host.runTo(T0 + 2 * RETRY_DELAY_MS - 1);
    expect(attempts).toBe(2);
    host.runTo(T0 + 2 * RETRY_DELAY_MS);
    expect(attempts).toBe(3);
    expect(errors).toHaveLength(2);
    loop.stop();
    expect(host.pending).toBe(0);
  });
});

describe('POST /events', () => {
  it('takes one JSON event (even pretty-printed) or JSON Lines and replies with the actions', async () => {
    const { url } = await start();
    const first = join_('a', 0);
    const res = await fetch(`${url}/events`, { method: 'POST', body: JSON.stringify(first, null, 2) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const events = [post('b', 1, 'ann-bj-dev'), post('c', 2, 'cheap ad'), post('b', 3, 'again'), ev('u', 'platform.ping', 4)];
    const r = await postEvents(url, events);
    expect(r.status).toBe(200);
    expect(r.headers.get('playbook-events')).toBe('processed=2; duplicate=1; ignored=1; late=0');
    const all = [...lines(await res.text()), ...lines(r.body)];
    expect(all).toEqual(reference([first, ...events]));
    expect(Number(r.headers.get('playbook-last-seq'))).toBe(all.length);
  });

  it('a body with bad lines is refused whole, with line numbers, and nothing is processed', async () => {
    const { url } = await start();
    const body = [
      JSON.stringify(join_('a', 0)),
      '',
      '{"id": "b", "type": ',
      JSON.stringify({ ...post('c', 1, 'x'), at: 'yesterday' }),
      JSON.stringify(post('d', 2, 'ok')),
    ].join('\n');
    const res = await fetch(`${url}/events`, { method: 'POST', body });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: string; problems: { line: number; message: string }[] };
    expect(err.error).toMatch(/2 lines are not valid events; nothing was processed/);
    expect(err.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(err.problems[0]!.message).toMatch(/not valid JSON/);
    expect(err.problems[1]!.message).toMatch(/at/);
    const health = (await (await fetch(`${url}/health`)).json()) as { lastSeq: number; communities: number };
    expect(health).toMatchObject({ lastSeq: 0, communities: 0 });
    const again = await postEvents(url, [join_('a', 0), post('d', 2, 'ok')]);
    expect(again.status).toBe(200);
    expect(lines(again.body).length).toBeGreaterThan(0);
  });

  it('refuses empty, oversized and non-UTF-8 bodies', async () => {
    const { url } = await start({ maxBodyBytes: 2000 });
    expect((await fetch(`${url}/events`, { method: 'POST', body: '  \n' })).status).toBe(400);
    const big = jsonl(Array.from({ length: 40 }, (_, i) => post(`p${i}`, i, 'hello there')));
    const res = await fetch(`${url}/events`, { method: 'POST', body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toMatch(/limit/);
    // Without a Content-Length the limit applies as the body streams in.
    const chunked = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = httpRequest(`${url}/events`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, headers: res.headers });
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(big.slice(0, 500));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.headers['connection']).toBe('close');
    const bad = await fetch(`${url}/events`, { method: 'POST', body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problems: unknown[] }).problems).toEqual([{ line: 1, message: 'not valid UTF-8' }]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});

describe('routes, methods and bad requests', () => {
  it('unknown routes are 404, wrong methods 405 with Allow, bad parameters 400; all JSON without stack traces', async () => {
    const { url } = await start();
    const notFound = await fetch(`${url}/admin`);
    expect(notFound.status).toBe(404);
    expect(((await notFound.json()) as { error: string }).error).toMatch(/no route \/admin/);
    const wrong = await fetch(`${url}/events`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    for (const path of ['/actions?after=-1', '/actions?after=abc', '/actions?limit=0', '/actions?limit=100000']) {
      const res = await fetch(url + path);
      expect(res.status, path).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/\n\s+at /);
    }
    expect((await fetch(`${url}/advance`, { method: 'POST' })).status).toBe(400);
    const badTo = await fetch(`${url}/advance?to=tomorrow`, { method: 'POST' });
    expect(badTo.status).toBe(400);
    expect(((await badTo.json()) as { error: string }).error).toMatch(/ISO-8601/);
  });

  it('survives malformed HTTP and answers the next request', async () => {
    const { url } = await start();
    const port = Number(new URL(url).port);
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('GARBAGE \x00\x01 / HTTP/9\r\n\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('a storage failure is a 503 that applies nothing; the server goes on and a resend succeeds', async () => {
    const inner = new MemoryDurableStore();
    let fail = false;
    const store: DurableStore = Object.assign(Object.create(inner) as DurableStore, {
      commit: (c: Commit) => {
        if (fail) throw new Error('SQLITE_FULL: database or disk is full');
        return inner.commit(c);
      },
    });
    const { url, logs } = await start({ store });
    await postEvents(url, [join_('a', 0)]);
    fail = true;
    const failed = await postEvents(url, [post('b', 1, 'ann-bj-dev')]);
    expect(failed.status).toBe(503);
    expect(JSON.parse(failed.body).error).toMatch(/storage error: SQLITE_FULL.*nothing of this request was applied/);
    expect(failed.body).not.toMatch(/\n\s+at /);
    expect(logs.some((l) => l.includes('SQLITE_FULL'))).toBe(true);
    fail = false;
    const resent = await postEvents(url, [post('b', 1, 'ann-bj-dev')]);
    expect(resent.status).toBe(200);
    expect(resent.headers.get('playbook-events')).toMatch(/^processed=1;/);
    const log = lines(await (await fetch(`${url}/actions`)).text()).map(({ seq: _s, ...a }) => a);
    expect(log).toEqual(reference([join_('a', 0), post('b', 1, 'ann-bj-dev')]));
  });
});

describe('the action log', () => {
  it('GET /actions pages by sequence number and filters by community; communities stay isolated', async () => {
    const { url } = await start();
    const events = [
      join_('a', 0, 'm1', 'north'),
      join_('a', 0, 'm1', 'south'),
      post('b', 1, 'cheap ad', 'm1', 'north'),
      post('b', 1, 'cheap ad', 'm1', 'north'),
      post('c', 2, 'cheap ad', 'm1', 'north'),
      post('c', 2, 'hello', 'm1', 'south'),
    ];
    await postEvents(url, events);
    await fetch(`${url}/advance?to=${encodeURIComponent(at(3 * 24 * HOUR))}`, { method: 'POST' });
    const all = lines(await (await fetch(`${url}/actions`)).text());
    expect(all.map((a) => a['seq'])).toEqual(all.map((_, i) => i + 1));
    const page = lines(await (await fetch(`${url}/actions?after=2&limit=3`)).text());
    expect(page).toEqual(all.slice(2, 5));
    const south = lines(await (await fetch(`${url}/actions?community=south`)).text());
    expect(south).toEqual(all.filter((a) => a['community'] === 'south'));
    // Each community on its own gives exactly what it gives together with the other.
    const strip = (xs: Record<string, unknown>[]) => xs.map(({ seq: _s, ...a }) => a);
    const until = T0 + 3 * 24 * 3_600_000;
    expect(strip(south)).toEqual(
      reference(
        events.filter((e) => e['community'] === 'south'),
        until,
      ),
    );
    const north = all.filter((a) => a['community'] === 'north');
    expect(strip(north)).toEqual(
      reference(
        events.filter((e) => e['community'] === 'north'),
        until,
      ),
    );
    expect(north.some((a) => a['type'] === 'member.remove' && a['reason'] === 'ads')).toBe(true);
    expect(south.some((a) => a['type'] === 'member.remove' && a['reason'] === 'ads')).toBe(false);
  });

  it('GET /actions/stream replays from ?after or Last-Event-ID, then goes live; ?community filters', async () => {
    const { url } = await start();
    await postEvents(url, [join_('a', 0), post('b', 1, 'cheap ad')]);
    const sse = openStream(`${url}/actions/stream?after=2`);
    const filtered = openStream(`${url}/actions/stream?community=other`);
    const resumed = openStream(`${url}/actions/stream`, { 'last-event-id': '4' });
    await postEvents(url, [join_('z', 5, 'm9', 'other'), post('c', 6, 'ann-bj-dev')]);
    const all = lines(await (await fetch(`${url}/actions`)).text());
    const got = await sse.take(all.length - 2);
    expect(got.map((e) => e.id)).toEqual(all.slice(2).map((a) => String(a['seq'])));
    expect(got.map((e) => JSON.parse(e.data) as unknown)).toEqual(all.slice(2).map(({ seq: _s, ...a }) => a));
    const other = all.filter((a) => a['community'] === 'other');
    expect((await filtered.take(other.length)).map((e) => e.id)).toEqual(other.map((a) => String(a['seq'])));
    expect((await resumed.take(all.length - 4)).map((e) => Number(e.id))).toEqual(all.slice(4).map((a) => a['seq']));
    for (const s of [sse, filtered, resumed]) s.close();
  });
});

/** A minimal EventSource over node:http: collects `id`/`data` events. */
function openStream(url: string, headers: Record<string, string> = {}) {
  const events: { id: string; data: string }[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  const req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const id = /^id: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (id !== undefined && data !== undefined) events.push({ id, data });
      }
      for (const w of waiters.splice(0)) w();
    });
  });
  req.on('error', () => {});
  req.end();
  return {
    async take(n: number) {
      const deadline = Date.now() + 10_000;
      while (events.length < n && Date.now() < deadline) await new Promise<void>((r) => waiters.push(r) && setTimeout(r, 200));
      return events.slice(0, n);
    },
    close() {
      req.destroy();
    },
  };
}

describe('bearer tokens', () => {
  it('bearerMatches accepts exactly the token', () => {
    expect(bearerMatches('Bearer s3cret', 's3cret')).toBe(true);
    expect(bearerMatches('bearer   s3cret ', 's3cret')).toBe(true);
    expect(bearerMatches('Bearer s3cre', 's3cret')).toBe(false);
    expect(bearerMatches('Bearer s3cretX', 's3cret')).toBe(false);
    expect(bearerMatches('Basic s3cret', 's3cret')).toBe(false);
    expect(bearerMatches(undefined, 's3cret')).toBe(false);
    expect(bearerMatches('Bearer', '')).toBe(false);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !/\s/.test(s)),
        fc.string({ minLength: 1 }).filter((s) => !/\s/.test(s)),
        (a, b) => bearerMatches(`Bearer ${a}`, b) === (a === b),
      ),
    );
  });

  it('with a token, every route needs it: 401 with WWW-Authenticate otherwise, and nothing is processed', async () => {
    const { url } = await start({ token: 'tok-123' });
    for (const [method, path] of [
      ['GET', '/health'],
      ['POST', '/events'],
      ['POST', '/advance?to=2026-03-02T00:00:00Z'],
      ['GET', '/actions'],
      ['GET', '/actions/stream'],
      ['POST', '/playbook'],
      ['GET', '/nope'],
    ] as const) {
      for (const auth of [undefined, 'Bearer wrong', 'Bearer tok-1234', 'tok-123']) {
        const res = await fetch(url + path, {
          method,
          headers: auth ? { authorization: auth } : {},
          body: method === 'POST' ? jsonl([join_('a', 0)]) : undefined,
        });
        expect(res.status, `${method} ${path} ${auth}`).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        await res.text();
      }
    }
    const ok = await postEvents(url, [join_('a', 0)], { authorization: 'Bearer tok-123' });
    expect(ok.status).toBe(200);
    const health = await fetch(`${url}/health`, { headers: { authorization: 'Bearer tok-123' } });
    expect(((await health.json()) as { lastSeq: number }).lastSeq).toBe(lines(ok.body).length);
  });
});

describe('the wall clock', () => {
  it('fires a pending deadline on time, and after a restart one that came due while the server was down', async () => {
    const dir = tempDir();
    const db = join(dir, 'wall.db');
    const host = new FakeHost(T0);
    const first = await start({ clock: 'wall', timerHost: host, store: new SqliteStore(db, { sync: 'normal' }) });
    // m1 joins now, m2 eight hours later: both must intro within 24 hours. (An event is posted
    // when it happens: on the wall clock, one stamped hours ahead is refused, see clock-guards.)
    expect((await postEvents(first.url, [join_('j1', 0, 'm1')])).status).toBe(200);
    host.runTo(T0 + 8 * 3_600_000);
    expect((await postEvents(first.url, [join_('j2', 8 * HOUR, 'm2')])).status).toBe(200);
    host.runTo(T0 + 24 * 3_600_000);
    const removed = () => lines(readLogSync(first.server)).filter((a) => a['type'] === 'member.remove');
    expect(removed().map((a) => [a['member'], instant(a)])).toEqual([['m1', T0 + 24 * 3_600_000]]);
    expect(Math.max(...host.delays)).toBeLessThanOrEqual(MAX_TIMER_DELAY_MS);
    await first.server.close();
    open.splice(open.indexOf(first.server), 1);

    // Down from hour 24 to hour 40: m2's deadline (hour 32) passes while nothing runs.
    host.t = T0 + 40 * 3_600_000;
    const second = await start({ clock: 'wall', timerHost: host, store: new SqliteStore(db, { sync: 'normal' }) });
    host.runTo(host.t);
    const log = lines(readLogSync(second.server));
    const m2 = log.filter((a) => a['type'] === 'member.remove' && a['member'] === 'm2');
    expect(m2.map(instant)).toEqual([T0 + 32 * 3_600_000]);
    expect(log.filter((a) => a['type'] === 'member.remove')).toHaveLength(2);
    // Wall mode does not advance into the future, but fires what is due now.
    const future = await fetch(`${second.url}/advance?to=${encodeURIComponent(at(100 * HOUR))}`, { method: 'POST' });
    expect(future.status).toBe(409);
    expect((await fetch(`${second.url}/advance`, { method: 'POST' })).status).toBe(200);
  });
});

function readLogSync(server: PlaybookServer): string {
  return server.durable
    .actionsAfter(0, 1e6)
    .map((a) => JSON.stringify({ seq: a.seq, ...a.action }))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------

async function reload(url: string, source: string) {
  const res = await fetch(`${url}/playbook`, { method: 'POST', body: source, headers: { 'content-type': 'text/plain' } });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & {
      dropped?: { what: string; count: number; examples: string[] }[];
      changed?: { what: string; count: number; examples: string[] }[];
    },
  };
}

describe('reload', () => {
  it('a version with errors is refused with its diagnostics and the old one keeps running', async () => {
    const { url } = await start();
    const res = await reload(url, PLAYBOOK.replace('deadline 24h', 'deadline 24x'));
    expect(res.status).toBe(400);
    expect(res.body['error']).toMatch(/running version is unchanged/);
    expect((res.body['diagnostics'] as string[]).join('\n')).toMatch(/club\.playbook:\d+:\d+: error/);
    const r = await postEvents(url, [join_('a', 0)]);
    expect(lines(r.body)[0]!['text']).toBe('welcome M1');
  });

  it('reloading the same playbook at any point changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 7 }), async (cut) => {
        const { url } = await start();
        const events = [
          join_('a', 0),
          join_('b', 10, 'm2'),
          post('c', 20, 'ann-bj-dev'),
          post('d', 30, 'cheap ad', 'm2'),
          post('e', 3 * HOUR, 'hi'),
          post('f', 5 * HOUR, 'x', 'm3'),
          join_('g', 6 * HOUR, 'm4'),
          post('h', 7 * HOUR, 'cheap ad', 'm2'),
        ];
        await postEvents(url, events.slice(0, cut));
        const r = await reload(url, PLAYBOOK);
        expect(r.status).toBe(200);
        expect(r.body.dropped).toEqual([]);
        await postEvents(url, events.slice(cut));
        await fetch(`${url}/advance?to=${encodeURIComponent(at(5 * 24 * HOUR))}`, { method: 'POST' });
        const log = lines(await (await fetch(`${url}/actions`)).text()).map(({ seq: _s, ...a }) => a);
        expect(log).toEqual(reference(events, T0 + 5 * 24 * 3_600_000));
      }),
      { numRuns: 8 },
    );
  });

  it('carries members over, reports what was dropped, re-times changed deadlines and arms new jobs', async () => {
    const dir = tempDir();
    const db = join(dir, 'reload.db');
    const { url, server } = await start({ store: new SqliteStore(db, { sync: 'normal' }) });
    await postEvents(url, [
      join_('a', 0, 'm1'), // m1: in the ritual, deadline at 24h
      join_('b', 0, 'm2'),
      post('c', 10, 'hi', 'm2'), // m2: active, dormant after 2d
      post('d', 20, 'cheap ad', 'm2'), // m2: one warning
    ]);
    const next = PLAYBOOK.replace('deadline 24h', 'deadline 48h')
      .replace('  remind after 6h: say to member "missing: {missing}"\n', '')
      .replace(
        '  active   -> dormant  after 2d without message.posted {\n    say to member "miss you {member.name}"\n  }\n  dormant  -> active   on message.posted\n',
        '',
      )
      .replace('ladder ads {', 'job daily every day at 09:00 { say "good morning" }\n\nladder ads {');
    const r = await reload(url, next);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const dropped = r.body.dropped!.map((n) => n.what);
    expect(dropped).toContainEqual(expect.stringMatching(/ritual onboarding: reminder 1 removed; pending timers dropped/));
    expect(dropped).toContainEqual(expect.stringMatching(/lifecycle member: after 2d to dormant removed; pending timers dropped/));
    const changed = r.body.changed!.map((n) => n.what);
    expect(changed).toContainEqual(expect.stringMatching(/ritual onboarding: deadline now 2d \(was 1d\)/));
    expect(changed).toContainEqual(expect.stringMatching(/job daily: new, scheduled/));

    // Under the new version: no reminder at 6h, removal at 48h, the job at 09:00, warnings kept.
    await postEvents(url, [post('e', 30, 'cheap ad again', 'm2')]);
    await fetch(`${url}/advance?to=${encodeURIComponent(at(50 * HOUR))}`, { method: 'POST' });
    const log = lines(await (await fetch(`${url}/actions`)).text());
    expect(log.some((a) => String(a['text']).startsWith('missing'))).toBe(false);
    expect(log.filter((a) => a['type'] === 'member.remove' && a['member'] === 'm1').map(instant)).toEqual([T0 + 48 * 3_600_000]);
    expect(log.filter((a) => a['type'] === 'member.remove' && a['member'] === 'm2').map((a) => a['reason'])).toEqual(['ads']);
    expect(log.filter((a) => a['text'] === 'good morning').map(instant)).toEqual([1, 25, 49].map((h) => T0 + h * 3_600_000));

    // A restart with the old FILE is a reload back, reported at start.
    await server.close();
    open.splice(open.indexOf(server), 1);
    const back = await start({ store: new SqliteStore(db, { sync: 'normal' }) });
    expect(back.server.startNotes?.dropped.map((n) => n.what)).toContainEqual(expect.stringMatching(/job daily removed/));
  });

  it('drops members in a removed lifecycle state, and keeps the rest', async () => {
    const { url, server } = await start();
    await postEvents(url, [join_('a', 0, 'm1'), post('b', 1, 'ann-bj-dev', 'm1'), ev('r', 'redpacket.sent', 2, { amount: 5, shares: 5 }), join_('c', 2, 'm2')]);
    await fetch(`${url}/advance?to=${encodeURIComponent(at(3 * 24 * HOUR))}`, { method: 'POST' });
    // m1 finished the ritual and is dormant now; m2 was removed by the ritual deadline.
    expect(server.durable.rt.community('c')!.members['m1']!.machines?.['lifecycle:member']).toBe('dormant');
    const points = server.durable.rt.community('c')!.members['m1']!.points;
    const next = PLAYBOOK.replace(
      '  active   -> dormant  after 2d without message.posted {\n    say to member "miss you {member.name}"\n  }\n  dormant  -> active   on message.posted\n',
      '',
    );
    const r = await reload(url, next);
    expect(r.body.dropped).toContainEqual({
      what: 'lifecycle member: state dormant removed; members restart at newcomer on their next event',
      count: 1,
      examples: ['c/m1'],
    });
    const m1 = server.durable.rt.community('c')!.members['m1']!;
    expect(m1.points).toBe(points);
    expect(m1.points).toBeGreaterThan(0);
    expect(m1.machines?.['lifecycle:member']).toBeUndefined();
    // The event that restarts the lifecycle at newcomer is also its first event (docs/runtime.md, Machines).
    const back = await postEvents(url, [post('d', 4 * 24 * HOUR, 'back', 'm1')]);
    expect(server.durable.rt.community('c')!.members['m1']!.machines?.['lifecycle:member']).toBe('active');
    expect(
      lines(back.body)
        .filter((a) => a['type'] === 'lifecycle.changed')
        .map((a) => [a['from'], a['to']]),
    ).toEqual([['newcomer', 'active']]);
    const after = await postEvents(url, [post('e', 4 * 24 * HOUR + 1, 'again', 'm1')]);
    expect(lines(after.body).filter((a) => a['type'] === 'lifecycle.changed')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

const CLI = process.env['PLAYBOOK_CLI'] ?? 'bin/playbook.js';
const serveAvailable = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' }).status === 0;
if (!serveAvailable)
  console.warn(`serve process test skipped: \`node ${CLI} serve --help\` fails (run \`npm run build\`; is serve registered in src/cli/main.ts?)`);

describe.skipIf(!serveAvailable)('the serve process', () => {
  it('binds 127.0.0.1 by default, reloads FILE on SIGHUP, stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    const child = spawn(process.execPath, [CLI, 'serve', file, '--port', '0', '--db', join(dir, 'p.db'), '--clock', 'events'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
    expect(first).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = first.slice('listening on '.length);
    expect(((await (await fetch(`${url}/health`)).json()) as { playbook: string }).playbook).toBe('Serve Club');
    writeFileSync(file, PLAYBOOK.replace('"Serve Club"', '"Serve Club 2"'));
    child.kill('SIGHUP');
    let name = '';
    for (let i = 0; i < 100 && name !== 'Serve Club 2'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      name = ((await (await fetch(`${url}/health`)).json()) as { playbook: string }).playbook;
    }
    expect(name).toBe('Serve Club 2');
    writeFileSync(file, 'playbook "broken" {');
    child.kill('SIGHUP');
    for (let i = 0; i < 100 && !stderr.includes('has errors'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stderr).toMatch(/has errors; the running version is unchanged/);
    expect(((await (await fetch(`${url}/health`)).json()) as { playbook: string }).playbook).toBe('Serve Club 2');
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('usage errors exit 2 with a message: bad options, a database in use', async () => {
    const dir = tempDir();
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    const bad = spawnSync(process.execPath, [CLI, 'serve', file, '--clock', 'sundial'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--clock must be wall or events/);
    const holder = new SqliteStore(join(dir, 'busy.db'));
    const busy = spawnSync(process.execPath, [CLI, 'serve', file, '--port', '0', '--db', join(dir, 'busy.db')], { encoding: 'utf8' });
    holder.close();
    expect(busy.status).toBe(2);
    expect(busy.stderr).toMatch(/in use by another process/);
  });
});

describe('docs/serve.md', () => {
  const markdown = readFileSync('docs/serve.md', 'utf8');

  it('documents exactly the options of serve --help', () => {
    const table = markdown.slice(markdown.indexOf('| option | meaning |'), markdown.indexOf('\n\n', markdown.indexOf('| option | meaning |')));
    const documented = [...table.matchAll(/^\| `--([a-z-]+)/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(serveCommand.options).sort());
    for (const name of documented) expect(serveCommand.help).toContain(`--${name}`);
  });

  it('has a section for every route the server answers, and its JSON examples parse', async () => {
    const { url } = await start();
    const notFound = ((await (await fetch(`${url}/no-such-route`)).json()) as { error: string }).error;
    const routes = [...notFound.matchAll(/(GET|POST) (\/[a-z/]+)/g)].map((m) => `${m[1]} ${m[2]}`).sort();
    const sections = [...markdown.matchAll(/^### `(GET|POST) (\/[a-z/]+)/gm)].map((m) => `${m[1]} ${m[2]}`).sort();
    expect(sections).toEqual(routes);
    const blocks = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(() => JSON.parse(b)).not.toThrow();
  });
});

describe('reload across calendars, campaigns and counts', () => {
  const BASE = `playbook "Cal" {
  timezone "Asia/Shanghai"
}

rule flood {
  on message.posted
  when count(message.posted by member within 1h) > 3
  do say to member "slow down"
}
`;
  const SCHEDULE = `
schedule talk every mon-fri 19:20 until 20:00 {
  at start: say "talk starts"
}
`;
  const CAMPAIGN = `
campaign spring {
  stage warm from 2026-02-20 to 2026-03-03 {
    on enter: say "warm-up"
    on exit: say "warm-up over"
  }
  stage main from 2026-03-04 {
    on enter: say "main stage"
  }
}
`;
  const JOB = (time: string) => `
job hello every day at ${time} {
  say "hello"
}
`;
  const texts = (log: Record<string, unknown>[]) => log.map((a) => `${a['text'] ?? a['type']}@${new Date(instant(a)).toISOString()}`);

  it('a schedule, a campaign and a job added by a reload start from the clock; removed, they stop', async () => {
    const { url } = await start({ source: BASE });
    await postEvents(url, [join_('a', 0)]); // Sunday 2026-03-01 08:00 +08:00
    const added = await reload(url, BASE + SCHEDULE + CAMPAIGN + JOB('09:00'));
    expect(added.status).toBe(200);
    expect(added.body.changed!.map((n) => n.what)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/schedule talk: new/),
        expect.stringMatching(/campaign spring: new/),
        expect.stringMatching(/job hello: new/),
      ]),
    );
    await fetch(`${url}/advance?to=${encodeURIComponent('2026-03-02T20:00:00+08:00')}`, { method: 'POST' });
    const log = lines(await (await fetch(`${url}/actions`)).text());
    expect(texts(log.slice(1))).toEqual([
      'warm-up@2026-03-01T00:00:00.000Z', // the stage running at the reload, entered at the next advance
      'hello@2026-03-01T01:00:00.000Z',
      'hello@2026-03-02T01:00:00.000Z',
      'talk starts@2026-03-02T11:20:00.000Z',
    ]);
    const removed = await reload(url, BASE);
    expect(removed.body.dropped!.map((n) => n.what)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/schedule talk removed/),
        expect.stringMatching(/campaign spring removed/),
        expect.stringMatching(/job hello removed/),
      ]),
    );
    const after = await fetch(`${url}/advance?to=${encodeURIComponent('2026-03-06T00:00:00+08:00')}`, { method: 'POST' });
    expect(await after.text()).toBe('');
  });

  it('a changed job time is rescheduled, an unchanged one keeps its run', async () => {
    const { url } = await start({ source: BASE + JOB('09:00') });
    await postEvents(url, [join_('a', 0)]);
    const same = await reload(url, BASE + JOB('09:00'));
    expect(same.body.changed).toEqual([]);
    const moved = await reload(url, BASE + JOB('10:30'));
    expect(moved.body.changed!.map((n) => n.what)).toEqual(["job hello: calendar changed, rescheduled from the community's clock"]);
    const r = await fetch(`${url}/advance?to=${encodeURIComponent('2026-03-02T12:00:00+08:00')}`, { method: 'POST' });
    expect(texts(lines(await r.text()))).toEqual(['hello@2026-03-01T02:30:00.000Z', 'hello@2026-03-02T02:30:00.000Z']);
  });

  it('windows carry over to the same count when ids shift', async () => {
    const { url } = await start({ source: BASE });
    await postEvents(url, [join_('a', 0), post('p1', 1, 'one'), post('p2', 2, 'two'), post('p3', 3, 'three')]);
    // A rule with its own window, placed first, takes the first counter id.
    const shifted = BASE.replace(
      'rule flood {',
      'rule links {\n  on message.posted\n  when count(message.posted by member within 5m) > 100\n  do say "busy"\n}\n\nrule flood {',
    );
    const r = await reload(url, shifted);
    expect(r.status).toBe(200);
    const fourth = await postEvents(url, [post('p4', 4, 'four')]);
    expect(lines(fourth.body).map((a) => a['text'])).toEqual(['slow down']);
  });

  it('ritual steps: a new one is pending, and members whose remaining steps are done complete', async () => {
    const { url, server } = await start();
    await postEvents(url, [join_('a', 0, 'm1'), post('b', 1, 'ann-bj-dev', 'm1'), join_('c', 2, 'm2')]);
    const withoutRedpacket = PLAYBOOK.replace('  step redpacket "red packet": redpacket.sent where amount >= 5\n', '');
    const r = await reload(url, withoutRedpacket);
    expect(r.body.dropped!.map((n) => [n.what, n.count])).toContainEqual(["ritual onboarding: step redpacket removed from members' progress", 2]);
    expect(r.body.changed!.map((n) => [n.what, n.examples])).toContainEqual([
      'ritual onboarding: members with every remaining step done are complete (done actions not run)',
      ['c/m1'],
    ]);
    const members = server.durable.rt.community('c')!.members;
    expect(members['m1']!.machines?.['ritual:onboarding']).toBe('completed');
    expect(members['m2']!.machines?.['ritual:onboarding']).toEqual({ active: { intro: 'pending' } });
    const withCheckin = PLAYBOOK.replace('  step intro', '  step checkin "check-in": checkin.done\n  step intro');
    const r2 = await reload(url, withCheckin);
    expect(r2.body.changed!.map((n) => [n.what, n.examples])).toContainEqual([
      'ritual onboarding: new step checkin is pending for members in the ritual',
      ['c/m2'],
    ]);
    expect(members).not.toBe(server.durable.rt.community('c')!.members);
    expect(server.durable.rt.community('c')!.members['m2']!.machines?.['ritual:onboarding']).toEqual({
      active: { intro: 'pending', redpacket: 'pending', checkin: 'pending' },
    });
    // m1 is not removed at the deadline; m2 is.
    const end = await fetch(`${url}/advance?to=${encodeURIComponent(at(30 * HOUR))}`, { method: 'POST' });
    expect(
      lines(await end.text())
        .filter((a) => a['type'] === 'member.remove')
        .map((a) => a['member']),
    ).toEqual(['m2']);
  });

  it('reloading between random versions never fails, and the stored state always equals the live one', async () => {
    const schedules = [
      '',
      SCHEDULE,
      'schedule talk every mon,wed 20:00 until 21:00 {\n  at start: say "talk starts"\n  at end - 10m: say "ten minutes left"\n}\n',
    ];
    const campaigns = ['', CAMPAIGN, CAMPAIGN.replace(/ {2}stage warm[\s\S]*?\n {2}}\n/, '')];
    const blocks = [
      'points {\n  message.posted: +1 cooldown 1m reason "talk"\n}\n',
      'ladder l {\n  1: say to member "w1"\n  2: remove member reason "two"\n}\nrule bad {\n  on message.posted where text contains "bad"\n  do warn member "bad" on ladder l\n}\n',
    ];
    const ritual = (deadline: string, steps: string) =>
      `ritual r {\n  starts on member.joined\n${steps}  remind after 2h: say to member "{missing}"\n  deadline ${deadline}: remove member reason "late"\n}\n`;
    const rituals = [
      '',
      ritual('6h', '  step a "A": checkin.done\n  step b "B": message.posted where text contains "-"\n'),
      ritual('9h', '  step b "B": message.posted where text contains "-"\n'),
    ];
    const lifecycles = [
      '',
      'lifecycle life {\n  initial fresh\n  fresh -> busy on message.posted\n  busy -> quiet after 3h without message.posted\n  quiet -> busy on message.posted\n}\n',
      'lifecycle life {\n  initial fresh\n  fresh -> busy on message.posted\n  busy -> fresh after 5h\n}\n',
    ];
    const jobs = ['', JOB('09:00'), JOB('21:15')];
    const pick3 = fc.integer({ min: 0, max: 2 });
    const version = fc.record({ blocks: fc.subarray(blocks.map((_, i) => i)), ritual: pick3, lifecycle: pick3, job: pick3, schedule: pick3, campaign: pick3 });
    type Version = { blocks: number[]; ritual: number; lifecycle: number; job: number; schedule: number; campaign: number };
    const source = (v: Version) =>
      BASE +
      v.blocks.map((i) => blocks[i]).join('') +
      rituals[v.ritual] +
      lifecycles[v.lifecycle] +
      jobs[v.job] +
      schedules[v.schedule] +
      campaigns[v.campaign];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(version, fc.integer({ min: 1, max: 8 })), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 1e6 }),
        async (steps, seed) => {
          const store = new MemoryDurableStore();
          const { url, server } = await start({ source: BASE, store });
          let minute = 0;
          let n = 0;
          for (const [v, count] of steps) {
            const r = await reload(url, source(v));
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            const events = Array.from({ length: count }, () => {
              n++;
              minute += 37 + ((seed * n) % 180);
              const member = `m${(seed + n) % 4}`;
              const kind = (seed * 7 + n) % 4;
              return kind === 0
                ? join_(`e${n}`, minute, member)
                : kind === 1
                  ? ev(`e${n}`, 'checkin.done', minute, {}, 'c', member)
                  : post(`e${n}`, minute, ['hi', 'a-b-c', 'bad'][n % 3]!, member);
            });
            const res = await postEvents(url, events);
            expect(res.status, res.body).toBe(200);
            const adv = await fetch(`${url}/advance?to=${encodeURIComponent(at(minute + 600))}`, { method: 'POST' });
            expect(adv.status).toBe(200);
            await adv.text();
            minute += 600;
          }
          const reopened = new PlaybookServer({
            file: 'club.playbook',
            source: source(steps[steps.length - 1]![0]),
            ir: irOf(source(steps[steps.length - 1]![0])),
            store,
            clock: 'events',
          });
          expect(reopened.startNotes).toBeUndefined();
          const norm = (s: ReturnType<PlaybookServer['durable']['snapshot']>) => ({
            ...s,
            communities: s.communities.map((c) => ({ ...c, processed: [...c.processed].sort() })),
          });
          expect(norm(reopened.durable.snapshot())).toEqual(norm(server.durable.snapshot()));
          reopened.durable.rt.close();
        },
      ),
      { numRuns: Number(process.env['RELOAD_RUNS'] ?? 25) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 13 (hardening): each test reproduces the input of an item of the issue.

/** Deterministic bytes that are mostly not a playbook (a small xorshift generator). */
function garbage(size: number, seed = 13): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('bounded input (issue 13)', () => {
  it('POST /playbook with 400 KB of garbage returns at most the limit of diagnostics, errors first, and counts the rest', async () => {
    const { url } = await start();
    // Not UTF-8 would be refused before compiling; this is what a garbage playbook that is text looks like.
    const text = new TextDecoder().decode(garbage(400_000)).replace(/\uFFFD/g, '?');
    const res = await fetch(`${url}/playbook`, { method: 'POST', body: text });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; diagnostics: string[]; moreDiagnostics: number };
    expect(body.error).toMatch(/running version is unchanged/);
    expect(body.diagnostics).toHaveLength(MAX_RELOAD_DIAGNOSTICS);
    expect(body.moreDiagnostics).toBeGreaterThan(0);
    expect(body.diagnostics[0]).toMatch(/^club\.playbook:\d+:\d+: error\[/);
    // Each is one diagnostic as `check` prints it: its head, the source line clipped, a caret.
    for (const d of body.diagnostics) expect(d.length).toBeLessThan(2000);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const over = await fetch(`${url}/playbook`, { method: 'POST', body: Buffer.alloc(MAX_PLAYBOOK_BYTES + 1, 0x20) });
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: string }).error).toContain(String(MAX_PLAYBOOK_BYTES));
  });

  it('POST /events refuses a line over the event limit or not UTF-8 with its number; a 10 MiB member name is refused', async () => {
    const { url } = await start();
    const long = JSON.stringify(post('x', 1, 'y'.repeat(1_200_000)));
    const badUtf8 = Buffer.concat([Buffer.from(JSON.stringify(post('z', 2, 'A')).slice(0, -2)), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const body = Buffer.concat([
      Buffer.from(JSON.stringify(join_('a', 0)) + '\n' + long + '\n'),
      badUtf8,
      Buffer.from('\n' + JSON.stringify(post('b', 3, 'ok')) + '\n'),
    ]);
    const res = await fetch(`${url}/events`, { method: 'POST', body });
    expect(res.status).toBe(400);
    const err = (await res.json()) as { problems: { line: number; message: string }[] };
    expect(err.problems).toEqual([
      { line: 2, message: `line is ${Buffer.byteLength(long)} bytes long (the limit is ${MAX_EVENT_LINE_BYTES})` },
      { line: 3, message: 'not valid UTF-8' },
    ]);
    const name = await fetch(`${url}/events`, { method: 'POST', body: JSON.stringify({ ...join_('n', 0, 'big'), name: 'n'.repeat(10 * 1024 * 1024) }) });
    expect(name.status).toBe(400);
    expect(((await name.json()) as { error: string }).error).toContain(`an event is at most ${MAX_EVENT_LINE_BYTES} bytes`);
    const health = (await (await fetch(`${url}/health`)).json()) as { lastSeq: number; communities: number };
    expect(health).toMatchObject({ lastSeq: 0, communities: 0 });
  });

  it('parseEvents checks each line against the limit it is given', () => {
    const ir = irOf(PLAYBOOK);
    const ok = JSON.stringify(join_('a', 0));
    expect(parseEvents(`${ok}\n\n${ok.replace('"a"', '"b"')}`, ir, ok.length)).toHaveLength(2);
    expect(() => parseEvents(`${ok}\n${ok} `, ir, ok.length)).toThrow(/1 line is not valid/);
  });
});

describe('serve hardening (issue 13)', () => {
  it('a ?file= name with line breaks is logged quoted, on one line', async () => {
    const { url, logs } = await start();
    const res = await fetch(`${url}/playbook?file=${encodeURIComponent('club.playbook\n2026-01-01T00:00:00.000Z fake: admin logged in\r')}`, {
      method: 'POST',
      body: PLAYBOOK,
    });
    expect(res.status).toBe(200);
    expect(logs.length).toBeGreaterThan(0);
    for (const l of logs) expect(l).not.toMatch(/[\n\r]/);
    expect(logs.join('\n')).toContain('reloaded "club.playbook\\n2026-01-01T00:00:00.000Z fake: admin logged in\\r"');
  });

  it('a token that cannot travel in an Authorization header is refused at start (exit 2), from --token or PLAYBOOK_TOKEN', async () => {
    expect(bearerTokenProblem('s3cret-token_1.2~3+4/5==')).toBeUndefined();
    expect(bearerTokenProblem('my secret')).toMatch(/character 3 is a space/);
    expect(bearerTokenProblem('tab\there')).toMatch(/character 4 is a tab/);
    expect(bearerTokenProblem('a=b')).toMatch(/character 2 is "=", which may only end it/);
    expect(bearerTokenProblem('mot-de-passé')).toMatch(/non-ASCII/);
    expect(bearerTokenProblem('')).toBe('is empty');
    expect(
      () =>
        new PlaybookServer({
          file: 'club.playbook',
          source: PLAYBOOK,
          ir: irOf(PLAYBOOK),
          store: new MemoryDurableStore(),
          clock: 'events',
          token: 'my secret',
        }),
    ).toThrow(/character 3 is a space/);
    const dir = tempDir();
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    const flag = await runCli(['serve', file, '--db', ':memory:', '--port', '0', '--token', 'my secret']);
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/^playbook serve: --token cannot be sent as a bearer token: character 3 is a space/);
    expect(flag.err).not.toContain('my secret');
    const saved = process.env['PLAYBOOK_TOKEN'];
    process.env['PLAYBOOK_TOKEN'] = 'line\nbreak';
    try {
      const env = await runCli(['serve', file, '--db', ':memory:', '--port', '0']);
      expect(env.code).toBe(2);
      expect(env.err).toMatch(/PLAYBOOK_TOKEN cannot be sent as a bearer token: character 5 is a line break/);
    } finally {
      if (saved === undefined) delete process.env['PLAYBOOK_TOKEN'];
      else process.env['PLAYBOOK_TOKEN'] = saved;
    }
  });

  it('a Last-Event-ID or ?after past the end of the log is a 409 naming the last seq, never a silent skip', async () => {
    const { url } = await start();
    await postEvents(url, [join_('a', 0), post('b', 1, 'cheap ad')]);
    const last = Number(((await (await fetch(`${url}/health`)).json()) as { lastSeq: number }).lastSeq);
    expect(last).toBeGreaterThan(0);
    const streamStatus = (headers: Record<string, string>, query = '') =>
      new Promise<{ status: number; body: string; lastSeqHeader: string | undefined }>((resolve, reject) => {
        const req = httpRequest(`${url}/actions/stream${query}`, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
          if (res.statusCode === 200) {
            req.destroy();
            resolve({ status: 200, body: '', lastSeqHeader: undefined });
            return;
          }
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body, lastSeqHeader: res.headers['playbook-last-seq'] as string | undefined }));
        });
        req.on('error', reject);
        req.end();
      });
    const past = await streamStatus({ 'last-event-id': String(last + 5) });
    expect(past.status).toBe(409);
    expect(JSON.parse(past.body)).toMatchObject({ lastSeq: last });
    expect(JSON.parse(past.body).error).toMatch(
      new RegExp(`Last-Event-ID ${last + 5} is past the end of the action log \\(its last sequence number is ${last}\\)`),
    );
    expect(past.lastSeqHeader).toBe(String(last));
    expect((await streamStatus({}, `?after=${last + 1}`)).status).toBe(409);
    expect((await streamStatus({ 'last-event-id': 'abc' })).status).toBe(400);
    expect((await streamStatus({ 'last-event-id': String(last) })).status).toBe(200);
    const poll = await fetch(`${url}/actions?after=${last + 1}`);
    expect(poll.status).toBe(409);
    expect(((await poll.json()) as { lastSeq: number }).lastSeq).toBe(last);
    const upToDate = await fetch(`${url}/actions?after=${last}`);
    expect(upToDate.status).toBe(200);
    expect(await upToDate.text()).toBe('');
  });

  it('a damaged stored row is named (table, community, id) instead of "Unexpected end of JSON input"', async () => {
    const dir = tempDir();
    const db = join(dir, 'club.db');
    const first = await start({ store: new SqliteStore(db, { sync: 'normal' }) });
    await postEvents(first.url, [join_('a', 0, 'ann', 'club'), post('b', 1, 'cheap ad', 'ann', 'club')]);
    await first.server.close();
    open.splice(open.indexOf(first.server), 1);
    const raw = new Database(db);
    raw.prepare("UPDATE members SET state = substr(state, 1, 10) WHERE community = 'club' AND id = 'ann'").run();
    raw.prepare('UPDATE actions SET action = substr(action, 1, 5) WHERE seq = 2').run();
    raw.close();
    const store = new SqliteStore(db);
    const message = 'the members row of community "club", id "ann" is not valid JSON';
    expect(() => new DurableRuntime(irOf(PLAYBOOK), store)).toThrow(StoreOpenError);
    expect(() => new DurableRuntime(irOf(PLAYBOOK), store)).toThrow(message);
    expect(() => store.actionsAfter(0, 10)).toThrow('the actions row of seq 2 (community "club") is not valid JSON');
    store.close();
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    const r = await runCli(['serve', file, '--db', db, '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`playbook serve: database ${db} is damaged: ${message}`);
    expect(r.err).not.toContain('internal error');
  });
});
