/**
 * `playbook bot` as a user runs it (the CLI in a child process, a SQLite database, a config
 * file), in channels of a real InspIRCd, with scripted members on raw sockets. The assertions
 * are about what the server did, as members saw it (the welcome they got, the KICK, the 404 of
 * a muted member, the 474 of a banned one), and the bot's outcome lines only beside that.
 *
 * Three bots, so cases run side by side: `pbot` in #room (entry ritual, ads, flood), `rbot` in
 * #restart (killed and started again on its database) and `cbot` in #banned (`remove: ban` in
 * its config file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, DEADLINE_WAIT_MS, PLATFORM_PLAYBOOK, welcomeText } from './servers/bot-process.js';
import { eventually, freePort, missingPrograms } from './servers/common.js';
import {
  connectMember,
  INSPIRCD,
  joinChannel,
  namesOf,
  roundTrip,
  startInspircd,
  type IrcTestMember,
  type ReceivedLine,
  type RunningInspircd,
} from './servers/inspircd.js';

const missing = missingPrograms('InspIRCd', [INSPIRCD], 'inspircd');

/** IRC here needs no password: one left in the environment would be sent as PASS. */
const spawnBot = (nick: string, args: string[]) => new BotProcess(nick, args, { PLAYBOOK_BOT_PASSWORD: undefined });

const from = (nick: string, command: string, target?: string) => (m: ReceivedLine) =>
  m.nick === nick && m.command === command && (target === undefined || m.params[0] === target);
/** A KICK of `victim` (every member of the channel sees every kick). */
const kickOf = (nick: string, channel: string, victim: string) => (m: ReceivedLine) => from(nick, 'KICK', channel)(m) && m.params[1] === victim;
const says = (nick: string, target: string, text: string) => (m: ReceivedLine) => from(nick, 'PRIVMSG', target)(m) && m.params[1] === text;

