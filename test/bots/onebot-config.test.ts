import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveBotConfig } from '../../src/bots/config.js';
import { outgoing, parseCqString, textAndMentions } from '../../src/bots/onebot-events.js';

describe('bot settings for OneBot v11 (QQ)', () => {
  it('reads --onebot with group numbers, admins by QQ number and the token from ONEBOT_ACCESS_TOKEN only', () => {
    const c = resolveBotConfig(
      { onebot: 'ws://127.0.0.1:3001', room: ['123456=club'], admin: ['10001'] },
      { ONEBOT_ACCESS_TOKEN: 'tok', PLAYBOOK_BOT_PASSWORD: 'no' },
    );
    expect(c).toEqual({
      platform: 'onebot',
      url: 'ws://127.0.0.1:3001/',
      mode: 'forward',
      accessToken: 'tok',
      rooms: [{ room: '123456', community: 'club' }],
      nick: 'playbook',
      admins: ['10001'],
      removeMode: 'kick',
      db: 'playbook-bot.db',
    });
    expect(resolveBotConfig({ onebot: 'ws://0.0.0.0:8080/onebot', 'onebot-reverse': true, room: ['123456'] }, {})).toMatchObject({
      mode: 'reverse',
      url: 'ws://0.0.0.0:8080/onebot',
    });
    expect(resolveBotConfig({ onebot: 'ws://127.0.0.1:3001', room: ['123456'] }, {})).not.toHaveProperty('accessToken');
  });

  it('reads the "onebot" section of a config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-onebotcfg-'));
    const path = join(dir, 'bot.json');
    writeFileSync(path, JSON.stringify({ onebot: { service: 'ws://127.0.0.1:9000/ws', reverse: true }, rooms: ['42'] }));
    expect(resolveBotConfig({ config: path }, {})).toMatchObject({ platform: 'onebot', mode: 'reverse', rooms: [{ room: '42', community: '42' }] });
    writeFileSync(path, JSON.stringify({ onebot: { service: 'ws://127.0.0.1:9000', accessToken: 'x' }, rooms: ['42'] }));
    expect(() => resolveBotConfig({ config: path }, {})).toThrow(/onebot: Unrecognized key/);
  });

  it('refuses what would leak the token or cannot be a QQ group, naming the fix', () => {
    const bad: [Parameters<typeof resolveBotConfig>[0], RegExp][] = [
      [{ onebot: 'ws://h:1', room: ['1'], password: 'p' }, /ONEBOT_ACCESS_TOKEN only, not --password/],
      [{ onebot: 'ws://h:1/?access_token=abc', room: ['1'] }, /does not go in the URL; set ONEBOT_ACCESS_TOKEN/],
      [{ onebot: 'http://h:1', room: ['1'] }, /the scheme must be ws or wss/],
      [{ onebot: 'wss://h:1', 'onebot-reverse': true, room: ['1'] }, /the scheme must be ws \(the bot listens without TLS/],
      [{ onebot: 'ws://h', 'onebot-reverse': true, room: ['1'] }, /give the port to listen on/],
      [{ onebot: 'ws://h:1', room: ['#club'] }, /a QQ group is its number/],
      [{ onebot: 'ws://h:1', room: ['1'], admin: ['ann'] }, /on QQ an admin is a QQ number/],
      [{ onebot: 'ws://h:1', irc: 'irc://h', room: ['1'] }, /one platform per bot/],
    ];
    for (const [flags, message] of bad) {
      expect(() => resolveBotConfig(flags, {})).toThrow(ConfigError);
      expect(() => resolveBotConfig(flags, {})).toThrow(message);
    }
    // The refused URL is not echoed with its query.
    expect(() => resolveBotConfig({ onebot: 'ws://h:1/?access_token=abc', room: ['1'] }, {})).not.toThrow(/abc/);
  });
});

describe('OneBot v11 messages', () => {
  it('reads CQ-code strings (message/string.md) with their escapes', () => {
    expect(parseCqString('hi [CQ:at,qq=10001] &#91;not a code&#93; a&amp;b[CQ:face,id=1]')).toEqual([
      { type: 'text', data: { text: 'hi ' } },
      { type: 'at', data: { qq: '10001' } },
      { type: 'text', data: { text: ' [not a code] a&b' } },
      { type: 'face', data: { id: '1' } },
    ]);
    expect(parseCqString('[CQ:text,text=a&#44;b]')).toEqual([{ type: 'text', data: { text: 'a,b' } }]);
  });

  it('turns segments into the text a rule matches and the members mentioned (not @all, once each)', () => {
    expect(
      textAndMentions([
        { type: 'reply', data: { id: '5' } },
        { type: 'at', data: { qq: '10001', name: 'Ann' } },
        { type: 'text', data: { text: ' look ' } },
        { type: 'at', data: { qq: 'all' } },
        { type: 'at', data: { qq: '10001' } },
        { type: 'image', data: { file: 'x.jpg' } },
      ]),
    ).toEqual({ text: '@Ann look @all@10001', mentions: ['10001'] });
    expect(textAndMentions('[CQ:at,qq=7] hello')).toEqual({ text: '@7 hello', mentions: ['7'] });
    expect(textAndMentions({ type: 'text', data: { text: ' one segment ' } })).toEqual({ text: 'one segment', mentions: [] });
  });

  it('writes a post as a reply segment, at segments, then the text', () => {
    expect(outgoing('hi', ['1', '2'], '99')).toEqual([
      { type: 'reply', data: { id: '99' } },
      { type: 'at', data: { qq: '1' } },
      { type: 'text', data: { text: ' ' } },
      { type: 'at', data: { qq: '2' } },
      { type: 'text', data: { text: ' ' } },
      { type: 'text', data: { text: 'hi' } },
    ]);
  });
});
