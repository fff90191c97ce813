import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveBotConfig } from '../../src/bots/config.js';

const dir = mkdtempSync(join(tmpdir(), 'playbook-botcfg-'));
function file(json: unknown): string {
  const p = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, typeof json === 'string' ? json : JSON.stringify(json));
  return p;
}

describe('bot settings', () => {
  it('reads XMPP settings from flags, with room=community and the password from the environment', () => {
    const c = resolveBotConfig(
      {
        xmpp: 'xmpp://127.0.0.1:5222',
        jid: 'bot@localhost',
        room: ['club@conference.localhost=club', 'ops@conference.localhost'],
        admin: ['ann@localhost'],
        remove: 'ban',
      },
      { PLAYBOOK_BOT_PASSWORD: 's3cret' },
    );
    expect(c).toEqual({
      platform: 'xmpp',
      service: 'xmpp://127.0.0.1:5222',
      jid: 'bot@localhost',
      password: 's3cret',
      allowPlaintext: false,
      rooms: [
        { room: 'club@conference.localhost', community: 'club' },
        { room: 'ops@conference.localhost', community: 'ops@conference.localhost' },
      ],
      nick: 'playbook',
      admins: ['ann@localhost'],
      removeMode: 'ban',
      db: 'playbook-bot.db',
    });
  });

  it('reads IRC settings from a config file, flags winning', () => {
    const cfg = file({
      irc: { service: 'ircs://irc.example.org', sasl: { account: 'bot', password: 'pw' }, sendRate: { burst: 4, perSecond: 0.5 } },
      rooms: ['#club', { room: '#help', community: 'help' }],
      nick: 'clubbot',
      db: 'x.db',
    });
    const c = resolveBotConfig({ config: cfg, nick: 'other' }, {});
    expect(c).toMatchObject({
      platform: 'irc',
      host: 'irc.example.org',
      port: 6697,
      tls: true,
      nick: 'other',
      db: 'x.db',
      sasl: { account: 'bot', password: 'pw' },
      sendRate: { burst: 4, perSecond: 0.5 },
    });
    expect(c.rooms).toEqual([
      { room: '#club', community: '#club' },
      { room: '#help', community: 'help' },
    ]);
    expect(resolveBotConfig({ irc: 'irc://127.0.0.1:7000', room: ['#a'] }, {})).toMatchObject({ host: '127.0.0.1', port: 7000, tls: false });
  });

  it.each([
    [{ room: ['#a'] }, 'no server given: use --xmpp URL or --irc URL'],
    [{ irc: 'irc://h', xmpp: 'xmpp://h', room: ['#a'] }, 'one platform per bot'],
    [{ irc: 'irc://h' }, 'no room given'],
    [{ irc: 'http://h', room: ['#a'] }, 'the scheme must be irc or ircs'],
    [{ irc: 'irc://h', room: ['nochannel'] }, 'room nochannel: an IRC channel starts with #'],
    [{ irc: 'irc://h', room: ['#a', '#a'] }, 'room #a is given twice'],
    [{ irc: 'irc://h', room: ['#a'], remove: 'shun' }, '--remove must be kick or ban, not shun'],
    [{ xmpp: 'xmpp://h', room: ['r@muc.h'] }, 'XMPP needs the bot account: --jid'],
    [{ xmpp: 'xmpp://h', jid: 'bot@h', room: ['r@muc.h'] }, 'XMPP needs the account password'],
    [{ xmpp: 'xmpp://h', jid: 'bot@h', password: 'p', room: ['#a'] }, 'room #a: an XMPP room is a bare JID'],
    [{ xmpp: 'not a url', jid: 'bot@h', password: 'p', room: ['r@m'] }, '--xmpp not a url: not a URL'],
  ])('refuses %j: %s', (flags, message) => {
    expect(() => resolveBotConfig(flags, {})).toThrow(ConfigError);
    expect(() => resolveBotConfig(flags, {})).toThrow(message);
  });

  it('names the setting a config file gets wrong', () => {
    expect(() => resolveBotConfig({ config: file('{ "irc": ') }, {})).toThrow(/is not valid JSON/);
    expect(() => resolveBotConfig({ config: file({ irc: { service: 'irc://h' }, rooms: [{ room: '#a', comunity: 'x' }] }) }, {})).toThrow(
      /rooms\.0: Unrecognized key: "comunity"/,
    );
    expect(() => resolveBotConfig({ config: file({ remove: 'ban', irc: { service: 'irc://h', port: 1 } }) }, {})).toThrow(/irc: Unrecognized key: "port"/);
    expect(() => resolveBotConfig({ config: file({ irc: { service: 'irc://h', sendRate: { burst: 0, perSecond: 1 } } }) }, {})).toThrow(
      /irc\.sendRate\.burst: /,
    );
    expect(() => resolveBotConfig({ config: join(dir, 'missing.json') }, {})).toThrow(/cannot read config file .*missing\.json: ENOENT/);
  });
});
