import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { createRuntime } from '../../src/runtime/runtime.js';
import { mulberry32 } from '../fixtures/random.js';
import { postgresMissing, startPostgres, type PostgresCluster } from './servers/postgres.js';
import { batches, byCommunity, newStats, readLog, sendAll, simulate, startServe, stopServe, type SendStats, type ServeProcess } from './servers/cluster.js';

/**
 * A network of groups in cluster mode (docs/scaling.md, "Networks of groups"): processes owning
 * different communities of one network, sent events concurrently, keep one exact total; a
 * network goal is reached once and its actions run once in every group, whoever owns it. With
 * concurrency the order in which communities' events are processed is not the input's, so what
 * is compared with one uninterrupted `playbook simulate` is what does not depend on it: the
 * actions as a multiset, without their instant and cause (and without the community of
 * `goal.reached` and `notify admins`, which is the group whose event reached the goal), the
 * network's totals and goals, and the tags the goal gave every group's members.
 */

const PLAYBOOK = `playbook "Network cluster" { timezone "Asia/Shanghai" }

campaign 大促 across all groups {
  stage 正式 from 2026-11-01 to 2026-11-30 { on enter: say "大促开始" }
  goal 百单 when count(order.paid) >= 100 {
    say "全网已成交 100 单"
    tag members "百单"
    notify admins "全网达成 100 单"
  }
  goal 三百单 when count(order.paid) >= 300 {
    say "全网已成交 300 单"
    notify admins "全网达成 300 单"
  }
}

rule 感谢 {
  on order.paid
  when count(order.paid across groups) >= 50
  once per community
  do say "全网已超 50 单"
}

rule 百单老客 {
  on order.paid
  when member has tag "百单"
  once per member
  do say "百单老客"
}
`;

/**
 * A new count across groups ahead of the others, so the counters are numbered anew: the network's
 * totals must be carried over to the new numbers (`migrateSnapshot`), or this rule would read the
 * orders' total as the joins' and fire.
 */
const V2 = PLAYBOOK.replace(
  'campaign 大促',
  `rule 新人多 {
  on order.paid
  when count(member.joined across groups) >= 50
  once per community
  do say "全网新人已超 50"
}

campaign 大促`,
).replace('全网已成交 300 单"', '全网三百单"');

const GROUPS = 8;
const START = Date.parse('2026-11-02T10:00:00+08:00');

/**
 * Every group's members join first (so every group is in the network before any goal, whatever
 * the order), then 400 orders over the groups, some sent twice, then one closing order of each
 * member: it comes after both goals in any order, so each rule fires once per group or member.
 */
function stream(rnd: () => number): { joins: Record<string, unknown>[]; orders: Record<string, unknown>[]; closing: Record<string, unknown>[] } {
  const joins: Record<string, unknown>[] = [];
  for (let g = 0; g < GROUPS; g++)
    for (let m = 0; m < 2; m++)
      joins.push({ id: `j${g}-${m}`, type: 'member.joined', at: new Date(START + (g * 2 + m) * 1000).toISOString(), community: `g${g}`, member: `m${g}-${m}` });
  const orders: Record<string, unknown>[] = [];
  for (let i = 0; i < 400; i++) {
    const g = i < GROUPS ? i : Math.floor(rnd() * GROUPS);
    const e = {
      id: `o${i}`,
      type: 'order.paid',
      at: new Date(START + 60_000 + i * 60_000).toISOString(),
      community: `g${g}`,
      member: `m${g}-${i % 2}`,
      orderId: `x${i}`,
      amount: 10,
    };
    orders.push(e);
    if (rnd() < 0.05) orders.push(e);
  }
  const closing = joins.map((j, k) => ({
    id: `c${k}`,
    type: 'order.paid',
    at: new Date(START + 60_000 + (400 + k) * 60_000).toISOString(),
    community: j['community'],
    member: j['member'],
    orderId: `y${k}`,
    amount: 10,
  }));
  return { joins, orders, closing };
}

