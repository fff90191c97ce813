/**
 * `playbook bot --discord` as a user runs it (the CLI in a child process, a SQLite database,
 * the token in DISCORD_BOT_TOKEN), against the Discord stand-in (servers/discord-standin.ts):
 * the same cases as the Prosody and InspIRCd tests. Assertions are about what the stand-in
 * saw the client library do (REST requests, gateway frames) and what members got, the bot's
 * outcome lines only beside that.
 *
 * One stand-in (one guild) per bot, so cases run side by side: `pbot` (entry ritual, ads,
 * flood, a 429), `rbot` (killed and started again on its database) and `sbot` (its gateway
 * connection dropped and resumed; `remove: ban` in its config file).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, DEADLINE_WAIT_MS, welcomeText, withBotLogs } from './servers/bot-process.js';
import { eventually } from './servers/common.js';
import { DiscordStandIn, type RecordedRequest } from './servers/discord-standin.js';

const tokenOf = (name: string) => `${name}.stand-in.token`;
const spawnBot = (name: string, args: string[], token = tokenOf(name)) =>
  new BotProcess(name, args, { DISCORD_BOT_TOKEN: token, PLAYBOOK_BOT_PASSWORD: undefined });
/** `PATCH /guilds/:id/members/:id` with the ids elided, for comparing routes. */
const route = (r: RecordedRequest) => `${r.method} ${r.path.replace(/\/\d{6,}/g, '/:id')}`;

