/**
 * `playbook bot --telegram` as a user runs it (the CLI in a child process, the token in
 * TELEGRAM_BOT_TOKEN, a SQLite database), against the Bot API stand-in
 * (servers/telegram-standin.ts) on 127.0.0.1 through --api-root: the same cases as the
 * Prosody and InspIRCd tests. Assertions are about what the stand-in saw grammY ask for and what
 * became of the group (a message deleted, a member unable to post, a member gone), with the bot's
 * outcome lines beside that.
 *
 * One stand-in per bot: one token has one getUpdates consumer (a second gets 409), as on Telegram.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { User } from '@grammyjs/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotProcess, DEADLINE_WAIT_MS, welcomeText } from './servers/bot-process.js';
import { eventually } from './servers/common.js';
import { TelegramStandin, TOKEN } from './servers/telegram-standin.js';
import { BOT } from './servers/telegram-world.js';

const ROOM = -1001000000100;
const RESTART = -1001000000200;

/** Members: id, first name (what {member.name} shows), whether they started the bot (can get DMs). */
const CAST: [number, string, boolean][] = [
  [201, 'boss', true],
  [202, 'nina', true],
  [203, 'late', false],
  [204, 'adam', true],
  [205, 'flo', true],
  [206, 'nova', true],
  [207, 'rita', true],
  [208, 'pete', true],
];

