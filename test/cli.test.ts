import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from 'json-rules-engine';
import { createMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { IR as IRSchema } from '../src/ir/schema.js';
import { MAX_LINE_NOTES } from '../src/limits.js';
import { runCli } from './helpers/cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const ex = (name: string) => join(root, 'examples', `${name}.playbook`);
const EXAMPLES = ['entry-ritual', 'no-ads', 'points-levels', 'flood', 'member-lifecycle', 'discussion-schedule', 'fission-campaign'];

const cli = runCli;

const tmp = mkdtempSync(join(tmpdir(), 'playbook-cli-'));
function file(name: string, text: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('playbook check', () => {
  it('is clean on every example', async () => {
    const r = await cli(['check', ...EXAMPLES.map(ex)]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('checked 7 files: 0 errors, 0 warnings');
  });

  it('exits 1 with file:line:col, the source line and a caret', async () => {
    const p = file('bad.playbook', 'playbook "x" { timezone "Asia/Shanghai" }\nrule r { on message.postd do delete message }\n');
    const r = await cli(['check', p]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${p}:2:13: error[E0201]: unknown event \`message.postd\``);
    expect(r.err).toContain('rule r { on message.postd do delete message }');
    expect(r.err).toMatch(/\n\s+\^{13}\n/);
    expect(r.err).toContain('did you mean `message.posted`?');
  });

  it('reports several errors in one run', async () => {
    const p = file(
      'many.playbook',
      'playbook "x" { timezone "Mars/Olympus" }\nrule a { on message.posted do warn member on ladder nope }\nrule a { on order.payd do mute member 0s }\n',
    );
    const r = await cli(['check', p, '--format', 'json']);
    expect(r.code).toBe(1);
    const codes = (JSON.parse(r.out) as { code: string }[]).map((d) => d.code).sort();
    expect(codes).toEqual(['E0102', 'E0201', 'E0213', 'E0301', 'E0303']);
  });

  it('exits 2 on usage problems', async () => {
    expect((await cli(['check'])).code).toBe(2);
    expect((await cli(['check', join(tmp, 'missing.playbook')])).code).toBe(2);
    expect((await cli(['check', '--bogus', ex('flood')])).code).toBe(2);
    expect((await cli(['frobnicate'])).code).toBe(2);
  });

  it('prints help for each command', async () => {
    for (const c of ['check', 'compile', 'simulate']) {
      const r = await cli([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Usage: playbook ${c}`);
    }
  });

  it('survives malformed files without a stack trace', async () => {
    const inputs: (string | Buffer)[] = [
      '',
      Buffer.from([0xff, 0xfe, 0x00, 0x81, 0x22, 0x7b]),
      '{'.repeat(5000),
      'rule x { on message.posted when text matches "' + 'a'.repeat(200_000),
      '"'.repeat(1000),
      'x'.repeat(2_000_000),
    ];
    for (const [i, text] of inputs.entries()) {
      const r = await cli(['check', file(`junk${i}.playbook`, text)]);
      expect([0, 1]).toContain(r.code);
      expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    }
  });
});

describe('playbook compile', () => {
  it('every example compiles to an IR that passes the zod schema', async () => {
    for (const name of [...EXAMPLES, 'club-showcase']) {
      const r = await cli(['compile', ex(name)]);
      expect(r.code).toBe(0);
      const parsed = IRSchema.safeParse(JSON.parse(r.out));
      expect(parsed.success, `${name}: ${parsed.success ? '' : parsed.error.message}`).toBe(true);
    }
    // and the schema is not vacuous
    expect(IRSchema.safeParse({ version: 2 }).success).toBe(false);
  });

  it('prints IR JSON with a version', async () => {
    const r = await cli(['compile', ex('no-ads'), '--target', 'ir']);
    expect(r.code).toBe(0);
    const ir = JSON.parse(r.out);
    expect(ir.version).toBe(1);
    expect(ir.rules[0].id).toBe('rule:no_ads');
  });

  it('xstate configs load in the real XState library', async () => {
    for (const name of EXAMPLES) {
      const r = await cli(['compile', ex(name), '--target', 'xstate']);
      expect(r.code).toBe(0);
      const configs = JSON.parse(r.out) as Record<string, object>;
      for (const config of Object.values(configs)) {
        const m = createMachine(config as never);
        expect(m.id).toBeTruthy();
        expect(Object.keys(m.states).length).toBeGreaterThan(0);
      }
    }
  });

  it('rules load in the real json-rules-engine', async () => {
    for (const name of EXAMPLES) {
      const r = await cli(['compile', ex(name), '--target', 'rules']);
      expect(r.code).toBe(0);
      const rules = JSON.parse(r.out) as object[];
      const engine = new Engine(rules as never, { allowUndefinedFacts: true });
      expect(engine).toBeInstanceOf(Engine);
    }
  });

  it('exits 1 on a playbook with errors and 2 on a bad target', async () => {
    const p = file('err.playbook', 'rule r { on nothing.here }');
    expect((await cli(['compile', p])).code).toBe(1);
    expect((await cli(['compile', ex('flood'), '--target', 'wasm'])).code).toBe(2);
  });
});

describe('playbook simulate', () => {
  const events = join(root, 'test/scenarios/flood/events.jsonl');

  it('the generated engine by default; --engine fast and --engine reference print exactly what it prints', async () => {
    const ritual = join(root, 'test/scenarios/entry-ritual/events.jsonl');
    const args = ['simulate', ex('entry-ritual'), '--events', ritual, '--until', '2026-03-04T00:00:00+08:00'];
    const byDefault = await cli(args);
    expect(byDefault.code).toBe(0);
    expect(byDefault.err).toMatch(/ actions in [\d.]+s \(generated engine\)\n/);
    const fast = await cli([...args, '--engine', 'fast']);
    const reference = await cli([...args, '--engine', 'reference']);
    expect(fast.code).toBe(0);
    expect(fast.err).toContain('(fast engine)');
    expect(reference.code).toBe(0);
    expect(reference.err).toContain('(reference engine)');
    expect(fast.out.split('\n').length).toBeGreaterThan(5);
    expect(reference.out).toBe(fast.out);
    expect(byDefault.out).toBe(fast.out);
    const bad = await cli([...args, '--engine', 'turbo']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--engine must be fast, generated or reference');
  });

  it('--format html writes one self-contained report to --out, and needs --out', async () => {
    const out = join(tmp, 'report.html');
    const r = await cli(['simulate', ex('flood'), '--events', events, '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('id="report-data"');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(r.err).toMatch(/report written to .*report\.html/);
    const missing = await cli(['simulate', ex('flood'), '--events', events, '--format', 'html']);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('--out FILE');
  });

  it('lines are cut correctly across read chunks, with CRLF, blank lines and no final newline', async () => {
    const lines = readFileSync(events, 'utf8').trim().split('\n');
    const padded = lines.map((l, i) => (i % 3 === 0 ? `  ${l}\r` : i % 3 === 1 ? `${l}\r\n` : l)).join('\n');
    const odd = file('odd.jsonl', padded);
    const a = await cli(['simulate', ex('flood'), '--events', events]);
    const b = await cli(['simulate', ex('flood'), '--events', odd]);
    expect(b.code).toBe(0);
    expect(b.out).toBe(a.out);
    expect(b.err).toMatch(/37 events read, 37 processed/);
  });

  it('writes only actions to stdout and a summary to stderr', async () => {
    const r = await cli(['simulate', ex('flood'), '--events', events, '--until', '2026-07-04T00:00:00+08:00']);
    expect(r.code).toBe(0);
    const lines = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((a) => a.type === 'member.mute')).toHaveLength(4);
    for (const a of lines) expect(Object.keys(a).slice(0, 3)).toEqual(['at', 'type', 'community']);
    expect(r.err).toMatch(/37 events read, 37 processed, 0 ignored \(unknown type\), 0 bad lines skipped, 0 duplicates, 0 late/);
  });

  it('reports bad lines with line numbers, skips them and loses nothing', async () => {
    const good = readFileSync(events, 'utf8').trim().split('\n');
    const mixed = [
      good[0],
      '{not json',
      '{"id":"x1","type":"message.posted","at":"2026-07-01T12:00:00+08:00","community":"chat","member":"u1","messageId":"m","text":42}',
      '{"type":"message.posted"}',
      '[1,2]',
      ...good.slice(1),
      good[5],
    ].join('\n');
    const r = await cli(['simulate', ex('flood'), '--events', file('mixed.jsonl', mixed), '--until', '2026-07-04T00:00:00+08:00']);
    expect(r.code).toBe(0);
    expect(r.err).toContain('mixed.jsonl:2: skipped: not valid JSON');
    expect(r.err).toContain('mixed.jsonl:3: skipped: payload field "text" of "message.posted" must be string, not number 42');
    expect(r.err).toContain('mixed.jsonl:4: skipped: missing envelope key "id"');
    expect(r.err).toContain('mixed.jsonl:5: skipped: an event must be a JSON object, not an array');
    expect(r.err).toContain('4 bad lines skipped, 1 duplicates');
    const mutes = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((a) => a.type === 'member.mute');
    expect(mutes).toHaveLength(4);
    const strict = await cli(['simulate', ex('flood'), '--events', file('mixed2.jsonl', mixed), '--strict']);
    expect(strict.code).toBe(2);
  });

  it('lists duplicates by line, and --strict fails on a duplicate alone', async () => {
    const good = readFileSync(events, 'utf8').trim().split('\n');
    const text = [...good, good[0], good[3]].join('\n');
    const path = file('dups.jsonl', text);
    const plain = await cli(['simulate', ex('flood'), '--events', path]);
    expect(plain.code).toBe(0);
    const id0 = (JSON.parse(good[0]!) as { id: string }).id;
    expect(plain.err).toContain(`dups.jsonl:${good.length + 1}: skipped: duplicate: event ${JSON.stringify(id0)} was seen before in community "chat"`);
    expect(plain.err).toContain(`dups.jsonl:${good.length + 2}: skipped: duplicate:`);
    expect(plain.err).toContain('0 bad lines skipped, 2 duplicates');
    const strict = await cli(['simulate', ex('flood'), '--events', path, '--strict']);
    expect(strict.code).toBe(2);
    expect(strict.out).toBe(plain.out);
    expect((await cli(['simulate', ex('flood'), '--events', events, '--strict'])).code).toBe(0);
  });

  it('notes at most the documented number of skipped lines, duplicates included, then a summary', async () => {
    const good = readFileSync(events, 'utf8').trim().split('\n');
    const text = [good[0], ...Array.from({ length: MAX_LINE_NOTES + 5 }, () => good[0])].join('\n');
    const r = await cli(['simulate', ex('flood'), '--events', file('many-dups.jsonl', text)]);
    expect(r.err.match(/skipped: duplicate/g)).toHaveLength(MAX_LINE_NOTES);
    expect(r.err).toContain('(further line notes suppressed; see the summary)');
    expect(r.err).toContain(`${MAX_LINE_NOTES + 5} duplicates`);
  });

  it('skips a line too long to be an event, and keeps going', async () => {
    const good = readFileSync(events, 'utf8').trim().split('\n');
    const huge = '{"id":"h","type":"message.posted","text":"' + 'x'.repeat(1_200_000) + '"}';
    const r = await cli([
      'simulate',
      ex('flood'),
      '--events',
      file('huge.jsonl', [good[0], huge, ...good.slice(1)].join('\n')),
      '--until',
      '2026-07-04T00:00:00+08:00',
    ]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/huge\.jsonl:2: skipped: line is 1200\d{3} bytes long \(the limit is 1048576\)/);
    expect(
      r.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((a) => a.type === 'member.mute'),
    ).toHaveLength(4);
  });

  it('reports late events and processes them at the clock', async () => {
    const lines = [
      '{"id":"a","type":"member.joined","at":"2026-07-01T12:00:00+08:00","community":"c","member":"u1"}',
      '{"id":"b","type":"member.joined","at":"2026-07-01T11:00:00+08:00","community":"c","member":"u2"}',
    ].join('\n');
    const r = await cli(['simulate', ex('flood'), '--events', file('late.jsonl', lines)]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('late.jsonl:2: late: event "b"');
    expect(r.err).toContain('1 late');
  });

  it('rejects bad usage with exit 2', async () => {
    expect((await cli(['simulate', ex('flood')])).code).toBe(2);
    expect((await cli(['simulate', ex('flood'), '--events', join(tmp, 'nope.jsonl')])).code).toBe(2);
    expect((await cli(['simulate', ex('flood'), '--events', events, '--until', 'tomorrow'])).code).toBe(2);
    expect((await cli(['simulate', ex('flood'), '--events', events, '--format', 'pdf'])).code).toBe(2);
  });

  it('prints a readable table', async () => {
    const r = await cli(['simulate', ex('no-ads'), '--events', join(root, 'test/scenarios/no-ads/events.jsonl'), '--format', 'table']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Community growth-club');
    expect(r.out).toMatch(/u1\s+Ann\s+removed/);
    expect(r.out).toMatch(/member\.remove\s+u1/);
  });
});

describe('the installed bin', () => {
  it('runs through bin/playbook.js with the right exit codes and no stack traces', () => {
    const bin = join(root, 'bin/playbook.js');
    const ok = spawnSync(process.execPath, [bin, 'check', ex('flood')], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'check', file('b.playbook', 'ritual { ')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const stdin = spawnSync(process.execPath, [bin, 'simulate', ex('no-ads'), '--events', '-'], {
      encoding: 'utf8',
      input: readFileSync(join(root, 'test/scenarios/no-ads/events.jsonl')),
    });
    expect(stdin.status).toBe(0);
    expect(
      stdin.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
    ).toContain('member.remove');
  });
});

describe('progress bar', () => {
  it('shows share, count, rate and time left, and erases itself', async () => {
    const { Progress } = await import('../src/cli/progress.js');
    let written = '';
    const p = new Progress((t) => void (written += t), 'events', 10);
    const line = p.line(5000, 0.25, Date.now() + 2000);
    expect(line).toMatch(/^\[#{3}\.{7}\]\s+25% {2}5,000 events {2}\d[\d.kM]* events\/s {2}ETA \d+s$/);
    expect(p.line(10, undefined)).not.toContain('ETA');
    p.update(1, 0.5);
    expect(written.startsWith('\r[#####.....]')).toBe(true);
    p.done();
    expect(written.endsWith('\r\x1b[K')).toBe(true);
  });

  it('simulate writes no progress when stderr is not a terminal', async () => {
    const r = await cli(['simulate', ex('flood'), '--events', join(root, 'test/scenarios/flood/events.jsonl')]);
    expect(r.err).not.toContain('\r');
  });
});
