import { request } from 'node:http';
import { mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { PlaybookServer } from '../src/server/server.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { emptyCommit, type Commit } from '../src/store/store.js';
import { MAX_FLUSHES, WalFlushError, type FsyncFn } from '../src/store/wal-flush.js';

/**
 * Group commit's flush off the main thread (docs/serve.md, "Group commit"): a deferred commit is
 * written with synchronous=NORMAL and its WAL file flushed in the thread pool. Through a disk whose
 * flushes wait for the test (or fail), these check that no reply comes before the flush that
 * covers its commit, that no reader (GET /actions, the stream, Playbook-Last-Seq, /health, the
 * webhook outbox) sees an action before it is flushed, and that a failed flush fails the requests
 * it covers and every write after it.
 */

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const dbFile = () => {
  const d = mkdtempSync(join(tmpdir(), 'playbook-flush-'));
  dirs.push(d);
  return join(d, 'serve.db');
};

/** A disk whose flushes wait until the test passes or fails them, in order. */
class GatedDisk {
  calls = 0;
  private readonly gates: { resolve: () => void; reject: (e: Error) => void }[] = [];
  readonly fsync: FsyncFn = () => {
    this.calls++;
    return new Promise((resolve, reject) => this.gates.push({ resolve, reject }));
  };
  get waiting(): number {
    return this.gates.length;
  }
  /** Complete the flush that started `nth` among those still waiting (0: the oldest). */
  pass(nth = 0): void {
    this.gates.splice(nth, 1)[0]!.resolve();
  }
  fail(message: string): void {
    this.gates.shift()!.reject(new Error(message));
  }
}

/** Let the event loop run until `done` holds (I/O included); fails after many turns, never on time. */
async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`never happened: ${what}`);
}

/** A promise's state, observed without waiting for it. */
function track<T>(p: Promise<T>): { settled: boolean; p: Promise<T> } {
  const t = { settled: false, p };
  p.then(
    () => (t.settled = true),
    () => (t.settled = true),
  );
  return t;
}

const webhookCall = JSON.stringify({ type: 'webhook.call', community: 'club', endpoint: 'crm', body: {} });
const commitOf = (n: number): Commit => ({
  ...emptyCommit(),
  communities: [{ id: 'club', state: '{}' }],
  actions: Array.from({ length: n }, () => ({ community: 'club', json: webhookCall })),
});

