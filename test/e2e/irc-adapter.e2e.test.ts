/**
 * The IRC adapter against a real InspIRCd: scripted members join, talk, advertise and flood;
 * the assertions are about what the server did (the 404 a muted member gets, the ban list,
 * the KICK, the 474 on rejoin, the RecvQ kill of an unthrottled client), not about what the
 * adapter says it did.
 *
 * Two servers: one with the IRCv3 msgid module and TBAN, one without either (message ids made
 * up by the adapter, mutes lifted by the bot through `undo`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionOutcome, ChatEvent } from '../../src/bots/adapter.js';
import { IrcAdapter, type IrcAdapterOptions } from '../../src/bots/irc.js';
import type { OutputAction } from '../../src/runtime/runtime.js';
import { eventually, missingPrograms } from './servers/common.js';
import { connectMember, INSPIRCD, joinChannel, startInspircd, type IrcTestMember, type ReceivedLine, type RunningInspircd } from './servers/inspircd.js';

const missing = missingPrograms('InspIRCd', [INSPIRCD], 'inspircd');

interface Harness {
  adapter: IrcAdapter;
  events: ChatEvent[];
  logs: string[];
  fatal: string[];
}

function adapterFor(server: RunningInspircd, options: Partial<IrcAdapterOptions> & Pick<IrcAdapterOptions, 'rooms'>): Harness {
  const h: Harness = {
    adapter: new IrcAdapter({
      host: server.host,
      port: server.port,
      tls: false,
      nick: 'pbot',
      admins: [],
      removeMode: 'kick',
      // Under the connect class's threshold, at its command rate.
      sendRate: { burst: server.flood.threshold - 2, perSecond: server.flood.commandRate / 1000 },
      reconnect: false,
      ...options,
    }),
    events: [],
    logs: [],
    fatal: [],
  };
  return h;
}

function startAdapter(h: Harness): Promise<void> {
  return h.adapter.start({ event: (e) => h.events.push(e), log: (l) => h.logs.push(l), fatal: (r) => h.fatal.push(r) });
}

function action(type: string, community: string, fields: Record<string, unknown>): OutputAction {
  return { at: new Date().toISOString(), type, community, cause: 'e2e', source: 'rule:e2e', ...fields };
}

function muteFor(community: string, member: string, seconds: number): OutputAction {
  return action('member.mute', community, { member, duration: `PT${seconds}S`, until: new Date(Date.now() + seconds * 1000).toISOString() });
}

const from = (nick: string, command: string, target?: string) => (m: ReceivedLine) =>
  m.nick === nick && m.command === command && (target === undefined || m.params[0] === target);

/** The text of a PRIVMSG/NOTICE line without its tags: what the 512-byte limit applies to. */
const untagged = (m: ReceivedLine) => (m.raw.startsWith('@') ? Buffer.byteLength(m.raw.slice(m.raw.indexOf(' ') + 1)) : m.rawBytes);

