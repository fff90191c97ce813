import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readPlaybookFile, UsageError } from '../src/cli/io.js';
import { LineSplitter } from '../src/stdlib/lines.js';
import { simulateLimits } from '../src/cli/simulate.js';
import { renderTable } from '../src/cli/table.js';
import { compile } from '../src/compiler/compile.js';
import { createRuntime } from '../src/runtime/runtime.js';
import {
  envelopeLimitProblem,
  fieldLimitProblem,
  MAX_EVENT_LINE_BYTES,
  MAX_LIST_ITEMS,
  MAX_PLAYBOOK_BYTES,
  MAX_REF_CHARS,
  MAX_TEXT_CHARS,
} from '../src/limits.js';
import { validateEvent } from '../src/runtime/events.js';
import { runCli } from './helpers/cli.js';

/**
 * Issue 13, item 4 and the input items of 5: every path that reads input is bounded by its
 * limits (docs/cli.md#limits). Each test reproduces the input of the issue, scaled where the
 * limit can be lowered (the line reader takes its limit as a parameter) so that it runs in CI time.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const ex = (name: string) => join(root, 'examples', `${name}.playbook`);
const floodEvents = readFileSync(join(root, 'test/scenarios/flood/events.jsonl'), 'utf8').trim().split('\n');

const tmp = mkdtempSync(join(tmpdir(), 'playbook-bounded-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function file(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}

const mutesIn = (out: string) =>
  out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string })
    .filter((a) => a.type === 'member.mute');

type Cut = { line: number; text: string } | { line: number; bad: string };

function split(chunks: Buffer[], limit: number): { cuts: Cut[]; splitter: LineSplitter } {
  const cuts: Cut[] = [];
  const splitter = new LineSplitter({ line: (line, text) => cuts.push({ line, text }), bad: (line, bad) => cuts.push({ line, bad }) }, limit);
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return { cuts, splitter };
}

/** What the splitter must produce: lines cut on 0x0A, each judged on its own. */
function expected(input: Buffer, limit: number): Cut[] {
  const out: Cut[] = [];
  let start = 0;
  let line = 0;
  for (;;) {
    const nl = input.indexOf(10, start);
    const end = nl === -1 ? input.length : nl;
    if (nl === -1 && end === start) break;
    const bytes = input.subarray(start, end);
    line++;
    if (bytes.length > limit) out.push({ line, bad: `line is ${bytes.length} bytes long (the limit is ${limit})` });
    else {
      try {
        let text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
        if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
        out.push({ line, text });
      } catch {
        out.push({ line, bad: 'not valid UTF-8' });
      }
    }
    if (nl === -1) break;
    start = nl + 1;
  }
  return out;
}

describe('the line reader (simulate and POST /events)', () => {
  it('cuts any byte stream, in any chunks, into the lines a whole-input split gives; long and non-UTF-8 lines are reported by number', () => {
    const piece = fc.oneof(
      fc.constantFrom('a', '{"x":1}', '汉字', '😀', '\r', ' ', '\n', '\n', '\n'),
      fc.constantFrom(Buffer.from([0xff]), Buffer.from([0xe6, 0xb1]), Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xed, 0xa0, 0x80])),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 30 }),
        (pieces, sizes, limit) => {
          const input = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
          const chunks: Buffer[] = [];
          for (let at = 0, i = 0; at < input.length; i++) {
            const n = sizes[i % sizes.length]!;
            chunks.push(input.subarray(at, at + n));
            at += n;
          }
          expect(split(chunks, limit).cuts).toEqual(expected(input, limit));
          expect(split([input], limit).cuts).toEqual(expected(input, limit));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a 100 MB line without a newline is dropped as it streams in: never more than the limit is held', () => {
    const chunk = Buffer.alloc(1 << 16, 0x78);
    const cuts: Cut[] = [];
    const splitter = new LineSplitter({ line: (line, text) => cuts.push({ line, text }), bad: (line, bad) => cuts.push({ line, bad }) }, MAX_EVENT_LINE_BYTES);
    splitter.push(Buffer.from('{"id":"a"}\n'));
    let held = 0;
    for (let sent = 0; sent < 100 * 1024 * 1024; sent += chunk.length) {
      splitter.push(chunk);
      held = Math.max(held, (splitter as unknown as { partBytes: number }).partBytes);
    }
    splitter.end();
    expect(held).toBeLessThanOrEqual(MAX_EVENT_LINE_BYTES);
    expect(cuts).toEqual([
      { line: 1, text: '{"id":"a"}' },
      { line: 2, bad: `line is ${100 * 1024 * 1024} bytes long (the limit is ${MAX_EVENT_LINE_BYTES})` },
    ]);
  });
});

