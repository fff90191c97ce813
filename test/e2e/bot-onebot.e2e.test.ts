/**
 * `playbook bot --onebot` as a user runs it (the CLI in a child process, a SQLite database),
 * against the stand-in OneBot v11 implementation (servers/onebot-standin.ts) on 127.0.0.1, on
 * test/fixtures/bots/room.playbook: the same cases as the IRC and XMPP bots. The assertions are
 * about what the implementation was asked to do (the recorded API calls) and what it did (who is
 * in the group, which messages are recalled, who is muted), the bot's outcome lines beside that.
 *
 * One stand-in per bot, as one implementation is one QQ account: `pbot` (entry ritual, ads,
 * flood, and a second group where the bot is no admin, for a refused call), `rbot` (killed and
 * started again on its database) and `dbot` (the connection dropped while a member leaves).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, DEADLINE_WAIT_MS, welcomeText } from './servers/bot-process.js';
import { eventually, freePort } from './servers/common.js';
import { startOneBotStandIn, type OneBotStandIn, type RecordedCall } from './servers/onebot-standin.js';
import type { StandInMember } from './servers/onebot-standin-groups.js';

const TOKEN = 'e2e-onebot-token-51c9';
const BOT = 10_000;
const BOSS = 20_001;
const [ROOM, WEAK, RESTART, DROP] = [800_001, 800_005, 800_002, 800_003];

/** `token` null: no ONEBOT_ACCESS_TOKEN in the bot's environment. */
const spawnBot = (label: string, args: string[], token: string | null = TOKEN) =>
  new BotProcess(label, args, { ONEBOT_ACCESS_TOKEN: token ?? undefined, PLAYBOOK_BOT_PASSWORD: undefined });

const member = (user_id: number, nickname: string): StandInMember => ({ user_id, nickname });
const group = (id: number, botRole: 'admin' | 'member' = 'admin') => ({
  id,
  members: [{ user_id: BOT, nickname: 'bot', role: botRole }, { user_id: BOSS, nickname: 'boss', role: 'owner' as const }, member(20_010, 'obs')],
});
const calledWith = (action: string, params: Record<string, unknown>) => (c: RecordedCall) =>
  c.action === action && Object.entries(params).every(([k, v]) => JSON.stringify((c.params as Record<string, unknown>)[k]) === JSON.stringify(v));
const privateTexts = (s: OneBotStandIn, to: number) => s.sent({ to }).map((m) => m.text);

