import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { DurableRuntime, StorageError } from '../src/store/durable.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Commit } from '../src/store/store.js';
import { GroupCommitter } from '../src/server/group-commit.js';
import { mulberry32 } from './fixtures/random.js';

/**
 * Group commit of `playbook serve` (docs/serve.md, "Group commit"): many clients posting at once
 * to the real server process, with --sync full. Replies must be those of one commit per request
 * in the order the server accepted them, the log must be `simulate` of the events in that order,
 * there must be fewer transactions than requests, and a SIGKILL in the middle of the load must
 * lose nothing that was acknowledged.
 */

const CLI = process.env['PLAYBOOK_CLI'] ?? 'bin/playbook.js';
const serveAvailable = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' }).status === 0;
if (!serveAvailable) console.warn(`group commit test skipped: \`node ${CLI} serve --help\` fails (run \`npm run build\`)`);

// Every accepted event that is not a duplicate produces at least one action (the echo rule or the
// welcome), so the reply's Playbook-Last-Seq tells where the server put each request. Ladders,
// points with a cooldown and ritual steps make the actions depend on that order.
const PLAYBOOK = `playbook "Group Club" {
  timezone "Asia/Shanghai"
}

ritual onboarding {
  starts on member.joined
  say to member "welcome {member.name}"
  step intro "intro": message.posted where text contains "-"
  done {
    award 10 points reason "ritual"
  }
}

rule echo {
  on message.posted
  do say to member "seen"
}

rule no_ads {
  on message.posted
  when text contains "ad"
  do delete message; warn member "no ads" on ladder ads
}

ladder ads {
  1: say to member "first warning"
  2: say to member "second warning"
  3: say to member "last warning"
}

points {
  message.posted: +1 cooldown 1m cap 20 per day reason "talk"
}

levels { regular at 3; core at 12 }
`;

const T0 = Date.parse('2026-03-01T08:00:00+08:00');
type Event = Record<string, unknown>;

const dirs: string[] = [];
/** Every server started, so a failed assertion does not leave one running. */
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

function startServer(file: string, db: string, commit: 'group' | 'each'): Promise<Running> {
  const child = spawn(process.execPath, [CLI, 'serve', file, '--db', db, '--port', '0', '--clock', 'events', '--sync', 'full', '--commit', commit], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve({ child, url: m[1]!, exited });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)));
  });
}

async function stop(s: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  s.child.kill(signal);
  await s.exited;
}

/** Client `c`'s requests: mostly one event, some of two, a few with a bad line, a few redeliveries of its own. */
function clientRequests(c: number, count: number, rnd: () => number): string[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out: string[] = [];
  const sent: Event[] = [];
  let t = T0 + c * 1000;
  const event = (i: number): Event => {
    t += Math.floor(rnd() * 90_000);
    const at = new Date(t).toISOString();
    // Members are shared by the clients, so what one member's messages do depends on the order.
    const member = `m${Math.floor(rnd() * 6)}`;
    if (i === 0 || rnd() < 0.1) return { id: `c${c}-${i}`, type: 'member.joined', at, community: 'club', member: `c${c}-j${i}`, name: 'N' };
    return {
      id: `c${c}-${i}`,
      type: 'message.posted',
      at,
      community: pick(['club', 'club', 'side']),
      member,
      messageId: `x${c}-${i}`,
      text: pick(['hi', 'ann-bj', 'cheap ad', 'ok']),
    };
  };
  for (let i = 0; out.length < count; i++) {
    const r = rnd();
    if (r < 0.06) out.push(`${JSON.stringify(event(i))}\n{"id": broken`);
    else if (r < 0.1 && sent.length > 0) out.push(JSON.stringify(pick(sent)));
    else if (r < 0.25) {
      const a = event(i);
      const b = { ...event(i), id: `c${c}-${i}b` };
      sent.push(a, b);
      out.push(`${JSON.stringify(a)}\n${JSON.stringify(b)}`);
    } else {
      const a = event(i);
      sent.push(a);
      out.push(JSON.stringify(a));
    }
  }
  return out;
}

interface Reply {
  client: number;
  index: number;
  body: string;
  status: number;
  text: string;
  events: string | null;
  lastSeq: number;
}

async function post(url: string, body: string): Promise<Omit<Reply, 'client' | 'index' | 'body'>> {
  const res = await fetch(`${url}/events`, { method: 'POST', body });
  return {
    status: res.status,
    text: await res.text(),
    events: res.headers.get('playbook-events'),
    lastSeq: Number(res.headers.get('playbook-last-seq') ?? NaN),
  };
}

