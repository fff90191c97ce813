import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime } from '../src/runtime/runtime.js';
import { isoInZone } from '../src/stdlib/calendar.js';
import { runCli } from './helpers/cli.js';

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
