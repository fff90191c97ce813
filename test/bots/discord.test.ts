/**
 * The Discord side of `playbook bot` without a server: its settings (the token only from
 * DISCORD_BOT_TOKEN), the 28-day timeout limit renewed on a fake clock, and the bot running an
 * undo that hands back the next one. The adapter against a gateway is test/e2e/discord-*.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import type { ActionOutcome, AdapterEvents, Capabilities, ChatAdapter, UndoRecord } from '../../src/bots/adapter.js';
import { Bot } from '../../src/bots/bot.js';
import { ConfigError, resolveBotConfig } from '../../src/bots/config.js';
import { DiscordActions, MAX_TIMEOUT_MS } from '../../src/bots/discord-actions.js';
import { DiscordAdapter } from '../../src/bots/discord.js';
import type { OutputAction } from '../../src/runtime/runtime.js';
import { DurableRuntime } from '../../src/store/durable.js';
import { MemoryDurableStore } from '../../src/store/memory.js';
import { FakeHost } from '../helpers/fake-timer-host.js';

const T0 = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const ENV = { DISCORD_BOT_TOKEN: 'secret.token' };

describe('Discord settings', () => {
  it('takes channel ids as rooms, user ids as admins, and the token from DISCORD_BOT_TOKEN', () => {
    const c = resolveBotConfig({ discord: true, room: ['123456789012345678=club'], admin: ['42'], 'discord-api': 'http://127.0.0.1:9/api' }, ENV);
    expect(c).toEqual({
      platform: 'discord',
      token: 'secret.token',
      api: 'http://127.0.0.1:9/api',
      rooms: [{ room: '123456789012345678', community: 'club' }],
      admins: ['42'],
      nick: 'playbook',
      removeMode: 'kick',
      db: 'playbook-bot.db',
    });
  });

  it('reads a config file with "discord" (the delete window), and refuses a token in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-discordcfg-'));
    const ok = join(dir, 'ok.json');
    writeFileSync(ok, JSON.stringify({ discord: { banDeleteMessageSeconds: 86400 }, rooms: ['1'], remove: 'ban' }));
    expect(resolveBotConfig({ config: ok }, ENV)).toMatchObject({ platform: 'discord', banDeleteMessageSeconds: 86400, removeMode: 'ban' });
    const leaky = join(dir, 'leaky.json');
    writeFileSync(leaky, JSON.stringify({ discord: { token: 'x' }, rooms: ['1'] }));
    expect(() => resolveBotConfig({ config: leaky }, ENV)).toThrow(/discord: Unrecognized key/);
    const wide = join(dir, 'wide.json');
    writeFileSync(wide, JSON.stringify({ discord: { banDeleteMessageSeconds: 604801 }, rooms: ['1'] }));
    expect(() => resolveBotConfig({ config: wide }, ENV)).toThrow(/banDeleteMessageSeconds/);
  });

  it('refuses a missing token, a token as --password, names for ids, and two platforms', () => {
    const refuse = (flags: Parameters<typeof resolveBotConfig>[0], env: Record<string, string> = ENV) => {
      try {
        resolveBotConfig(flags, env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refuse({ discord: true, room: ['1'] }, {})).toMatch(/DISCORD_BOT_TOKEN environment variable/);
    expect(refuse({ discord: true, room: ['1'], password: 'tok' })).toMatch(/--password is not used with --discord/);
    expect(refuse({ discord: true, room: ['#general'] })).toMatch(/room #general: a Discord channel is its id/);
    expect(refuse({ discord: true, room: ['1'], admin: ['boss'] })).toMatch(/admin boss: a Discord admin is a user id/);
    expect(refuse({ discord: true, irc: 'irc://x', room: ['1'] })).toMatch(/one platform per bot/);
    expect(refuse({ discord: true, room: ['1'], 'discord-api': 'ftp://x' })).toMatch(/--discord-api ftp:\/\/x/);
  });

  it('says what the adapter can do', () => {
    const a = new DiscordAdapter({ token: 't', rooms: [{ room: '1', community: 'c' }], admins: [], removeMode: 'kick' });
    expect(a.capabilities).toMatchObject({ messageIds: 'server', deleteMessage: true, muteEnds: 'server', muteSurvivesRejoin: true, adminNotify: false });
    expect(
      () => new DiscordAdapter({ token: 't', rooms: [{ room: '1', community: 'c' }], admins: [], removeMode: 'kick', banDeleteMessageSeconds: -1 }),
    ).toThrow(/0 to 604800/);
  });
});

/** DiscordActions over a fake discord.js client whose guild records member edits. */
function fakeDiscord(clock: { now: number }) {
  const edits: { member: string; until: string | null; at: number }[] = [];
  const guild = {
    name: 'g',
    members: {
      edit: async (member: string, o: { communicationDisabledUntil: string | null }) => {
        if (o.communicationDisabledUntil !== null && Date.parse(o.communicationDisabledUntil) - clock.now > MAX_TIMEOUT_MS) throw new Error('over 28 days');
        edits.push({ member, until: o.communicationDisabledUntil, at: clock.now });
      },
    },
  };
  const channel = { guild, isTextBased: () => true, isDMBased: () => false };
  const client = { channels: { cache: new Map([['1', channel]]) } } as unknown as Client;
  const actions = new DiscordActions(client, { rooms: [{ room: '1', community: 'c' }], admins: [], removeMode: 'kick' }, () => clock.now);
  return { actions, edits };
}

