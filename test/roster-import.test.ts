import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { importRoster, RosterError } from '../src/hosting/roster.js';
import { DurableRuntime } from '../src/store/durable.js';
import { MemoryDurableStore } from '../src/store/memory.js';

/**
 * Roster import (src/hosting/roster.ts; docs/cli.md, "Rosters"): JSON Lines of member.seen events
 * or a JSON list, all checked before any is imported, and importing twice changes nothing; then
 * `playbook serve --roster` end to end, started twice on one database.
 */

const PLAYBOOK = `playbook "Club" { timezone "Asia/Shanghai" }
ritual entry {
  starts on member.joined
  say to member "welcome"
  step intro: message.posted
  deadline 1h: remove member reason "no intro"
}
rule old { on member.seen; do tag member "old" }
`;
const ir = compile(PLAYBOOK, { file: 'club.playbook' }).ir!;
const NOW = Date.parse('2026-03-02T10:00:00+08:00');
const durable = () => new DurableRuntime(ir, new MemoryDurableStore());
const LIST = JSON.stringify([
  { community: 'club', member: 'ann', name: 'Ann', lastActiveAt: '2026-01-05T10:00:00+08:00' },
  { community: 'club', member: '__proto__', roles: ['vip'] },
]);

describe('importRoster', () => {
  it('registers a JSON list with member.seen: no ritual, a rule on member.seen, ids and times filled in', () => {
    const d = durable();
    expect(importRoster(d, 'r.json', LIST, { kind: 'wall', now: NOW })).toEqual({ registered: 2, known: 0, stale: 0 });
    const log = d.actionsAfter(0, 100).map((a) => a.action);
    expect(log.map((a) => [a.type, a.member, a['cause']])).toEqual([
      ['member.tag', 'ann', 'roster:ann'],
      ['member.tag', '__proto__', 'roster:__proto__'],
    ]);
    const ann = d.rt.community('club')!.members['ann']!;
    expect([ann.name, ann.unjoined, ann.lastPosted]).toEqual(['Ann', true, Date.parse('2026-01-05T10:00:00+08:00')]);
    expect(d.nextDue()).toBeUndefined();
  });

  it('importing the same roster again changes nothing, within the horizon and after it', () => {
    const d = durable();
    importRoster(d, 'r.json', LIST, { kind: 'wall', now: NOW });
    const before = JSON.stringify(d.rt.snapshot().communities[0]!.members);
    expect(importRoster(d, 'r.json', LIST, { kind: 'wall', now: NOW + 60_000 })).toEqual({ registered: 0, known: 2, stale: 0 });
    // A month later the ids are forgotten: the entries are processed again, and still change nothing.
    expect(importRoster(d, 'r.json', LIST, { kind: 'wall', now: NOW + 30 * 86_400_000 })).toEqual({ registered: 0, known: 2, stale: 0 });
    expect(JSON.stringify(d.rt.snapshot().communities[0]!.members)).toBe(before);
    expect(d.lastSeq()).toBe(2);
  });

  it('reads JSON Lines of member.seen events, a member listed twice counted once', () => {
    const d = durable();
    const lines = [
      { id: 's1', type: 'member.seen', at: '2026-03-02T10:00:00+08:00', community: 'club', member: 'bob' },
      { id: 's2', at: '2026-03-02T10:00:00+08:00', community: 'club', member: 'bob', name: 'Bob' },
    ];
    const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n\n';
    expect(importRoster(d, 'r.jsonl', text, { kind: 'events', now: NOW })).toEqual({ registered: 1, known: 1, stale: 0 });
    expect(d.rt.community('club')!.members['bob']!.name).toBe('Bob');
  });

  it('refuses the whole file, with line numbers, for a join, a bad field or a line that is not JSON', () => {
    const d = durable();
    const text = [
      JSON.stringify({ id: 'a', type: 'member.seen', at: '2026-03-02T10:00:00+08:00', community: 'club', member: 'ann' }),
      JSON.stringify({ id: 'b', type: 'member.joined', at: '2026-03-02T10:00:00+08:00', community: 'club', member: 'bob' }),
      JSON.stringify({ id: 'c', type: 'member.seen', at: '2026-03-02T10:00:00+08:00', community: 'club', member: 'cid', roles: 'vip' }),
      '{not json',
    ].join('\n');
    let message = '';
    try {
      importRoster(d, 'r.jsonl', text, { kind: 'wall', now: NOW });
    } catch (e) {
      expect(e).toBeInstanceOf(RosterError);
      message = (e as Error).message;
    }
    expect(message).toMatch(/3 roster entries are wrong; nothing was imported/);
    expect(message).toMatch(/r\.jsonl:2: a roster holds member\.seen events, not "member\.joined"/);
    expect(message).toMatch(/r\.jsonl:3: payload field "roles" of "member\.seen" must be string\[\]/);
    expect(message).toMatch(/r\.jsonl:4: not valid JSON/);
    expect(d.rt.community('club')).toBeUndefined();
  });

  it('with the events clock, an entry for a community without events needs an `at`', () => {
    expect(() => importRoster(durable(), 'r.json', LIST, { kind: 'events', now: NOW })).toThrow(/entry 1: give it an "at"/);
  });
});

