import { describe, expect, it } from 'vitest';
import { compile } from '../../src/index.js';
import { createRuntime, type OutputAction } from '../../src/runtime/runtime.js';

/** Placeholders are filled in wherever text is accepted: tags, reasons (docs/language.md, "Templates and placeholders"). */

const HEADER =
  'playbook "t" { timezone "Asia/Shanghai" }\nevent lead.captured { source: string }\nladder l { 1: mute member 5m reason "{member.name} 第 {count} 次:{reason}" }\n';

function run(source: string, events: Record<string, unknown>[]): OutputAction[] {
  const r = compile(HEADER + source);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (!r.ir || errors.length) throw new Error(errors.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n'));
  const rt = createRuntime(r.ir);
  return events.flatMap((e, i) => rt.dispatch({ id: `e${i}`, at: `2026-03-01T10:0${i}:00+08:00`, community: 'c', member: 'm', ...e }));
}

const errorsOf = (source: string) =>
  compile(HEADER + source)
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.message}`);

describe('text from data', () => {
  it('tags, untags, award, mute and remove reasons are filled in, never stored as written', () => {
    const out = run(
      'rule lead {\n  on lead.captured\n  do tag member "来源:{source}"; award 5 points reason "{source} 引流"; warn member "{source}" on ladder l\n}\n' +
        'rule drop {\n  on message.posted\n  when text == "bye"\n  do untag member "来源:{text}"; remove member reason "{member.name} 说 {text}"\n}\n',
      [
        { type: 'member.joined', name: '小王' },
        { type: 'lead.captured', source: '抖音' },
        { type: 'message.posted', messageId: '1', text: 'bye' },
      ],
    );
    const pick = (type: string, key: string) => out.filter((a) => a.type === type).map((a) => a[key]);
    expect(pick('member.tag', 'tag')).toEqual(['来源:抖音']);
    expect(pick('points.award', 'reason')).toEqual(['抖音 引流']);
    expect(pick('member.mute', 'reason')).toEqual(['小王 第 1 次:抖音']);
    expect(pick('member.untag', 'tag')).toEqual(['来源:bye']);
    expect(pick('member.remove', 'reason')).toEqual(['小王 说 bye']);
  });

  it('a filled-in tag is the one conditions then see', () => {
    const out = run(
      'rule lead {\n  on lead.captured\n  do tag member "来源:{source}"\n}\n' +
        'rule vip {\n  on message.posted\n  when member has tag "来源:抖音"\n  do say "from douyin"\n}\n',
      [{ type: 'member.joined' }, { type: 'lead.captured', source: '抖音' }, { type: 'message.posted', messageId: '1', text: 'hi' }],
    );
    expect(out.filter((a) => a.type === 'message.send').map((a) => a['text'])).toEqual(['from douyin']);
  });

  it('an unknown placeholder in a tag or reason is an error; a placeholder in a tag a condition tests is one too', () => {
    expect(errorsOf('rule r {\n  on lead.captured\n  do tag member "来源:{sorce}"\n}\n')).toEqual(['E0212 unknown placeholder `{sorce}`']);
    expect(errorsOf('rule r {\n  on lead.captured\n  do mute member 5m reason "{amount}"\n}\n')).toEqual(['E0212 unknown placeholder `{amount}`']);
    expect(errorsOf('rule r {\n  on message.posted\n  when member has tag "来源:{text}"\n  do say "x"\n}\n')).toEqual([
      'E0212 `{text}` is not filled in here: a tag in a condition is compared as written',
    ]);
    expect(errorsOf('every day at 10:00 { say to members tagged "{x}" "hi" }\n')).toEqual([
      'E0212 `{x}` is not filled in here: a tag in a condition is compared as written',
    ]);
  });

  it('an escaped brace is a brace, in messages and tags', () => {
    const out = run('rule r {\n  on lead.captured\n  do say "a \\{b\\}"; tag member "\\{vip\\}"\n}\n', [
      { type: 'member.joined' },
      { type: 'lead.captured', source: 'x' },
    ]);
    expect(out.filter((a) => a.type === 'message.send').map((a) => a['text'])).toEqual(['a {b}']);
    expect(out.filter((a) => a.type === 'member.tag').map((a) => a['tag'])).toEqual(['{vip}']);
  });
});
