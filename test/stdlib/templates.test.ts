import { describe, expect, it } from 'vitest';
import { LITERAL_CLOSE_BRACE, LITERAL_OPEN_BRACE } from '../../src/parser/strings.js';
import { placeholders, renderTemplate } from '../../src/stdlib/templates.js';

describe('placeholders', () => {
  it('finds each placeholder with the offset of its brace', () => {
    expect(placeholders('Hi {member.name}, you have {points} points')).toEqual([
      { name: 'member.name', offset: 3 },
      { name: 'points', offset: 27 },
    ]);
  });

  it('allows spaces inside the braces, underscores, digits after the first character and letters of any script', () => {
    expect(placeholders('{ a }{_b1.c_2}{名前.值}{ x.y.z }')).toEqual([
      { name: 'a', offset: 0 },
      { name: '_b1.c_2', offset: 5 },
      { name: '名前.值', offset: 14 },
      { name: 'x.y.z', offset: 20 },
    ]);
  });

  it('does not take what is not a name', () => {
    expect(placeholders('{} {1a} {a.} {.a} {a..b} {a b} {a-b} {a.1} { } plain')).toEqual([]);
    expect(placeholders('no placeholders')).toEqual([]);
  });

  it('gives the same answer when called again (the global regex keeps no state between calls)', () => {
    const text = 'x {a} y {b}';
    expect(placeholders(text)).toEqual(placeholders(text));
    expect(placeholders(text)).toHaveLength(2);
  });
});

describe('renderTemplate', () => {
  const values: Record<string, string | number> = { 'member.name': 'Ana', points: 0, 'a.b': 'AB', 名前: '花' };
  const lookup = (name: string) => values[name];

  it('fills every known placeholder, numbers as text (0 included)', () => {
    expect(renderTemplate('Hi {member.name}, {points} points, { member.name }', lookup)).toBe('Hi Ana, 0 points, Ana');
    expect(renderTemplate('{名前}{a.b}', lookup)).toBe('花AB');
  });

  it('leaves an unknown placeholder as written', () => {
    expect(renderTemplate('Hi { nobody }!', lookup)).toBe('Hi { nobody }!');
  });

  it('passes the placeholder name to the lookup, without the spaces', () => {
    const seen: string[] = [];
    renderTemplate('{ a.b } {c}', (n) => {
      seen.push(n);
      return undefined;
    });
    expect(seen).toEqual(['a.b', 'c']);
  });

  it('turns the escaped-brace markers back into braces, after filling', () => {
    const text = `${LITERAL_OPEN_BRACE}points${LITERAL_CLOSE_BRACE} = {points}`;
    expect(renderTemplate(text, lookup)).toBe('{points} = 0');
    expect(renderTemplate(`only ${LITERAL_OPEN_BRACE}`, lookup)).toBe('only {');
    expect(renderTemplate(`only ${LITERAL_CLOSE_BRACE}`, lookup)).toBe('only }');
    expect(renderTemplate(`${LITERAL_OPEN_BRACE}${LITERAL_OPEN_BRACE}x${LITERAL_CLOSE_BRACE}${LITERAL_CLOSE_BRACE}`, lookup)).toBe('{{x}}');
  });

  it('keeps a text without placeholders or markers as it is', () => {
    expect(renderTemplate('plain { text', lookup)).toBe('plain { text');
  });
});
