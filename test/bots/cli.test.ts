import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { compile } from '../../src/compiler/compile.js';
import { DurableRuntime } from '../../src/store/durable.js';
import { SqliteStore } from '../../src/store/sqlite.js';

const PLAYBOOK = 'test/fixtures/bots/room.playbook';

/** A port that accepts TCP connections and closes them at once: a server that is not a chat server. */
let closer: Server;
let closerPort = 0;
beforeAll(async () => {
  closer = createServer((s) => s.destroy());
  await new Promise<void>((r) => closer.listen(0, '127.0.0.1', () => r()));
  closerPort = (closer.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => closer.close(() => r())));

describe('playbook bot', () => {
  it.each([
    [[PLAYBOOK, '--room', '#x'], 'no server given'],
    [[PLAYBOOK, '--irc', 'irc://127.0.0.1:6667'], 'no room given'],
    [['--irc', 'irc://127.0.0.1:6667', '--room', '#x'], 'no playbook file given'],
    [[PLAYBOOK, '--xmpp', 'xmpp://127.0.0.1', '--room', 'r@muc.localhost'], 'XMPP needs the bot account'],
    [[PLAYBOOK, '--irc', 'irc://127.0.0.1', '--room', '#x', '--remove', 'mute'], '--remove must be kick or ban, not mute'],
    [
      [PLAYBOOK, '--xmpp', 'xmpp://127.0.0.1', '--jid', 'b@h', '--password', 'p', '--room', 'a@muc.h=club', '--room', 'b@muc.h=club'],
      'community club is bound to two rooms',
    ],
    [['missing.playbook', '--irc', 'irc://127.0.0.1', '--room', '#x'], 'missing.playbook: cannot read: no such file'],
  ])('refuses %j with exit 2: %s', async (args, message) => {
    const r = await runCli(['bot', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
  });

  it('exits 1 on a playbook with errors, before connecting anywhere', async () => {
    const r = await runCli(['bot', 'test/fixtures/bots/broken.playbook', '--irc', `irc://127.0.0.1:${closerPort}`, '--room', '#x', '--db', ':memory:']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.playbook:\d+:\d+: error/);
    expect(r.err).not.toContain('connecting');
  });

  it('exits 2, before connecting, on a database holding a member in a ritual state the playbook lacks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-bot-stored-'));
    try {
      const db = join(dir, 'bot.db');
      const store = new SqliteStore(db);
      const durable = new DurableRuntime(compile(readFileSync(PLAYBOOK, 'utf8'), { file: PLAYBOOK }).ir!, store);
      durable.dispatchBatch([{ id: 'j1', type: 'member.joined', at: '2026-03-01T08:00:00Z', community: 'club', member: 'ann', name: 'Ann' }]);
      store.close();
      const raw = new Database(db);
      const row = raw.prepare("SELECT state FROM members WHERE id = 'ann'").get() as { state: string };
      const state = JSON.parse(row.state) as { machines: Record<string, unknown> };
      state.machines[Object.keys(state.machines).find((k) => k.startsWith('ritual'))!] = 'welcomed';
      raw.prepare("UPDATE members SET state = ? WHERE id = 'ann'").run(JSON.stringify(state));
      raw.close();
      const r = await runCli(['bot', PLAYBOOK, '--irc', `irc://127.0.0.1:${closerPort}`, '--room', '#x=club', '--db', db]);
      expect(r.code).toBe(2);
      expect(r.err).toContain('community "club", member "ann": ritual onboarding is in the stored state "welcomed"');
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err).not.toMatch(/connecting to|internal error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 3 with the reason when the server cannot be reached or is not a chat server', async () => {
    const irc = await runCli(['bot', PLAYBOOK, '--irc', `irc://127.0.0.1:${closerPort}`, '--room', '#x', '--db', ':memory:']);
    expect(irc.code).toBe(3);
    expect(irc.err).toMatch(/could not start: .*127\.0\.0\.1/);
    expect(irc.out).toBe('');
    const xmpp = await runCli([
      'bot',
      PLAYBOOK,
      '--xmpp',
      `xmpp://127.0.0.1:${closerPort}`,
      '--jid',
      'bot@localhost',
      '--password',
      'x',
      '--room',
      'r@conference.localhost',
      '--db',
      ':memory:',
    ]);
    expect(xmpp.code).toBe(3);
    expect(xmpp.err).toMatch(/could not start: XMPP: /);
    expect(xmpp.err).not.toMatch(/\n\s+at /);
  });
});