describe('playbook bot on Discord against the stand-in', () => {
  let dir: string;
  const bots: BotProcess[] = [];
  const servers: Record<string, DiscordStandIn> = {};
  let rbotArgs: string[];

  const botArgs = (name: string, more: string[] = []) => {
    const server = servers[name]!;
    return ['--discord', '--discord-api', server.api, '--room', `${server.state.channelByName('general').id}=room`, '--db', join(dir, `${name}.db`), ...more];
  };
  /** A case's failure carries what the bots logged. */
  const logged = (run: () => Promise<void>) => withBotLogs(() => bots, run);
  const startBot = async (name: string, args: string[]) => {
    const bot = spawnBot(name, args);
    bots.push(bot);
    await bot.waitReady();
    return bot;
  };
  /** A member joins and introduces themself, and is welcomed in the channel. */
  const welcomed = async (server: DiscordStandIn, name: string) => {
    const id = server.user(name);
    server.join(id);
    await eventually(`the welcome of ${name}`, () => (server.dms(id).includes(welcomeText(name)) ? true : undefined), DEADLINE_WAIT_MS);
    server.post(id, 'general', `${name}-oslo-dev`);
    await eventually(
      `${name} welcomed in the room`,
      () => server.channelMessages('general').find((m) => m.content === `Welcome ${name}, you are in`),
      DEADLINE_WAIT_MS,
    );
    return id;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-discord-'));
    for (const name of ['pbot', 'rbot', 'sbot']) {
      servers[name] = new DiscordStandIn({ token: tokenOf(name), heartbeatIntervalMs: 1000 });
      await servers[name].start();
    }
    const boss = servers['pbot']!.user('boss');
    servers['pbot']!.join(boss);
    const config = join(dir, 'sbot.json');
    writeFileSync(config, JSON.stringify({ discord: { banDeleteMessageSeconds: 3600 }, remove: 'ban' }));
    rbotArgs = botArgs('rbot');
    await Promise.all([
      startBot('pbot', botArgs('pbot', ['--admin', boss])),
      startBot('rbot', rbotArgs),
      startBot('sbot', botArgs('sbot', ['--config', config])),
    ]);
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.concurrent('cases side by side', () => {
    it('entry ritual: a newcomer who introduces themself is welcomed and stays; one who does not is kicked at the deadline', ({ expect }) =>
      logged(async () => {
        const server = servers['pbot']!;
        const pbot = bots.find((b) => b.label === 'pbot')!;
        const nina = await welcomed(server, 'nina');
        const late = server.user('late');
        server.join(late);
        await eventually('the welcome of late', () => (server.dms(late).length ? true : undefined), DEADLINE_WAIT_MS);
        const kick = await eventually(
          'the kick of late',
          () => server.requests.find((r) => r.method === 'DELETE' && r.path.endsWith(`/members/${late}`)),
          DEADLINE_WAIT_MS,
        );
        expect(kick).toMatchObject({ status: 204, reason: 'no introduction' });
        await pbot.waitOutcome('the removal of late', (o) => o.type === 'member.remove' && o.member === late && o.status === 'done');
        expect(server.state.members.has(late)).toBe(false);
        expect(server.state.members.has(nina)).toBe(true);
        expect(server.dms(nina)).toEqual([welcomeText('nina')]);
        expect(pbot.outcomes.filter((o) => o.member === nina && o.type === 'member.remove')).toEqual([]);
      }));

    it('ads: each ad is deleted for everyone; the first brings a private warning, the second a kick', ({ expect }) =>
      logged(async () => {
        const server = servers['pbot']!;
        const pbot = bots.find((b) => b.label === 'pbot')!;
        const adam = await welcomed(server, 'adam');
        const ad = server.post(adam, 'general', 'buy now: watches at http://spam.example');
        if ('refused' in ad) throw new Error(ad.refused);
        const deleted = await eventually('the delete of the ad', () =>
          server.requests.find((r) => r.method === 'DELETE' && r.path.endsWith(`/messages/${ad.id}`)),
        );
        expect(deleted.status).toBe(204);
        await eventually('the private warning', () => (server.dms(adam).includes('First warning: no ads here') ? true : undefined), DEADLINE_WAIT_MS);
        expect(server.channelMessages('general').map((m) => m.id)).not.toContain(ad.id);
        expect(server.state.members.has(adam)).toBe(true);

        const again = server.post(adam, 'general', 'buy now, last chance');
        if ('refused' in again) throw new Error(again.refused);
        const kick = await eventually('the kick for the second ad', () =>
          server.requests.find((r) => r.method === 'DELETE' && r.path.endsWith(`/members/${adam}`)),
        );
        expect(kick.reason).toBe('ads again');
        await pbot.waitOutcome('the removal of adam', (o) => o.type === 'member.remove' && o.member === adam && o.status === 'done');
        expect(pbot.outcomes.filter((o) => o.type === 'message.delete').map((o) => o.status)).toEqual(['done', 'done']);
        expect(server.channelMessages('general').map((m) => m.id)).not.toContain(again.id);
        expect(server.dms(adam).filter((t) => t === 'First warning: no ads here')).toHaveLength(1);
      }));

    it('flood: a timeout that Discord ends itself; the admin is told by DM; the member posts again after it', ({ expect }) =>
      logged(async () => {
        const server = servers['pbot']!;
        const flo = await welcomed(server, 'flo');
        for (let i = 1; i <= 5; i++) server.post(flo, 'general', `flood ${i}`);
        const mute = await eventually('the timeout', () => server.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/members/${flo}`)));
        expect(mute.status).toBe(200);
        expect(mute.reason).toBe('flooding');
        const until = Date.parse(String(mute.body['communication_disabled_until']));
        // 3 s from when the bot handled the fifth message: after it was posted, and not a day long.
        expect(until).toBeGreaterThan(mute.at);
        expect(until - mute.at).toBeLessThanOrEqual(3000);
        const boss = [...server.state.users.values()].find((u) => u.username === 'boss')!.id;
        await eventually('the admin DM', () => (server.dms(boss).includes('[room] flo was muted for flooding') ? true : undefined), DEADLINE_WAIT_MS);
        expect(server.post(flo, 'general', 'can anyone hear me?')).toEqual({ refused: 'timed out' });
        const back = await eventually(
          'the timeout to end',
          () => (Date.now() > until ? server.post(flo, 'general', 'back again') : undefined),
          DEADLINE_WAIT_MS,
        );
        expect(back).toHaveProperty('id');
        // Discord ended it: the bot never lifted it itself.
        expect(server.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/members/${flo}`))).toHaveLength(1);
      }));

    it('429: the bot waits retry_after before sending again, and the message arrives once', ({ expect }) =>
      logged(async () => {
        const server = servers['pbot']!;
        const ray = server.user('ray');
        server.rateLimitNext(/^POST \/users\/@me\/channels$/, 1, (b) => b['recipient_id'] === ray);
        server.join(ray);
        await eventually('the welcome of ray', () => (server.dms(ray).length ? true : undefined), DEADLINE_WAIT_MS);
        const tries = server.requests.filter((r) => route(r) === 'POST /users/@me/channels' && r.body['recipient_id'] === ray);
        expect(tries.map((r) => r.status)).toEqual([429, 200]);
        expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1000);
        expect(server.dms(ray)).toEqual([welcomeText('ray')]);
      }));

    it('restart: a bot killed with SIGKILL and started again on its database still removes the newcomer at the deadline, and repeats nothing', ({ expect }) =>
      logged(async () => {
        const server = servers['rbot']!;
        const rbot = bots.find((b) => b.label === 'rbot')!;
        const nova = server.user('nova');
        server.join(nova);
        await rbot.waitOutcome('the welcome as done', (o) => o.type === 'message.send' && o.status === 'done');
        await rbot.kill();
        const before = rbot.outcomes.map((o) => o.seq);
        const identifies = server.frames.filter((f) => f.dir === 'in' && f.op === 2).length;

        const again = await startBot('rbot', rbotArgs);
        expect(again.ready).toMatch(/^ready: discord \d+ as /);
        expect(server.frames.filter((f) => f.dir === 'in' && f.op === 2)).toHaveLength(identifies + 1);
        const kick = await eventually(
          'the kick at the deadline',
          () => server.requests.find((r) => r.method === 'DELETE' && r.path.endsWith(`/members/${nova}`)),
          DEADLINE_WAIT_MS,
        );
        expect(kick.reason).toBe('no introduction');
        await again.waitOutcome('the removal of nova', (o) => o.type === 'member.remove' && o.member === nova && o.status === 'done');
        expect(server.dms(nova)).toEqual([welcomeText('nova')]);
        expect(again.outcomes.filter((o) => before.includes(o.seq))).toEqual([]);
        expect(again.stderr()).not.toContain('committed but not done');
      }));

    it('a dropped gateway connection is resumed: the join missed meanwhile is replayed, and the deadline bans with the delete window', ({ expect }) =>
      logged(async () => {
        const server = servers['sbot']!;
        const sbot = bots.find((b) => b.label === 'sbot')!;
        const before = server.frames.filter((f) => f.dir === 'in' && f.op === 2).length;
        server.dropConnections();
        const mal = server.user('mallory');
        server.join(mal);
        server.post(mal, 'general', 'hi, not introducing myself');
        await eventually('the welcome of mallory', () => (server.dms(mal).length ? true : undefined), DEADLINE_WAIT_MS);
        const resume = server.frames.find((f) => f.dir === 'in' && f.op === 6);
        expect(resume?.d).toMatchObject({ token: '<token>', session_id: expect.any(String), seq: expect.any(Number) });
        expect(server.frames.filter((f) => f.dir === 'in' && f.op === 2)).toHaveLength(before);
        // The stand-in sends RESUMED a little after the replay (as a real network would), and the
        // adapter acts on the replayed dispatches before it: wait for it rather than race it.
        const replayed = await eventually(
          'the replay and RESUMED',
          () => {
            const types = server.frames.filter((f) => f.dir === 'out' && f.connection === 2 && f.op === 0).map((f) => f.t);
            return types.includes('RESUMED') ? types : undefined;
          },
          DEADLINE_WAIT_MS,
        );
        expect(replayed.slice(0, 3)).toEqual(['GUILD_MEMBER_ADD', 'MESSAGE_CREATE', 'RESUMED']);
        const ban = await eventually(
          'the ban at the deadline',
          () => server.requests.find((r) => r.method === 'PUT' && r.path.endsWith(`/bans/${mal}`)),
          DEADLINE_WAIT_MS,
        );
        expect(ban).toMatchObject({ status: 204, reason: 'no introduction', body: { delete_message_seconds: 3600 } });
        await sbot.waitOutcome('the removal of mallory', (o) => o.type === 'member.remove' && o.member === mal && o.status === 'done');
        expect(server.channelMessages('general').filter((m) => m.author.id === mal)).toEqual([]);
        expect(server.post(mal, 'general', 'let me back')).toEqual({ refused: 'not a member' });
        expect(sbot.stderr()).toMatch(/gateway session resumed/);
      }));
  });

  it('prints nothing on stdout but the ready line and JSON outcome lines, and never the token', () => {
    for (const bot of bots) {
      expect(bot.strayLines, `${bot.label} stdout`).toEqual([]);
      expect(bot.stderr()).not.toContain('.stand-in.token');
    }
    // discord.js kept the connections alive: heartbeats (op 1) at the HELLO's interval, each ACKed (op 11).
    const pbot = servers['pbot']!.frames;
    expect(pbot.filter((f) => f.dir === 'in' && f.op === 1).length).toBeGreaterThanOrEqual(3);
    expect(pbot.filter((f) => f.dir === 'out' && f.op === 11).length).toBe(pbot.filter((f) => f.dir === 'in' && f.op === 1).length);
  });
});

