/**
 * The Telegram adapter in this process against the Bot API stand-in (servers/telegram-standin.ts):
 * grammY's real client, real HTTP on 127.0.0.1. Events from what members do, and every action of
 * DESIGN.md sections 4 and 4b called through perform() directly (the language does not emit the
 * wave-2 actions yet), checked by what the stand-in recorded and what became of the group.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, UndoRecord } from '../../src/bots/adapter.js';
import { TelegramAdapter } from '../../src/bots/telegram.js';
import { eventually } from './servers/common.js';
import { TelegramStandin, TOKEN } from './servers/telegram-standin.js';
import { BOT } from './servers/telegram-world.js';

const CHAT = -1001000000001;
const action = (type: string, fields: Record<string, unknown> = {}) => ({ at: new Date().toISOString(), type, community: 'club', ...fields });

describe('Telegram adapter against the Bot API stand-in', () => {
  const api = new TelegramStandin();
  const events: ChatEvent[] = [];
  const logs: string[] = [];
  let adapter: TelegramAdapter;
  const users = {
    ann: api.addUser(101, 'Ann', 'ann_t', true),
    bob: api.addUser(102, 'Bob', 'bob_t'),
    cy: api.addUser(103, 'Cy'),
    dee: api.addUser(104, 'Dee', 'dee_t', true),
  };
  const seen = (what: string, match: (e: ChatEvent) => boolean) => eventually(what, () => events.find(match));

  beforeAll(async () => {
    await api.start();
    api.addChat(CHAT, 'Club');
    adapter = new TelegramAdapter({
      token: TOKEN,
      apiRoot: api.url,
      rooms: [{ room: String(CHAT), community: 'club' }],
      admins: ['101', '102'],
      removeMode: 'kick',
      pollTimeoutSeconds: 5,
    });
    await adapter.start({ event: (e) => events.push(e), log: (l) => logs.push(l), fatal: (r) => logs.push(`FATAL ${r}`) });
  });
  afterAll(async () => {
    await adapter?.stop();
    await api.stop();
  });

  it('asks for the update kinds Telegram leaves out by default, checks the chat and its own rights', async () => {
    await eventually('a long poll', () => api.calls('getUpdates')[0]);
    expect(api.calls('getUpdates')[0]!.params['allowed_updates']).toEqual([
      'message',
      'edited_message',
      'chat_member',
      'message_reaction',
      'chat_join_request',
    ]);
    expect(api.requests.slice(0, 4).map((r) => r.method)).toEqual(['getMe', 'getChat', 'getChatMember', 'deleteWebhook']);
    expect(api.calls('getChatMember')[0]!.params).toEqual({ chat_id: CHAT, user_id: BOT.id });
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('joins, messages with mentions, edits, reactions with the author, join requests and leaves become events', async () => {
    api.join(CHAT, users.ann);
    const joined = await seen('ann joined', (e) => e.type === 'member.joined' && e.member === '101');
    expect(joined).toMatchObject({ community: 'club', name: 'Ann' });
    api.join(CHAT, users.bob);
    await seen('bob joined', (e) => e.type === 'member.joined' && e.member === '102');
    const m = api.post(CHAT, users.bob, 'hello @ann_t and @nobody_here')!;
    const posted = await seen('bob posted', (e) => e.type === 'message.posted');
    expect(posted).toMatchObject({
      id: `tg:${CHAT}:${m.message_id}`,
      member: '102',
      messageId: String(m.message_id),
      text: 'hello @ann_t and @nobody_here',
      mentions: ['101'],
    });
    api.edit(CHAT, m.message_id, 'hello again');
    expect(await seen('the edit', (e) => e.type === 'message.edited')).toMatchObject({ member: '102', messageId: String(m.message_id), text: 'hello again' });
    api.react(CHAT, users.ann, m.message_id, '👍');
    expect(await seen('the reaction', (e) => e.type === 'reaction.added')).toMatchObject({
      member: '101',
      messageId: String(m.message_id),
      emoji: '👍',
      author: '102',
    });
    api.requestJoin(CHAT, users.cy);
    expect(await seen('the join request', (e) => e.type === 'member.join_requested')).toMatchObject({ member: '103', name: 'Cy' });
    api.leave(CHAT, users.bob);
    await seen('bob left', (e) => e.type === 'member.left' && e.member === '102');
    // The service messages (new_chat_members) are not second joins.
    expect(events.filter((e) => e.type === 'member.joined')).toHaveLength(2);
  });

  it('send, reply, pin and delete are the Bot API calls, and a deleted message is gone', async () => {
    const m = api.post(CHAT, users.ann, 'pin me')!;
    expect(await adapter.perform(action('message.send', { text: 'hi all' }))).toMatchObject({ status: 'done' });
    expect(api.calls('sendMessage').at(-1)!.params).toEqual({ chat_id: CHAT, text: 'hi all' });
    // mentions (section 4b): names the bot has seen, linked to the members; an unseen one by id.
    expect(await adapter.perform(action('message.send', { text: 'Winners:', mentions: ['101', '999'] }))).toMatchObject({ status: 'done' });
    expect(api.calls('sendMessage').at(-1)!.params).toEqual({
      chat_id: CHAT,
      text: 'Winners: Ann 999',
      entities: [
        { type: 'text_link', offset: 9, length: 3, url: 'tg://user?id=101' },
        { type: 'text_link', offset: 13, length: 3, url: 'tg://user?id=999' },
      ],
    });
    expect(await adapter.perform(action('message.reply', { messageId: String(m.message_id), text: 'noted' }))).toMatchObject({ status: 'done' });
    expect(api.calls('sendMessage').at(-1)!.params).toEqual({ chat_id: CHAT, text: 'noted', reply_parameters: { message_id: m.message_id } });
    expect(await adapter.perform(action('message.pin', { messageId: String(m.message_id) }))).toEqual({ status: 'done' });
    expect(api.chat(CHAT).pinned).toBe(m.message_id);
    expect(await adapter.perform(action('message.delete', { messageId: String(m.message_id) }))).toEqual({ status: 'done' });
    expect(api.chat(CHAT).messages.get(m.message_id)!.deleted).toBe(true);
    // Already gone: Telegram says so and nothing is left to do.
    expect(await adapter.perform(action('message.delete', { messageId: String(m.message_id) }))).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/message to delete not found/),
    });
  });

  it('a private message reaches a member who started the bot; one who never did is a failed outcome saying why', async () => {
    expect(await adapter.perform(action('message.send', { to: '101', text: 'psst' }))).toMatchObject({ status: 'done' });
    expect(api.inbox(101)).toContain('psst');
    const refused = await adapter.perform(action('message.send', { to: '102', text: 'psst' }));
    expect(refused).toMatchObject({ status: 'failed', reason: expect.stringMatching(/can't initiate conversation.*started a chat with it/) });
    // admin.notify reaches the admin who started the bot and reports the one who did not.
    const notified = await adapter.perform(action('admin.notify', { text: 'look' }));
    expect(notified).toMatchObject({ status: 'done', detail: expect.stringMatching(/^not reached: 102/) });
    expect(api.inbox(101)).toContain('[club] look');
  });

  it('a short mute is forever on Telegram unless lifted, so the bot lifts it; a long one carries until_date', async () => {
    api.join(CHAT, users.dee);
    const short = await adapter.perform(action('member.mute', { member: '104', until: new Date(Date.now() + 5000).toISOString() }));
    expect(short).toMatchObject({ status: 'done', undo: { kind: 'unmute', community: 'club', member: '104' } });
    expect(api.calls('restrictChatMember').at(-1)!.params).not.toHaveProperty('until_date');
    expect(api.chat(CHAT).canPost(users.dee)).toBe(false);
    expect(await adapter.undo((short as { undo: UndoRecord }).undo)).toEqual({ status: 'done' });
    expect(api.chat(CHAT).canPost(users.dee)).toBe(true);

    const until = Date.now() + 3600_000;
    const long = await adapter.perform(action('member.mute', { member: '104', until: new Date(until).toISOString() }));
    expect(long).toMatchObject({ status: 'done' });
    expect(long).not.toHaveProperty('undo');
    expect(api.calls('restrictChatMember').at(-1)!.params).toMatchObject({
      user_id: 104,
      until_date: Math.ceil(until / 1000),
      permissions: { can_send_messages: false },
    });
    expect(await adapter.perform(action('member.unmute', { member: '104' }))).toEqual({ status: 'done' });
    expect(api.chat(CHAT).member(users.dee).status).toBe('member');
  });

  it('kick, ban with until_date, join approve and decline, role grant and revoke', async () => {
    expect(await adapter.perform(action('member.remove', { member: '104', reason: 'x' }))).toMatchObject({ status: 'done' });
    const calls = api.requests.filter((r) => r.method !== 'getUpdates');
    expect(calls.slice(-2).map((r) => [r.method, r.params])).toEqual([
      ['banChatMember', { chat_id: CHAT, user_id: 104 }],
      ['unbanChatMember', { chat_id: CHAT, user_id: 104, only_if_banned: true }],
    ]);
    // Kicked, not banned: they may come back.
    expect(api.join(CHAT, users.dee)).toBe(true);
    const until = Date.now() + 86_400_000;
    expect(await adapter.perform(action('member.ban', { member: '104', reason: 'x', until: new Date(until).toISOString() }))).toMatchObject({ status: 'done' });
    expect(api.calls('banChatMember').at(-1)!.params).toEqual({ chat_id: CHAT, user_id: 104, until_date: Math.ceil(until / 1000) });
    expect(api.join(CHAT, users.dee)).toBe(false);

    expect(await adapter.perform(action('join.approve', { member: '103' }))).toEqual({ status: 'done' });
    expect(api.chat(CHAT).member(users.cy).status).toBe('member');
    expect(await adapter.perform(action('join.reject', { member: '103' }))).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/HIDE_REQUESTER_MISSING/),
    });

    expect(await adapter.perform(action('role.grant', { member: '103', role: 'admin' }))).toMatchObject({ status: 'done' });
    expect(api.chat(CHAT).member(users.cy)).toMatchObject({ status: 'administrator', can_delete_messages: true, can_promote_members: false });
    await seen('cy becoming admin', (e) => e.type === 'role.granted' && e.member === '103' && e['role'] === 'admin');
    expect(await adapter.perform(action('role.revoke', { member: '103', role: 'admin' }))).toMatchObject({ status: 'done' });
    expect(api.chat(CHAT).member(users.cy).status).toBe('member');
    expect(await adapter.perform(action('role.grant', { member: '103', role: 'vip' }))).toMatchObject({
      status: 'unsupported',
      reason: expect.stringMatching(/role vip has no Telegram meaning/),
    });
    expect(await adapter.perform(action('webhook.call', {}))).toMatchObject({ status: 'unsupported' });
    await seen('cy no longer admin', (e) => e.type === 'role.revoked' && e.member === '103');
    // What the adapter says it produces (the bot warns at start about the rest) is what it produced here.
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(adapter.capabilities.events));
  });
});

describe('the Bot API stand-in refuses what the documentation does not allow', () => {
  const api = new TelegramStandin();
  beforeAll(async () => {
    await api.start();
    api.addChat(CHAT, 'Club');
  });
  afterAll(() => api.stop());
  const call = async (path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as { ok: boolean; error_code?: number; description?: string } };
  };

  it('a wrong token is 401, an unknown method 404, a missing or mistyped parameter 400', async () => {
    expect(await call('/bot1:nope/getMe')).toEqual({ status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect((await call(`/bot${TOKEN}/kickMemberNow`, { chat_id: CHAT })).json).toMatchObject({ ok: false, error_code: 404 });
    expect((await call(`/bot${TOKEN}/sendMessage`, { chat_id: CHAT })).json).toMatchObject({
      error_code: 400,
      description: 'Bad Request: message text is empty',
    });
    expect((await call(`/bot${TOKEN}/restrictChatMember`, { chat_id: CHAT, user_id: 1 })).json).toMatchObject({
      error_code: 400,
      description: 'Bad Request: parameter "permissions" is required',
    });
    expect((await call(`/bot${TOKEN}/deleteMessage`, { chat_id: CHAT, message_id: '7' })).json).toMatchObject({ error_code: 400 });
    expect((await call(`/bot${TOKEN}/sendMessage`, { chat_id: -42, text: 'x' })).json).toMatchObject({ description: 'Bad Request: chat not found' });
    // Method names are case-insensitive, as the Bot API's are.
    expect((await call(`/bot${TOKEN}/getme`)).json).toMatchObject({ ok: true });
  });

  it('a second long poll on the same token ends the first with 409, as Telegram does', async () => {
    const first = call(`/bot${TOKEN}/getUpdates`, { timeout: 5 });
    await eventually('the first poll', () => api.calls('getUpdates')[0]);
    const second = call(`/bot${TOKEN}/getUpdates`, { timeout: 0 });
    expect((await first).status).toBe(409);
    expect((await second).json).toEqual({ ok: true, result: [] });
  });
});
