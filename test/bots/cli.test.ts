import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

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