describe('SqliteStore deferred commits', () => {
  it('readers see a deferred commit only once its flush completes; a flush covers only what was written before it started', async () => {
    const disk = new GatedDisk();
    const store = new SqliteStore(dbFile(), { fsync: disk.fsync });
    try {
      expect(store.commitDeferred(commitOf(1))).toEqual({ firstSeq: 1, lastSeq: 1 });
      const first = track(store.sync());
      expect(store.lastSeq()).toBe(0);
      expect(store.actionsAfter(0, 10)).toEqual([]);
      expect(await store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      expect(await store.outbox.counts()).toEqual({ pending: 0, delivered: 0, failed: 0 });
      // Each sync after a new commit starts its own flush, up to MAX_FLUSHES at once.
      store.commitDeferred(commitOf(1));
      const second = track(store.sync());
      store.commitDeferred(commitOf(1));
      const third = track(store.sync());
      expect(disk.calls).toBe(MAX_FLUSHES);
      // A fourth waits for the latest to end; nothing new written: it shares that one.
      store.commitDeferred(commitOf(1));
      const fourth = track(store.sync());
      const again = track(store.sync());
      expect(disk.calls).toBe(MAX_FLUSHES);
      disk.pass(0);
      await first.p;
      expect(store.lastSeq()).toBe(1);
      expect(store.actionsAfter(0, 10).map((a) => a.seq)).toEqual([1]);
      expect((await store.outbox.due(Number.MAX_SAFE_INTEGER, 10)).map((r) => r.seq)).toEqual([1]);
      // The third flush completes before the second: it counts only once the second has succeeded.
      disk.pass(1);
      await until(() => disk.waiting === 1, 'the third flush completed');
      await new Promise((r) => setTimeout(r, 5));
      expect(store.lastSeq()).toBe(1);
      expect(second.settled || third.settled).toBe(false);
      expect(disk.calls).toBe(MAX_FLUSHES);
      disk.pass(0);
      await Promise.all([second.p, third.p]);
      expect(store.lastSeq()).toBe(3);
      expect(store.actionsAfter(1, 10, 'club').map((a) => a.seq)).toEqual([2, 3]);
      // The fourth commit's flush started once the latest was confirmed.
      await until(() => disk.calls === MAX_FLUSHES + 1, 'the fourth flush');
      expect(fourth.settled || again.settled).toBe(false);
      disk.pass(0);
      await Promise.all([fourth.p, again.p]);
      expect(store.lastSeq()).toBe(4);
      // Nothing written since: no flush needed.
      await store.sync();
      expect(disk.calls).toBe(MAX_FLUSHES + 1);
    } finally {
      store.close();
    }
  });

  it('a commit with the full sync makes the deferred ones before it visible at once; their late flush moves nothing back', async () => {
    const disk = new GatedDisk();
    const store = new SqliteStore(dbFile(), { fsync: disk.fsync });
    try {
      store.commitDeferred(commitOf(2));
      const pending = store.sync();
      expect(store.lastSeq()).toBe(0);
      store.commit(commitOf(1));
      expect(store.lastSeq()).toBe(3);
      expect(store.actionsAfter(0, 10).map((a) => a.seq)).toEqual([1, 2, 3]);
      await until(() => disk.waiting === 1, 'the flush');
      disk.pass();
      await pending;
      expect(store.lastSeq()).toBe(3);
    } finally {
      store.close();
    }
  });

  it('a commit with the full sync that writes nothing syncs nothing: the deferred ones before it still wait for their flush', async () => {
    const disk = new GatedDisk();
    const store = new SqliteStore(dbFile(), { fsync: disk.fsync });
    try {
      store.commitDeferred(commitOf(2));
      const pending = track(store.sync());
      // An advance with nothing due: no row changes, so SQLite writes no frame and does no sync.
      store.commit(emptyCommit());
      expect(store.lastSeq()).toBe(0);
      expect(store.actionsAfter(0, 10)).toEqual([]);
      await until(() => disk.waiting === 1, 'the flush');
      expect(pending.settled).toBe(false);
      // A later group still gets a flush of its own.
      store.commitDeferred(commitOf(1));
      const next = store.sync();
      disk.pass();
      await pending.p;
      expect(store.lastSeq()).toBe(2);
      await until(() => disk.waiting === 1, 'the next flush');
      disk.pass();
      await next;
      expect(store.lastSeq()).toBe(3);
    } finally {
      store.close();
    }
  });

  it("a database opened through a symbolic link flushes the WAL SQLite writes, beside the link's target", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-flush-link-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'data'));
    mkdirSync(join(dir, 'links'));
    symlinkSync(join(dir, 'data', 'real.db'), join(dir, 'links', 'serve.db'));
    const flushed: string[] = [];
    const fsync: FsyncFn = (fd) => {
      flushed.push(readlinkSync(`/proc/self/fd/${fd}`));
      return Promise.resolve();
    };
    const store = new SqliteStore(join(dir, 'links', 'serve.db'), { fsync });
    try {
      store.commitDeferred(commitOf(1));
      await store.sync();
      expect(flushed).toEqual([join(realpathSync(dir), 'data', 'real.db-wal')]);
      expect(store.lastSeq()).toBe(1);
    } finally {
      store.close();
    }
  });

  it('a failed flush rejects, keeps its commits from readers, and refuses every write after it', async () => {
    const disk = new GatedDisk();
    const store = new SqliteStore(dbFile(), { fsync: disk.fsync });
    try {
      store.commit(commitOf(1));
      store.commitDeferred(commitOf(1));
      const failed = store.sync();
      await until(() => disk.waiting === 1, 'the flush');
      disk.fail('EIO: i/o error, fsync');
      await expect(failed).rejects.toThrow(WalFlushError);
      await expect(store.sync()).rejects.toThrow(/did not confirm a flush .*EIO/);
      expect(store.lastSeq()).toBe(1);
      expect(store.actionsAfter(0, 10).map((a) => a.seq)).toEqual([1]);
      expect(() => store.commitDeferred(commitOf(1))).toThrow(/nothing is written after that until the server restarts/);
      expect(() => store.commit(commitOf(1))).toThrow(/nothing is written after that/);
      expect(() => store.replaceState([], {})).toThrow(/nothing is written after that/);
      await expect(store.outbox.record(1, { attempts: 1, status: 'delivered', nextAt: 0 })).rejects.toThrow(/nothing is written after that/);
      expect(disk.calls).toBe(1);
    } finally {
      store.close();
    }
  });

  it('a flush that succeeds while an earlier one fails proves nothing: both fail, readers stay put', async () => {
    const disk = new GatedDisk();
    const store = new SqliteStore(dbFile(), { fsync: disk.fsync });
    try {
      store.commitDeferred(commitOf(1));
      const first = store.sync();
      store.commitDeferred(commitOf(1));
      const second = store.sync();
      expect(disk.calls).toBe(2);
      disk.pass(1);
      disk.fail('EIO');
      await expect(first).rejects.toThrow(/EIO/);
      await expect(second).rejects.toThrow(/EIO/);
      expect(store.lastSeq()).toBe(0);
      expect(store.actionsAfter(0, 10)).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('without sync full, or in memory, a deferred commit is an ordinary one: visible at once, nothing to flush', async () => {
    for (const [file, sync] of [
      [dbFile(), 'normal'],
      [':memory:', 'full'],
    ] as const) {
      const disk = new GatedDisk();
      const store = new SqliteStore(file, { sync, fsync: disk.fsync });
      store.commitDeferred(commitOf(1));
      expect(store.lastSeq()).toBe(1);
      await store.sync();
      expect(disk.calls).toBe(0);
      store.close();
    }
  });
});

describe('SqliteStore deferred commits, any interleaving', () => {
  type Op = { kind: 'deferred'; actions: number } | { kind: 'full' } | { kind: 'sync' } | { kind: 'pass' | 'fail'; nth: number };
  // Failures and full commits are rarer, so that runs reach several flushes at once and passes out of order.
  const op: fc.Arbitrary<Op> = fc.oneof(
    { arbitrary: fc.record({ kind: fc.constant('deferred' as const), actions: fc.integer({ min: 0, max: 2 }) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('full' as const) }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('sync' as const) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('pass' as const), nth: fc.nat(3) }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant('fail' as const), nth: fc.nat(3) }), weight: 1 },
  );
  const SEED = 20261207;

  it('readers see exactly what a model of ordered flushes proves durable; a resolved sync covers what was written before it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 40, size: 'max' }), async (ops) => {
        const disk = new GatedDisk();
        /** The mark of each flush, in the order they started, and what became of it. */
        const flushes: { mark: number; state: 'running' | 'passed' | 'failed' }[] = [];
        let written = 0;
        let durable = 0;
        let broken = false;
        const store = new SqliteStore(dbFile(), {
          fsync: (fd) => {
            flushes.push({ mark: written, state: 'running' });
            return disk.fsync(fd);
          },
        });
        const running = () => flushes.filter((f) => f.state === 'running');
        const syncs: Promise<void>[] = [];
        const early: string[] = [];
        const settle = () => new Promise((r) => setTimeout(r, 1));
        try {
          for (const o of ops) {
            if (o.kind === 'deferred' || o.kind === 'full') {
              const commit = o.kind === 'full' ? commitOf(1) : commitOf(o.actions);
              if (broken) {
                expect(() => (o.kind === 'full' ? store.commit(commit) : store.commitDeferred(commit))).toThrow(/nothing is written after that/);
                continue;
              }
              written = (o.kind === 'full' ? store.commit(commit) : store.commitDeferred(commit)).lastSeq;
              if (o.kind === 'full') durable = written;
            } else if (o.kind === 'sync') {
              const at = written;
              const p = store.sync().then(() => {
                // Resolved: everything written before the call is what readers see, at least.
                if (store.lastSeq() < at) early.push(`a sync called at ${at} resolved with lastSeq ${store.lastSeq()}`);
              });
              p.catch(() => {});
              syncs.push(p);
            } else {
              const r = running();
              if (r.length === 0) continue;
              const k = o.nth % r.length;
              r[k]!.state = o.kind === 'pass' ? 'passed' : 'failed';
              if (o.kind === 'pass') disk.pass(k);
              else disk.fail('EIO');
            }
            await settle();
            // The model: a flush counts once it and every flush started before it passed, and none after a failure.
            if (flushes.some((f) => f.state === 'failed')) broken = true;
            else {
              for (const f of flushes) {
                if (f.state !== 'passed') break;
                durable = Math.max(durable, f.mark);
              }
            }
            expect(store.lastSeq()).toBe(durable);
            expect(store.actionsAfter(0, 1000).length).toBe(durable);
          }
          // Let every flush end: then each sync has settled, and rejected only if a flush failed.
          while (running().length > 0) {
            running()[0]!.state = 'passed';
            disk.pass(0);
            await settle();
          }
          const outcomes = await Promise.allSettled(syncs);
          expect(early).toEqual([]);
          if (!broken) expect(outcomes.every((x) => x.status === 'fulfilled')).toBe(true);
        } finally {
          store.close();
        }
      }),
      { seed: SEED, numRuns: 60 },
    );
  }, 120_000);
});