/** The actions without what depends on the order communities are processed in, sorted. */
function orderFree(actions: Record<string, unknown>[]): string[] {
  return actions
    .map((a) => {
      const { seq: _seq, at: _at, cause: _cause, ...rest } = a;
      if (rest['type'] === 'goal.reached' || rest['type'] === 'admin.notify') rest['community'] = '*';
      return JSON.stringify(rest);
    })
    .sort();
}

describe.skipIf(postgresMissing() !== undefined)('networks of groups in cluster mode', () => {
  let dir: string;
  let file: string;
  const clusters: PostgresCluster[] = [];
  const procs = new Set<ServeProcess>();
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-cluster-network-'));
    file = join(dir, 'network.playbook');
    writeFileSync(file, PLAYBOOK);
  });
  afterAll(async () => {
    for (const p of procs) await stopServe(p, 'SIGKILL');
    for (const c of clusters) c.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function start(db: PostgresCluster): Promise<ServeProcess> {
    const p = await startServe(file, db.url);
    procs.add(p);
    return p;
  }

  async function drained(db: PostgresCluster): Promise<void> {
    for (let i = 0; i < 600; i++) {
      if (db.psql('SELECT count(*) FROM inbox WHERE status IS NULL').trim() === '0') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the inbox was not drained in 60 s');
  }

  /** The joins one by one, then the orders by 4 clients at once, each sending the orders of its own groups in input order. */
  async function send(events: ReturnType<typeof stream>, live: () => ServeProcess[], rnd: () => number, stats: SendStats, onAck?: (i: number) => void) {
    await sendAll(batches(rnd, events.joins, 1), live, rnd, stats);
    const clients = 4;
    let acked = 0;
    await Promise.all(
      Array.from({ length: clients }, (_, k) => {
        const mine = events.orders.filter((e) => Number(String(e['community']).slice(1)) % clients === k);
        const own = mulberry32(k + 1);
        return sendAll(batches(own, mine, 5), live, own, stats, () => onAck?.(acked++));
      }),
    );
    await sendAll(batches(rnd, events.closing, 3), live, rnd, stats);
  }

  /** What one process holding every group shares at the end: totals and goals (the groups' order is the input's). */
  function expectedNetwork(events: Record<string, unknown>[]) {
    const rt = createRuntime(compile(readFileSync(file, 'utf8'), { file }).ir!);
    for (const e of events) rt.dispatch(e);
    return rt.snapshot().network!;
  }

  async function expectLikeSimulate(db: PostgresCluster, live: ServeProcess[], events: ReturnType<typeof stream>, context: string): Promise<void> {
    const all = [...events.joins, ...events.orders, ...events.closing];
    const expected = simulate(dir, file, all, '2026-11-30T00:00:00+08:00');
    const log = await readLog(live[0]!.url);
    expect(
      log.map((a) => a['seq']),
      context,
    ).toEqual(log.map((_, i) => i + 1));
    // Each goal once for the network, its `say` and `tag members` once in every group, `notify admins` once.
    expect(
      log.filter((a) => a['type'] === 'goal.reached').map((a) => a['goal']),
      context,
    ).toEqual(['百单', '三百单']);
    for (const text of ['全网已成交 100 单', '全网已成交 300 单']) {
      const groups = log.filter((a) => a['text'] === text && a['type'] === 'message.send').map((a) => a['community']);
      expect(groups.sort(), context).toEqual(Array.from({ length: GROUPS }, (_, g) => `g${g}`).sort());
    }
    expect(orderFree(log), context).toEqual(orderFree(expected));
    const net = JSON.parse(db.psql("SELECT state FROM playbook_network WHERE scope = 'cluster'")) as ReturnType<typeof expectedNetwork>;
    const want = expectedNetwork(all);
    expect(net.counters, context).toEqual(want.counters);
    expect(net.goals, context).toEqual(want.goals);
    expect([...net.groups].sort(), context).toEqual([...want.groups].sort());
    // The goal's `tag members` reached the member rows of every group, whichever process owned it.
    const tagged = db.psql(`SELECT count(*) FROM members WHERE state LIKE '%百单%'`).trim();
    expect(Number(tagged), context).toBe(GROUPS * 2);
    for (const p of live.slice(1)) expect(await readLog(p.url), context).toEqual(log);
  }

  it('3 processes, 8 groups, orders sent concurrently to all: one exact total, each goal once, its actions once per group', async () => {
    const db = await startPostgres();
    clusters.push(db);
    const live = [await start(db), await start(db), await start(db)];
    const rnd = mulberry32(2026);
    const events = stream(rnd);
    const stats = newStats();
    await send(events, () => live, rnd, stats);
    await drained(db);
    // The owners split the groups: the goals' actions reached groups of other processes.
    const owners = await Promise.all(live.map(async (p) => ((await (await fetch(`${p.url}/health`)).json()) as { communities: number }).communities));
    expect(owners.filter((n) => n > 0).length).toBeGreaterThan(1);
    await expectLikeSimulate(db, live, events, `concurrent: ${JSON.stringify(stats)}`);
  }, 300_000);

  it('a reload mid-stream carries the network over: the log equals a single SQLite server reloaded at the same point', async () => {
    const rnd = mulberry32(1820);
    const events = stream(rnd);
    const half = events.orders.slice(0, 200);
    // One event per request, each sent once the last is processed: the order across communities is
    // then the input's (events of one request for several communities have none, docs/scaling.md).
    const before = batches(rnd, [...events.joins, ...half], 1);
    const after = batches(rnd, [...events.orders.slice(200), ...events.closing], 1);
    const send = async (bodies: { path: string; body: string }[], target: () => ServeProcess) => {
      for (const { path, body } of bodies) {
        const res = await fetch(`${target().url}${path}`, { method: 'POST', body });
        expect(res.status, await res.text()).toBe(200);
      }
    };
    const single = await startServe(file, join(dir, 'single.db'));
    procs.add(single);
    await send(before, () => single);
    expect((await fetch(`${single.url}/playbook`, { method: 'POST', body: V2 })).status).toBe(200);
    await send(after, () => single);
    const expected = await readLog(single.url);
    await stopServe(single);
    const texts = expected.map((a) => a['text']);
    expect(texts).toContain('全网三百单');
    expect(texts).not.toContain('全网新人已超 50');

    const db = await startPostgres();
    clusters.push(db);
    const a = await start(db);
    const b = await start(db);
    const pick = () => (rnd() < 0.5 ? a : b);
    await send(before, pick);
    expect(await (await fetch(`${b.url}/playbook`, { method: 'POST', body: V2 })).json()).toMatchObject({ reloaded: true, version: 2 });
    await send(after, pick);
    expect(byCommunity(await readLog(a.url))).toEqual(byCommunity(expected));
    expect(db.psql("SELECT version FROM playbook_network WHERE scope = 'cluster'").trim()).toBe('2');
  }, 300_000);

  it('SIGKILLs of owners mid-stream lose nothing and repeat nothing of a network', async () => {
    const seed = Number(process.env['CRASH_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
    const context = `(seed ${seed}; rerun with CRASH_SEED=${seed})`;
    const rnd = mulberry32(seed);
    const db = await startPostgres();
    clusters.push(db);
    const live = [await start(db), await start(db), await start(db)];
    const events = stream(rnd);
    const KILLS = 6;
    let kills = 0;
    let scheduled = 0;
    let killing: Promise<void> = Promise.resolve();
    const killOne = async () => {
      const victim = live[Math.floor(rnd() * live.length)]!;
      await new Promise((r) => setTimeout(r, rnd() * 40));
      await stopServe(victim, 'SIGKILL');
      live.splice(live.indexOf(victim), 1);
      procs.delete(victim);
      kills++;
      live.push(await start(db));
    };
    const stats = newStats();
    await send(
      events,
      () => live,
      rnd,
      stats,
      (i) => {
        if (i % 12 === 5 && scheduled < KILLS) {
          scheduled++;
          killing = killing.then(killOne);
        }
      },
    );
    await killing;
    while (kills < KILLS) await killOne();
    await drained(db);
    expect(kills).toBe(KILLS);
    await expectLikeSimulate(db, live, events, `${context} ${JSON.stringify(stats)}`);
  }, 300_000);
});