describe('playbook bot on Telegram against the Bot API stand-in', () => {
  const main = new TelegramStandin();
  const second = new TelegramStandin();
  const who: Record<string, User> = {};
  const bots: BotProcess[] = [];
  let dir: string;
  let pbot: BotProcess;
  let rbotArgs: string[];

  const args = (api: TelegramStandin, chat: number, name: string, more: string[] = []) => [
    '--telegram',
    '--api-root',
    api.url,
    // parseArgs reads "-100..." as an option unless it is joined to its flag.
    `--room=${chat}=${name}`,
    '--db',
    join(dir, `${name}.db`),
    ...more,
  ];
  const startBot = async (label: string, botArgs: string[]) => {
    const bot = new BotProcess(label, botArgs, { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: undefined });
    bots.push(bot);
    await bot.waitReady();
    return bot;
  };
  /** Texts the bot posted in a group, in order. */
  const posted = (api: TelegramStandin, chat: number) =>
    [...api.chat(chat).messages.values()].filter((k) => k.message.from.id === BOT.id).map((k) => (k.message as { text?: string }).text);
  /** Joins and introduces a member, waiting for the room's welcome. */
  const introduce = async (name: string) => {
    const user = who[name]!;
    main.join(ROOM, user);
    await eventually(`the welcome of ${name}`, () => main.inbox(user.id).find((t) => t.startsWith(`Welcome ${name}!`)));
    main.post(ROOM, user, `${name}-rome-sales`);
    await eventually(`${name} welcomed in the room`, () => posted(main, ROOM).find((t) => t === `Welcome ${name}, you are in`));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-bot-telegram-'));
    for (const api of [main, second]) {
      await api.start();
      for (const [id, name, started] of CAST) who[name] = api.addUser(id, name, `${name}_user`, started);
    }
    main.addChat(ROOM, 'Room');
    second.addChat(RESTART, 'Restart');
    rbotArgs = args(second, RESTART, 'restart');
    [pbot] = await Promise.all([startBot('pbot', args(main, ROOM, 'room', ['--admin', '201'])), startBot('rbot', rbotArgs)]);
  });

  afterAll(async () => {
    await Promise.all(bots.map((b) => b.stop()));
    await Promise.all([main.stop(), second.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.concurrent('cases side by side', () => {
    it('entry ritual: a newcomer who introduces themself is welcomed and stays; one who does not is removed at the deadline', async ({ expect }) => {
      const [nina, late] = [who['nina']!, who['late']!];
      main.join(ROOM, nina);
      await eventually('the private welcome', () => main.inbox(nina.id).find((t) => t === welcomeText('nina')));
      main.join(ROOM, late);
      // late never started the bot: Telegram refuses the private welcome, and the bot says why.
      const refused = await pbot.waitOutcome('the refused welcome', (o) => o.type === 'message.send' && o.member === '203');
      expect(refused).toMatchObject({ status: 'failed', reason: expect.stringMatching(/can't initiate conversation with a user/) });

      main.post(ROOM, nina, 'nina-lyon-baker');
      await eventually('the welcome in the room', () => posted(main, ROOM).find((t) => t === 'Welcome nina, you are in'));

      await pbot.waitOutcome('the removal of late', (o) => o.type === 'member.remove' && o.member === '203' && o.status === 'done', DEADLINE_WAIT_MS);
      const calls = main.requests.filter((r) => r.params['user_id'] === late.id).map((r) => [r.method, r.params]);
      expect(calls).toEqual([
        ['banChatMember', { chat_id: ROOM, user_id: late.id }],
        ['unbanChatMember', { chat_id: ROOM, user_id: late.id, only_if_banned: true }],
      ]);
      expect(main.chat(ROOM).member(late).status).toBe('left');
      // Removed, not banned: Telegram lets them back.
      expect(main.chat(ROOM).member(nina).status).toBe('member');
      expect(pbot.outcomes.filter((o) => o.member === '202' && o.type === 'member.remove')).toEqual([]);
    });

    it('ads: the ad is deleted and the member warned privately; the second is deleted and the member removed', async ({ expect }) => {
      const adam = who['adam']!;
      await introduce('adam');
      const ad = main.post(ROOM, adam, 'buy now: watches at http://spam.example')!;
      await eventually('the ad deleted', () => main.chat(ROOM).messages.get(ad.message_id)!.deleted || undefined);
      await eventually('the private warning', () => main.inbox(adam.id).find((t) => t === 'First warning: no ads here'));
      expect(main.chat(ROOM).member(adam).status).toBe('member');

      const again = main.post(ROOM, adam, 'buy now, last chance')!;
      await pbot.waitOutcome('the removal of adam', (o) => o.type === 'member.remove' && o.member === '204' && o.status === 'done');
      expect(main.chat(ROOM).messages.get(again.message_id)!.deleted).toBe(true);
      expect(main.chat(ROOM).member(adam).status).toBe('left');
      const deletes = main.calls('deleteMessage').filter((r) => [ad.message_id, again.message_id].includes(r.params['message_id'] as number));
      expect(deletes.map((r) => [r.params, r.answer.ok])).toEqual([
        [{ chat_id: ROOM, message_id: ad.message_id }, true],
        [{ chat_id: ROOM, message_id: again.message_id }, true],
      ]);
      expect(main.inbox(adam.id).filter((t) => t === 'First warning: no ads here')).toHaveLength(1);
    });

    it('flood: the member is restricted (Telegram refuses their posts), the admin is told, and the bot lifts the 3 s mute', async ({ expect }) => {
      const flo = who['flo']!;
      await introduce('flo');
      for (let i = 1; i <= 5; i++) main.post(ROOM, flo, `flood ${i}`);
      // Posted as soon as the restriction is there, well inside its 3 s.
      const restrict = await eventually('the restriction', () => main.calls('restrictChatMember').find((r) => r.params['user_id'] === flo.id));
      expect(main.post(ROOM, flo, 'can anyone hear me?')).toBeUndefined();
      // 3 s is under Telegram's 30 s minimum (shorter is forever): no until_date, the bot lifts it.
      expect(restrict.params).not.toHaveProperty('until_date');
      expect(restrict.params['permissions']).toMatchObject({ can_send_messages: false });
      const outcome = await pbot.waitOutcome('the mute', (o) => o.type === 'member.mute' && o.member === '205');
      expect(outcome.status).toBe('done');
      await eventually('the admin told', () => main.inbox(201).find((t) => t === '[room] flo was muted for flooding'));

      await pbot.waitOutcome('the unmute', (o) => o.type === 'undo.unmute' && o.member === '205' && o.status === 'done', DEADLINE_WAIT_MS);
      const lifts = main.calls('restrictChatMember').filter((r) => r.params['user_id'] === flo.id);
      expect(lifts).toHaveLength(2);
      expect(lifts[1]!.params['permissions']).toMatchObject({ can_send_messages: true, can_send_other_messages: true });
      expect(main.post(ROOM, flo, 'back again')).toBeDefined();
    });

    it('restart: a bot killed with SIGKILL and started again on its database still removes the newcomer at the deadline, and repeats nothing', async ({
      expect,
    }) => {
      const nova = who['nova']!;
      const rbot = bots.find((b) => b.label === 'rbot')!;
      second.join(RESTART, nova);
      await rbot.waitOutcome('the welcome as done', (o) => o.type === 'message.send' && o.status === 'done');
      // An ad: deleted, and the first warning of the ladder. Handled again, it would be the second (removal for ads).
      const ad = second.post(RESTART, nova, 'buy now')!;
      await rbot.waitOutcome('the ad deleted', (o) => o.type === 'message.delete' && o.status === 'done');
      await eventually('the warning', () => second.inbox(nova.id).find((t) => t === 'First warning: no ads here'));
      await rbot.waitOutcome('the warning as done', (o) => o.type === 'message.send' && o.status === 'done' && o.seq !== rbot.outcomes[0]!.seq);
      await rbot.kill();
      const before = rbot.outcomes.map((o) => o.seq);
      // Posted while the bot is down: Telegram keeps it for the next getUpdates.
      second.post(RESTART, nova, 'anyone here?');
      // And every update already handled comes again, as after a kill before the offset was confirmed.
      second.redeliver();
      const since = second.requests.length;

      const again = await startBot('rbot', rbotArgs);
      expect(again.ready).toBe('ready: telegram -1001000000200 as playbook');
      const removed = await again.waitOutcome('the removal of nova', (o) => o.type === 'member.remove' && o.member === '206', DEADLINE_WAIT_MS);
      expect(removed.status).toBe('done');
      expect(second.chat(RESTART).member(nova).status).toBe('left');
      expect(second.inbox(nova.id)).toEqual([welcomeText('nova'), 'First warning: no ads here']);
      expect(second.calls('sendMessage').filter((r) => r.answer.ok)).toHaveLength(2);
      expect(second.calls('deleteMessage').map((r) => r.params)).toEqual([{ chat_id: RESTART, message_id: ad.message_id }]);
      expect(second.calls('banChatMember')).toHaveLength(1);
      expect(again.outcomes.filter((o) => before.includes(o.seq))).toEqual([]);
      expect(again.outcomes.map((o) => o.type)).toEqual(['member.remove']);
      // The restarted bot did get the join again, from offset 0.
      const polls = second.requests.slice(since).filter((r) => r.method === 'getUpdates');
      expect(polls.some((r) => r.params['offset'] === 0 && JSON.stringify(r.answer).includes('"chat_member"'))).toBe(true);
      expect(again.stderr()).not.toContain('committed but not done');
    });
  });

  it('a 429 answer is obeyed: grammY waits retry_after and sends the same call again, once', async () => {
    const rita = who['rita']!;
    const from = main.requests.length;
    main.rateLimit('sendMessage', 1);
    main.join(ROOM, rita);
    await pbot.waitOutcome('the welcome', (o) => o.type === 'message.send' && o.member === '207' && o.status === 'done');
    const sends = main.requests.slice(from).filter((r) => r.method === 'sendMessage');
    expect(sends.map((r) => [r.params, r.answer.ok ? 200 : r.answer.error_code])).toEqual([
      [{ chat_id: rita.id, text: welcomeText('rita') }, 429],
      [{ chat_id: rita.id, text: welcomeText('rita') }, 200],
    ]);
    expect(main.inbox(rita.id)).toEqual([welcomeText('rita')]);
  });

  it('a long poll cut off is resumed from the same offset, and what happened meanwhile is handled', async () => {
    const pete = who['pete']!;
    await introduce('pete');
    const cut = await eventually('a long poll open to cut', () => main.dropPolls());
    const ad = main.post(ROOM, pete, 'buy now, cheap')!;
    await eventually('the ad deleted after the poll came back', () => main.chat(ROOM).messages.get(ad.message_id)!.deleted || undefined);
    const polls = main.calls('getUpdates');
    const next = polls[polls.indexOf(cut) + 1]!;
    expect(next.params['offset']).toBe(cut.params['offset']);
    expect(cut.answer).toMatchObject({ ok: false, error_code: 599 });
    expect(pbot.stderr()).toMatch(/long poll dropped: .*polling again in 500 ms/);
    expect(pbot.stderr()).toContain(`long poll resumed at offset ${String(cut.params['offset'])}`);
  });

  it('SIGTERM: the bot confirms what it handled (a last getUpdates past it) and exits 0', async () => {
    const polls = () => main.calls('getUpdates');
    const last = polls().at(-1)!;
    await pbot.stop();
    expect(await pbot.ended()).toBe('exited (code 0)');
    const confirm = polls().at(-1)!;
    expect(confirm).not.toBe(last);
    expect(confirm.params).toEqual({ offset: last.params['offset'], limit: 1, timeout: 0 });
  });

  it('prints nothing on stdout but the ready line and JSON outcome lines, and never the token', () => {
    for (const bot of bots) {
      expect(bot.strayLines, `${bot.label} stdout`).toEqual([]);
      expect(bot.stderr()).not.toContain(TOKEN);
    }
  });
});

describe('playbook bot --telegram refused', () => {
  it('without TELEGRAM_BOT_TOKEN: a usage error naming the variable', async () => {
    const bot = new BotProcess('notoken', ['--telegram', '--room=-100123', '--db', ':memory:'], { TELEGRAM_BOT_TOKEN: undefined });
    await bot.ended();
    expect(bot.child.exitCode).toBe(2);
    expect(bot.stderr()).toContain('TELEGRAM_BOT_TOKEN');
  });

  it('with a token the Bot API refuses: exit 3 with 401, and the token is not in the log', async () => {
    const api = new TelegramStandin();
    await api.start();
    try {
      const wrong = '7000001:wrong-token-value';
      const bot = new BotProcess('badtoken', ['--telegram', '--api-root', api.url, '--room=-100123', '--db', ':memory:'], { TELEGRAM_BOT_TOKEN: wrong });
      await bot.ended();
      expect(bot.child.exitCode).toBe(3);
      expect(bot.stderr()).toContain('getMe: 401 Unauthorized');
      expect(bot.stderr()).not.toContain(wrong);
      expect(api.requests.map((r) => [r.method, r.answer.ok ? 200 : r.answer.error_code])).toEqual([['getMe', 401]]);
    } finally {
      await api.stop();
    }
  });
});
