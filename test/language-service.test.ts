import { describe, expect, it } from 'vitest';
import { formatPlaybook } from '../src/format/index.js';
import { LanguageService, type Position, type TextEdit } from '../src/language-service/index.js';
import { documentedKeywords } from '../src/language-service/keyword-docs.js';
import { LANGUAGE_DOCS } from '../src/language-service/language-docs.js';

/** What an editor asks the language service (src/language-service/), on one small playbook. */

const SOURCE = `playbook "Demo" { timezone "Asia/Shanghai" }
roles kol
event quiz.answered { score: number, topic?: string }
template hi "你好 {member.name}"
ladder ads { expire 30d; 1: say to member "warning"; 2: remove member reason "ads" }
segment vip where member.points >= 100
levels { 新人 at 0; 活跃 at 50 }
rule no_ads {
  on message.posted
  when text matches /加微信/ and member in vip
  do delete message; warn member "no ads" on ladder adz
}
rule quiz { on quiz.answered when score > 5 do say hi }
lifecycle journey {
  initial newcomer
  newcomer -> active when count(message.posted within 7d) >= 3
  active -> newcomer after 14d without message.posted
}
`;

function setup(text = SOURCE) {
  const ls = new LanguageService();
  const doc = ls.open('file:///tmp/demo.playbook', text, 1);
  /** The position of the `nth` occurrence of `needle`, `shift` characters in. */
  const at = (needle: string, shift = 0, nth = 0): Position => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`no ${needle}`);
    return doc.lines.position(i + shift);
  };
  return { ls, doc, at, uri: doc.uri };
}

function apply(text: string, edits: TextEdit[], ls: LanguageService, uri: string): string {
  const doc = ls.get(uri)!;
  let out = text;
  for (const e of [...edits].sort((a, b) => doc.lines.offset(b.range.start) - doc.lines.offset(a.range.start))) {
    out = out.slice(0, doc.lines.offset(e.range.start)) + e.newText + out.slice(doc.lines.offset(e.range.end));
  }
  return out;
}

describe('diagnostics and quick fixes', () => {
  it('reports the checker’s diagnostics with their hint, and fixes a did-you-mean by writing the proposed name', () => {
    const { ls, doc, uri, at } = setup();
    expect(doc.diagnostics).toHaveLength(1);
    const d = doc.diagnostics[0]!;
    expect(d).toMatchObject({ code: 'E0213', severity: 1, source: 'playbook', range: { start: at('adz'), end: at('adz', 3) } });
    expect(d.message).toBe('unknown ladder `adz`\nhint: did you mean `ads`?');
    const actions = ls.codeActions(uri, { start: at('adz', 1), end: at('adz', 1) });
    expect(actions).toHaveLength(1);
    expect(actions[0]!.title).toBe('Change `adz` to `ads`');
    const fixed = apply(doc.text, actions[0]!.edit.changes[uri]!, ls, uri);
    expect(fixed).toBe(SOURCE.replace('ladder adz', 'ladder ads'));
    ls.change(uri, [{ text: fixed }], 2);
    expect(ls.diagnostics(uri)).toEqual([]);
    expect(ls.codeActions(uri, { start: at('adz'), end: at('adz', 3) })).toEqual([]);
  });

  it('offers no fix away from the diagnostic', () => {
    const { ls, uri, at } = setup();
    expect(ls.codeActions(uri, { start: at('rule quiz'), end: at('rule quiz', 4) })).toEqual([]);
  });
});

