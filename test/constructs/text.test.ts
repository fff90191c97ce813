import { describe, expect, it } from 'vitest';
import type { EngineName } from '../../src/runtime/runtime.js';
import { compileMatcher } from '../../src/stdlib/text-match.js';
import { events, feed, runtime, texts } from './helpers.js';

/** `contains` and `matches` (docs/language.md, "Text: matches and contains"; issue 14, item 7). */

const BODY = `
rule vx { on message.posted; when text contains "VX"; do say to member "contains VX" }
rule bot { on message.posted; when mentions contains "bot"; do say to member "mentions bot" }
rule words { on message.posted; when text matches any ["WeChat", "返利"]; do say to member "matches word" }
rule re { on message.posted; when text matches /^Hello\\b/; do say to member "matches regex" }
rule re_i { on message.posted; when text matches /^hello\\b/i; do say to member "matches regex i" }
`;

function post(engine: EngineName, text: string, mentions?: string[]) {
  const rt = runtime(BODY, { engine });
  const { ev } = events();
  try {
    return texts(feed(rt, [ev('message.posted', '2026-03-02T10:00:00+08:00', 'ann', { messageId: 'm', text, ...(mentions ? { mentions } : {}) })]));
  } finally {
    rt.close();
  }
}

describe.each(['fast', 'reference'] as EngineName[])('text conditions (%s engine)', (engine) => {
  it('`text contains "VX"` ignores case', () => {
    expect(post(engine, '加vx聊')).toEqual(['contains VX']);
    expect(post(engine, '加Vx聊')).toEqual(['contains VX']);
    expect(post(engine, '加 v x')).toEqual([]);
  });

  it('a list field contains exactly that element', () => {
    expect(post(engine, 'hi', ['ann', 'bot'])).toEqual(['mentions bot']);
    expect(post(engine, 'hi', ['robot', 'bots'])).toEqual([]);
    expect(post(engine, 'hi', [])).toEqual([]);
  });

  it('a "text" pattern matches ignoring case; a regex is case-sensitive unless it has `i`', () => {
    expect(post(engine, 'add me on wechat')).toEqual(['matches word']);
    expect(post(engine, 'Hello all')).toEqual(['matches regex', 'matches regex i']);
    expect(post(engine, 'hello all')).toEqual(['matches regex i']);
    expect(post(engine, 'helloworld')).toEqual([]);
  });
});

describe('compileMatcher (src/stdlib/text-match.ts)', () => {
  it('a text pattern is a case-insensitive substring, both ways round', () => {
    const m = compileMatcher([{ text: 'WeChat' }]);
    expect([m('wechat'), m('WECHAT me'), m('my WeChat'), m('we chat')]).toEqual([true, true, true, false]);
    const lower = compileMatcher([{ text: 'vx' }]);
    expect([lower('加VX'), lower('vX'), lower('v')]).toEqual([true, true, false]);
  });

  it('a list matches when any pattern does; a regex keeps its flags, g and y dropped', () => {
    const m = compileMatcher([{ text: '返利' }, { regex: '^a+$', flags: 'gy' }]);
    expect([m('xx返利'), m('aaa'), m('aaa'), m('aab'), m('')]).toEqual([true, true, true, false, false]);
    const i = compileMatcher([{ regex: 'abc', flags: 'i' }]);
    expect([i('xABCx'), i('ab')]).toEqual([true, false]);
  });

  it('a regex the checker would refuse never matches', () => {
    const m = compileMatcher([{ regex: '(a)\\1', flags: '' }]);
    expect([m('aa'), m('')]).toEqual([false, false]);
  });
});
