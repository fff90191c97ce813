/**
 * `playbook bot` on a real ngIRCd (Debian 12's 26.1), as bot-irc.e2e.test.ts runs it on
 * InspIRCd: the CLI in a child process, scripted members on raw sockets, assertions about what
 * the server did as members saw it. What differs from InspIRCd is what this file is about:
 *
 * - ngIRCd has no extended bans and no quiet list, so a mute is `unsupported` (said at start in
 *   the capabilities line, and per action) and the member goes on talking;
 * - no message tags: message ids are made up by the bot;
 * - nicks of at most 9 characters: `--nick playbookbot` exits 3 saying so;
 * - channel operator status after a restart, with members still in the channel, comes from
 *   `OperChanPAutoOp`: the channels are predefined persistent (+P) channels in ngircd.conf and
 *   the bots log in as IRC operators (`irc.oper` in the config file), as docs/bots.md says.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, DEADLINE_WAIT_MS, welcomeText } from './servers/bot-process.js';
import { missingPrograms } from './servers/common.js';
import { connectMember, joinChannel, namesOf, roundTrip, type IrcTestMember, type ReceivedLine } from './servers/inspircd.js';
import { NGIRCD, startNgircd, type RunningNgircd } from './servers/ngircd.js';

const missing = missingPrograms('ngIRCd', [NGIRCD], 'ngircd');

const OPER = { name: 'botop', password: 'oper-secret' };
/** IRC here needs no password: one left in the environment would be sent as PASS. */
const spawnBot = (nick: string, args: string[]) => new BotProcess(nick, args, { PLAYBOOK_BOT_PASSWORD: undefined });

const from = (nick: string, command: string, target?: string) => (m: ReceivedLine) =>
  m.nick === nick && m.command === command && (target === undefined || m.params[0] === target);
const kickOf = (nick: string, channel: string, victim: string) => (m: ReceivedLine) => from(nick, 'KICK', channel)(m) && m.params[1] === victim;
const says = (nick: string, target: string, text: string) => (m: ReceivedLine) => from(nick, 'PRIVMSG', target)(m) && m.params[1] === text;

