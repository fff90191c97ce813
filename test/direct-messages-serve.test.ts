import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime, type OutputAction } from '../src/runtime/runtime.js';

/**
 * Held direct messages across a `playbook serve` restart (issue 16): the server is killed
 * (SIGKILL, no clean shutdown) between two requests and started again on the same SQLite file;
 * every held message is released once, at the same instant, as in one uninterrupted run.
 */

const CLI = process.env['PLAYBOOK_CLI'] ?? 'bin/playbook.js';
const serveAvailable = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' }).status === 0;

const PLAYBOOK = `playbook "Gentle" { timezone "Asia/Shanghai" }
direct messages {
  at most 1 per member per 1h, else hold
  quiet hours 22:00 to 08:00, hold
}
rule dm { on message.posted; do say to member "re {text}" }
`;

const T0 = Date.parse('2026-03-02T21:00:00+08:00');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function startServe(file: string, db: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'serve', file, '--port', '0', '--db', db, '--clock', 'events'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  return { child, url: first.slice('listening on '.length) };
}

async function post(url: string, path: string, body = ''): Promise<void> {
  const res = await fetch(`${url}${path}`, { method: 'POST', body });
  expect(res.status).toBe(200);
}

describe.skipIf(!serveAvailable)('held direct messages and a serve restart', () => {
  it('are released exactly once, wherever the server is killed', async () => {
    const ir = compile(PLAYBOOK, { file: 'gentle.playbook' }).ir!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 90 }), member: fc.constantFrom('ann', 'bob') }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        async (steps, cutSeed) => {
          let t = T0;
          const events = steps.map((s, i) => {
            t += s.gap * 60_000;
            return { id: `e${i}`, type: 'message.posted', at: new Date(t).toISOString(), community: 'c', member: s.member, messageId: `m${i}`, text: `t${i}` };
          });
          const until = new Date(t + 2 * 86_400_000).toISOString();
          const rt = createRuntime(ir);
          const expected: OutputAction[] = [];
          for (const e of events) expected.push(...rt.dispatch(e));
          expected.push(...rt.advance(until));

          const dir = mkdtempSync(join(tmpdir(), 'pb-dm-serve-'));
          dirs.push(dir);
          const file = join(dir, 'gentle.playbook');
          writeFileSync(file, PLAYBOOK);
          const db = join(dir, 'p.db');
          const cut = cutSeed % (events.length + 1);
          const first = await startServe(file, db);
          for (const e of events.slice(0, cut)) await post(first.url, '/events', JSON.stringify(e));
          const gone = new Promise((resolve) => first.child.once('exit', resolve));
          first.child.kill('SIGKILL');
          await gone;
          const second = await startServe(file, db);
          try {
            for (const e of events.slice(cut)) await post(second.url, '/events', JSON.stringify(e));
            await post(second.url, `/advance?to=${encodeURIComponent(until)}`);
            const log = (await (await fetch(`${second.url}/actions?after=0&limit=10000`)).text())
              .split('\n')
              .filter((l) => l !== '')
              .map((l) => {
                const { seq: _seq, ...a } = JSON.parse(l) as Record<string, unknown>;
                return a;
              });
            expect(log).toEqual(expected);
            expect(expected.length).toBe(events.length);
          } finally {
            second.child.kill('SIGTERM');
          }
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});