describe('playbook bot on QQ through the OneBot v11 stand-in', () => {
  let dir: string;
  let main: OneBotStandIn;
  let restart: OneBotStandIn;
  let drop: OneBotStandIn;
  const bots: BotProcess[] = [];
  let pbot: BotProcess;
  let dbot: BotProcess;
  let rbotArgs: string[];

  const botArgs = (label: string, s: OneBotStandIn, rooms: string[], more: string[] = []) => [
    '--onebot',
    s.url,
    ...rooms.flatMap((r) => ['--room', r]),
    '--db',
    join(dir, `${label}.db`),
    ...more,
  ];
  const startBot = async (label: string, args: string[]) => {
    const bot = spawnBot(label, args);
    bots.push(bot);
    await bot.waitReady();
    return bot;
  };
  /** A newcomer joins and introduces themself, so the ritual is behind them. */
  const newcomer = async (s: OneBotStandIn, g: number, who: StandInMember) => {
    s.join(g, who);
    await eventually(`the welcome of ${who.nickname}`, () => (privateTexts(s, who.user_id).includes(welcomeText(who.nickname)) ? true : undefined));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-onebot-'));
    [main, restart, drop] = await Promise.all([
      startOneBotStandIn({ selfId: BOT, accessToken: TOKEN, groups: [group(ROOM), group(WEAK, 'member')] }),
      startOneBotStandIn({ selfId: BOT, accessToken: TOKEN, groups: [group(RESTART)] }),
      startOneBotStandIn({ selfId: BOT, accessToken: TOKEN, groups: [group(DROP)], heartbeatMs: 1000 }),
    ]);
    rbotArgs = botArgs('rbot', restart, [`${RESTART}=restart`]);
    [pbot, , dbot] = await Promise.all([
      startBot('pbot', botArgs('pbot', main, [`${ROOM}=room`, `${WEAK}=weak`], ['--admin', String(BOSS)])),
      startBot('rbot', rbotArgs),
      startBot('dbot', botArgs('dbot', drop, [`${DROP}=drop`])),
    ]);
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all([main, restart, drop].map((s) => s?.stop()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.concurrent('cases side by side', () => {
    it('entry ritual: a newcomer who introduces themself is welcomed and stays; one who does not is removed at the deadline', async ({ expect }) => {
      const [nina, late] = [member(30_001, 'nina'), member(30_002, 'late')];
      await newcomer(main, ROOM, nina);
      // Joins after nina, so by the time the deadline removes late, nina's has passed too.
      main.join(ROOM, late);
      await eventually('the welcome of late', () => (privateTexts(main, late.user_id).includes(welcomeText('late')) ? true : undefined));
      main.post(ROOM, nina.user_id, 'nina-lyon-baker');
      await eventually('the welcome in the group', () => main.sent({ group: ROOM }).find((m) => m.text === 'Welcome nina, you are in'));

      await main.waitCall('the removal of late', calledWith('set_group_kick', { group_id: ROOM, user_id: late.user_id }), DEADLINE_WAIT_MS);
      expect(main.callsOf('set_group_kick').find((c) => (c.params as { user_id: number }).user_id === late.user_id)?.params).toEqual({
        group_id: ROOM,
        user_id: late.user_id,
        reject_add_request: false,
      });
      await pbot.waitOutcome('the removal of late', (o) => o.type === 'member.remove' && o.member === '30002' && o.status === 'done');
      const members = main.groups.get(ROOM)!.members;
      expect(members.has(late.user_id)).toBe(false);
      expect(members.has(nina.user_id)).toBe(true);
      expect(main.calls.some(calledWith('set_group_kick', { user_id: nina.user_id }))).toBe(false);
      // The welcome went privately (send_private_msg), once each.
      expect(privateTexts(main, nina.user_id)).toEqual([welcomeText('nina')]);
    });

    it('ads: each is recalled (delete_msg with its message_id); the first brings a private warning, the second the removal', async ({ expect }) => {
      const adam = member(30_003, 'adam');
      await newcomer(main, ROOM, adam);
      main.post(ROOM, adam.user_id, 'adam-rome-sales');
      const first = main.post(ROOM, adam.user_id, 'buy now: watches at http://spam.example')!;
      await main.waitCall('the recall of the first ad', calledWith('delete_msg', { message_id: first }));
      expect(main.messages.get(first)!.deleted).toBe(true);
      await eventually('the private warning', () => (privateTexts(main, adam.user_id).includes('First warning: no ads here') ? true : undefined));
      expect(main.groups.get(ROOM)!.members.has(adam.user_id)).toBe(true);

      const second = main.post(ROOM, adam.user_id, 'buy now, last chance')!;
      await main.waitCall('the removal of adam', calledWith('set_group_kick', { group_id: ROOM, user_id: adam.user_id }));
      expect(main.messages.get(second)!.deleted).toBe(true);
      // message.delete names no member: adam's are the only deletes of this bot.
      const deletes = () => pbot.outcomes.filter((o) => o.type === 'message.delete');
      await pbot.waitOutcome('both deletes', () => deletes().length === 2);
      expect(deletes().map((o) => [o.community, o.status])).toEqual([
        ['room', 'done'],
        ['room', 'done'],
      ]);
      expect(privateTexts(main, adam.user_id).filter((t) => t === 'First warning: no ads here')).toHaveLength(1);
      expect(main.groups.get(ROOM)!.members.has(adam.user_id)).toBe(false);
    });

    it('flood: set_group_ban for the mute, the member cannot post, the admin is told privately, and the mute ends', async ({ expect }) => {
      const flo = member(30_004, 'flo');
      await newcomer(main, ROOM, flo);
      main.post(ROOM, flo.user_id, 'flo-oslo-dev');
      for (let i = 1; i <= 5; i++) main.post(ROOM, flo.user_id, `flood ${i}`);
      const ban = await main.waitCall('the mute', calledWith('set_group_ban', { group_id: ROOM, user_id: flo.user_id }));
      const duration = (ban.params as { duration: number }).duration;
      expect(duration).toBeGreaterThanOrEqual(1);
      expect(duration).toBeLessThanOrEqual(3);
      expect(ban.response.retcode).toBe(0);
      await pbot.waitOutcome('the mute', (o) => o.type === 'member.mute' && o.member === '30004' && o.status === 'done');
      await eventually('the admin told', () => (privateTexts(main, BOSS).includes('[room] flo was muted for flooding') ? true : undefined));
      const posted = main.post(ROOM, flo.user_id, 'can anyone hear me?');
      const end = main.groups.get(ROOM)!.members.get(flo.user_id)!.mutedUntil;
      // QQ refuses a muted member's post (unless the mute ended already on a slow machine).
      if (Date.now() < end - 200) expect(posted).toBeUndefined();
      // QQ ends the mute itself: no second set_group_ban (duration 0) from the bot is needed.
      await eventually('the mute to end', () => main.post(ROOM, flo.user_id, 'back again'), DEADLINE_WAIT_MS);
      expect(main.callsOf('set_group_ban').filter((c) => (c.params as { duration: number }).duration === 0)).toEqual([]);
    });

    it('a call QQ refuses is reported: in a group where the bot is no admin, the removal at the deadline fails with the retcode', async ({ expect }) => {
      const rex = member(30_005, 'rex');
      main.join(WEAK, rex);
      await eventually('the welcome of rex', () => (privateTexts(main, rex.user_id).includes(welcomeText('rex')) ? true : undefined));
      const outcome = await pbot.waitOutcome('the refused removal', (o) => o.type === 'member.remove' && o.member === '30005', DEADLINE_WAIT_MS);
      expect(outcome.status).toBe('failed');
      expect(outcome.community).toBe('weak');
      expect(outcome.reason).toBe('set_group_kick refused: retcode 100 (no permission to remove this member: FAILED)');
      expect(main.groups.get(WEAK)!.members.has(rex.user_id)).toBe(true);
      expect(pbot.stderr()).toContain(`warning: the bot is not an admin of group ${WEAK}`);
    });

    it('restart: a bot killed with SIGKILL and started again on its database still removes the newcomer at the deadline, and repeats nothing', async ({
      expect,
    }) => {
      const nova = member(31_001, 'nova');
      const rbot = bots.find((b) => b.label === 'rbot')!;
      restart.join(RESTART, nova);
      await rbot.waitOutcome('the welcome as done', (o) => o.type === 'message.send' && o.member === '31001' && o.status === 'done');
      await rbot.kill();
      expect(restart.callsOf('set_group_kick')).toEqual([]);
      const before = rbot.outcomes.map((o) => o.seq);

      const again = await startBot('rbot', rbotArgs);
      expect(again.ready).toBe(`ready: onebot ${RESTART} as playbook`);
      const kick = await restart.waitCall('the removal at the deadline', calledWith('set_group_kick', { user_id: nova.user_id }), DEADLINE_WAIT_MS);
      expect(kick.connection).toBe(2);
      await again.waitOutcome('the removal of nova', (o) => o.type === 'member.remove' && o.member === '31001' && o.status === 'done');
      expect(privateTexts(restart, nova.user_id)).toEqual([welcomeText('nova')]);
      expect(again.outcomes.filter((o) => before.includes(o.seq))).toEqual([]);
      expect(again.stderr()).not.toContain('committed but not done');
    });

    it('a dropped connection is made again: a member who left meanwhile is not removed, and calls go on over the new connection', async ({ expect }) => {
      const [lea, mo] = [member(32_001, 'lea'), member(32_002, 'mo')];
      drop.join(DROP, lea);
      await eventually('the welcome of lea', () => (privateTexts(drop, lea.user_id).includes(welcomeText('lea')) ? true : undefined));
      const handshakes = drop.handshakes.length;
      drop.paused = true;
      drop.drop();
      drop.leave(DROP, lea.user_id);
      await eventually('the bot trying again', () => (drop.handshakes.slice(handshakes).some((h) => h.status === 503) ? true : undefined));
      drop.paused = false;
      await eventually('the bot connected again', () => (drop.connected === 1 && drop.callsOf('get_group_member_list').length === 2 ? true : undefined));
      expect(dbot.stderr()).toMatch(/onebot: connection to ws:\/\/127\.0\.0\.1:\d+ lost/);

      drop.join(DROP, mo);
      const ad = await eventually('the welcome of mo', () =>
        privateTexts(drop, mo.user_id).includes(welcomeText('mo')) ? drop.post(DROP, mo.user_id, 'buy now') : undefined,
      );
      const recall = await drop.waitCall('the recall over the new connection', calledWith('delete_msg', { message_id: ad }));
      expect(recall.connection).toBe(2);
      // mo joined after lea, so lea's deadline has passed by mo's.
      await dbot.waitOutcome('the removal of mo', (o) => o.type === 'member.remove' && o.member === '32002' && o.status === 'done', DEADLINE_WAIT_MS);
      expect(dbot.outcomes.filter((o) => o.member === '32001' && o.type === 'member.remove')).toEqual([]);
      expect(dbot.stderr()).not.toContain(TOKEN);
    });
  });

  it('prints nothing on stdout but the ready line and JSON outcome lines, and never the access token', () => {
    for (const bot of bots) {
      expect(bot.strayLines, `${bot.label} stdout`).toEqual([]);
      expect(bot.stderr()).not.toContain(TOKEN);
    }
  });
});

describe('playbook bot --onebot: the access token and the reverse WebSocket', () => {
  it('exits 3 when the implementation refuses the token (401 without one, 403 for a wrong one), naming neither', async () => {
    const s = await startOneBotStandIn({ selfId: BOT, accessToken: TOKEN, groups: [group(ROOM)] });
    try {
      const none = spawnBot('none', ['--onebot', s.url, '--room', String(ROOM), '--db', ':memory:'], null);
      const wrong = spawnBot('wrong', ['--onebot', s.url, '--room', String(ROOM), '--db', ':memory:'], 'guess-1234');
      expect(await none.ended()).toBe('exited (code 3)');
      expect(await wrong.ended()).toBe('exited (code 3)');
      expect(none.stderr()).toContain('wants an access token (HTTP 401): set ONEBOT_ACCESS_TOKEN');
      expect(wrong.stderr()).toContain('refused the access token (HTTP 403)');
      expect(wrong.stderr()).not.toContain('guess-1234');
      expect(s.handshakes.map((h) => h.status).sort()).toEqual([401, 403]);
      expect(s.calls).toEqual([]);
      const inArgs = spawnBot('arg', ['--onebot', s.url, '--room', String(ROOM), '--password', 'x', '--db', ':memory:']);
      expect(await inArgs.ended()).toBe('exited (code 2)');
    } finally {
      await s.stop();
    }
  });

  it('--onebot-reverse: the bot listens, the implementation connects, and the ritual runs over that connection', async () => {
    const s = await startOneBotStandIn({ selfId: BOT, accessToken: TOKEN, groups: [group(ROOM)] });
    const port = await freePort();
    const bot = spawnBot('reverse', ['--onebot', `ws://127.0.0.1:${port}/onebot`, '--onebot-reverse', '--room', String(ROOM), '--db', ':memory:']);
    try {
      await eventually(
        'the bot to accept the implementation',
        async () => ((await s.connectTo(`ws://127.0.0.1:${port}/onebot`)) === 101 ? true : undefined),
        30_000,
      );
      await bot.waitReady();
      s.join(ROOM, member(33_001, 'ria'));
      await eventually('the welcome of ria', () => (privateTexts(s, 33_001).includes(welcomeText('ria')) ? true : undefined));
    } finally {
      await bot.stop();
      await s.stop();
    }
  });
});
