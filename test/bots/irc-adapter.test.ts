/**
 * The IRC adapter's answers that need no real server: actions it cannot do, bad settings,
 * and a start that the server refuses (a scripted fake server on loopback). What a real
 * InspIRCd does is in test/e2e/irc-adapter.e2e.test.ts.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IrcAdapter, type IrcAdapterOptions } from '../../src/bots/irc.js';
import type { OutputAction } from '../../src/runtime/runtime.js';

const base: IrcAdapterOptions = {
  host: '127.0.0.1',
  port: 1,
  tls: false,
  nick: 'pbot',
  rooms: [{ room: '#lobby', community: 'lobby' }],
  admins: [],
  removeMode: 'kick',
  reconnect: false,
};
const act = (type: string, fields: Record<string, unknown> = {}): OutputAction => ({
  at: '2026-03-01T12:00:00Z',
  type,
  community: 'lobby',
  cause: 't',
  source: 'rule:t',
  ...fields,
});
const noEvents = { event: () => undefined, log: () => undefined, fatal: () => undefined };

describe('IrcAdapter without a connection', () => {
  it('claims only what IRC can always do until the server says more', () => {
    expect(new IrcAdapter(base).capabilities).toEqual({
      messageIds: 'adapter',
      deleteMessage: false,
      mute: false,
      muteEnds: 'never',
      muteSurvivesRejoin: true,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: false,
      pin: false,
      joinRequests: false,
      events: ['member.joined', 'member.left', 'message.posted', 'role.granted', 'role.revoked'],
    });
    expect(new IrcAdapter({ ...base, admins: ['boss'] }).capabilities.adminNotify).toBe(true);
  });

  it('reports what it cannot do as unsupported, with the reason', async () => {
    const a = new IrcAdapter(base);
    expect(await a.perform(act('message.delete', { messageId: 'm1' }))).toMatchObject({
      status: 'unsupported',
      reason: expect.stringMatching(/cannot delete/),
    });
    expect(await a.perform(act('admin.notify', { text: 'x' }))).toMatchObject({ status: 'unsupported', reason: expect.stringMatching(/no admin nicks/) });
    expect(await a.perform(act('member.mute', { member: 'x', duration: 'PT1M', until: '2026-03-01T12:01:00Z' }))).toMatchObject({
      status: 'unsupported',
      reason: expect.stringMatching(/this server \(of an unknown kind\) has no per-member mute: .*the IRC adapter mutes with InspIRCd's m: extban/),
    });
    expect(await a.perform(act('points.award', { member: 'x' }))).toMatchObject({ status: 'unsupported' });
    expect(await a.undo({ kind: 'unban', community: 'lobby', member: 'x' })).toMatchObject({ status: 'unsupported' });
  });

  it('fails (does not throw) when asked to act before it is connected, and skips communities it does not serve', async () => {
    const a = new IrcAdapter(base);
    expect(await a.perform(act('message.send', { text: 'hi' }))).toEqual({ status: 'failed', reason: 'not connected to the IRC server' });
    expect(await a.perform({ ...act('message.send', { text: 'hi' }), community: 'elsewhere' })).toMatchObject({ status: 'skipped' });
  });

  it('refuses settings that cannot work', () => {
    expect(() => new IrcAdapter({ ...base, rooms: [] })).toThrow(/at least one channel/);
    expect(() => new IrcAdapter({ ...base, rooms: [{ room: 'lobby', community: 'x' }] })).toThrow(/not an IRC channel name/);
  });
});

describe('IrcAdapter.start against a scripted server', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  /** A server that answers each line the client sends with `reply(line)`. */
  async function scripted(reply: (line: string, socket: Socket) => string[] | 'close'): Promise<number> {
    server = createServer((socket) => {
      let buffer = '';
      socket.on('error', () => undefined);
      socket.on('data', (d) => {
        buffer += d.toString('utf8');
        let nl: number;
        while ((nl = buffer.indexOf('\r\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 2);
          const out = reply(line, socket);
          if (out === 'close') socket.destroy();
          else for (const l of out) socket.write(`${l}\r\n`);
        }
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    return (server!.address() as { port: number }).port;
  }

  it('tries three other nicks when the nick is taken, then gives up with a clear message', async () => {
    const tried: string[] = [];
    const port = await scripted((line) => {
      if (!line.startsWith('NICK ')) return [];
      const nick = line.slice(5);
      tried.push(nick);
      return [`:fake 433 * ${nick} :Nickname is already in use.`];
    });
    const logs: string[] = [];
    const a = new IrcAdapter({ ...base, port, startTimeoutMs: 5000 });
    await expect(a.start({ ...noEvents, log: (l) => logs.push(l) })).rejects.toThrow(
      'the nick pbot is in use (tried pbot_, pbot__, pbot___ too); choose another nick',
    );
    expect(tried).toEqual(['pbot', 'pbot_', 'pbot__', 'pbot___']);
    expect(logs.filter((l) => l.includes('is in use, trying'))).toHaveLength(3);
  });

  it('rejects with the server password refusal', async () => {
    const port = await scripted((line) => (line.startsWith('USER') ? [':fake 464 * :Password incorrect', 'ERROR :Closing link: (bad password)'] : []));
    const a = new IrcAdapter({ ...base, port, password: 'wrong', startTimeoutMs: 5000 });
    await expect(a.start(noEvents)).rejects.toThrow('the server refused the password: Password incorrect');
  });

  it('rejects with the reason a server gives for closing the link', async () => {
    const port = await scripted((line) => (line.startsWith('USER') ? ['ERROR :Closing link: (pbot@127.0.0.1) [K-Lined: no bots]'] : []));
    const a = new IrcAdapter({ ...base, port, startTimeoutMs: 5000 });
    await expect(a.start(noEvents)).rejects.toThrow('the server closed the connection: Closing link: (pbot@127.0.0.1) [K-Lined: no bots]');
  });

  it('rejects when nothing listens', async () => {
    const port = await scripted(() => []);
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const a = new IrcAdapter({ ...base, port, startTimeoutMs: 5000 });
    await expect(a.start(noEvents)).rejects.toThrow(new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}`));
  });

  it('rejects when a channel refuses the bot, naming the channel and the numeric', async () => {
    const port = await scripted((line) => {
      if (line.startsWith('USER')) return [':fake 001 pbot :Welcome', ':fake 005 pbot CHANMODES=b,k,l,imnpst :are supported'];
      if (line.startsWith('JOIN #lobby')) return [":fake 474 pbot #lobby :Cannot join channel (you're banned)"];
      return [];
    });
    const a = new IrcAdapter({ ...base, port, startTimeoutMs: 5000 });
    await expect(a.start(noEvents)).rejects.toThrow("cannot join #lobby: Cannot join channel (you're banned) (474)");
  });
});