describe('simulate on bad input', () => {
  it('skips a line over the limit (without a newline, at the end too) with its number and processes the lines after it', async () => {
    const saved = simulateLimits.maxLineBytes;
    simulateLimits.maxLineBytes = 400;
    try {
      const long = '{"id":"h","type":"message.posted","text":"' + 'x'.repeat(1000) + '"}';
      const events = file('long.jsonl', [floodEvents[0], long, ...floodEvents.slice(1), long.slice(0, 700)].join('\n'));
      const r = await runCli(['simulate', ex('flood'), '--events', events, '--until', '2026-07-04T00:00:00+08:00']);
      expect(r.code).toBe(0);
      expect(r.err).toContain(`long.jsonl:2: skipped: line is ${long.length} bytes long (the limit is 400)`);
      expect(r.err).toContain(`long.jsonl:${floodEvents.length + 2}: skipped: line is 700 bytes long (the limit is 400)`);
      expect(r.err).toMatch(/39 events read, 37 processed, 0 ignored \(unknown type\), 2 bad lines skipped/);
      expect(mutesIn(r.out)).toHaveLength(4);
    } finally {
      simulateLimits.maxLineBytes = saved;
    }
  });

  it('a real line of a few MB is skipped at the default limit, and so is a 10 MiB member name', async () => {
    const huge =
      '{"id":"h","type":"member.joined","at":"2026-07-01T12:00:00+08:00","community":"chat","member":"big","name":"' + 'n'.repeat(10 * 1024 * 1024) + '"}';
    const events = file('huge.jsonl', [floodEvents[0], huge, ...floodEvents.slice(1)].join('\n') + '\n');
    const r = await runCli(['simulate', ex('flood'), '--events', events, '--until', '2026-07-04T00:00:00+08:00']);
    expect(r.code).toBe(0);
    expect(r.err).toContain(`huge.jsonl:2: skipped: line is ${huge.length} bytes long (the limit is ${MAX_EVENT_LINE_BYTES})`);
    expect(mutesIn(r.out)).toHaveLength(4);
    expect(r.out).not.toContain('nnnnnnnn');
  });

  it('reports a line that is not UTF-8 with its number and skips it, like serve refuses it; --strict exits 2', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"id":"u","type":"message.posted","at":"2026-07-01T12:00:00+08:00","community":"chat","member":"u9","messageId":"m","text":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const content = Buffer.concat([Buffer.from('\uFEFF' + floodEvents[0] + '\n'), bad, Buffer.from('\n' + floodEvents.slice(1).join('\n'))]);
    const events = file('latin1.jsonl', content);
    const r = await runCli(['simulate', ex('flood'), '--events', events, '--until', '2026-07-04T00:00:00+08:00']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('latin1.jsonl:2: skipped: not valid UTF-8');
    // The first line starts with a byte-order mark and is read as usual.
    expect(r.err).toMatch(/38 events read, 37 processed, 0 ignored \(unknown type\), 1 bad lines skipped/);
    expect(r.out).not.toContain('\uFFFD');
    expect(mutesIn(r.out)).toHaveLength(4);
    expect((await runCli(['simulate', ex('flood'), '--events', events, '--strict'])).code).toBe(2);
  });

  it('peak memory does not grow with an oversized line (a 96 MB line costs less than half its size)', () => {
    // Measured in a child of its own, so that this process's heap does not blur the figure. The
    // bounded reader adds a few tens of MB of chunks waiting for the collector, whatever the line's
    // size; buffering the line, as before, added more than ten times its size.
    const big = join(tmp, 'big.jsonl');
    const head = Buffer.from(floodEvents[0] + '\n{"id":"h","text":"');
    const tail = Buffer.from('\n' + floodEvents.slice(1).join('\n') + '\n');
    writeFileSync(big, Buffer.concat([head, Buffer.alloc(96 * 1024 * 1024, 0x78), tail]));
    const small = file('small.jsonl', floodEvents.join('\n') + '\n');
    const peak = (events: string) => {
      const script = `import(${JSON.stringify(join(root, 'dist/cli/main.js'))}).then(async (m) => {
        const code = await m.run(['simulate', ${JSON.stringify(ex('flood'))}, '--events', ${JSON.stringify(events)}], { out() {}, err(t) { process.stderr.write(t); }, isTTY: false });
        process.stdout.write(JSON.stringify({ code, maxRSS: process.resourceUsage().maxRSS }));
      });`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const { code, maxRSS } = JSON.parse(r.stdout) as { code: number; maxRSS: number };
      expect(code).toBe(0);
      return { kb: maxRSS, err: r.stderr };
    };
    const base = peak(small);
    const withLine = peak(big);
    rmSync(big);
    expect(withLine.err).toContain('big.jsonl:2: skipped: line is');
    expect(withLine.kb - base.kb).toBeLessThan(48 * 1024);
  });
});