describe.skipIf(missing !== undefined)('IRC adapter against a real InspIRCd', () => {
  let server: RunningInspircd;
  let plainServer: RunningInspircd;
  let bot: Harness;
  let plainBot: Harness;
  /** Scripted members, connected up front (InspIRCd takes a second to register each one). */
  const who: Record<string, IrcTestMember> = {};
  const eventOf = (h: Harness, what: string, pred: (e: ChatEvent) => boolean) => eventually(what, () => h.events.find(pred));

  beforeAll(async () => {
    [server, plainServer] = await Promise.all([startInspircd(), startInspircd({ msgid: false, timedBans: false })]);
    const cast: [RunningInspircd, string, string][] = [
      [server, 'early', '127.0.0.20'],
      [server, 'obs', '127.0.0.3'],
      [server, 'alice', '127.0.0.2'],
      [server, 'bob', '127.0.0.7'],
      [server, 'boss', '127.0.0.4'],
      [server, 'dave', '127.0.0.5'],
      [server, 'gina', '127.0.0.6'],
      [server, 'flooder', '127.0.0.30'],
      [plainServer, 'zed', '127.0.0.40'],
      [plainServer, 'keeper', '127.0.0.41'],
    ];
    const connected = await Promise.all(cast.map(([srv, nick, address]) => connectMember(srv, nick, address)));
    for (const member of connected) who[member.nick] = member;
    // Someone already in #side before the bot arrives: an occupant, not a join; the bot is not op there.
    await joinChannel(who['early']!, '#side');
    bot = adapterFor(server, {
      rooms: [
        { room: '#lobby', community: 'lobby' },
        { room: '#side', community: 'side' },
      ],
      admins: ['boss'],
    });
    plainBot = adapterFor(plainServer, { rooms: [{ room: '#plain', community: 'plain' }], removeMode: 'ban' });
    await Promise.all([startAdapter(bot), startAdapter(plainBot)]);
    await joinChannel(who['obs']!, '#lobby');
  });

  afterAll(async () => {
    await Promise.all([bot?.adapter.stop(), plainBot?.adapter.stop(), ...Object.values(who).map((member) => member.quit())]);
    await Promise.all([server?.stop(), plainServer?.stop()]);
  });

  it('joins every channel, reads the capabilities from the server, and records occupants without announcing them', async () => {
    expect(bot.adapter.capabilities).toEqual({
      messageIds: 'server',
      deleteMessage: false,
      mute: true,
      muteEnds: 'server',
      muteSurvivesRejoin: true,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: true,
      pin: false,
      joinRequests: false,
      events: ['member.joined', 'member.left', 'message.posted', 'role.granted', 'role.revoked'],
      discovered: 'InspIRCd-3, EXTBAN=,m, CHANMODES=b,k,l,imnpst, PREFIX=(ov)@+, NICKLEN=30, msgid tags, TBAN',
    });
    // Not announced as a join; early made #side, so is its operator, which the bot reports as a role.
    expect(bot.events.filter((e) => e.member === 'early').map((e) => [e.type, e['role']])).toEqual([['role.granted', 'admin']]);
    // The occupant is known all the same: a private message finds their nick.
    expect(await bot.adapter.perform(action('message.send', 'side', { text: 'welcome back', to: 'early' }))).toMatchObject({ status: 'done' });
    await who['early']!.waitFor('a private message from the bot', (m) => from('pbot', 'PRIVMSG', 'early')(m) && m.params[1] === 'welcome back');
  });

  it('turns JOIN, PRIVMSG, CTCP ACTION and PART into events with the server msgid and time, and ignores other CTCP', async () => {
    const alice = who['alice']!;
    await joinChannel(alice, '#lobby');
    const joined = await eventOf(bot, 'alice joining', (e) => e.type === 'member.joined' && e.member === 'alice');
    expect(joined).toMatchObject({ community: 'lobby', name: 'alice' });

    alice.send('PRIVMSG #lobby :hello there');
    alice.send('PRIVMSG #lobby :\x01VERSION\x01');
    alice.send('PRIVMSG #lobby :\x01ACTION waves\x01');
    const relayed = await who['obs']!.waitFor('alice saying hello', (m) => from('alice', 'PRIVMSG', '#lobby')(m) && m.params[1] === 'hello there');
    const posted = await eventOf(bot, 'hello as an event', (e) => e.type === 'message.posted' && e['text'] === 'hello there');
    expect(relayed.tags['msgid']).toBeTruthy();
    expect(posted['messageId']).toBe(relayed.tags['msgid']);
    expect(posted.id).toContain(relayed.tags['msgid']!);
    expect(posted.at).toBe(new Date(relayed.tags['time']!).toISOString());
    expect(posted).toMatchObject({ community: 'lobby', member: 'alice' });

    await eventOf(bot, 'the action as text', (e) => e.type === 'message.posted' && e['text'] === 'waves');
    alice.send('PART #lobby :see you');
    await eventOf(bot, 'alice leaving', (e) => e.type === 'member.left' && e.member === 'alice');
    const fromAlice = bot.events.filter((e) => e.member === 'alice').map((e) => [e.type, e['text']]);
    expect(fromAlice).toEqual([
      ['member.joined', undefined],
      ['message.posted', 'hello there'],
      ['message.posted', 'waves'],
      ['member.left', undefined],
    ]);
    expect(new Set(bot.events.map((e) => e.id)).size).toBe(bot.events.length);
  });

  it('follows a nick change (the id stays the first nick) and reports a QUIT as a departure', async () => {
    const bob = who['bob']!;
    await joinChannel(bob, '#lobby');
    await eventOf(bot, 'bob joining', (e) => e.type === 'member.joined' && e.member === 'bob');
    bob.send('NICK bobby');
    await who['obs']!.waitFor('the nick change', (m) => m.command === 'NICK' && m.nick === 'bob');
    expect(await bot.adapter.perform(action('message.send', 'lobby', { text: 'psst', to: 'bob' }))).toMatchObject({
      status: 'done',
      detail: '1 line to bobby',
    });
    await bob.waitFor('the message under the new nick', (m) => from('pbot', 'PRIVMSG', 'bobby')(m) && m.params[1] === 'psst');
    bob.send('PRIVMSG #lobby :renamed');
    expect(await eventOf(bot, 'a message after the rename', (e) => e['text'] === 'renamed')).toMatchObject({ member: 'bob' });
    await bob.quit('gone');
    await eventOf(bot, 'bob quitting', (e) => e.type === 'member.left' && e.member === 'bob');
  });

  it('sends to the channel line by line, cutting long lines under 512 bytes between characters', async () => {
    const multi = await bot.adapter.perform(action('message.send', 'lobby', { text: 'first line\nsecond line\r\n\nthird' }));
    expect(multi).toEqual({ status: 'done', detail: '3 lines to #lobby' });
    await who['obs']!.waitFor('the third line', (m) => from('pbot', 'PRIVMSG', '#lobby')(m) && m.params[1] === 'third');
    const texts = who['obs']!.lines.filter(from('pbot', 'PRIVMSG', '#lobby')).map((m) => m.params[1]);
    expect(texts.slice(texts.indexOf('first line'))).toEqual(['first line', 'second line', 'third']);

    const long = 'Grüße aus Zürich 🎉 — ein sehr langer Satz, der nicht in eine Zeile passt. '.repeat(20).trim();
    const start = who['obs']!.lines.length;
    const out = await bot.adapter.perform(action('message.send', 'lobby', { text: long }));
    expect(out.status).toBe('done');
    const count = Number(/^(\d+) lines/.exec((out as { detail: string }).detail)![1]);
    expect(count).toBeGreaterThanOrEqual(4);
    const pieces = await eventually('every piece of the long line', () => {
      const got = who['obs']!.lines.slice(start).filter(from('pbot', 'PRIVMSG', '#lobby'));
      return got.length >= count ? got : undefined;
    });
    for (const p of pieces) expect(untagged(p)).toBeLessThanOrEqual(510);
    expect(pieces.map((p) => p.params[1]).join('')).toBe(long);
    expect(pieces.some((p) => p.params[1]!.includes('\uFFFD'))).toBe(false);
  });

  it('sends admin.notify as a NOTICE to each admin nick', async () => {
    const boss = who['boss']!;
    expect(await bot.adapter.perform(action('admin.notify', 'lobby', { text: 'spam wave in #lobby' }))).toMatchObject({ status: 'done' });
    await boss.waitFor('the notice', (m) => from('pbot', 'NOTICE', 'boss')(m) && m.params[1] === 'spam wave in #lobby');
  });

  it('mutes with a timed m: ban: the server refuses the member (404), nobody sees the message, and the server lifts it', async () => {
    const dave = who['dave']!;
    await joinChannel(dave, '#lobby');
    await eventOf(bot, 'dave joining', (e) => e.type === 'member.joined' && e.member === 'dave');
    const outcome = await bot.adapter.perform(muteFor('lobby', 'dave', 2));
    expect(outcome).toEqual({ status: 'done', detail: 'TBAN #lobby 2 m:*!*@127.0.0.5' });

    who['obs']!.send('MODE #lobby b');
    const listed = await who['obs']!.waitFor('the ban list entry', (m) => m.command === '367' && m.params[2] === 'm:*!*@127.0.0.5');
    expect(listed.params[3]).toBe('pbot');

    dave.send('PRIVMSG #lobby :cheap watches, click here');
    const refused = await dave.waitFor('the refusal', (m) => m.command === '404' && m.params[1] === '#lobby');
    expect(refused.params[2]).toMatch(/mute/i);
    // The server handled dave's line before this one, so had it relayed it, it would be here first.
    await bot.adapter.perform(action('message.send', 'lobby', { text: 'marker after the muted line' }));
    await who['obs']!.waitFor('the marker', (m) => m.params[1] === 'marker after the muted line');
    expect(who['obs']!.lines.some((m) => m.params[1]?.includes('cheap watches'))).toBe(false);
    expect(bot.events.some((e) => String(e['text']).includes('cheap watches'))).toBe(false);

    await who['obs']!.waitFor(
      'the server lifting the timed ban',
      (m) => m.command === 'MODE' && m.params[1] === '-b' && m.params[2] === 'm:*!*@127.0.0.5',
      20_000,
    );
    dave.send('PRIVMSG #lobby :may I speak now?');
    await eventOf(bot, 'dave speaking again', (e) => e.member === 'dave' && e['text'] === 'may I speak now?');
  });

  it('removes with KICK and the reason; the member leaves (an event) and may come back', async () => {
    const gina = who['gina']!;
    await joinChannel(gina, '#lobby');
    await eventOf(bot, 'gina joining', (e) => e.type === 'member.joined' && e.member === 'gina');
    expect(await bot.adapter.perform(action('member.remove', 'lobby', { member: 'gina', reason: 'advertising' }))).toEqual({
      status: 'done',
      detail: 'KICK #lobby gina',
    });
    const kick = await gina.waitFor('the kick', from('pbot', 'KICK', '#lobby'));
    expect(kick.params.slice(1)).toEqual(['gina', 'advertising']);
    await eventOf(bot, 'gina removed', (e) => e.type === 'member.left' && e.member === 'gina');
    await joinChannel(gina, '#lobby');
    expect(bot.events.filter((e) => e.member === 'gina' && e.type === 'member.joined')).toHaveLength(2);
    expect(await bot.adapter.perform(action('member.remove', 'lobby', { member: 'nobody-here' }))).toMatchObject({ status: 'skipped' });
  });

  it('reports message.delete as unsupported, and a kick the server refuses (not an operator) as failed with its text', async () => {
    expect(await bot.adapter.perform(action('message.delete', 'lobby', { messageId: 'x' }))).toMatchObject({ status: 'unsupported' });
    const refused = await bot.adapter.perform(action('member.remove', 'side', { member: 'early', reason: 'x' }));
    expect(refused.status).toBe('failed');
    expect((refused as { reason: string }).reason).toMatch(/channel op.*\(482\)/i);
    expect(who['early']!.closed()).toBe(false);
  });

  it('paces a burst of actions so every line arrives and the bot stays connected, where the same burst unthrottled gets a client thrown off', async () => {
    // Thirty lines of 460 bytes: each fits one IRC line, all together overflow the 8 KB receive queue.
    const lines = Array.from({ length: 30 }, (_, i) => `${String(i).padStart(2, '0')} ${'flood '.repeat(80)}`.slice(0, 460));
    // The control: the same lines written at once by a plain client.
    const flooder = who['flooder']!;
    await joinChannel(flooder, '#lobby');
    flooder.send(lines.map((l) => `PRIVMSG #lobby :${l}`).join('\r\n'));
    const kill = await flooder.waitFor('the server closing the link', (m) => m.command === 'ERROR', 15_000);
    expect(kill.params[0]).toMatch(/RecvQ exceeded|Excess Flood/);

    const start = who['obs']!.lines.length;
    const outcomes: ActionOutcome[] = await Promise.all(lines.map((text) => bot.adapter.perform(action('message.send', 'lobby', { text }))));
    expect(outcomes.every((o) => o.status === 'done')).toBe(true);
    const received = await eventually(
      'all thirty lines',
      () => {
        const got = who['obs']!.lines.slice(start).filter(from('pbot', 'PRIVMSG', '#lobby'));
        return got.length >= lines.length ? got : undefined;
      },
      30_000,
    );
    expect(received.map((m) => m.params[1])).toEqual(lines);
    expect(bot.adapter.connected).toBe(true);
    expect(bot.fatal).toEqual([]);
    expect(await bot.adapter.perform(action('message.send', 'lobby', { text: 'still here' }))).toMatchObject({ status: 'done' });
  });

  describe('on a server without the msgid and timedbans modules', () => {
    let zed: IrcTestMember;

    it('makes up unique message ids, and says so in its capabilities', async () => {
      expect(plainBot.adapter.capabilities).toMatchObject({ messageIds: 'adapter', mute: true, muteEnds: 'bot' });
      zed = who['zed']!;
      await joinChannel(zed, '#plain');
      zed.send('PRIVMSG #plain :one');
      zed.send('PRIVMSG #plain :one');
      const posted = await eventually('both messages', () => {
        const got = plainBot.events.filter((e) => e.type === 'message.posted');
        return got.length >= 2 ? got : undefined;
      });
      expect(posted.every((e) => String(e['messageId']).startsWith('local-'))).toBe(true);
      expect(posted[0]!['messageId']).not.toBe(posted[1]!['messageId']);
      expect(posted[0]!.id).not.toBe(posted[1]!.id);
    });

    it('mutes with a plain m: ban and hands back an undo for `until` that lifts it', async () => {
      const mute = muteFor('plain', 'zed', 30);
      const outcome = await plainBot.adapter.perform(mute);
      expect(outcome).toEqual({
        status: 'done',
        detail: 'MODE #plain +b m:*!*@127.0.0.40',
        undoAt: Date.parse(mute['until'] as string),
        undo: { kind: 'unmute', community: 'plain', member: 'zed', channel: '#plain', mask: 'm:*!*@127.0.0.40' },
      });
      zed.send('PRIVMSG #plain :muted words');
      await zed.waitFor('the refusal', (m) => m.command === '404');
      const undo = (outcome as { undo: { kind: string; community: string; member: string } }).undo;
      expect(await plainBot.adapter.undo(undo)).toEqual({ status: 'done', detail: 'MODE #plain -b m:*!*@127.0.0.40' });
      zed.send('PRIVMSG #plain :free again');
      await eventOf(plainBot, 'zed speaking after the undo', (e) => e['text'] === 'free again');
      expect(plainBot.events.some((e) => e['text'] === 'muted words')).toBe(false);
    });

    it('removes with a host ban before the kick when configured to ban: the member cannot rejoin (474)', async () => {
      expect(await plainBot.adapter.perform(action('member.remove', 'plain', { member: 'zed', reason: 'spam' }))).toEqual({
        status: 'done',
        detail: 'MODE #plain +b *!*@127.0.0.40; KICK #plain zed',
      });
      await zed.waitFor('the kick', from('pbot', 'KICK', '#plain'));
      await eventOf(plainBot, 'zed removed', (e) => e.type === 'member.left' && e.member === 'zed');
      await expect(joinChannel(zed, '#plain')).rejects.toThrow(/474/);
    });

    it('fails to start with the server reason when a channel refuses it, after trying another nick for one in use', async () => {
      const keeper = who['keeper']!;
      await joinChannel(keeper, '#locked');
      keeper.send('MODE #locked +k sesame');
      await keeper.waitFor('the key being set', (m) => m.command === 'MODE' && m.params[1] === '+k');
      const third = adapterFor(plainServer, { nick: 'keeper', rooms: [{ room: '#locked', community: 'locked' }] });
      await expect(startAdapter(third)).rejects.toThrow(/cannot join #locked: .*key.*\(475\)/i);
      expect(third.logs.some((l) => l.includes('nick keeper is in use, trying keeper_'))).toBe(true);
    });
  });
});
