import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  capKey,
  capPointsRule,
  constructId,
  delayedEvent,
  machineTimerId,
  parseConstructId,
  parseDelayedEvent,
  parseMachineTimerId,
  parseSessionTimerId,
  parseStageTimerId,
  pendingStepNames,
  ritualEnding,
  sessionTimerId,
  stageTimerId,
  stepProgress,
  TEMPLATE_EXTRAS,
  templateExtras,
  timerCause,
  timerIdOfCause,
} from '../../src/ir/index.js';
import { upgradeStoredIr } from '../../src/hosting/reload.js';
import { compile } from '../../src/index.js';
import type { IR } from '../../src/ir/schema.js';

const HEADER = 'playbook "t" {\n  timezone "UTC"\n}\n';

/** The string contracts of src/ir (docs/architecture.md): each builder and its parser agree. */

const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,11}$/);

describe('timer ids', () => {
  it('a machine timer id parses back to its parts, whatever the member id holds (| included)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), name, fc.integer({ min: 1, max: 2 ** 40 }), name, (member, machine, delay, state) => {
        const event = delayedEvent(delay, `ritual:${machine}.active`);
        const id = machineTimerId(member, `ritual:${machine}`, event);
        expect(parseMachineTimerId(id)).toEqual({ member, machine: `ritual:${machine}`, event });
        expect(parseDelayedEvent(event)).toEqual({ delayMs: delay, stateId: `ritual:${machine}.active` });
        expect(parseDelayedEvent(`xstate.after.x.${state}`)).toBeUndefined();
      }),
    );
  });

  it('the forms stored in snapshots do not change', () => {
    expect(machineTimerId('m|1', 'ritual:welcome', delayedEvent(86_400_000, 'ritual:welcome.active'))).toBe(
      'm|1|ritual:welcome|xstate.after.86400000.ritual:welcome.active',
    );
    expect(sessionTimerId('schedule:ama', 1000, { kind: 'open' })).toBe('schedule:ama@1000');
    expect(sessionTimerId('schedule:ama', 1000, { kind: 'hook', index: 2 })).toBe('schedule:ama@1000#2');
    expect(sessionTimerId('schedule:ama', 1000, { kind: 'close' })).toBe('schedule:ama@1000/close');
    expect(stageTimerId('double11')).toBe('campaign:double11');
    expect(capKey('points:message.posted', 'day')).toBe('points:message.posted|day');
    expect(timerCause('job:daily')).toBe('timer:job:daily');
  });

  it('session, stage and cap ids parse back', () => {
    for (const part of [{ kind: 'open' }, { kind: 'hook', index: 3 }, { kind: 'close' }] as const) {
      expect(parseSessionTimerId(sessionTimerId('schedule:x', 42, part))).toEqual({ scheduleId: 'schedule:x', startMs: 42, part });
    }
    expect(parseSessionTimerId('job:daily')).toBeUndefined();
    expect(parseStageTimerId(stageTimerId('a'))).toBe('a');
    expect(parseStageTimerId('job:a')).toBeUndefined();
    expect(capPointsRule(capKey('points:a|b', 'week'))).toBe('points:a|b');
    expect(timerIdOfCause(timerCause('x|y'))).toBe('x|y');
    expect(timerIdOfCause('event:e1')).toBe('event:e1');
    expect(parseMachineTimerId('no-bars')).toBeUndefined();
    expect(parseMachineTimerId('one|bar')).toBeUndefined();
  });
});

describe('ritual state values', () => {
  it('endings, step progress and pending steps are read from stored values without throwing', () => {
    expect(ritualEnding('completed')).toBe('completed');
    expect(ritualEnding('expired')).toBe('expired');
    expect(ritualEnding('cancelled')).toBe('cancelled');
    expect(ritualEnding('active')).toBeUndefined();
    expect(ritualEnding({ active: {} })).toBeUndefined();
    const running = { active: { intro: 'done', rules: 'pending', avatar: 'pending' } };
    expect(pendingStepNames(running)).toEqual(['rules', 'avatar']);
    expect(stepProgress(running, 'intro')).toBe('done');
    expect(stepProgress(running, 'rules')).toBe('pending');
    expect(stepProgress(running, 'missing')).toBeUndefined();
    expect(stepProgress(running, 'constructor')).toBeUndefined();
    expect(stepProgress('completed', 'anything')).toBe('done');
    expect(stepProgress('expired', 'intro')).toBeUndefined();
    fc.assert(
      fc.property(fc.anything(), name, (v, step) => {
        expect(Array.isArray(pendingStepNames(v))).toBe(true);
        expect([undefined, 'pending', 'done']).toContain(stepProgress(v, step));
      }),
    );
  });
});

describe('template extras', () => {
  it('a block gets exactly its kind’s names, on top of the enclosing block’s', () => {
    expect(templateExtras('ladder', { count: 2, ladder: 'ads', reason: 'spam' }, { badge: 'x' })).toEqual({
      badge: 'x',
      count: 2,
      ladder: 'ads',
      reason: 'spam',
    });
    expect(Object.keys(templateExtras('session', { schedule: 'ama', session: 't' })).sort()).toEqual([...TEMPLATE_EXTRAS.session].sort());
  });

  it('the checker accepts each kind’s names and refuses another kind’s', () => {
    const ok = compile(
      HEADER + 'ladder ads {\n  1: say to member "{count} {ladder} {reason}"\n}\nrule r {\n  on message.posted\n  do warn member "x" on ladder ads\n}\n',
    );
    expect(ok.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const bad = compile(HEADER + 'ladder ads {\n  1: say to member "{board}"\n}\nrule r {\n  on message.posted\n  do warn member "x" on ladder ads\n}\n');
    expect(bad.diagnostics.some((d) => d.severity === 'error') && bad.diagnostics.some((d) => d.message.includes('board'))).toBe(true);
  });
});

describe('construct ids', () => {
  it('every named construct of a compiled playbook has the id `<kind>:<name>`, ladders included', () => {
    const r = compile(HEADER + 'ladder ads {\n  1: say to member "one"\n}\nrule r {\n  on message.posted\n  do warn member "x" on ladder ads\n}\n');
    expect(r.ir?.ladders.map((l) => l.id)).toEqual(['ladder:ads']);
    expect(r.ir?.rules.map((x) => x.id)).toEqual(['rule:r']);
    expect(parseConstructId(constructId('ritual', 'welcome'))).toEqual({ kind: 'ritual', name: 'welcome' });
    expect(parseConstructId('points:message.posted')).toBeUndefined();
    expect(parseConstructId('nocolon')).toBeUndefined();
  });

  it('an IR stored before ladders had ids reads as the same IR after the upgrade', () => {
    const r = compile(
      HEADER + 'ladder ads {\n  expire 30d\n  1: say to member "one"\n}\nrule r {\n  on message.posted\n  do warn member "x" on ladder ads\n}\n',
    );
    const ir = r.ir!;
    const old = JSON.parse(JSON.stringify(ir)) as IR;
    for (const l of old.ladders) delete (l as { id?: string }).id;
    expect(JSON.stringify(upgradeStoredIr(old))).toBe(JSON.stringify(ir));
    expect(upgradeStoredIr(ir)).toEqual(ir);
  });
});
