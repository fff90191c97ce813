import { describe, expect, it } from 'vitest';
import { placeholders, renderTemplate } from '../../src/stdlib/templates.js';
import { events, feed, runtime, texts } from './helpers.js';

/** Message templates and placeholders (docs/language.md, "Templates and placeholders"). */

describe('renderTemplate (src/stdlib/templates.ts)', () => {
  const values: Record<string, string | number> = { 'member.name': 'Ann', count: 0, ladder: 'ads' };
  const lookup = (name: string) => values[name];

  it('fills known placeholders, spaces inside the braces allowed, numbers as text (0 included)', () => {
    expect(renderTemplate('{member.name}: {count} on { ladder }', lookup)).toBe('Ann: 0 on ads');
  });

  it('leaves an unknown placeholder as written, so a typo shows', () => {
    expect(renderTemplate('hi {member.nmae}!', lookup)).toBe('hi {member.nmae}!');
  });

  it('turns escaped braces into literal ones, after filling (a literal {word} is not a placeholder)', () => {
    expect(renderTemplate('\uE000价格\uE001 {member.name}', lookup)).toBe('{价格} Ann');
    expect(renderTemplate('open \uE000 only', lookup)).toBe('open { only');
    expect(renderTemplate('close \uE001 only', lookup)).toBe('close } only');
  });

  it('placeholders() lists names and offsets', () => {
    expect(placeholders('a {x} b { y.z }')).toEqual([
      { name: 'x', offset: 2 },
      { name: 'y.z', offset: 8 },
    ]);
  });
});

describe('placeholders in a playbook message', () => {
  it('escaped braces print as braces; placeholders beside them are filled', () => {
    const rt = runtime(`rule price { on message.posted; do say "\\{价格\\} {member.id} \\{ \\}" }`);
    expect(texts(feed(rt, [events().msg('2026-03-02T10:00:00+08:00', 'ann')]))).toEqual(['{价格} ann { }']);
  });
});
