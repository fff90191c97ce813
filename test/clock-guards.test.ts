import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { isoInZone } from '../src/stdlib/calendar.js';
import { runCli } from './helpers/cli.js';
import { FakeHost } from './helpers/fake-timer-host.js';
import { PlaybookServer } from '../src/server/server.js';
import { MemoryDurableStore } from '../src/store/index.js';

// Issue 13, item 3: one event stamped 9999 moved time for everyone and fired every newcomer's
// 24 h deadline; 2026-02-30 was read as 2 March; year 1000 printed offsets like +08:5.7166.
const ritual = `playbook "Clock" { timezone "Asia/Shanghai" }
ritual onboarding {
  starts on member.joined
  step intro: message.posted
  deadline 24h: remove member reason "no intro"
}
`;

function ir() {
  const { ir, diagnostics } = compile(ritual, { file: 'clock.playbook' });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ir!;
}

const joined = (id: string, member: string, at: string) => ({ id, type: 'member.joined', at, community: 'A', member, name: member });
const post = (id: string, member: string, at: string) => ({ id, type: 'message.posted', at, community: 'A', member, messageId: id, text: 'hello' });

describe('an event far ahead of its community clock', () => {
  it('without a bound moves the clock and fires every deadline (what --max-skew is for)', () => {
    const rt = createRuntime(ir());
    rt.dispatch(joined('1', 'ann', '2026-03-01T10:00:00+08:00'));
    const r = rt.dispatchDetailed(post('2', 'bob', '2999-12-31T00:00:00Z'));
    expect(r.status).toBe('processed');
    expect(r.actions.map((a) => a.type)).toContain('member.remove');
  });

  it('with maxSkewMs is refused, changes nothing, and later events go on as before', () => {
    const rt = createRuntime(ir(), { maxSkewMs: 30 * 86_400_000 });
    rt.dispatch(joined('1', 'ann', '2026-03-01T10:00:00+08:00'));
    const before = JSON.stringify(rt.snapshot());
    const r = rt.dispatchDetailed(post('2', 'bob', '2999-12-31T00:00:00Z'));
    expect(r.status).toBe('invalid');
    expect(r.actions).toEqual([]);
    expect(r.reason).toMatch(/^"at" is P\d+DT22H ahead of the community's clock \(2026-03-01T10:00:00\+08:00\); the limit is P30D$/);
    expect(JSON.stringify(rt.snapshot())).toBe(before);
    // The refused id was not remembered: a corrected event with the same id is processed.
    expect(rt.dispatchDetailed(post('2', 'ann', '2026-03-01T12:00:00+08:00')).status).toBe('processed');
    // Exactly at the bound is still accepted; a new community has no clock to be ahead of.
    expect(rt.dispatchDetailed(post('3', 'ann', '2026-03-31T12:00:00+08:00')).status).toBe('processed');
    expect(rt.dispatchDetailed({ ...joined('4', 'cy', '2028-01-01T00:00:00Z'), community: 'B' }).status).toBe('processed');
  });

  it('a bound that is not a positive number is a programming error, said at once', () => {
    expect(() => createRuntime(ir(), { maxSkewMs: 0 })).toThrow(/maxSkewMs must be a positive number/);
    expect(() => createRuntime(ir(), { maxSkewMs: Number.NaN })).toThrow(/maxSkewMs/);
  });
});

describe('playbook simulate --max-skew', () => {
  const dir = mkdtempSync(join(tmpdir(), 'playbook-skew-'));
  const playbook = join(dir, 'clock.playbook');
  writeFileSync(playbook, ritual);
  const events = join(dir, 'events.jsonl');
  writeFileSync(
    events,
    [
      joined('1', 'ann', '2026-03-01T10:00:00+08:00'),
      post('2', 'mallory', '9999-12-31T00:00:00Z'),
      post('3', 'mallory', '2027-03-01T10:00:00+08:00'),
      post('4', 'ann', '2026-02-30T10:00:00+08:00'),
      post('5', 'ann', '2026-03-01T11:00:00+08:00'),
    ]
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  );

  it('skips the far-future line with its line number and reason; the newcomer keeps her deadline', async () => {
    const r = await runCli(['simulate', playbook, '--events', events, '--max-skew', '30d', '--until', '2026-03-01T12:00:00+08:00']);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toContain(`${events}:2: skipped: "at" is outside the supported years 1970 to 2999: "9999-12-31T00:00:00Z"`);
    expect(r.err).toContain(`${events}:3: skipped: "at" is P365D ahead of the community's clock (2026-03-01T10:00:00+08:00); the limit is P30D`);
    expect(r.err).toContain(`${events}:4: skipped: "at" names a day the calendar does not have: "2026-02-30T10:00:00+08:00"`);
    expect(r.err).toMatch(/5 events read, 2 processed, 0 ignored \(unknown type\), 3 bad lines skipped/);
  });

  it('--strict turns the skipped lines into exit 2; a malformed bound is a usage error', async () => {
    expect((await runCli(['simulate', playbook, '--events', events, '--max-skew', '30d', '--strict'])).code).toBe(2);
    const bad = await runCli(['simulate', playbook, '--events', events, '--max-skew', 'a month']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--max-skew must be a duration like 30d/);
    const until = await runCli(['simulate', playbook, '--events', events, '--until', '2026-02-30T00:00:00Z']);
    expect(until.code).toBe(2);
    expect(until.err).toMatch(/--until must be an ISO-8601 instant/);
  });
});

describe('offsets of action times', () => {
  it('are whole minutes even where the zone had local mean time, and name the exact instant', () => {
    for (const [ms, zone] of [
      [Date.UTC(1970, 0, 1, 12), 'Africa/Monrovia'],
      [Date.UTC(1900, 0, 1), 'Asia/Shanghai'],
      [Date.UTC(2026, 2, 1), 'Asia/Shanghai'],
    ] as const) {
      const text = isoInZone(ms, zone);
      expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      expect(Date.parse(text)).toBe(ms);
    }
    expect(isoInZone(Date.UTC(1970, 0, 1, 12), 'Africa/Monrovia')).toBe('1970-01-01T11:16:00-00:44');
  });
});

describe('playbook serve on the wall clock', () => {
  const T0 = Date.parse('2026-03-01T10:00:00+08:00');
  const iso = (ms: number) => new Date(ms).toISOString();

  async function wallServer(options: { maxSkewMs?: number } = {}) {
    const host = new FakeHost(T0);
    const logs: string[] = [];
    const server = new PlaybookServer({
      file: 'clock.playbook',
      source: ritual,
      ir: ir(),
      store: new MemoryDurableStore(),
      clock: 'wall',
      timerHost: host,
      log: (l) => logs.push(l),
      ...options,
    });
    const address = await server.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${address.port}`;
    const send = async (events: unknown[]) => {
      const res = await fetch(`${url}/events`, { method: 'POST', body: events.map((e) => JSON.stringify(e)).join('\n') + '\n' });
      return { status: res.status, body: await res.text() };
    };
    return { server, host, logs, send };
  }

  it('refuses an event stamped years ahead (400, nothing applied, logged); the newcomer keeps her deadline', async () => {
    const { server, host, logs, send } = await wallServer();
    try {
      expect((await send([joined('1', 'ann', iso(T0))])).status).toBe(200);
      const before = JSON.stringify(server.durable.snapshot());
      const far = await send([post('2', 'ann', iso(T0 + 60_000)), post('3', 'mallory', '2999-12-31T00:00:00Z')]);
      expect(far.status).toBe(400);
      const body = JSON.parse(far.body) as { error: string; problems: { line: number; message: string }[]; aheadOfClock: number };
      expect(body.error).toMatch(/1 line is not valid events; nothing was processed/);
      expect(body.aheadOfClock).toBe(1);
      expect(body.problems).toEqual([
        {
          line: 2,
          message: expect.stringMatching(
            /^"at" is P\d+DT\d+H after the server's clock \(2026-03-01T10:00:00\+08:00\); this server runs on the wall clock and takes events at most PT5M ahead \(--max-skew\)$/,
          ),
        },
      ]);
      expect(JSON.stringify(server.durable.snapshot())).toBe(before);
      expect(logs.some((l) => /refused a request with 1 event\(s\) stamped more than PT5M after the server's clock/.test(l))).toBe(true);
      // Within the default bound is fine; the deadline still comes a day after the join.
      expect((await send([post('4', 'bob', iso(T0 + 4 * 60_000))])).status).toBe(200);
      host.runTo(T0 + 24 * 3_600_000 - 1);
      expect(server.durable.actionsAfter(0, 100).some(({ action }) => action.type === 'member.remove')).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('takes its bound from maxSkewMs (--max-skew)', async () => {
    const { server, send } = await wallServer({ maxSkewMs: 60_000 });
    try {
      expect((await send([joined('1', 'ann', iso(T0 + 60_000))])).status).toBe(200);
      const r = await send([joined('2', 'bob', iso(T0 + 120_000))]);
      expect(r.status).toBe(400);
      expect(r.body).toContain('takes events at most PT1M ahead');
    } finally {
      await server.close();
    }
    expect(() => new PlaybookServer({ file: 'c', source: ritual, ir: ir(), store: new MemoryDurableStore(), clock: 'wall', maxSkewMs: -1 })).toThrow(
      /maxSkewMs/,
    );
  });

  it('--max-skew is a usage error with --clock events or without a duration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-skew-serve-'));
    const playbook = join(dir, 'clock.playbook');
    writeFileSync(playbook, ritual);
    const events = await runCli(['serve', playbook, '--db', ':memory:', '--clock', 'events', '--max-skew', '5m']);
    expect(events.code).toBe(2);
    expect(events.err).toMatch(/--max-skew is for --clock wall/);
    const bad = await runCli(['serve', playbook, '--db', ':memory:', '--max-skew', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--max-skew must be a duration like 5m/);
  });
});
