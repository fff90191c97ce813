import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime, type OutputAction } from '../src/runtime/runtime.js';

// A lifecycle's first event is also the first event it sees (docs/language.md, "Lifecycles";
// issue 15, item 5): `知道 -> 加入 on member.joined` out of the initial state fires for the
// joiner, in both engines.

const PLAYBOOK = `playbook "Journey" { timezone "Asia/Shanghai" }

lifecycle journey {
  initial 知道
  知道 -> 加入 on member.joined { say to member "欢迎,{member.name}" }
  加入 -> 活跃 on message.posted
  活跃 -> 沉默 after 7d without message.posted
  沉默 -> 活跃 on message.posted
}
`;

const ev = (id: string, type: string, at: string, member: string, extra: Record<string, unknown> = {}) => ({
  id,
  type,
  at,
  community: 'c1',
  member,
  ...extra,
});

const STORY = [
  ev('e1', 'member.joined', '2026-03-02T10:00:00+08:00', 'ann', { name: 'Ann' }),
  ev('e2', 'message.posted', '2026-03-02T10:05:00+08:00', 'ann', { messageId: 'm1', text: 'hi' }),
  ev('e3', 'member.left', '2026-03-03T10:00:00+08:00', 'ann'),
  ev('e4', 'member.joined', '2026-03-04T10:00:00+08:00', 'ann', { name: 'Ann' }),
  // A member whose first event is not a join starts in the initial state and stays there.
  ev('e5', 'message.posted', '2026-03-04T11:00:00+08:00', 'bob', { messageId: 'm2', text: 'hello' }),
];

function run(engine: 'fast' | 'reference'): { out: OutputAction[]; snap: unknown } {
  const rt = createRuntime(compile(PLAYBOOK).ir!, { engine });
  try {
    const out = STORY.flatMap((e) => rt.dispatch(e));
    out.push(...rt.advance('2026-03-20T00:00:00+08:00'));
    return { out, snap: rt.snapshot() };
  } finally {
    rt.close();
  }
}

const changes = (out: OutputAction[]) => out.filter((a) => a.type === 'lifecycle.changed').map((a) => `${a.member} ${String(a['from'])}->${String(a['to'])}`);

describe('a lifecycle transition on the event that starts it', () => {
  it('fires for the joiner, runs its actions, and again after a rejoin', () => {
    const { out } = run('fast');
    expect(changes(out)).toEqual(['ann 知道->加入', 'ann 加入->活跃', 'ann 知道->加入']);
    const welcomes = out.filter((a) => a.type === 'message.send' && String(a['text']).startsWith('欢迎'));
    expect(welcomes.map((a) => a.member)).toEqual(['ann', 'ann']);
  });

  it('leaves a member whose first event does not match in the initial state', () => {
    const rt = createRuntime(compile(PLAYBOOK).ir!);
    try {
      rt.dispatch(STORY[4]!);
      expect(rt.community('c1')!.members['bob']!.machines?.['lifecycle:journey']).toBe('知道');
    } finally {
      rt.close();
    }
  });

  it('gives the same actions and state in the fast and the reference engine', () => {
    const fast = run('fast');
    const ref = run('reference');
    expect(changes(fast.out).length).toBeGreaterThan(0);
    expect(fast.out).toEqual(ref.out);
    expect(fast.snap).toEqual(ref.snap);
  });
});