describe('completion', () => {
  const labels = (text: string, needle: string, shift = 0, nth = 0) => {
    const { ls, uri, at } = setup(text);
    return ls.completion(uri, at(needle, shift, nth)).map((i) => i.label);
  };

  it('offers the top-level keywords at the start of an item, and a rule’s clauses inside one', () => {
    expect(labels(SOURCE, 'rule quiz')).toEqual(expect.arrayContaining(['rule', 'ladder', 'segment', 'lifecycle', 'campaign', 'playbook']));
    expect(labels(SOURCE, 'rule quiz')).not.toContain('when');
    const text = 'rule r {\n  \n}\n';
    expect(labels(text, '\n  \n', 3)).toEqual(['on', 'when', 'unless', 'priority', 'once', 'exclusive', 'cooldown', 'do']);
  });

  it('offers events after `on`, custom ones with their fields', () => {
    const { ls, uri, at } = setup();
    const items = ls.completion(uri, at('message.posted\n'));
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['message.posted', 'order.paid', 'quiz.answered']));
    expect(items.find((i) => i.label === 'quiz.answered')!.detail).toBe('event: score: number, topic?: string');
    // A partly written dotted name completes as a whole.
    const partial = ls.completion(uri, at('message.posted\n', 'message.po'.length));
    // Only the namespace's events (the editor filters within it): never `member.*` or `order.*`.
    expect(partial.map((i) => i.label).sort()).toEqual(['message.edited', 'message.posted', 'message.reported']);
    expect(partial[0]!.textEdit.range.start).toEqual(at('message.posted\n'));
  });

  it('offers the declared names that fit: ladders, templates, segments, roles, levels', () => {
    expect(labels(SOURCE, 'adz')).toEqual(['ads']);
    expect(labels(SOURCE, 'hi }')).toEqual(expect.arrayContaining(['to', 'hi']));
    expect(labels(SOURCE, 'vip\n')).toEqual(expect.arrayContaining(['vip', 'segment']));
    const roles = SOURCE.replace('member in vip', 'member has role k');
    expect(labels(roles, 'role k', 5)).toEqual(expect.arrayContaining(['admin', 'owner', 'kol']));
    const levels = SOURCE.replace('score > 5', 'member.level == x');
    expect(labels(levels, '== x', 3)).toEqual(expect.arrayContaining(['新人', '活跃']));
  });

  it('offers the handled event’s fields and the member’s attributes in a condition', () => {
    const fields = labels(SOURCE, 'score > 5');
    expect(fields).toEqual(expect.arrayContaining(['score', 'topic', 'member', 'min', 'count', 'not']));
    expect(fields).not.toContain('amount');
    expect(labels(SOURCE, 'points >= 100')).toEqual(['id', 'name', 'points', 'level', 'joinedDays', 'age']);
  });

  it('offers durations where one goes, with the units after a number', () => {
    expect(labels(SOURCE, '30d', 2)).toEqual(['30s', '30m', '30h', '30d', '30w']);
    const text = 'ladder l { expire  }\n';
    expect(labels(text, 'expire ', 7)).toEqual(['10m', '1h', '24h', '7d', '30d']);
  });
});

describe('hover', () => {
  const hoverText = (needle: string, shift = 0, nth = 0) => {
    const { ls, uri, at } = setup();
    return ls.hover(uri, at(needle, shift, nth))?.contents.value;
  };

  it('shows the docs/language.md text of a keyword', () => {
    expect(hoverText('ladder ads', 1)).toBe(`**\`ladder\`**: docs/language.md, "Ladders"\n\n${LANGUAGE_DOCS.get('Ladders')}`);
    expect(hoverText('when text', 1)).toContain('"Rules"');
  });

  it('shows what a name refers to: an event’s fields, a template’s text, a segment’s condition, a ladder’s steps', () => {
    expect(hoverText('quiz.answered when', 3)).toMatch(
      /^\*\*event\*\* `quiz.answered`: declared at line 3, 1 use\n\nFields: `score: number`, `topic\?: string`/,
    );
    expect(hoverText('message.posted\n', 3)).toMatch(/^\*\*event\*\* `message.posted`: built in, 3 uses\n\nFields: `messageId: string`, `text: string`/);
    expect(hoverText('say hi', 5)).toContain('Text: "你好 {member.name}"');
    expect(hoverText('vip\n', 1)).toContain('Members where `member.points >= 100`');
    expect(hoverText('ads {', 1)).toContain('2 steps; a warning expires after 30d');
    expect(hoverText('active', 1)).toContain('A state of lifecycle `journey`');
  });

  it('shows a field’s type and event, a member attribute, a duration in words', () => {
    expect(hoverText('score > 5', 1)).toBe('**field** `score`: number, of event `quiz.answered`');
    expect(hoverText('points >=', 1)).toBe('**`member.points`**: the points balance (number)');
    expect(hoverText('30d', 1)).toBe('**duration** `30d`: 30 days (2,592,000,000 ms)');
    expect(hoverText('14d', 0)).toBe('**duration** `14d`: 2 weeks (1,209,600,000 ms)');
  });

  it('has a docs/language.md section for every keyword it maps', () => {
    for (const [word, title] of documentedKeywords()) expect(LANGUAGE_DOCS.has(title), `${word} → ${title}`).toBe(true);
  });
});