const SOURCE = `playbook "Flush" {
  timezone "UTC"
}

rule hi {
  on message.posted
  do say "hi"
}
`;

function post(base: string, path: string, body: string): Promise<{ status: number; text: string; lastSeq: string | undefined }> {
  return fetch(`${base}${path}`, { method: 'POST', body }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
    lastSeq: r.headers.get('playbook-last-seq') ?? undefined,
  }));
}

const message = (id: string) =>
  JSON.stringify({ id, type: 'message.posted', at: '2026-03-01T00:00:00Z', community: 'club', member: 'ann', messageId: id, text: 'x' });

describe('serve replies and readers wait for the flush', () => {
  it('no reply, log line, stream event or Playbook-Last-Seq before the flush; a failed flush fails its request and every later one', async () => {
    const disk = new GatedDisk();
    const ir = compile(SOURCE).ir!;
    const server = new PlaybookServer({ file: 'flush.playbook', source: SOURCE, ir, store: new SqliteStore(dbFile(), { fsync: disk.fsync }), clock: 'events' });
    const { port } = await server.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    let streamed = '';
    const stream = request(`${base}/actions/stream`, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => (streamed += d));
    });
    stream.on('error', () => {});
    stream.end();
    try {
      await until(() => streamed.includes('playbook action stream'), 'the stream opened');
      const reply = track(post(base, '/events', message('e1')));
      await until(() => disk.waiting === 1, 'the flush of e1');
      const log = await fetch(`${base}/actions`);
      expect(await log.text()).toBe('');
      expect(log.headers.get('playbook-last-seq')).toBe('0');
      expect(((await (await fetch(`${base}/health`)).json()) as { lastSeq: number }).lastSeq).toBe(0);
      // A reader that heard of seq 1 elsewhere is told it is past the end of this log.
      expect((await fetch(`${base}/actions?after=1`)).status).toBe(409);
      expect(reply.settled).toBe(false);
      expect(streamed).not.toContain('event: action');
      disk.pass();
      const ok = await reply.p;
      expect(ok.status).toBe(200);
      expect(ok.lastSeq).toBe('1');
      expect(JSON.parse(ok.text)).toMatchObject({ text: 'hi', cause: 'e1' });
      expect(
        (await (await fetch(`${base}/actions`)).text())
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { seq: number }).seq),
      ).toEqual([1]);
      await until(() => streamed.includes('id: 1\nevent: action'), 'the stream got seq 1');

      const failing = post(base, '/events', message('e2'));
      await until(() => disk.waiting === 1, 'the flush of e2');
      disk.fail('EIO');
      const failed = await failing;
      expect(failed.status).toBe(503);
      expect(failed.text).toMatch(/did not confirm a flush.*EIO.*may or may not have been stored/);
      const after = await post(base, '/events', message('e3'));
      expect(after.status).toBe(503);
      expect(after.text).toMatch(/nothing is written after that until the server restarts/);
      const log2 = await fetch(`${base}/actions`);
      expect((await log2.text()).trim().split('\n')).toHaveLength(1);
      expect(log2.headers.get('playbook-last-seq')).toBe('1');
      expect(streamed).not.toContain('id: 2');
      expect(disk.calls).toBe(2);
    } finally {
      stream.destroy();
      await server.close();
    }
  });

  it('an advance between a commit and its flush shows both in log order, and the reply still waits for its own flush', async () => {
    const disk = new GatedDisk();
    const ir = compile(SOURCE).ir!;
    const server = new PlaybookServer({ file: 'flush.playbook', source: SOURCE, ir, store: new SqliteStore(dbFile(), { fsync: disk.fsync }), clock: 'events' });
    const { port } = await server.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    try {
      const reply = track(post(base, '/events', message('e1')));
      await until(() => disk.waiting === 1, 'the flush of e1');
      // The advance commits with the full sync, which flushes e1's commit too.
      const advanced = await post(base, '/advance?to=2026-03-02T00:00:00Z', '');
      expect(advanced.status).toBe(200);
      expect(advanced.lastSeq).toBe('1');
      expect((await (await fetch(`${base}/actions`)).text()).trim().split('\n')).toHaveLength(1);
      expect(reply.settled).toBe(false);
      disk.pass();
      expect((await reply.p).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