const CLI = process.env['PLAYBOOK_CLI'] ?? 'bin/playbook.js';
const serveAvailable = spawnSync(process.execPath, [CLI, 'serve', '--help'], { encoding: 'utf8' }).status === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!serveAvailable)('playbook serve --roster', () => {
  it('imports at start, and a restart with the same roster changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-roster-'));
    dirs.push(dir);
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    const roster = join(dir, 'members.json');
    writeFileSync(roster, JSON.stringify(JSON.parse(LIST).map((e: object) => ({ ...e, at: '2026-03-02T10:00:00+08:00' }))));
    const run = async () => {
      const child = spawn(process.execPath, [CLI, 'serve', file, '--port', '0', '--db', join(dir, 'p.db'), '--clock', 'events', '--roster', roster], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
      const url = first.slice('listening on '.length);
      const log = (await (await fetch(`${url}/actions?after=0`)).text()).trim().split('\n');
      const exit = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exit;
      return { log, stderr };
    };
    const once = await run();
    expect(once.stderr).toMatch(/roster .*members\.json: 2 members registered, 0 already known/);
    expect(once.log.map((l) => (JSON.parse(l) as { type: string; member: string }).member)).toEqual(['ann', '__proto__']);
    const twice = await run();
    expect(twice.stderr).toMatch(/roster .*members\.json: 0 members registered, 2 already known/);
    expect(twice.log).toEqual(once.log);

    writeFileSync(roster, JSON.stringify([{ community: 'club', member: 'bob', type: 'member.joined', at: '2026-03-02T10:00:00+08:00' }]));
    const bad = spawnSync(process.execPath, [CLI, 'serve', file, '--port', '0', '--db', join(dir, 'p.db'), '--roster', roster], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/entry 1: a roster holds member\.seen events, not "member\.joined"/);
  }, 60_000);

  it('playbook bot imports it before connecting, and refuses a wrong one with exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-roster-bot-'));
    dirs.push(dir);
    const file = join(dir, 'club.playbook');
    writeFileSync(file, PLAYBOOK);
    const roster = join(dir, 'members.json');
    writeFileSync(roster, LIST);
    // Nothing listens on port 1: the bot registers the roster, then cannot connect (exit 3).
    const args = [CLI, 'bot', file, '--irc', 'irc://127.0.0.1:1', '--room', '#club=club', '--db', join(dir, 'bot.db'), '--roster', roster];
    const good = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    expect(good.stderr).toMatch(/roster .*members\.json: 2 members registered, 0 already known/);
    expect(good.status).toBe(3);
    writeFileSync(roster, '[{"community": "club"}]');
    const bad = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/entry 1: needs a "member"/);
  }, 60_000);
});
