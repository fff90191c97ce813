import { describe, expect, it } from 'vitest';
import { XmppAdapter, type XmppAdapterOptions } from '../../src/bots/xmpp.js';
import type { OutputAction } from '../../src/runtime/runtime.js';
import { freePort } from '../e2e/servers/common.js';

const base: XmppAdapterOptions = {
  service: 'xmpp://127.0.0.1:1',
  jid: 'bot@example.org',
  password: 'pw',
  nick: 'bot',
  rooms: [{ room: 'club@conference.example.org', community: 'club' }],
  admins: ['boss@example.org'],
  removeMode: 'kick',
};

const action = (type: string, fields: Record<string, unknown> = {}): OutputAction => ({
  at: '2025-01-01T00:00:00Z',
  type,
  community: 'club',
  cause: 'e1',
  source: 'rule:r',
  ...fields,
});

describe('XMPP adapter without a server', () => {
  it('says what is wrong with its options, all at once', () => {
    expect(
      () =>
        new XmppAdapter({
          ...base,
          jid: 'bot',
          nick: ' ',
          rooms: [
            { room: 'club', community: 'c' },
            { room: 'b@conference.example.org', community: 'c' },
          ],
        }),
    ).toThrow(/bot account "bot" is not a bare JID.*the nick is empty.*room "club" is not a bare JID.*community c is bound to two rooms/);
  });

  it('offers admin.notify only with admins, and says mutes end by the bot and do not survive a rejoin', () => {
    expect(new XmppAdapter(base).capabilities).toEqual({
      messageIds: 'server',
      deleteMessage: true,
      mute: true,
      muteEnds: 'bot',
      muteSurvivesRejoin: false,
      kick: true,
      ban: true,
      privateMessage: true,
      adminNotify: true,
      pin: false,
      joinRequests: false,
      events: ['member.joined', 'member.left', 'message.posted', 'role.granted', 'role.revoked'],
    });
    expect(new XmppAdapter({ ...base, admins: [] }).capabilities.adminNotify).toBe(false);
  });

  it('never throws from perform or undo: outcomes say why nothing happened', async () => {
    const adapter = new XmppAdapter({ ...base, admins: [] });
    expect(await adapter.perform(action('message.send', { text: 'hi' }))).toEqual({ status: 'failed', reason: 'not connected to xmpp://127.0.0.1:1' });
    expect(await adapter.perform(action('admin.notify', { text: 'hi' }))).toMatchObject({ status: 'unsupported' });
    expect(await adapter.perform({ ...action('message.send', { text: 'hi' }), community: 'elsewhere' })).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/not bound/),
    });
    expect(await adapter.undo({ kind: 'unknown', community: 'club', member: 'x' })).toMatchObject({ status: 'unsupported' });
    // A timed ban is lifted by the bot (issue 16): offline, that is a failure to try again.
    expect(await adapter.undo({ kind: 'unban', community: 'club', member: 'x', jid: 'x@example.org' })).toMatchObject({ status: 'failed' });
    expect(await adapter.undo({ kind: 'unmute', community: 'club', member: 'x' })).toMatchObject({ status: 'failed' });
    await adapter.stop();
  });

  it('start() rejects with the reason when nothing listens', async () => {
    const port = await freePort();
    const adapter = new XmppAdapter({ ...base, service: `xmpp://127.0.0.1:${port}`, allowPlaintext: true });
    const logs: string[] = [];
    await expect(adapter.start({ event: () => {}, log: (l) => logs.push(l), fatal: () => {} })).rejects.toThrow(/connection refused/);
    await adapter.stop();
  });
});