describe.skipIf(missing !== undefined)('playbook bot on IRC against a real InspIRCd', () => {
  let server: RunningInspircd;
  let dir: string;
  const bots: BotProcess[] = [];
  const who: Record<string, IrcTestMember> = {};
  let pbot: BotProcess;
  let cbot: BotProcess;
  let rbotArgs: string[];

  /** A config file for what flags cannot say: the send rate (the test server allows 2 lines a second), and more. */
  const configFile = (name: string, settings: Record<string, unknown> = {}) => {
    const path = join(dir, `${name}.json`);
    const rate = { burst: server.flood.threshold - 2, perSecond: server.flood.commandRate / 1000 };
    writeFileSync(path, JSON.stringify({ irc: { service: `irc://${server.host}:${server.port}`, sendRate: rate }, ...settings }, null, 2));
    return path;
  };
  const botArgs = (nick: string, channel: string, config: string, more: string[] = []) => [
    '--irc',
    `irc://${server.host}:${server.port}`,
    '--nick',
    nick,
    '--room',
    channel,
    '--db',
    join(dir, `${nick}.db`),
    '--config',
    config,
    ...more,
  ];
  const startBot = async (nick: string, args: string[]) => {
    const bot = spawnBot(nick, args);
    bots.push(bot);
    await bot.waitReady();
    return bot;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-irc-'));
    server = await startInspircd({ extraModules: ['autoop'] });
    const cast: [string, string][] = [
      ['obs', '127.0.0.2'],
      ['boss', '127.0.0.3'],
      ['nina', '127.0.0.4'],
      ['late', '127.0.0.5'],
      ['adam', '127.0.0.6'],
      ['flo', '127.0.0.7'],
      ['founder', '127.0.0.8'],
      ['nova', '127.0.0.9'],
      ['mallory', '127.0.0.10'],
      ['opal', '127.0.0.11'],
      ['pat', '127.0.0.12'],
      ['quin', '127.0.0.13'],
      ['rex', '127.0.0.14'],
      ['sam', '127.0.0.15'],
    ];
    for (const member of await Promise.all(cast.map(([nick, address]) => connectMember(server, nick, address)))) who[member.nick] = member;

    // #restart: a bot started again rejoins a channel that still has members, so nobody hands
    // it operator status then; the founder gives the bot's host auto-op (+w), as channel
    // services would on a real network.
    const founder = who['founder']!;
    await joinChannel(founder, '#restart');
    founder.send('MODE #restart +w o:*!*@127.0.0.1');
    await founder.waitFor('the auto-op entry', (m) => m.command === 'MODE' && m.params[1] === '+w');

    rbotArgs = botArgs('rbot', '#restart', configFile('rbot'));
    [pbot, , cbot] = await Promise.all([
      startBot('pbot', botArgs('pbot', '#room', configFile('pbot'), ['--admin', 'boss'])),
      startBot('rbot', rbotArgs),
      startBot('cbot', botArgs('cbot', '#banned', configFile('cbot', { remove: 'ban' }))),
    ]);

    // The observer of #room goes through the entry ritual like everyone else.
    const obs = who['obs']!;
    await joinChannel(obs, '#room');
    await obs.waitFor('the welcome', (m) => from('pbot', 'PRIVMSG', 'obs')(m) && /^Welcome obs!/.test(m.params[1]!));
    obs.send('PRIVMSG #room :obs-here-watcher');
    await obs.waitFor('the welcome in the room', says('pbot', '#room', 'Welcome obs, you are in'));
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(Object.values(who).map((m) => m.quit()));
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.concurrent('cases side by side', () => {
    it('entry ritual: a newcomer who introduces themself is welcomed and stays; one who does not is kicked at the deadline', async ({ expect }) => {
      const [nina, late, obs] = [who['nina']!, who['late']!, who['obs']!];
      await joinChannel(nina, '#room');
      await nina.waitFor('the private welcome', says('pbot', 'nina', welcomeText('nina')));
      // Joins after nina, so by the time the deadline removes late, nina's has passed too.
      await joinChannel(late, '#room');
      await late.waitFor('the private welcome', says('pbot', 'late', welcomeText('late')));

      nina.send('PRIVMSG #room :nina-lyon-baker');
      await obs.waitFor('the welcome in the room', says('pbot', '#room', 'Welcome nina, you are in'));
      await nina.waitFor('the welcome in the room, for nina too', says('pbot', '#room', 'Welcome nina, you are in'));

      const kick = await late.waitFor('the kick at the deadline', kickOf('pbot', '#room', 'late'), DEADLINE_WAIT_MS);
      expect(kick.params.slice(1)).toEqual(['late', 'no introduction']);
      await obs.waitFor('the kick of late, seen in the room', kickOf('pbot', '#room', 'late'));
      await pbot.waitOutcome('the removal of late', (o) => o.type === 'member.remove' && o.member === 'late' && o.status === 'done');

      const names = await namesOf(obs, '#room');
      expect(names).toContain('nina');
      expect(names).not.toContain('late');
      expect(nina.lines.some(kickOf('pbot', '#room', 'nina'))).toBe(false);
      expect(pbot.outcomes.filter((o) => o.member === 'nina' && o.type === 'member.remove')).toEqual([]);
    });

    it('ads: the first is reported as not deletable and stays, with a private warning; the second gets the member kicked', async ({ expect }) => {
      const [adam, obs] = [who['adam']!, who['obs']!];
      await joinChannel(adam, '#room');
      await adam.waitFor('the private welcome', (m) => from('pbot', 'PRIVMSG', 'adam')(m) && /^Welcome adam!/.test(m.params[1]!));
      adam.send('PRIVMSG #room :adam-rome-sales');
      await obs.waitFor('adam being welcomed', says('pbot', '#room', 'Welcome adam, you are in'));

      const ad = 'buy now: watches at http://spam.example';
      adam.send(`PRIVMSG #room :${ad}`);
      const deleted = await pbot.waitOutcome('the delete of the ad', (o) => o.type === 'message.delete');
      expect(deleted.status).toBe('unsupported');
      expect(deleted.reason).toMatch(/IRC cannot delete a message/);
      await adam.waitFor('the private warning', says('pbot', 'adam', 'First warning: no ads here'));
      // IRC has no retraction: the room keeps the ad.
      expect(obs.lines.some(says('adam', '#room', ad))).toBe(true);
      expect(adam.lines.some(kickOf('pbot', '#room', 'adam'))).toBe(false);

      adam.send('PRIVMSG #room :buy now, last chance');
      const kick = await adam.waitFor('the kick for the second ad', kickOf('pbot', '#room', 'adam'));
      expect(kick.params.slice(1)).toEqual(['adam', 'ads again']);
      await pbot.waitOutcome('the removal of adam', (o) => o.type === 'member.remove' && o.member === 'adam' && o.status === 'done');
      expect(pbot.outcomes.filter((o) => o.type === 'message.delete').map((o) => o.status)).toEqual(['unsupported', 'unsupported']);
      // One warning: the second ad went to the ladder's second step, not the first again.
      expect(adam.lines.filter(says('pbot', 'adam', 'First warning: no ads here'))).toHaveLength(1);
    });

    it('flood: the server mutes the member (their next line is refused and nobody gets it), the admin is told, and the server lifts the mute', async ({
      expect,
    }) => {
      const [flo, obs, boss] = [who['flo']!, who['obs']!, who['boss']!];
      await joinChannel(flo, '#room');
      await flo.waitFor('the private welcome', (m) => from('pbot', 'PRIVMSG', 'flo')(m) && /^Welcome flo!/.test(m.params[1]!));
      flo.send('PRIVMSG #room :flo-oslo-dev');
      await obs.waitFor('flo being welcomed', says('pbot', '#room', 'Welcome flo, you are in'));

      for (let i = 1; i <= 5; i++) flo.send(`PRIVMSG #room :flood ${i}`);
      const mask = `m:*!*@${flo.address}`;
      const muted = await obs.waitFor('the mute ban', (m) => m.command === 'MODE' && m.params[0] === '#room' && m.params[1] === '+b' && m.params[2] === mask);
      expect(muted.nick).toBe('pbot');
      const outcome = await pbot.waitOutcome('the mute', (o) => o.type === 'member.mute' && o.member === 'flo');
      expect(outcome.status).toBe('done');
      await boss.waitFor('the admin notice', (m) => from('pbot', 'NOTICE', 'boss')(m) && m.params[1] === 'flo was muted for flooding');

      // Every flood line handled first (the server may have refused the last ones too).
      await roundTrip(flo, 'flood-handled');
      const [start, floStart] = [obs.lines.length, flo.lines.length];
      flo.send('PRIVMSG #room :can anyone hear me?');
      const refused = await flo.waitFor('the refusal', (m) => flo.lines.indexOf(m) >= floStart && m.command === '404' && m.params[1] === '#room');
      expect(refused.params[2]).toMatch(/mute/i);
      // The server handled flo's line before obs's PING: had it relayed the line, obs has it by the PONG.
      await roundTrip(obs, 'after-muted-line');
      expect(obs.lines.slice(start).some((m) => m.params[1] === 'can anyone hear me?')).toBe(false);

      const lifted = await obs.waitFor(
        'the server lifting the mute',
        (m) => m.command === 'MODE' && m.params[1] === '-b' && m.params[2] === mask,
        DEADLINE_WAIT_MS,
      );
      expect(lifted.nick).not.toBe('pbot');
      flo.send('PRIVMSG #room :back again');
      await obs.waitFor('flo heard again', says('flo', '#room', 'back again'));
    });

    it('restart: a bot killed with SIGKILL and started again on its database still removes the newcomer at the deadline, and repeats nothing', async ({
      expect,
    }) => {
      const [nova, founder] = [who['nova']!, who['founder']!];
      const rbot = bots.find((b) => b.label === 'rbot')!;
      await joinChannel(nova, '#restart');
      const welcome = welcomeText('nova');
      await nova.waitFor('the private welcome', says('rbot', 'nova', welcome));
      // The line comes after the store has recorded the action as done.
      await rbot.waitOutcome('the welcome as done', (o) => o.type === 'message.send' && o.status === 'done');
      await rbot.kill();
      expect(nova.lines.some((m) => m.command === 'KICK')).toBe(false);
      await founder.waitFor('the killed bot leaving the server', (m) => m.command === 'QUIT' && m.nick === 'rbot');
      const before = rbot.outcomes.map((o) => o.seq);

      const again = await startBot('rbot', rbotArgs);
      expect(again.ready).toBe('ready: irc #restart as rbot');
      const kick = await nova.waitFor(
        'the kick at the deadline',
        (m) => m.command === 'KICK' && m.params[0] === '#restart' && m.params[1] === 'nova',
        DEADLINE_WAIT_MS,
      );
      expect(kick.nick).toBe('rbot');
      expect(kick.params[2]).toBe('no introduction');
      const removed = await again.waitOutcome('the removal of nova', (o) => o.type === 'member.remove' && o.member === 'nova');
      expect(removed.status).toBe('done');

      // Anything carried out again would have reached nova before the kick, on the same connection.
      expect(nova.lines.filter((m) => m.command === 'PRIVMSG' && m.params[1] === welcome)).toHaveLength(1);
      expect(again.outcomes.filter((o) => before.includes(o.seq))).toEqual([]);
      expect(again.stderr()).not.toContain('committed but not done');
      // Op came from the auto-op list after the join, and the log says so after its warning.
      expect(again.stderr()).toContain('irc: channel operator in #restart now (the server gave it)');
    });

    it('--remove ban in the config file: the member removed at the deadline is banned by host and the server refuses their rejoin', async ({ expect }) => {
      const mallory = who['mallory']!;
      await joinChannel(mallory, '#banned');
      await mallory.waitFor('the private welcome', (m) => from('cbot', 'PRIVMSG', 'mallory')(m) && /^Welcome mallory!/.test(m.params[1]!));
      const kick = await mallory.waitFor('the kick at the deadline', kickOf('cbot', '#banned', 'mallory'), DEADLINE_WAIT_MS);
      expect(kick.params.slice(1)).toEqual(['mallory', 'no introduction']);
      const ban = mallory.lines.find((m) => from('cbot', 'MODE', '#banned')(m) && m.params[1] === '+b');
      expect(ban?.params[2]).toBe(`*!*@${mallory.address}`);
      expect(mallory.lines.indexOf(ban!)).toBeLessThan(mallory.lines.indexOf(kick));
      await cbot.waitOutcome('the removal', (o) => o.type === 'member.remove' && o.member === 'mallory' && o.status === 'done');
      await expect(joinChannel(mallory, '#banned')).rejects.toThrow(/474/);
    });
    it('platform actions: a reply, the admin and voice roles, an early unmute and a timed ban are done by the server; a pin is reported unsupported', async ({
      expect,
    }) => {
      const [quin, rex, sam] = [who['quin']!, who['rex']!, who['sam']!];
      // The bot comes first, so it is the operator of #plaza.
      const abot = new BotProcess('abot', botArgs('abot', '#plaza', configFile('abot')), { PLAYBOOK_BOT_PASSWORD: undefined }, PLATFORM_PLAYBOOK);
      bots.push(abot);
      await abot.waitReady();
      for (const m of [rex, quin, sam]) await joinChannel(m, '#plaza');
      const start = rex.lines.length;
      const after = (pred: (m: ReceivedLine) => boolean) => (m: ReceivedLine) => rex.lines.indexOf(m) >= start && pred(m);
      const mode = (change: string, param: string) => after((m) => from('abot', 'MODE', '#plaza')(m) && m.params[1] === change && m.params[2] === param);

      // reply: a channel line addressing the author.
      quin.send('PRIVMSG #plaza :reply-me');
      await rex.waitFor('the reply', after(says('abot', '#plaza', 'quin: noted')));
      expect(await abot.waitOutcome('the reply', (o) => o.type === 'message.reply')).toMatchObject({ status: 'done', member: 'quin' });

      // grant role admin and voice: +o and +v, which every member sees.
      quin.send('PRIVMSG #plaza :grant-me');
      await rex.waitFor('quin opped', mode('+o', 'quin'));
      await rex.waitFor('quin voiced', mode('+v', 'quin'));
      await eventually('both grants reported', () => (abot.outcomes.filter((o) => o.type === 'role.grant').length === 2 ? true : undefined));
      expect(abot.outcomes.filter((o) => o.type === 'role.grant').map((o) => o.status)).toEqual(['done', 'done']);

      // pin: IRC has none.
      quin.send('PRIVMSG #plaza :pin-me');
      const pin = await abot.waitOutcome('the pin', (o) => o.type === 'message.pin');
      expect(pin).toMatchObject({ status: 'unsupported' });
      expect(pin.reason).toMatch(/no pinned messages/);
      // ...as the bot said at start, naming the rule.
      expect(await abot.waitLog('note: irc cannot pin messages (used by pins)')).toHaveLength(1);

      // mute for an hour (the mute extban), lifted by the bot two seconds later.
      const muteMask = `m:*!*@${sam.address}`;
      sam.send('PRIVMSG #plaza :hush-me');
      await rex.waitFor('sam muted', mode('+b', muteMask));
      await rex.waitFor('sam unmuted by the bot', mode('-b', muteMask), DEADLINE_WAIT_MS);
      expect(await abot.waitOutcome('the unmute', (o) => o.type === 'member.unmute')).toMatchObject({ status: 'done', member: 'sam' });
      sam.send('PRIVMSG #plaza :heard again');
      await rex.waitFor('sam heard again', after(says('sam', '#plaza', 'heard again')));

      // ban for 3 s: a host ban and a kick; the rejoin refused (474) until the server lifts it.
      sam.send('PRIVMSG #plaza :ban-me');
      await rex.waitFor('sam banned', mode('+b', `*!*@${sam.address}`));
      const kick = await rex.waitFor('sam kicked', after(kickOf('abot', '#plaza', 'sam')));
      expect(kick.params[2]).toBe('banned for a while');
      expect(await abot.waitOutcome('the ban', (o) => o.type === 'member.ban')).toMatchObject({ status: 'done', member: 'sam' });
      await expect(joinChannel(sam, '#plaza')).rejects.toThrow(/474/);
      await eventually(
        'the ban lifted and sam let in again',
        () =>
          joinChannel(sam, '#plaza').then(
            () => true,
            () => undefined,
          ),
        10_000,
      );
      expect(abot.outcomes.filter((o) => o.status === 'failed')).toEqual([]);
    });
  });

  it('channel privileges are roles: an operator posting links is spared by `unless member has role admin`, also one made operator later, until de-opped', async () => {
    const [opal, pat] = [who['opal']!, who['pat']!];
    // opal made #ops (so is its operator) before the bot came: the bot learns it from NAMES.
    await joinChannel(opal, '#ops');
    const obot = await startBot('obot', botArgs('obot', '#ops', configFile('obot')));
    await joinChannel(pat, '#ops');
    await pat.waitFor('the private welcome', (m) => from('obot', 'PRIVMSG', 'pat')(m) && /^Welcome pat!/.test(m.params[1]!));
    pat.send('PRIVMSG #ops :pat-nice-cook');
    await opal.waitFor('pat being welcomed', says('obot', '#ops', 'Welcome pat, you are in'));

    opal.send('PRIVMSG #ops :buy now: http://spam.example');
    opal.send('PRIVMSG #ops :buy now, again http://spam.example');
    opal.send('MODE #ops +o pat');
    // pat's line leaves after the MODE reached pat, so the server (and the bot) had the MODE first.
    await pat.waitFor('op', (m) => m.command === 'MODE' && m.params[1] === '+o' && m.params[2] === 'pat');
    pat.send('PRIVMSG #ops :buy now as an operator');
    opal.send('MODE #ops -o pat');
    await pat.waitFor('de-op', (m) => m.command === 'MODE' && m.params[1] === '-o' && m.params[2] === 'pat');
    pat.send('PRIVMSG #ops :buy now without op');
    await pat.waitFor('the private warning', says('obot', 'pat', 'First warning: no ads here'));
    await obot.waitOutcome('the delete of the last ad', (o) => o.type === 'message.delete');

    // Everything before pat's last line was handled before it: only that one was an ad to act on.
    expect(obot.outcomes.filter((o) => o.type === 'message.delete')).toHaveLength(1);
    expect(opal.lines.some((m) => from('obot', 'PRIVMSG', 'opal')(m))).toBe(false);
    expect(pat.lines.filter(says('obot', 'pat', 'First warning: no ads here'))).toHaveLength(1);
    expect(obot.outcomes.filter((o) => o.type === 'member.remove')).toEqual([]);
  });

  it('logs one capabilities line at start with what InspIRCd announced (mute extban, TBAN, msgid)', async () => {
    const lines = await pbot.waitLog(' capabilities: ');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /capabilities: irc \(InspIRCd-3, EXTBAN=,[a-zA-Z]*m[a-zA-Z]*, CHANMODES=.*, msgid tags, TBAN\): message ids the server's; delete no; mute yes \(ended by the server, kept when the member rejoins\); kick yes; ban yes/,
    );
  });

  it('prints nothing on stdout but the ready line and JSON outcome lines', () => {
    for (const bot of bots) expect(bot.strayLines, `${bot.label} stdout`).toEqual([]);
  });
});

describe('playbook bot on IRC with no server', () => {
  it('exits 3 saying the connection was refused', async () => {
    const port = await freePort();
    const bot = spawnBot('lonely', ['--irc', `irc://127.0.0.1:${port}`, '--room', '#x', '--db', ':memory:']);
    await eventually('the bot to exit', () => bot.exited(), 15_000);
    expect(bot.child.exitCode).toBe(3);
    expect(bot.stderr()).toContain(`could not start: connection refused by 127.0.0.1:${port}`);
    expect(bot.ready).toBeUndefined();
  });
});