describe('playbook bot on Discord refused', () => {
  it('exits 3 on a wrong token, saying which variable to check, and never prints it', async () => {
    const server = new DiscordStandIn({ token: 'the.right.token' });
    await server.start();
    try {
      const bot = spawnBot(
        'wrong',
        ['--discord', '--discord-api', server.api, '--room', server.state.channelByName('general').id, '--db', ':memory:'],
        'a.wrong.token',
      );
      await eventually('the bot to exit', () => bot.exited(), 30_000);
      expect(bot.child.exitCode).toBe(3);
      expect(bot.stderr()).toContain('Discord refused the token (401 Unauthorized): check DISCORD_BOT_TOKEN');
      expect(bot.stderr()).not.toContain('a.wrong.token');
      expect(server.requests.map((r) => `${route(r)} ${r.status}`)).toEqual(['GET /gateway/bot 401']);
    } finally {
      await server.stop();
    }
  });

  it('exits 3 when the privileged intents are not enabled for the application', async () => {
    const server = new DiscordStandIn({ token: 'intents.token', privilegedIntents: false });
    await server.start();
    try {
      const bot = spawnBot(
        'intents',
        ['--discord', '--discord-api', server.api, '--room', server.state.channelByName('general').id, '--db', ':memory:'],
        'intents.token',
      );
      await eventually('the bot to exit', () => bot.exited(), 30_000);
      expect(bot.child.exitCode).toBe(3);
      expect(bot.stderr()).toContain('enable the Server Members and Message Content intents');
    } finally {
      await server.stop();
    }
  });

  it('exits 2 when the token is missing or given as an option', async () => {
    const bot = new BotProcess('notoken', ['--discord', '--room', '123', '--db', ':memory:'], { DISCORD_BOT_TOKEN: undefined });
    await bot.ended();
    expect(bot.child.exitCode).toBe(2);
    expect(bot.stderr()).toContain('DISCORD_BOT_TOKEN');
    const withPassword = spawnBot('pw', ['--discord', '--password', 'x', '--room', '123', '--db', ':memory:']);
    await withPassword.ended();
    expect(withPassword.child.exitCode).toBe(2);
    expect(withPassword.stderr()).toContain('--password is not used with --discord');
  });
});