describe('navigation and rename', () => {
  it('goes from a use to the declaration and lists every use', () => {
    const { ls, uri, at } = setup();
    expect(ls.definition(uri, at('vip\n', 1))).toEqual({ uri, range: { start: at('vip where'), end: at('vip where', 3) } });
    expect(ls.definition(uri, at('hi }', 1))).toEqual({ uri, range: { start: at('hi "'), end: at('hi "', 2) } });
    expect(ls.definition(uri, at('message.posted\n'))).toBeUndefined(); // a core event: no declaration
    expect(ls.references(uri, at('newcomer', 0, 1)).map((l) => l.range.start)).toEqual([at('newcomer'), at('newcomer', 0, 1), at('newcomer', 0, 2)]);
    expect(ls.references(uri, at('message.posted', 0, 1), false)).toHaveLength(3);
  });

  it('renames a name at its declaration and every use, and nothing else', () => {
    const { ls, uri, at, doc } = setup();
    const r = ls.rename(uri, at('vip', 0, 1), '贵宾');
    expect(r.ok).toBe(true);
    const renamed = apply(doc.text, r.ok ? r.edits : [], ls, uri);
    expect(renamed).toBe(SOURCE.replace('segment vip', 'segment 贵宾').replace('in vip', 'in 贵宾'));
    const states = ls.rename(uri, at('newcomer'), 'fresh');
    expect(apply(doc.text, states.ok ? states.edits : [], ls, uri)).toBe(SOURCE.replaceAll('newcomer', 'fresh'));
  });

  it('refuses to rename a built-in name, to an invalid name or onto another declared name', () => {
    const { ls, uri, at } = setup();
    expect(ls.rename(uri, at('message.posted'), 'msg.new')).toEqual({ ok: false, message: '`message.posted` is built in and cannot be renamed' });
    expect(ls.rename(uri, at('vip'), 'v-p')).toMatchObject({ ok: false });
    expect(ls.rename(uri, at('quiz {', 1), 'no_ads')).toEqual({ ok: false, message: 'a rule named `no_ads` exists already' });
    expect(ls.prepareRename(uri, at('score > 5'))).toEqual({ ok: false, message: 'no declared name here' });
    expect(ls.rename(uri, at('quiz.answered {', 1), 'quiz.done')).toMatchObject({ ok: true });
  });
});

describe('document symbols and formatting', () => {
  it('outlines the declarations in source order, with a lifecycle’s states', () => {
    const { ls, uri } = setup();
    const symbols = ls.documentSymbols(uri);
    expect(symbols.map((s) => `${s.detail} ${s.name}`)).toEqual([
      'playbook Demo',
      'event quiz.answered',
      'template hi',
      'ladder ads',
      'segment vip',
      'level at 0 新人',
      'level at 50 活跃',
      'rule on message.posted no_ads',
      'rule on quiz.answered quiz',
      'lifecycle journey',
    ]);
    expect(symbols.at(-1)!.children!.map((c) => c.name)).toEqual(['newcomer', 'active']);
  });

  it('formats through `playbook fmt`, and leaves a file with syntax errors alone', () => {
    const { ls, uri, doc } = setup(SOURCE.replace('ladder adz', 'ladder ads'));
    const r = ls.format(uri);
    const expected = formatPlaybook(doc.text);
    expect(expected.ok && expected.changed).toBe(true);
    expect(r.ok && apply(doc.text, r.edits, ls, uri)).toBe(expected.ok ? expected.text : '');
    ls.change(uri, [{ text: expected.ok ? expected.text : '' }], 2);
    expect(ls.format(uri)).toEqual({ ok: true, edits: [] });
    ls.change(uri, [{ text: 'rule r { on' }], 3);
    expect(ls.format(uri)).toEqual({ ok: false, message: 'the playbook has syntax errors; fix them to format it' });
  });
});