describe('a Discord mute longer than 28 days', () => {
  it('is a 28-day timeout renewed before it ends, until the mute ends, never over the limit', async () => {
    const clock = { now: T0 };
    const { actions, edits } = fakeDiscord(clock);
    const until = new Date(T0 + 60 * DAY).toISOString();
    let out: ActionOutcome = await actions.perform({ at: '', type: 'member.mute', community: 'c', member: 'm', until, duration: 'P60D' } as OutputAction);
    const renewals: number[] = [];
    while (out.status === 'done' && out.undo && out.undoAt !== undefined) {
      renewals.push(out.undoAt);
      // The renewal comes before the running timeout ends: no moment unmuted.
      expect(out.undoAt).toBeLessThan(Date.parse(edits.at(-1)!.until!));
      clock.now = out.undoAt;
      out = await actions.undo(out.undo);
    }
    expect(out).toMatchObject({ status: 'done' });
    expect(renewals).toHaveLength(2);
    expect(edits.map((e) => e.until).at(-1)).toBe(until);
    for (const e of edits) expect(Date.parse(e.until!) - e.at).toBeLessThanOrEqual(MAX_TIMEOUT_MS);
  });

  it('that has already ended is skipped', async () => {
    const clock = { now: T0 };
    const { actions } = fakeDiscord(clock);
    expect(await actions.undo({ kind: 'timeout-renew', community: 'c', member: 'm', until: new Date(T0 - 1).toISOString() })).toMatchObject({
      status: 'skipped',
    });
  });
});

describe('the bot with an undo that hands back the next one', () => {
  it('runs each at its time, also after a restart on the same store', async () => {
    const FILE = 'test/fixtures/bots/room.playbook';
    const ir = compile('playbook "p" {\n  timezone "UTC"\n}\n', { file: FILE }).ir!;
    const host = new FakeHost(T0);
    const undone: number[] = [];
    const caps: Capabilities = {
      messageIds: 'server',
      deleteMessage: true,
      mute: true,
      muteEnds: 'server',
      muteSurvivesRejoin: true,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: false,
    };
    const adapter: ChatAdapter = {
      platform: 'fake',
      capabilities: caps,
      start: async (_e: AdapterEvents) => {},
      perform: async () => ({ status: 'done', undoAt: T0 + 1000, undo: { kind: 'renew', community: 'c', member: 'm', left: 2 } }),
      undo: async (r: UndoRecord) => {
        undone.push(host.now());
        const left = Number(r['left']);
        return left > 0 ? { status: 'done', undoAt: host.now() + 1000, undo: { ...r, left: left - 1 } } : { status: 'done' };
      },
      stop: async () => {},
    };
    const store = new MemoryDurableStore();
    const make = () => new Bot({ durable: new DurableRuntime(ir, store), adapter, playbook: { ir, source: '', file: FILE }, timerHost: host });
    const b = make();
    await b.start();
    const mute = { at: new Date(T0).toISOString(), type: 'member.mute', community: 'c', member: 'm', until: new Date(T0 + DAY).toISOString() };
    await (b as unknown as { deliver(seq: number | undefined, a: OutputAction): Promise<void> }).deliver(undefined, mute as OutputAction);
    host.runTo(T0 + 1000);
    await b.idle();
    expect(undone).toEqual([T0 + 1000]);
    await b.stop();
    // A new bot on the same store knows the renewal that is still to come.
    const again = make();
    await again.start();
    for (let t = T0 + 1500; t <= T0 + 5000; t += 500) {
      host.runTo(t);
      await again.idle();
    }
    expect(undone).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
  });
});