describe('simulate --format table with 150,000 members', () => {
  it('prints every member (no "Maximum call stack size exceeded" from spreads over members)', async () => {
    const n = 150_000;
    const t0 = Date.parse('2026-03-01T00:00:00Z');
    const lines: string[] = [];
    for (let i = 0; i < n; i++)
      lines.push(
        JSON.stringify({ id: `j${i}`, type: 'member.joined', at: new Date(t0 + i * 1000).toISOString(), community: 'c', member: `m${i}`, name: `M${i}` }),
      );
    const r = await runCli(['simulate', ex('no-ads'), '--events', file('joins.jsonl', lines.join('\n') + '\n'), '--format', 'table']);
    expect(r.err).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^m149999\s+M149999\s+member\s+0/m);
    expect(r.out.split('\n').filter((l) => /^m\d+ /.test(l))).toHaveLength(n);
  });

  it('pads columns to at most 40 characters, so one long cell does not widen every row', () => {
    const source = readFileSync(ex('no-ads'), 'utf8');
    const ir = compile(source, { file: 'no-ads.playbook' }).ir!;
    const rt = createRuntime(ir);
    const at = '2026-03-01T08:00:00+08:00';
    rt.dispatch({ id: 'a', type: 'member.joined', at, community: 'c', member: 'ann', name: 'A'.repeat(200) });
    rt.dispatch({ id: 'b', type: 'member.joined', at, community: 'c', member: 'bob', name: 'Bob' });
    const bob = renderTable([], ir, rt)
      .split('\n')
      .find((l) => l.startsWith('bob '))!;
    expect(bob).toMatch(/^bob {2,}Bob {37} {2}member/);
  });
});

describe('playbook files', () => {
  it('a file over the playbook limit is a usage error, and a device that never ends is read only up to the limit', () => {
    const big = file('big.playbook', Buffer.alloc(MAX_PLAYBOOK_BYTES + 1, 0x20));
    expect(() => readPlaybookFile(big)).toThrow(UsageError);
    expect(() => readPlaybookFile(big)).toThrow(`the limit is ${MAX_PLAYBOOK_BYTES}`);
    expect(readPlaybookFile(file('ok.playbook', Buffer.alloc(MAX_PLAYBOOK_BYTES, 0x20))).length).toBe(MAX_PLAYBOOK_BYTES);
    expect(() => readPlaybookFile('/dev/zero')).toThrow(`more than the limit of ${MAX_PLAYBOOK_BYTES} bytes`);
  });
});

