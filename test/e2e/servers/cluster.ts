/**
 * Processes of `playbook serve --db postgres://…` for the cluster tests (docs/scaling.md): start
 * one on a free port, read the shared action log, compute what one uninterrupted `playbook
 * simulate` logs, and send a stream to random processes, resending what was not acknowledged.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { startPostgres, type PostgresCluster } from './postgres.js';

export const CLI = process.env['PLAYBOOK_CLI'] ?? 'bin/playbook.js';

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
  stderr(): string;
}

/** Start `playbook serve FILE --db URL` and wait for the line naming its port. */
export function startServe(file: string, db: string, clock: 'events' | 'wall' = 'events'): Promise<ServeProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', file, '--db', db, '--port', '0', '--clock', clock], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      const m = /^listening on (http:\/\/\S+)$/.exec(line);
      if (m) resolve({ child, url: m[1]!, exited, stderr: () => stderr });
      else reject(new Error(`unexpected first line: ${line}`));
    });
    child.once('exit', (code, signal) => reject(new Error(`serve exited (${code ?? signal}) before listening: ${stderr}`)));
  });
}

export async function stopServe(p: ServeProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
  await p.exited;
}

/** The whole action log as one process serves it. */
export async function readLog(url: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let after = 0; ;) {
    const res = await fetch(`${url}/actions?after=${after}&limit=5000`);
    if (res.status !== 200) throw new Error(`GET /actions: ${res.status} ${await res.text()}`);
    const lines = (await res.text())
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    if (lines.length === 0) return out;
    out.push(...lines);
    after = lines[lines.length - 1]!['seq'] as number;
  }
}

