/**
 * The QQ adapter (src/bots/onebot.ts) in this process against the stand-in OneBot v11
 * implementation (test/e2e/servers/onebot-standin.ts) on 127.0.0.1: what frames become which
 * events, what each action sends, what the stand-in refuses, the access token at the handshake
 * in both directions, and a dropped connection. The CLI end to end is bot-onebot.e2e.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AdapterEvents, ChatEvent } from '../../src/bots/adapter.js';
import { OneBotAdapter, type OneBotAdapterOptions } from '../../src/bots/onebot.js';
import { OneBotLink } from '../../src/bots/onebot-link.js';
import type { ApiParams } from '../../src/bots/onebot-types.js';
import { eventually, freePort } from './servers/common.js';
import { startOneBotStandIn } from './servers/onebot-standin.js';

const BOT = 10_000;
const GROUP = 700_001;
const TOKEN = 'stand-in-token-7f3a';

const action = (type: string, fields: Record<string, unknown>) => ({ at: new Date().toISOString(), type, community: 'club', ...fields });

describe('the QQ adapter against the OneBot v11 stand-in', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  async function setUp(opts: { botRole?: 'owner' | 'admin' | 'member'; adapter?: Partial<OneBotAdapterOptions> } = {}) {
    const standIn = await startOneBotStandIn({
      selfId: BOT,
      accessToken: TOKEN,
      groups: [
        {
          id: GROUP,
          members: [
            { user_id: BOT, nickname: 'bot', role: opts.botRole ?? 'admin' },
            { user_id: 20_001, nickname: 'Boss', role: 'owner' },
            { user_id: 20_002, nickname: 'ann', card: 'Ann (mod)', role: 'admin' },
            { user_id: 20_003, nickname: 'bob' },
          ],
        },
      ],
    });
    cleanup.push(() => standIn.stop());
    const events: ChatEvent[] = [];
    const logs: string[] = [];
    const fatal: string[] = [];
    const handlers: AdapterEvents = { event: (e) => events.push(e), log: (l) => logs.push(l), fatal: (r) => fatal.push(r) };
    const adapter = new OneBotAdapter({
      url: standIn.url,
      mode: 'forward',
      accessToken: TOKEN,
      rooms: [{ room: String(GROUP), community: 'club' }],
      admins: ['20001'],
      removeMode: 'kick',
      ...opts.adapter,
    });
    cleanup.push(() => adapter.stop());
    return { standIn, adapter, events, logs, fatal, handlers };
  }

  it('starts with the member list: owners and admins become role.granted; joins, messages with at segments, leaves and requests become events', async () => {
    const { standIn, adapter, events, logs, handlers } = await setUp();
    await adapter.start(handlers);
    expect(standIn.handshakes).toEqual([{ status: 101, authorization: `Bearer ${TOKEN}` }]);
    expect(standIn.calls.map((c) => c.action)).toEqual(['get_login_info', 'get_group_member_list']);
    expect(events.map((e) => [e.type, e.member, e['role']])).toEqual([
      ['role.granted', '20001', 'owner'],
      ['role.granted', '20001', 'admin'],
      ['role.granted', '20002', 'admin'],
    ]);
    expect(logs.join('\n')).toContain('OneBot v11 cannot pin a message');
    expect(logs.join('\n')).not.toContain(TOKEN);
    events.length = 0;

    standIn.join(GROUP, { user_id: 30_001, nickname: 'nina', card: 'Nina' });
    const id = standIn.post(GROUP, 30_001, [
      { type: 'at', data: { qq: '20003' } },
      { type: 'text', data: { text: ' hi, and ' } },
      { type: 'at', data: { qq: 'all' } },
    ])!;
    // The adapter asks for the newcomer's name before the join is an event: leaving waits for it.
    await eventually('the message', () => events.find((e) => e.type === 'message.posted'));
    standIn.leave(GROUP, 30_001);
    const flag = standIn.requestJoin(GROUP, 30_002, 'I found you on the forum');
    await eventually('four events', () => (events.length >= 4 ? events : undefined));
    expect(events.map((e) => e.type)).toEqual(['member.joined', 'message.posted', 'member.left', 'member.join_requested']);
    expect(events[0]).toMatchObject({ member: '30001', name: 'Nina', community: 'club' });
    expect(events[0]!['roles']).toBeUndefined();
    expect(events[1]).toMatchObject({ id: `${GROUP}/msg/${id}`, messageId: String(id), text: '@20003 hi, and @all', mentions: ['20003'] });
    expect(events[3]).toMatchObject({ member: '30002', answers: 'I found you on the forum', id: `${GROUP}/req/${flag}` });
    expect(standIn.callsOf('get_group_member_info')[0]?.params).toEqual({ group_id: GROUP, user_id: 30_001, no_cache: true });

    // The request is answered with the flag it came with.
    const approved = await adapter.perform({ ...action('join.approve', { member: '30002' }), cause: events[3]!.id });
    expect(approved.status).toBe('done');
    expect(standIn.callsOf('set_group_add_request').map((c) => c.params)).toEqual([{ flag, sub_type: 'add', approve: true }]);
    expect(standIn.groups.get(GROUP)!.members.has(30_002)).toBe(true);
  });

  it('carries out actions as API calls and reports what the implementation refuses', async () => {
    const { standIn, adapter, handlers } = await setUp();
    await adapter.start(handlers);
    const posted = standIn.post(GROUP, 20_003, 'buy now')!;

    expect(await adapter.perform(action('message.send', { text: 'hello', mentions: ['20003'] }))).toMatchObject({ status: 'done' });
    expect(standIn.callsOf('send_group_msg')[0]!.params).toEqual({
      group_id: GROUP,
      message: [
        { type: 'at', data: { qq: '20003' } },
        { type: 'text', data: { text: ' ' } },
        { type: 'text', data: { text: 'hello' } },
      ],
    });
    expect(await adapter.perform(action('message.send', { text: 'psst', to: '20003', member: '20003' }))).toMatchObject({ status: 'done' });
    expect(standIn.sent({ to: 20_003 }).map((m) => m.text)).toEqual(['psst']);
    expect(await adapter.perform(action('message.delete', { messageId: String(posted) }))).toEqual({ status: 'done' });
    expect(standIn.messages.get(posted)!.deleted).toBe(true);
    const until = new Date(Date.now() + 60_000).toISOString();
    expect(await adapter.perform(action('member.mute', { member: '20003', duration: 'PT1M', until }))).toEqual({ status: 'done' });
    const ban = standIn.callsOf('set_group_ban')[0]!.params as ApiParams['set_group_ban'];
    expect(ban.duration).toBeGreaterThanOrEqual(59);
    expect(ban.duration).toBeLessThanOrEqual(60);
    expect(standIn.post(GROUP, 20_003, 'muted?')).toBeUndefined();
    expect(await adapter.perform(action('member.unmute', { member: '20003' }))).toEqual({ status: 'done' });
    expect(standIn.callsOf('set_group_ban')[1]!.params).toEqual({ group_id: GROUP, user_id: 20_003, duration: 0 });
    expect(standIn.post(GROUP, 20_003, 'back')).toBeTypeOf('number');
    expect(await adapter.perform(action('admin.notify', { text: 'look' }))).toEqual({ status: 'done' });
    expect(standIn.sent({ to: 20_001 }).map((m) => m.text)).toEqual(['[club] look']);

    // QQ's rule: an admin cannot remove the owner; the refusal is the outcome, with its words.
    const refused = await adapter.perform(action('member.remove', { member: '20001', reason: 'x' }));
    expect(refused).toEqual({ status: 'failed', reason: 'set_group_kick refused: retcode 100 (no permission to remove this member: FAILED)' });
    expect(await adapter.perform(action('member.remove', { member: '20003', reason: 'x' }))).toEqual({ status: 'done' });
    expect(standIn.callsOf('set_group_kick').at(-1)!.params).toEqual({ group_id: GROUP, user_id: 20_003, reject_add_request: false });
    // Gone now, so a second removal is not even tried.
    await eventually('the kick notice', () => (standIn.calls.length > 0 ? true : undefined));
    expect(await adapter.perform(action('message.pin', { messageId: String(posted) }))).toMatchObject({ status: 'unsupported' });
    expect(await adapter.perform(action('role.grant', { member: '20003', role: 'vip' }))).toMatchObject({ status: 'unsupported' });
    expect(await adapter.perform(action('member.ban', { member: '20003', reason: 'x', duration: 'PT1H' }))).toMatchObject({ status: 'unsupported' });
    expect(await adapter.perform(action('message.delete', { messageId: 'local-1' }))).toMatchObject({ status: 'unsupported' });
  });

  it('the stand-in refuses what the standard does not allow: an unknown action (1404), bad params (1400)', async () => {
    const { standIn } = await setUp();
    const link = new OneBotLink({ mode: 'forward', url: standIn.url, accessToken: TOKEN, log: () => {} });
    cleanup.push(() => link.stop());
    await link.start({ frame: () => {}, up: () => {}, fatal: () => {} });
    const call = link.call.bind(link) as (a: string, p: unknown) => Promise<{ status: string; retcode: number }>;
    expect(await call('set_group_mute', { group_id: GROUP, user_id: 20_003 })).toMatchObject({ status: 'failed', retcode: 1404 });
    expect(await call('set_group_ban', { group_id: String(GROUP), user_id: 20_003, duration: 60 })).toMatchObject({ status: 'failed', retcode: 1400 });
    expect(await call('send_group_msg', { group_id: GROUP, message: [{ type: 'at', data: { qq: 20_003 } }] })).toMatchObject({ retcode: 1400 });
    expect(await call('set_group_add_request', { flag: 'x', approve: true })).toMatchObject({ retcode: 1400 });
    expect(await call('get_login_info', {})).toMatchObject({ status: 'ok', retcode: 0 });
    expect(standIn.calls.map((c) => c.response.retcode)).toEqual([1404, 1400, 1400, 1400, 0]);
  });

  it('refuses a missing (401) or wrong (403) access token at the handshake; the adapter says which, without the token', async () => {
    const { standIn, adapter, handlers } = await setUp({ adapter: { accessToken: undefined } });
    await expect(adapter.start(handlers)).rejects.toThrow(/wants an access token \(HTTP 401\): set ONEBOT_ACCESS_TOKEN/);
    const wrong = new OneBotAdapter({
      url: standIn.url,
      mode: 'forward',
      accessToken: 'not-it',
      rooms: [{ room: String(GROUP), community: 'c' }],
      admins: [],
      removeMode: 'kick',
    });
    cleanup.push(() => wrong.stop());
    const err = await wrong.start(handlers).catch((e: unknown) => e as Error);
    expect(String(err)).toMatch(/refused the access token \(HTTP 403\)/);
    expect(String(err)).not.toContain('not-it');
    expect(standIn.handshakes.map((h) => h.status)).toEqual([401, 403]);
    expect(standIn.calls).toEqual([]);
  });

  it('fails the start when the bot is not in a bound group', async () => {
    const { adapter, handlers } = await setUp({ adapter: { rooms: [{ room: '999', community: 'x' }] } });
    await expect(adapter.start(handlers)).rejects.toThrow(/cannot read the members of group 999/);
  });

  it('a dropped connection is made again: calls go on, and a member who left meanwhile is reported as left', async () => {
    const { standIn, adapter, events, logs, handlers } = await setUp();
    await adapter.start(handlers);
    standIn.drop();
    await eventually('the adapter to notice', () => (logs.some((l) => l.includes('lost')) ? true : undefined));
    standIn.leave(GROUP, 20_003, false);
    await eventually('a second connection', () =>
      standIn.handshakes.length === 2 && standIn.callsOf('get_group_member_list').length === 2 ? true : undefined,
    );
    await eventually('the leave found', () => events.find((e) => e.type === 'member.left' && e.member === '20003'));
    // Owners and admins are not announced again after a reconnection.
    expect(events.filter((e) => e.type === 'role.granted')).toHaveLength(3);
    expect(await adapter.perform(action('message.send', { text: 'still here' }))).toMatchObject({ status: 'done' });
    expect(standIn.callsOf('send_group_msg').at(-1)!.connection).toBe(2);
  });

  it('reverse WebSocket: the adapter listens, refuses a wrong token (403), and works with the right one', async () => {
    const port = await freePort();
    const { standIn, adapter, events, handlers } = await setUp({ adapter: { mode: 'reverse', url: `ws://127.0.0.1:${port}/onebot` } });
    const started = adapter.start(handlers);
    await eventually('the adapter to listen', async () => ((await standIn.connectTo(`ws://127.0.0.1:${port}/onebot`, 'wrong')) === 403 ? true : undefined));
    expect(await standIn.connectTo(`ws://127.0.0.1:${port}/onebot`, null)).toBe(401);
    expect(await standIn.connectTo(`ws://127.0.0.1:${port}/onebot`)).toBe(101);
    await started;
    standIn.post(GROUP, 20_003, 'over the reverse connection');
    await eventually('the message', () => events.find((e) => e.type === 'message.posted'));
    expect(await adapter.perform(action('message.send', { text: 'ok' }))).toMatchObject({ status: 'done' });
  });
});