describe('event field limits (src/limits.ts)', () => {
  it('names the field, the item and the limit', () => {
    expect(envelopeLimitProblem('c'.repeat(MAX_REF_CHARS), 'm'.repeat(MAX_REF_CHARS))).toBeUndefined();
    expect(envelopeLimitProblem('c'.repeat(MAX_REF_CHARS + 1), 'm')).toBe(`"community" is longer than ${MAX_REF_CHARS} characters`);
    expect(envelopeLimitProblem('c', 'm'.repeat(MAX_REF_CHARS + 1))).toBe(`"member" is longer than ${MAX_REF_CHARS} characters`);
    expect(fieldLimitProblem('name', 'n'.repeat(MAX_REF_CHARS))).toBeUndefined();
    expect(fieldLimitProblem('name', 'n'.repeat(10 * 1024 * 1024))).toBe(`payload field "name" is longer than ${MAX_REF_CHARS} characters`);
    expect(fieldLimitProblem('text', 't'.repeat(MAX_TEXT_CHARS))).toBeUndefined();
    expect(fieldLimitProblem('text', 't'.repeat(MAX_TEXT_CHARS + 1))).toBe(`payload field "text" is longer than ${MAX_TEXT_CHARS} characters`);
    expect(fieldLimitProblem('roles', ['admin', 'r'.repeat(MAX_REF_CHARS + 1)])).toBe(
      `item 2 of payload field "roles" is longer than ${MAX_REF_CHARS} characters`,
    );
    expect(
      fieldLimitProblem(
        'tags',
        Array.from({ length: MAX_LIST_ITEMS + 1 }, () => 't'),
      ),
    ).toBe(`payload field "tags" has more than ${MAX_LIST_ITEMS} items`);
    expect(fieldLimitProblem('amount', 5)).toBeUndefined();
  });

  // validateEvent (src/runtime/events.ts) applies these to every event.
  const ir = compile(readFileSync(ex('no-ads'), 'utf8'), { file: 'no-ads.playbook' }).ir!;
  const joined = (extra: Record<string, unknown>) => ({
    id: 'j',
    type: 'member.joined',
    at: '2026-03-01T08:00:00+08:00',
    community: 'c',
    member: 'm',
    ...extra,
  });

  it('validateEvent refuses an event over a limit, so simulate skips it and serve refuses it', async () => {
    expect(validateEvent(joined({ name: 'n'.repeat(MAX_REF_CHARS) }), ir.events).ok).toBe(true);
    expect(validateEvent(joined({ name: 'n'.repeat(MAX_REF_CHARS + 1) }), ir.events)).toEqual({
      ok: false,
      reason: `payload field "name" is longer than ${MAX_REF_CHARS} characters`,
    });
    expect(validateEvent(joined({ member: 'm'.repeat(MAX_REF_CHARS + 1) }), ir.events)).toEqual({
      ok: false,
      reason: `"member" is longer than ${MAX_REF_CHARS} characters`,
    });
    expect(validateEvent({ ...joined({}), type: 'platform.ping', community: 'c'.repeat(MAX_REF_CHARS + 1) }, ir.events).ok).toBe(false);
    expect(validateEvent(joined({ roles: Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => `r${i}`) }), ir.events).ok).toBe(false);
    const post = {
      id: 'p',
      type: 'message.posted',
      at: '2026-03-01T09:00:00+08:00',
      community: 'c',
      member: 'm',
      messageId: 'x',
      text: 't'.repeat(MAX_TEXT_CHARS + 1),
    };
    expect(validateEvent(post, ir.events).ok).toBe(false);
    const lines = [joined({ id: 'a', member: 'ann', name: 'Ann' }), joined({ id: 'b', member: 'bob', name: 'B'.repeat(MAX_REF_CHARS + 1) })].map((e) =>
      JSON.stringify(e),
    );
    const r = await runCli(['simulate', ex('no-ads'), '--events', file('long-name.jsonl', lines.join('\n') + '\n'), '--format', 'table']);
    expect(r.err).toContain(`long-name.jsonl:2: skipped: payload field "name" is longer than ${MAX_REF_CHARS} characters`);
    expect(r.out).not.toContain('BBBB');
  });
});