/** What one uninterrupted `playbook simulate` of the stream logs, up to `until`. */
export function simulate(dir: string, file: string, events: unknown[], until: string): Record<string, unknown>[] {
  const eventsFile = join(dir, 'events.jsonl');
  writeFileSync(eventsFile, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const sim = spawnSync(process.execPath, [CLI, 'simulate', file, '--events', eventsFile, '--until', until], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (sim.status !== 0) throw new Error(`simulate failed: ${sim.stderr}`);
  return sim.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Actions grouped by community, in log order, without sequence numbers. */
export function byCommunity(actions: Record<string, unknown>[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const a of actions) {
    const { seq: _seq, ...rest } = a;
    const c = String(a['community']);
    if (!m.has(c)) m.set(c, []);
    m.get(c)!.push(JSON.stringify(rest));
  }
  return m;
}

export interface SendStats {
  requests: number;
  /** Requests that failed (connection refused or reset, 503) and were sent again elsewhere. */
  retried: number;
  status503: number;
  accepted202: number;
  /** The slowest acknowledged request, ms (takeover waits show here). */
  slowestMs: number;
}

/**
 * Send `bodies` one after another, each to a random live process, until each is acknowledged
 * (200, or 202: committed to the inbox). A failed request is sent again, so an event may be in
 * the inbox twice: the runtime sees the copy as a duplicate.
 */
export async function sendAll(
  bodies: { path: string; body?: string }[],
  live: () => ServeProcess[],
  rnd: () => number,
  stats: SendStats,
  onAck: (i: number) => void = () => {},
): Promise<void> {
  for (let i = 0; i < bodies.length; i++) {
    const { path, body } = bodies[i]!;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 2000) throw new Error(`request ${i} (${path}) never acknowledged`);
      const procs = live();
      if (procs.length === 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const p = procs[Math.floor(rnd() * procs.length)]!;
      const started = performance.now();
      stats.requests++;
      try {
        const res = await fetch(`${p.url}${path}`, { method: 'POST', ...(body !== undefined ? { body } : {}) });
        const text = await res.text();
        if (res.status === 200 || res.status === 202) {
          if (res.status === 202) stats.accepted202++;
          stats.slowestMs = Math.max(stats.slowestMs, performance.now() - started);
          onAck(i);
          break;
        }
        if (res.status !== 503) throw new Error(`${path} replied ${res.status}: ${text}`);
        stats.status503++;
      } catch (e) {
        if (!(e instanceof TypeError)) throw e; // fetch failed: the process is gone or going
      }
      stats.retried++;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export function newStats(): SendStats {
  return { requests: 0, retried: 0, status503: 0, accepted202: 0, slowestMs: 0 };
}

/**
 * A stream over `communities` communities and about `days` days: joins, intros, ads, red
 * packets, departures, redeliveries and late events (timers of every kind fire in between).
 */
export function clusterStream(rnd: () => number, count: number, communities: number, days: number): Record<string, unknown>[] {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const ids = Array.from({ length: communities }, (_, i) => `c${i}`);
  const start = Date.parse('2026-03-01T08:00:00+08:00');
  const step = (days * 86_400_000) / count;
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const t = start + Math.floor(i * step + rnd() * step);
    const community = pick(ids);
    const member = `m${Math.floor(rnd() * 6)}`;
    const at = new Date(t).toISOString();
    const r = rnd();
    if (r < 0.05 && out.length > 0) out.push(pick(out));
    else if (r < 0.08)
      out.push({ id: `e${i}`, type: 'message.posted', at: new Date(t - 4 * 3_600_000).toISOString(), community, member, messageId: `x${i}`, text: 'late hi' });
    else if (r < 0.26) out.push({ id: `e${i}`, type: 'member.joined', at, community, member, name: member.toUpperCase() });
    else if (r < 0.33) out.push({ id: `e${i}`, type: 'redpacket.sent', at, community, member, amount: pick([1, 5, 10]), shares: 5 });
    else if (r < 0.38) out.push({ id: `e${i}`, type: 'checkin.done', at, community, member });
    else if (r < 0.41) out.push({ id: `e${i}`, type: 'member.left', at, community, member });
    else out.push({ id: `e${i}`, type: 'message.posted', at, community, member, messageId: `x${i}`, text: pick(['hi', 'ann-bj-dev', 'cheap ad', 'ok']) });
  }
  return out;
}

/** Cut a stream into POST /events bodies of 1 to `max` events. */
export function batches(rnd: () => number, events: unknown[], max: number): { path: string; body: string }[] {
  const out: { path: string; body: string }[] = [];
  for (let i = 0; i < events.length;) {
    const n = 1 + Math.floor(rnd() * max);
    out.push({
      path: '/events',
      body: events
        .slice(i, i + n)
        .map((e) => JSON.stringify(e))
        .join('\n'),
    });
    i += n;
  }
  return out;
}

/** Polls `test` every 25 ms until it holds; fails naming `what` after `tries` polls (10 s by default). */
export async function until(what: string, test: () => boolean | Promise<boolean>, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** What a suite of cluster tests runs against: set up before its tests, torn down after them. */
export interface ClusterFixture {
  cluster: PostgresCluster;
  /** A temporary folder holding `file`, the playbook the suite's processes serve. */
  dir: string;
  file: string;
  /** The test's own connection, to read and change rows and hold slot locks. */
  holder: pg.Client;
  /** Processes the suite started: any still running at the end are killed. */
  running: ServeProcess[];
}

/** A private PostgreSQL, the playbook written to `<a temporary folder>/name`, and a client, for the suite this is called in. */
export function clusterFixture(name: string, playbook: string): ClusterFixture {
  const f = { running: [] as ServeProcess[] } as ClusterFixture;
  beforeAll(async () => {
    f.cluster = await startPostgres();
    f.dir = mkdtempSync(join(tmpdir(), `playbook-${name.replace(/\.playbook$/, '')}-`));
    f.file = join(f.dir, name);
    writeFileSync(f.file, playbook);
    f.holder = new pg.Client({ connectionString: f.cluster.url });
    await f.holder.connect();
  }, 60_000);
  afterAll(async () => {
    for (const p of f.running) await stopServe(p, 'SIGKILL');
    await f.holder?.end().catch(() => undefined);
    f.cluster?.destroy();
    if (f.dir) rmSync(f.dir, { recursive: true, force: true });
  });
  return f;
}