describe.skipIf(missing !== undefined)('playbook bot on IRC against a real ngIRCd', () => {
  let server: RunningNgircd;
  let dir: string;
  const bots: BotProcess[] = [];
  const who: Record<string, IrcTestMember> = {};
  let pbot: BotProcess;
  let rbotArgs: string[];

  const botArgs = (nick: string, channel: string, more: string[] = []) => {
    const config = join(dir, `${nick}.json`);
    writeFileSync(config, JSON.stringify({ irc: { service: `irc://${server.host}:${server.port}`, oper: OPER } }));
    return ['--nick', nick, '--room', channel, '--db', join(dir, `${nick}.db`), '--config', config, ...more];
  };
  const startBot = async (nick: string, args: string[]) => {
    const bot = spawnBot(nick, args);
    bots.push(bot);
    await bot.waitReady();
    return bot;
  };
  /** Joins, introduces, and waits for the room's welcome. */
  const introduce = async (m: IrcTestMember, channel: string, bot: string) => {
    await joinChannel(m, channel);
    await m.waitFor('the private welcome', (l) => from(bot, 'PRIVMSG', m.nick)(l) && l.params[1]!.startsWith(`Welcome ${m.nick}!`));
    m.send(`PRIVMSG ${channel} :${m.nick}-oslo-dev`);
    await m.waitFor('the welcome in the room', says(bot, channel, `Welcome ${m.nick}, you are in`));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-ngircd-'));
    server = await startNgircd({ channels: ['#room', '#restart'], oper: OPER });
    const cast: [string, string][] = [
      ['obs', '127.0.0.2'],
      ['boss', '127.0.0.3'],
      ['nina', '127.0.0.4'],
      ['late', '127.0.0.5'],
      ['adam', '127.0.0.6'],
      ['flo', '127.0.0.7'],
      ['keeper', '127.0.0.8'],
      ['nova', '127.0.0.9'],
    ];
    // ngIRCd offers no message-tags or server-time: plain clients.
    for (const member of await Promise.all(cast.map(([nick, address]) => connectMember(server, nick, address, [])))) who[member.nick] = member;
    // Someone is in #restart before any bot: a bot that joins after them is op only through OperChanPAutoOp.
    await joinChannel(who['keeper']!, '#restart');
    rbotArgs = botArgs('rbot', '#restart');
    [pbot] = await Promise.all([startBot('pbot', botArgs('pbot', '#room', ['--admin', 'boss'])), startBot('rbot', rbotArgs)]);
    const obs = who['obs']!;
    await joinChannel(obs, '#room');
    await obs.waitFor('the welcome', (m) => from('pbot', 'PRIVMSG', 'obs')(m));
    obs.send('PRIVMSG #room :obs-here-watcher');
    await obs.waitFor('the welcome in the room', says('pbot', '#room', 'Welcome obs, you are in'));
  });

  afterAll(async () => {
    if (process.env['BOT_E2E_DEBUG']) for (const b of bots) console.log(b.report());
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(Object.values(who).map((m) => m.quit()));
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says at start what ngIRCd can do: one capabilities line (no extbans, no quiet list, no msgid) and the mute as unsupported', async () => {
    const caps = await pbot.waitLog(' capabilities: ');
    expect(caps).toHaveLength(1);
    expect(caps[0]).toContain(
      'capabilities: irc (ngircd-26.1, no EXTBAN, CHANMODES=beI,k,l,imMnOPQRstVz, PREFIX=(qaohv)~&@%+, NICKLEN=9, no msgid tags): message ids made up by the bot; delete no; mute no; kick yes; ban yes',
    );
    await pbot.waitLog('note: irc cannot mute members (used by flood); those actions will be reported, not carried out');
    // Op came with the join (an operator in a +P channel): no warning.
    expect(pbot.stderr()).not.toContain('not a channel operator');
  });

  describe.concurrent('cases side by side', () => {
    it('entry ritual: a newcomer who introduces themself is welcomed and stays; one who does not is kicked at the deadline', async ({ expect }) => {
      const [nina, late, obs] = [who['nina']!, who['late']!, who['obs']!];
      await joinChannel(nina, '#room');
      await nina.waitFor('the private welcome', says('pbot', 'nina', welcomeText('nina')));
      await joinChannel(late, '#room');
      await late.waitFor('the private welcome', says('pbot', 'late', welcomeText('late')));
      nina.send('PRIVMSG #room :nina-lyon-baker');
      await obs.waitFor('the welcome in the room', says('pbot', '#room', 'Welcome nina, you are in'));

      const kick = await late.waitFor('the kick at the deadline', kickOf('pbot', '#room', 'late'), DEADLINE_WAIT_MS);
      expect(kick.params.slice(1)).toEqual(['late', 'no introduction']);
      await pbot.waitOutcome('the removal of late', (o) => o.type === 'member.remove' && o.member === 'late' && o.status === 'done');
      const names = await namesOf(obs, '#room');
      expect(names).toContain('nina');
      expect(names).not.toContain('late');
      expect(pbot.outcomes.filter((o) => o.member === 'nina' && o.type === 'member.remove')).toEqual([]);
    });

    it('ads: the first is reported as not deletable and stays, with a private warning; the second gets the member kicked', async ({ expect }) => {
      const [adam, obs] = [who['adam']!, who['obs']!];
      await introduce(adam, '#room', 'pbot');
      const ad = 'buy now: watches at http://spam.example';
      adam.send(`PRIVMSG #room :${ad}`);
      const deleted = await pbot.waitOutcome('the delete of the ad', (o) => o.type === 'message.delete' && o.member === 'adam');
      expect(deleted.status).toBe('unsupported');
      await adam.waitFor('the private warning', says('pbot', 'adam', 'First warning: no ads here'));
      expect(obs.lines.some(says('adam', '#room', ad))).toBe(true);

      adam.send('PRIVMSG #room :buy now, last chance');
      const kick = await adam.waitFor('the kick for the second ad', kickOf('pbot', '#room', 'adam'));
      expect(kick.params.slice(1)).toEqual(['adam', 'ads again']);
      await pbot.waitOutcome('the removal of adam', (o) => o.type === 'member.remove' && o.member === 'adam' && o.status === 'done');
      expect(adam.lines.filter(says('pbot', 'adam', 'First warning: no ads here'))).toHaveLength(1);
    });

    it('flood: ngIRCd cannot mute one member, so the mute is unsupported with the reason, the admin is still told, and the member can still talk', async ({
      expect,
    }) => {
      const [flo, obs, boss] = [who['flo']!, who['obs']!, who['boss']!];
      await introduce(flo, '#room', 'pbot');
      for (let i = 1; i <= 5; i++) flo.send(`PRIVMSG #room :flood ${i}`);
      const outcome = await pbot.waitOutcome('the mute', (o) => o.type === 'member.mute' && o.member === 'flo');
      expect(outcome.status).toBe('unsupported');
      expect(outcome.reason).toBe(
        "ngircd-26.1 has no per-member mute: no extended bans and no quiet list (CHANMODES=beI,k,l,imMnOPQRstVz); the IRC adapter mutes with InspIRCd's m: extban",
      );
      await boss.waitFor('the admin notice', (m) => from('pbot', 'NOTICE', 'boss')(m) && m.params[1] === 'flo was muted for flooding');
      // Nothing was set on the channel for flo, and the room still hears flo.
      await roundTrip(flo, 'flood-handled');
      flo.send('PRIVMSG #room :still talking');
      await obs.waitFor('flo heard', says('flo', '#room', 'still talking'));
      expect(
        obs.lines.some(
          (m) => m.command === 'MODE' && m.params[0] === '#room' && (m.params[1] ?? '').startsWith('+') && m.params.includes(`*!*@${flo.address}`),
        ),
      ).toBe(false);
      expect(pbot.outcomes.filter((o) => o.type === 'undo.unmute')).toEqual([]);
    });

    it('restart: a bot killed with SIGKILL comes back as operator (OperChanPAutoOp in a +P channel), still removes the newcomer at the deadline, and repeats nothing', async ({
      expect,
    }) => {
      const [nova, keeper] = [who['nova']!, who['keeper']!];
      const rbot = bots.find((b) => b.label === 'rbot')!;
      await joinChannel(nova, '#restart');
      const welcome = welcomeText('nova');
      await nova.waitFor('the private welcome', says('rbot', 'nova', welcome));
      await rbot.waitOutcome('the welcome as done', (o) => o.type === 'message.send' && o.status === 'done');
      await rbot.kill();
      await keeper.waitFor('the killed bot leaving the server', (m) => m.command === 'QUIT' && m.nick === 'rbot');
      const before = rbot.outcomes.map((o) => o.seq);

      const again = await startBot('rbot', rbotArgs);
      expect(again.ready).toBe('ready: irc #restart as rbot');
      const kick = await nova.waitFor('the kick at the deadline', kickOf('rbot', '#restart', 'nova'), DEADLINE_WAIT_MS);
      expect(kick.params[2]).toBe('no introduction');
      expect((await again.waitOutcome('the removal of nova', (o) => o.type === 'member.remove' && o.member === 'nova')).status).toBe('done');
      expect(nova.lines.filter(says('rbot', 'nova', welcome))).toHaveLength(1);
      expect(again.outcomes.filter((o) => before.includes(o.seq))).toEqual([]);
      expect(again.stderr()).not.toContain('committed but not done');
      // keeper was there all along, so op did not come from being first: it came with the join.
      expect(again.stderr()).not.toContain('not a channel operator');
      const mark = keeper.lines.length;
      keeper.send('NAMES #restart');
      const names = await keeper.waitFor('the names of #restart', (m) => keeper.lines.indexOf(m) >= mark && m.command === '353');
      expect((names.params[3] ?? '').split(' ')).toContain('@rbot');
    });
  });

  it('--nick playbookbot (11 characters) exits 3 with an error that names the 9-character limit', async () => {
    const bot = spawnBot('longnick', ['--irc', `irc://${server.host}:${server.port}`, '--nick', 'playbookbot', '--room', '#room', '--db', ':memory:']);
    bots.push(bot);
    await bot.ended();
    expect(bot.child.exitCode).toBe(3);
    expect(bot.stderr()).toContain('the server refuses the nick playbookbot: Nickname too long, max. 9 characters');
    expect(bot.stderr()).toContain('choose a --nick of 9 characters or fewer');
  });

  it('prints nothing on stdout but the ready line and JSON outcome lines', () => {
    for (const bot of bots) expect(bot.strayLines, bot.label).toEqual([]);
  });
});