async function readLog(url: string): Promise<Event[]> {
  const out: Event[] = [];
  for (let after = 0; ;) {
    const res = await fetch(`${url}/actions?after=${after}&limit=5000`);
    expect(res.status).toBe(200);
    const lines = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Event);
    if (lines.length === 0) return out;
    out.push(...lines);
    after = lines[lines.length - 1]!['seq'] as number;
  }
}

/** A listener of GET /actions/stream from the start: the sequence numbers and actions it received, live. */
function listen(url: string): { got: { seq: number; json: string }[]; stop: () => void } {
  const got: { seq: number; json: string }[] = [];
  const abort = new AbortController();
  void (async () => {
    const res = await fetch(`${url}/actions/stream`, { signal: abort.signal });
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const m = /^id: (\d+)\nevent: action\ndata: (.*)$/s.exec(buffer.slice(0, end));
        if (m) got.push({ seq: Number(m[1]), json: m[2]! });
        buffer = buffer.slice(end + 2);
      }
    }
  })().catch(() => {});
  return { got, stop: () => abort.abort() };
}

const health = async (url: string) =>
  (await (await fetch(`${url}/health`)).json()) as { listeners: number; commits: { mode: string; requests: number; transactions: number } };

describe.skipIf(!serveAvailable)('playbook serve: group commit', () => {
  it('8 clients at once: replies and log are those of one commit per request in acceptance order, in fewer transactions', async () => {
    const seed = Number(process.env['GROUP_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const context = `(seed ${seed}; rerun with GROUP_SEED=${seed})`;
    const rnd = mulberry32(seed);
    const dir = mkdtempSync(join(tmpdir(), 'playbook-group-'));
    dirs.push(dir);
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    const clients = Array.from({ length: 8 }, (_, c) => clientRequests(c, 30, rnd));

    const server = await startServer(file, join(dir, 'group.db'), 'group');
    const stream = listen(server.url);
    while ((await health(server.url)).listeners === 0) await new Promise((r) => setTimeout(r, 10));
    const replies: Reply[] = [];
    await Promise.all(
      clients.map(async (bodies, client) => {
        for (let index = 0; index < bodies.length; index++) replies.push({ client, index, body: bodies[index]!, ...(await post(server.url, bodies[index]!)) });
      }),
    );
    const log = await readLog(server.url);
    const { commits } = await health(server.url);
    // The stream got every action live, in the log's order.
    while (stream.got.length < log.length) await new Promise((r) => setTimeout(r, 10));
    stream.stop();
    expect(stream.got).toEqual(log.map(({ seq, ...a }) => ({ seq, json: JSON.stringify(a) })));
    await stop(server);

    const accepted = replies.filter((r) => r.status === 200);
    expect(replies.length - accepted.length, context).toBeGreaterThan(0); // the bad lines were refused...
    for (const r of replies) if (r.status !== 200) expect(r.status, r.text).toBe(400); // ...with 400, each on its own
    // (c) fewer transactions than requests: concurrent requests shared commits.
    expect(commits.mode).toBe('group');
    expect(commits.requests, context).toBe(accepted.length);
    expect(commits.transactions, context).toBeLessThan(commits.requests);
    console.info(`group commit test ${context}: ${commits.requests} requests in ${commits.transactions} transactions`);

    // Acceptance order: by the log position each reply ends at (Playbook-Last-Seq). Every event
    // that is not a redelivery has an action, so only a request of redeliveries can end where
    // another ends; it comes after that one, and redeliveries in any order change nothing.
    for (const r of accepted) if (r.text === '') expect(r.events, `${r.body} ${context}`).toMatch(/^processed=0; duplicate=[12];/);
    const order = accepted.slice().sort((a, b) => a.lastSeq - b.lastSeq || Number(a.text === '') - Number(b.text === ''));
    expect(order.length).toBe(accepted.length);

    // (a) The serial path: a fresh server committing each request alone, sent one at a time in that order.
    const serial = await startServer(file, join(dir, 'serial.db'), 'each');
    for (const r of order) {
      const s = await post(serial.url, r.body);
      expect({ status: s.status, text: s.text, events: s.events, lastSeq: s.lastSeq }, `${r.body} ${context}`).toEqual({
        status: r.status,
        text: r.text,
        events: r.events,
        lastSeq: r.lastSeq,
      });
    }
    for (const r of replies.filter((x) => x.status !== 200)) expect((await post(serial.url, r.body)).status).toBe(400);
    const serialLog = await readLog(serial.url);
    const serialCommits = (await health(serial.url)).commits;
    await stop(serial);
    expect(serialCommits).toEqual({ mode: 'each', requests: accepted.length, transactions: accepted.length });
    expect(log, context).toEqual(serialLog);
    expect(log.map((a) => a['seq'])).toEqual(log.map((_, i) => i + 1));

    // (b) The log is `simulate` of the accepted events in acceptance order.
    const eventsFile = join(dir, 'accepted.jsonl');
    writeFileSync(eventsFile, order.map((r) => r.body).join('\n') + '\n');
    const sim = spawnSync(process.execPath, [CLI, 'simulate', file, '--events', eventsFile], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(sim.status, sim.stderr).toBe(0);
    const expected = sim.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Event);
    expect(expected.length).toBeGreaterThan(accepted.length);
    expect(
      log.map(({ seq: _s, ...a }) => a),
      context,
    ).toEqual(expected);
  }, 180_000);

  it('SIGKILL during the load loses no acknowledged event or action', async () => {
    const seed = Number(process.env['GROUP_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const context = `(seed ${seed}; rerun with GROUP_SEED=${seed})`;
    const rnd = mulberry32(seed);
    const dir = mkdtempSync(join(tmpdir(), 'playbook-group-kill-'));
    dirs.push(dir);
    const file = join(dir, 'club.playbook');
    const db = join(dir, 'state.db');
    writeFileSync(file, PLAYBOOK);
    const clients = Array.from({ length: 8 }, (_, c) => clientRequests(c, 400, rnd).filter((b) => !b.includes('broken')));

    for (let round = 0; round < 3; round++) {
      const server = await startServer(file, db, 'group');
      const acknowledged: Reply[] = [];
      let done = 0;
      const killAfter = 20 + Math.floor(rnd() * 60);
      const killed = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (done < killAfter) return;
          clearInterval(timer);
          server.child.kill('SIGKILL');
          resolve();
        }, 1);
      });
      await Promise.all(
        clients.map(async (bodies, client) => {
          for (let index = 0; index < bodies.length; index++) {
            let r;
            try {
              r = await post(server.url, bodies[index]!);
            } catch {
              return; // the server is gone
            }
            expect(r.status, r.text).toBe(200);
            acknowledged.push({ client, index, body: bodies[index]!, ...r });
            done++;
          }
        }),
      );
      await killed;
      await server.exited;
      expect(acknowledged.length).toBeGreaterThanOrEqual(killAfter);

      const again = await startServer(file, db, 'group');
      const log = await readLog(again.url);
      expect(log.map((a) => a['seq'])).toEqual(log.map((_, i) => i + 1));
      for (const r of acknowledged) {
        // Every acknowledged action is in the log, at the sequence number its reply implied...
        const lines = r.text.split('\n').filter(Boolean);
        const got = log.slice(r.lastSeq - lines.length, r.lastSeq).map(({ seq: _s, ...a }) => JSON.stringify(a));
        expect(got, context).toEqual(lines);
        // ...and every acknowledged event is remembered: sent again, it is a duplicate.
        const resent = await post(again.url, r.body);
        expect(resent.status).toBe(200);
        expect(resent.text, `${r.body} ${context}`).toBe('');
        expect(resent.events, context).toMatch(/^processed=0; duplicate=[12];/);
      }
      await stop(again);
      for (const c of clients) c.splice(0, 50);
    }
  }, 180_000);

  it('SIGTERM during the load answers every request it applied, and applies none it cut', async () => {
    const seed = Number(process.env['GROUP_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const context = `(seed ${seed}; rerun with GROUP_SEED=${seed})`;
    const rnd = mulberry32(seed);
    const dir = mkdtempSync(join(tmpdir(), 'playbook-group-term-'));
    dirs.push(dir);
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    for (let round = 0; round < 4; round++) {
      const db = join(dir, `state-${round}.db`);
      const server = await startServer(file, db, 'group');
      // One new event per request, so a request's fate is its event's.
      const bodies = Array.from({ length: 8 }, (_, c) =>
        Array.from({ length: 300 }, (_, i) =>
          JSON.stringify({
            id: `r${round}-c${c}-${i}`,
            type: 'member.joined',
            at: new Date(T0 + i * 1000 + c).toISOString(),
            community: 'club',
            member: `c${c}-${i}`,
            name: 'N',
          }),
        ),
      );
      const unanswered: string[] = [];
      let done = 0;
      const termAfter = 30 + Math.floor(rnd() * 100);
      await Promise.all(
        bodies.map(async (mine) => {
          for (let i = 0; i < mine.length; i++) {
            if (++done === termAfter) server.child.kill('SIGTERM');
            let r;
            try {
              r = await post(server.url, mine[i]!);
            } catch {
              // The request in flight when the connection closed; the ones after it were never sent.
              unanswered.push(mine[i]!);
              return;
            }
            // Requests read after the stop began are refused, not applied.
            if (r.status === 503) unanswered.push(mine[i]!);
            else expect(r.status, `${r.text} ${context}`).toBe(200);
          }
        }),
      );
      await server.exited;
      expect(server.child.exitCode, context).toBe(0);
      expect(unanswered.length, context).toBeGreaterThan(0);
      // Sent again to the same database, every request that got no answer is new: none was applied
      // behind its client's back.
      const again = await startServer(file, db, 'group');
      for (const body of unanswered) {
        const r = await post(again.url, body);
        expect(r.status).toBe(200);
        expect(r.events, `${body} ${context}`).toMatch(/^processed=1; duplicate=0;/);
      }
      await stop(again);
    }
  }, 180_000);
});

describe('GroupCommitter', () => {
  const ir = (() => {
    const r = compile(PLAYBOOK, { file: 'club.playbook' });
    if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
    return r.ir;
  })();
  const join_ = (id: string, member: string) => ({ id, type: 'member.joined', at: new Date(T0).toISOString(), community: 'club', member, name: member });

  /** A SQLite store whose commit fails while it holds the event id `poison`. */
  class PoisonStore extends SqliteStore {
    transactions = 0;
    poisoned = true;
    override commit(commit: Commit) {
      if (this.poisoned && commit.processed.some((p) => p.id === 'poison')) throw new Error('disk says no');
      this.transactions++;
      return super.commit(commit);
    }
  }

  it('requests submitted together share one transaction; each gets its own share', async () => {
    const store = new PoisonStore(':memory:');
    const durable = new DurableRuntime(ir, store);
    const published: number[][] = [];
    const gc = new GroupCommitter(durable, 'group', (rs) => published.push(rs.map((r) => r.logged.length)));
    const replies = await Promise.all([
      gc.submit([join_('a', 'ann')], 1),
      gc.submit([join_('b', 'bob'), join_('c', 'cy')], 1),
      gc.submit([join_('a', 'ann')], 1),
    ]);
    expect(store.transactions).toBe(1);
    expect(gc.counts).toEqual({ mode: 'group', requests: 3, transactions: 1 });
    expect(published).toEqual([[1, 2, 0]]);
    expect(replies.map((r) => r.lastSeq)).toEqual([1, 3, 3]);
    expect(replies.map((r) => r.result.results.map((x) => x.status))).toEqual([['processed'], ['processed', 'processed'], ['duplicate']]);
    expect(replies[1]!.result.logged.map((a) => a.seq)).toEqual([2, 3]);
    durable.close();
  });

  it('a request whose commit fails gets its own error; the others of its group are committed', async () => {
    const store = new PoisonStore(':memory:');
    const durable = new DurableRuntime(ir, store);
    const gc = new GroupCommitter(durable, 'group', () => {});
    const settled = await Promise.allSettled([gc.submit([join_('a', 'ann')], 1), gc.submit([join_('poison', 'pat')], 1), gc.submit([join_('b', 'bob')], 1)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const reason = (settled[1] as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(StorageError);
    expect(reason.message).toBe('disk says no');
    // The group failed whole, then each request was committed alone: a, b (the poison's commit never happened).
    expect(store.transactions).toBe(2);
    expect(gc.counts).toEqual({ mode: 'group', requests: 2, transactions: 2 });
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value.lastSeq : -1))).toEqual([1, -1, 2]);
    expect(durable.actionsAfter(0, 10).map((a) => a.action.member)).toEqual(['ann', 'bob']);
    // Nothing of the poison was applied: it is not a duplicate once the disk is fine again.
    store.poisoned = false;
    expect(durable.dispatchBatch([join_('poison', 'pat2')]).results[0]!.status).toBe('processed');
    durable.close();
  });

  it('a group takes at most its limit of events; flush commits what is queued at once', async () => {
    const store = new PoisonStore(':memory:');
    const durable = new DurableRuntime(ir, store);
    const gc = new GroupCommitter(durable, 'group', () => {}, { maxEvents: 3, maxBytes: 1 << 20 });
    const pending = [1, 2, 3, 4, 5].map((i) => gc.submit([join_(`e${i}`, `m${i}`), join_(`f${i}`, `n${i}`)], 10));
    expect(store.transactions).toBe(0);
    gc.flush();
    // 2 events fit, a third request of 2 would pass 3: one request per group, five groups.
    expect(store.transactions).toBe(5);
    expect((await Promise.all(pending)).map((r) => r.lastSeq)).toEqual([2, 4, 6, 8, 10]);
    gc.close();
    await expect(gc.submit([join_('late', 'l')], 1)).rejects.toThrow(/stopping/);
    durable.close();
  });
});
