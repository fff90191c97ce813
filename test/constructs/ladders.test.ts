import { describe, expect, it } from 'vitest';
import { events, feed, ofType, runtime, texts } from './helpers.js';

/** Ladders (docs/language.md, "Ladders"; issue 14, item 7). */

const ad = (ev: ReturnType<typeof events>['ev'], at: string, member = 'ann') => ev('message.posted', at, member, { messageId: `m-${at}`, text: '加微信' });

describe('ladders: the step numbered like the count runs', () => {
  const body = `
ladder ads {
  1: say to member "first"
  3: say to member "third"
}
rule no_ads { on message.posted; when text contains "微信"; do warn member "ad" on ladder ads }`;

  it('a count between two steps runs no step (only the warning is reported)', () => {
    const rt = runtime(body);
    const { ev } = events();
    const first = feed(rt, [ad(ev, '2026-03-02T10:00:00+08:00')]);
    expect(texts(first)).toEqual(['first']);
    const second = feed(rt, [ad(ev, '2026-03-02T10:01:00+08:00')]);
    expect(second.map((a) => a.type)).toEqual(['member.warn']);
    expect(second[0]!.count).toBe(2);
    expect(texts(feed(rt, [ad(ev, '2026-03-02T10:02:00+08:00')]))).toEqual(['third']);
  });

  it('past the last step, the last step runs again', () => {
    const rt = runtime(body);
    const { ev } = events();
    const out = feed(
      rt,
      [1, 2, 3, 4, 5].map((i) => ad(ev, `2026-03-02T10:0${i}:00+08:00`)),
    );
    expect(texts(out)).toEqual(['first', 'third', 'third', 'third']);
    expect(ofType(out, 'member.warn').map((a) => a.count)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('ladders: step messages fill {count}, {ladder} and {reason}', () => {
  it('each placeholder has the value of that warning', () => {
    const rt = runtime(`
ladder ads {
  1: say to member "{count}|{ladder}|{reason}"
  2: say to member "第 {count} 次警告({reason}),来自 {ladder}"; notify admins "{member.id}: {count} on {ladder}"
}
rule no_ads { on message.posted; when text contains "微信"; do warn member "发广告 {text}" on ladder ads }`);
    const { ev } = events();
    const out = feed(rt, [ad(ev, '2026-03-02T10:00:00+08:00'), ad(ev, '2026-03-02T10:01:00+08:00')]);
    expect(texts(out)).toEqual(['1|ads|发广告 加微信', '第 2 次警告(发广告 加微信),来自 ads']);
    expect(ofType(out, 'admin.notify').map((a) => a.text)).toEqual(['ann: 2 on ads']);
    expect(ofType(out, 'member.warn').map((a) => [a.count, a.ladder, a.reason, a.source])).toEqual([
      [1, 'ads', '发广告 加微信', 'rule:no_ads'],
      [2, 'ads', '发广告 加微信', 'rule:no_ads'],
    ]);
    expect(ofType(out, 'message.send').map((a) => a.source)).toEqual(['ladder:ads', 'ladder:ads']);
  });

  it('two ladders count separately and name themselves', () => {
    const rt = runtime(`
ladder ads { 1: say to member "{ladder} {count}"; 2: say to member "{ladder} {count}!" }
ladder spam { 1: say to member "{ladder} {count}"; 2: say to member "{ladder} {count}!" }
rule no_ads { on message.posted; when text contains "微信"; do warn member "ad" on ladder ads }
rule no_spam { on message.posted; when text contains "spam"; do warn member "spam" on ladder spam }`);
    const { ev } = events();
    const out = feed(rt, [
      ad(ev, '2026-03-02T10:00:00+08:00'),
      ev('message.posted', '2026-03-02T10:01:00+08:00', 'ann', { messageId: 'x', text: 'spam' }),
      ad(ev, '2026-03-02T10:02:00+08:00'),
    ]);
    expect(texts(out)).toEqual(['ads 1', 'spam 1', 'ads 2!']);
  });
});

describe('ladders: expiry', () => {
  it('a warning exactly `expire` old still counts; one older does not', () => {
    const rt = runtime(`
ladder ads { expire 1h; 1: say to member "one"; 2: say to member "two" }
rule no_ads { on message.posted; when text contains "微信"; do warn member "ad" on ladder ads }`);
    const { ev } = events();
    expect(texts(feed(rt, [ad(ev, '2026-03-02T10:00:00+08:00'), ad(ev, '2026-03-02T11:00:00+08:00')]))).toEqual(['one', 'two']);
    // 11:00 is within 1h of 12:00:00.000 exactly; 10:00 is not.
    expect(texts(feed(rt, [ad(ev, '2026-03-02T12:00:00+08:00')]))).toEqual(['two']);
    expect(texts(feed(rt, [ad(ev, '2026-03-02T13:00:00.001+08:00')]))).toEqual(['one']);
  });
});
