/**
 * The Discord adapter (discord.js v14) against the local stand-in (servers/discord-standin.ts):
 * events from the gateway, every action of docs/embedding.md and the section-4b additions by
 * calling perform() directly (the language does not emit role, ban, pin or reply actions yet),
 * 429 answers waited out, a dropped gateway connection resumed, and the refusals (bad token,
 * privileged intents not enabled) reported in an operator's words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionOutcome, ChatEvent } from '../../src/bots/adapter.js';
import { DiscordAdapter } from '../../src/bots/discord.js';
import type { OutputAction } from '../../src/runtime/runtime.js';
import { eventually } from './servers/common.js';
import { DiscordStandIn } from './servers/discord-standin.js';

const TOKEN = 'stand-in-token.adapter';
const at = () => new Date().toISOString();
const act = (type: string, fields: Record<string, unknown>): OutputAction =>
  ({ at: at(), type, community: 'club', cause: 't', source: 'test', ...fields }) as OutputAction;

describe('the Discord adapter against the stand-in', () => {
  let server: DiscordStandIn;
  let adapter: DiscordAdapter;
  const events: ChatEvent[] = [];
  const logs: string[] = [];
  let general: string;

  beforeAll(async () => {
    server = new DiscordStandIn({ token: TOKEN, channels: ['general', 'other'], roles: ['Admin', 'helper'], heartbeatIntervalMs: 500 });
    await server.start();
    general = server.state.channelByName('general').id;
    adapter = new DiscordAdapter({ token: TOKEN, api: server.api, rooms: [{ room: general, community: 'club' }], admins: [], removeMode: 'kick' });
    await adapter.start({ event: (e) => events.push(e), log: (l) => logs.push(l), fatal: (r) => logs.push(`FATAL ${r}`) });
  });

  afterAll(async () => {
    await adapter?.stop();
    await server?.stop();
  });

  const waitEvent = (what: string, match: (e: ChatEvent) => boolean) => eventually(what, () => events.find(match));

  it('identifies with the documented intents and gets READY and GUILD_CREATE', () => {
    const identify = server.frames.find((f) => f.dir === 'in' && f.op === 2);
    const d = identify!.d as { intents: number; token: string };
    // Guilds | GuildMembers | GuildMessages | GuildMessageReactions | MessageContent
    expect(d.intents).toBe(1 | 2 | 512 | 1024 | 32768);
    expect(
      server.frames
        .filter((f) => f.dir === 'out' && f.op === 0)
        .map((f) => f.t)
        .slice(0, 2),
    ).toEqual(['READY', 'GUILD_CREATE']);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /gateway/bot');
    expect(logs.join('\n')).toContain(`watching #general (${general})`);
    expect(logs.join('\n')).not.toContain('lacks');
  });

  it('turns joins, messages with mentions, edits, reactions, role changes and leaves into events', async () => {
    const ann = server.user('ann');
    const bob = server.user('bob');
    server.join(ann, ['helper']);
    const joined = await waitEvent('the join', (e) => e.type === 'member.joined' && e.member === ann);
    expect(joined).toMatchObject({ community: 'club', name: 'ann', roles: ['helper'] });
    server.join(bob);
    const posted = server.post(ann, 'general', `hello <@${bob}>`, [bob]);
    if ('refused' in posted) throw new Error(posted.refused);
    const msg = await waitEvent('the message', (e) => e.type === 'message.posted' && e.member === ann);
    expect(msg).toMatchObject({ id: `message:${posted.id}`, messageId: posted.id, text: `hello <@${bob}>`, channel: general, mentions: [bob] });
    server.post(ann, 'other', 'elsewhere');
    server.edit(posted.id, 'hello again');
    const edited = await waitEvent('the edit', (e) => e.type === 'message.edited');
    expect(edited).toMatchObject({ messageId: posted.id, text: 'hello again', member: ann });
    server.react(bob, posted.id, '👍');
    const reaction = await waitEvent('the reaction', (e) => e.type === 'reaction.added');
    expect(reaction).toMatchObject({ member: bob, messageId: posted.id, emoji: '👍', author: ann });
    expect(await adapter.perform(act('role.grant', { member: bob, role: 'admin' }))).toMatchObject({ status: 'done' });
    const granted = await waitEvent('the role change', (e) => e.type === 'role.granted' && e.member === bob);
    expect(granted['role']).toBe('admin');
    server.leave(bob);
    await waitEvent('the leave', (e) => e.type === 'member.left' && e.member === bob);
    expect(events.filter((e) => e.type === 'message.posted').map((e) => e['text'])).not.toContain('elsewhere');
    // What the capabilities announce is what came (role.revoked is checked below).
    expect(new Set([...events.map((e) => e.type), 'role.revoked'])).toEqual(new Set(adapter.capabilities.events));
  });

  it('carries out the section-4b actions over REST', async () => {
    const cid = server.user('cid');
    server.join(cid, ['helper']);
    await waitEvent('the join of cid', (e) => e.type === 'member.joined' && e.member === cid);
    const posted = server.post(cid, 'general', 'pin me');
    if ('refused' in posted) throw new Error(posted.refused);
    const since = server.requests.length;
    const outcomes: ActionOutcome[] = [];
    for (const a of [
      act('message.reply', { messageId: posted.id, text: 'noted' }),
      act('message.pin', { messageId: posted.id }),
      act('role.revoke', { member: cid, role: 'Helper' }),
      act('member.unmute', { member: cid }),
      act('message.send', { text: 'to you all', mentions: [cid] }),
      act('message.send', { text: 'psst', to: cid }),
    ])
      outcomes.push(await adapter.perform(a));
    expect(outcomes.map((o) => ('reason' in o ? o.reason : o.status))).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
    const calls = server.requests.slice(since).map((r) => `${r.method} ${r.path.replace(/\d{6,}/g, ':id')} ${r.status}`);
    expect(calls).toEqual([
      'POST /channels/:id/messages 200',
      'PUT /channels/:id/messages/pins/:id 204',
      'DELETE /guilds/:id/members/:id/roles/:id 204',
      'PATCH /guilds/:id/members/:id 200',
      'POST /channels/:id/messages 200',
      'POST /users/@me/channels 200',
      'POST /channels/:id/messages 200',
    ]);
    const reply = server.requests[since]!.body;
    expect(reply['message_reference']).toMatchObject({ message_id: posted.id });
    expect(server.state.pins.has(posted.id)).toBe(true);
    expect(server.requests[since + 3]!.body).toMatchObject({ communication_disabled_until: null });
    expect(server.requests[since + 4]!.body).toMatchObject({ content: `<@${cid}> to you all`, allowed_mentions: { users: [cid] } });
    expect(server.dms(cid)).toEqual(['psst']);
    expect(server.state.members.get(cid)!.roles).toEqual([]);
    await waitEvent('the role revoked', (e) => e.type === 'role.revoked' && e.member === cid && e['role'] === 'helper');
  });

  it('bans with the delete-message window and lifts a timed ban by an undo record', async () => {
    const dan = server.user('dan');
    server.join(dan);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const out = await adapter.perform(act('member.ban', { member: dan, reason: 'spam', until }));
    expect(out).toMatchObject({ status: 'done', undoAt: Date.parse(until), undo: { kind: 'unban', member: dan, community: 'club' } });
    const ban = server.requests.at(-1)!;
    expect(ban).toMatchObject({ method: 'PUT', body: { delete_message_seconds: 0 }, reason: 'spam', status: 204 });
    expect(server.state.bans.has(dan)).toBe(true);
    if (out.status !== 'done' || !out.undo) throw new Error('no undo record');
    expect(await adapter.undo(out.undo)).toEqual({ status: 'done' });
    expect(server.state.bans.has(dan)).toBe(false);
    expect(await adapter.undo({ kind: 'unban', community: 'club', member: dan })).toMatchObject({ status: 'skipped', reason: /not banned/ });
  });

  it('clamps a mute longer than 28 days and asks to renew it; a short one Discord ends itself', async () => {
    const eve = server.user('eve');
    server.join(eve);
    const long = new Date(Date.now() + 40 * 86_400_000).toISOString();
    const out = await adapter.perform(act('member.mute', { member: eve, duration: 'P40D', until: long }));
    expect(out.status).toBe('done');
    const applied = Date.parse(server.state.members.get(eve)!.timeoutUntil!);
    expect(applied - Date.now()).toBeLessThanOrEqual(28 * 86_400_000);
    expect(applied - Date.now()).toBeGreaterThan(27 * 86_400_000);
    expect(out).toMatchObject({ undo: { kind: 'timeout-renew', member: eve, until: long } });
    const short = new Date(Date.now() + 60_000).toISOString();
    const plain = await adapter.perform(act('member.mute', { member: eve, duration: 'PT1M', until: short }));
    expect(plain).not.toHaveProperty('undo');
    expect(server.state.members.get(eve)!.timeoutUntil).toBe(short);
  });

  it('reports what is gone as skipped and what Discord refuses as failed', async () => {
    const ghost = server.user('ghost');
    expect(await adapter.perform(act('member.remove', { member: ghost, reason: 'x' }))).toMatchObject({ status: 'skipped', reason: /not in the server/ });
    expect(await adapter.perform(act('message.delete', { messageId: '1234567890123' }))).toMatchObject({ status: 'skipped', reason: /message is gone/ });
    expect(await adapter.perform(act('role.grant', { member: ghost, role: 'nope' }))).toMatchObject({ status: 'failed', reason: /no role named "nope"/ });
    expect(await adapter.perform(act('join.approve', { member: ghost }))).toMatchObject({ status: 'unsupported' });
    expect(await adapter.perform(act('admin.notify', { text: 'hi' }))).toMatchObject({ status: 'unsupported' });
    server.state.dmClosed.add(ghost);
    expect(await adapter.perform(act('message.send', { text: 'hi', to: ghost }))).toMatchObject({ status: 'failed', reason: /50007/ });
  });

  it('waits out a 429 with retry_after and then succeeds', async () => {
    server.rateLimitNext(/^POST \/channels\/\d+\/messages$/, 1);
    const since = server.requests.length;
    const out = await adapter.perform(act('message.send', { text: 'after the limit' }));
    expect(out.status).toBe('done');
    const tries = server.requests.slice(since).filter((r) => r.method === 'POST');
    expect(tries.map((r) => r.status)).toEqual([429, 200]);
    expect(tries[1]!.at - tries[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('resumes a dropped gateway connection and gets the events it missed', async () => {
    const identifies = server.frames.filter((f) => f.dir === 'in' && f.op === 2).length;
    server.dropConnections();
    const fay = server.user('fay');
    server.join(fay);
    server.post(fay, 'general', 'said while you were away');
    await waitEvent('the missed message', (e) => e.type === 'message.posted' && e.text === 'said while you were away');
    const resume = server.frames.find((f) => f.dir === 'in' && f.op === 6);
    expect(resume?.d).toMatchObject({ session_id: expect.any(String), seq: expect.any(Number) });
    expect(server.frames.filter((f) => f.dir === 'in' && f.op === 2)).toHaveLength(identifies);
    await eventually('RESUMED', () => server.frames.find((f) => f.dir === 'out' && f.t === 'RESUMED'));
    // The join was replayed before RESUMED, while discord.js's shard was not Ready.
    await waitEvent('the missed join', (e) => e.member === fay && e.type === 'member.joined');
    expect(events.filter((e) => e.member === fay && e.type === 'member.joined')).toHaveLength(1);
  });
});
