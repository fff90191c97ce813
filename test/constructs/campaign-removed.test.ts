import { describe, expect, it } from 'vitest';
import { createRuntime } from '../../src/runtime/runtime.js';
import { events, feed, load, runtime } from './helpers.js';

/**
 * A snapshot taken while a campaign's stage runs, resumed by a playbook that no longer has the
 * campaign or that stage (a reload that edits the campaign): the left-over stage timer must not
 * fail when it fires at the stage's end (docs/runtime.md, "State and time").
 */

const BEFORE = `
campaign sale {
  stage warmup from 2026-03-02 to 2026-03-04 { on exit: say "warm-up over" }
  stage main from 2026-03-05 to 2026-03-06 { on enter: say "main stage" }
}`;

function snapshotInStage() {
  const rt = runtime(BEFORE);
  const { join } = events();
  const out = feed(rt, [join('2026-03-02T10:00:00+08:00', 'ann')]);
  expect(out.filter((a) => a.type === 'stage.entered').map((a) => a.stage)).toEqual(['warmup']);
  return JSON.parse(JSON.stringify(rt.snapshot())) as ReturnType<typeof rt.snapshot>;
}

describe('a campaign changed under a snapshot', () => {
  it('removed while its stage runs: the stage end passes without failing and without actions', () => {
    const after = createRuntime(load(`rule echo { on message.posted do say "echo" }`), { snapshot: snapshotInStage() });
    expect(after.advance('2026-03-10T00:00:00+08:00')).toEqual([]);
  });

  it('the running stage removed: no exit actions for it, and the next stage is still entered', () => {
    const ir = load(`
campaign sale {
  stage main from 2026-03-05 to 2026-03-06 { on enter: say "main stage" }
}`);
    const after = createRuntime(ir, { snapshot: snapshotInStage() });
    const out = after.advance('2026-03-05T12:00:00+08:00');
    expect(out.map((a) => [a.type, a.at, a.text ?? a.stage])).toEqual([
      ['stage.entered', '2026-03-05T00:00:00+08:00', 'main'],
      ['message.send', '2026-03-05T00:00:00+08:00', 'main stage'],
    ]);
  });
});
