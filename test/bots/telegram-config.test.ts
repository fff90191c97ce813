import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveBotConfig } from '../../src/bots/config.js';
import { createAdapter } from '../../src/bots/platforms.js';

const env = { TELEGRAM_BOT_TOKEN: '123:abc' };

describe('playbook bot --telegram settings', () => {
  it('takes the token from TELEGRAM_BOT_TOKEN, chat ids with communities, admin user ids and the API root', () => {
    const c = resolveBotConfig({ telegram: true, room: ['-1001234567890=club'], admin: ['42'], apiRoot: 'http://127.0.0.1:8081/' }, env);
    expect(c).toEqual({
      platform: 'telegram',
      token: '123:abc',
      apiRoot: 'http://127.0.0.1:8081',
      rooms: [{ room: '-1001234567890', community: 'club' }],
      nick: 'playbook',
      admins: ['42'],
      removeMode: 'kick',
      db: 'playbook-bot.db',
    });
    expect(createAdapter(c).platform).toBe('telegram');
  });

  it('reads the API root from TELEGRAM_API_ROOT and the poll timeout from a config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-tgcfg-'));
    const path = join(dir, 'bot.json');
    writeFileSync(path, JSON.stringify({ telegram: { pollTimeoutSeconds: 10 }, rooms: ['-100'] }));
    const c = resolveBotConfig({ config: path }, { ...env, TELEGRAM_API_ROOT: 'https://bots.example.org' });
    expect(c).toMatchObject({
      platform: 'telegram',
      apiRoot: 'https://bots.example.org',
      pollTimeoutSeconds: 10,
      rooms: [{ room: '-100', community: '-100' }],
    });
  });

  it('takes a webhook URL and where to listen for it (loopback port 8443 by default)', () => {
    const c = resolveBotConfig({ telegram: true, room: ['-100'], webhook: 'https://bot.example.org/tg', webhookListen: '[::1]:9000' }, env);
    expect(c).toMatchObject({ webhook: { url: 'https://bot.example.org/tg', host: '::1', port: 9000 } });
    const d = resolveBotConfig({ telegram: true, room: ['-100'], webhook: 'https://bot.example.org/tg' }, env);
    expect(d).toMatchObject({ webhook: { url: 'https://bot.example.org/tg', host: '127.0.0.1', port: 8443 } });
  });

  it.each([
    [{ telegram: true, room: ['-100'] }, {}, 'TELEGRAM_BOT_TOKEN environment variable'],
    [{ telegram: true, room: ['#club'] }, env, 'room #club: a Telegram chat is its numeric id'],
    [{ telegram: true, room: ['-100'], admin: ['@ann'] }, env, '--admin @ann: on Telegram an admin is a numeric user id'],
    [{ telegram: true, room: ['-100'], apiRoot: 'ftp://x' }, env, 'the scheme must be http or https'],
    [{ telegram: true, irc: 'irc://h', room: ['-100'] }, env, 'one platform per bot'],
    [{ telegram: true, room: ['-100'], webhookListen: '127.0.0.1:1' }, env, '--webhook-listen needs --webhook URL'],
    [{ telegram: true, room: ['-100'], webhook: 'https://x/', webhookListen: '8443' }, env, '--webhook-listen 8443: HOST:PORT'],
    [{ telegram: true, room: ['-100'], webhook: 'ftp://x/' }, env, 'Telegram posts to an https URL'],
  ])('refuses %j', (flags, environment, message) => {
    expect(() => resolveBotConfig(flags, environment)).toThrow(ConfigError);
    expect(() => resolveBotConfig(flags, environment)).toThrow(message);
  });

  it('has no option for the token: a --password is not taken as one', () => {
    expect(() => resolveBotConfig({ telegram: true, room: ['-100'], password: '123:abc' }, {})).toThrow('TELEGRAM_BOT_TOKEN');
  });
});
