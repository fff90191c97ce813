import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { createRuntime, ENGINES, type RuntimeSnapshot } from '../src/runtime/runtime.js';
import { checkSnapshotStates, machineLabel, StoredMachines, StoredStateError, storedStateProblem } from '../src/runtime/machines/stored.js';
import { lifecycleMachine, ritualMachine } from '../src/compiler/backends/xstate.js';
import { newMember } from '../src/runtime/member.js';
import { PlaybookServer } from '../src/server/server.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { runCli } from './helpers/cli.js';

/**
 * A member's stored ritual or lifecycle state that the playbook's machine does not have (a damaged
 * row, a hand edit, a snapshot of another version resumed without a reload) is refused, naming the
 * community, member, machine and state, by every engine and by the durable server on loading
 * (docs/runtime.md, "Stored machine states"). Before, the fast engine read it as the initial state:
 * the member was back at the ritual's first steps, and its `done` actions could run twice.
 */

const PLAYBOOK = `playbook "Stored" {
  timezone "UTC"
}

ritual onboarding {
  starts on member.joined
  say to member "welcome {member.name}"
  step intro "intro": message.posted where text contains "-"
  done {
    award 10 points reason "ritual"
  }
}

lifecycle member {
  initial newcomer
  newcomer -> regular on message.posted
}
`;
const ir = compile(PLAYBOOK, { file: 'stored.playbook' }).ir!;
const AT = '2026-03-01T08:00:00Z';
const joined = { id: 'j1', type: 'member.joined', at: AT, community: 'club', member: 'ann', name: 'Ann' };
const posted = (id: string, text: string) => ({
  id,
  type: 'message.posted',
  at: '2026-03-01T09:00:00Z',
  community: 'club',
  member: 'ann',
  messageId: id,
  text,
});

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A runtime whose member's state is then damaged in place (as a custom store could load it). */
function resumedWith(engine: (typeof ENGINES)[number], machine: string, value: unknown) {
  const rt = createRuntime(ir, { engine });
  rt.dispatch(joined);
  const ann = rt.community('club')!.members['ann']!;
  ann.machines![Object.keys(ann.machines!).find((k) => k.startsWith(machine))!] = value;
  return rt;
}

function snapshotWith(machine: string, value: unknown): RuntimeSnapshot {
  const rt = createRuntime(ir);
  rt.dispatch(joined);
  const snap = rt.snapshot();
  const ann = snap.communities[0]!.members['ann']!;
  const id = Object.keys(ann.machines!).find((k) => k.startsWith(machine))!;
  ann.machines![id] = value;
  return JSON.parse(JSON.stringify(snap)) as RuntimeSnapshot;
}

describe('a stored machine state the playbook does not have', () => {
  for (const engine of ENGINES) {
    it(`engine ${engine}: a snapshot with an unknown state is refused by createRuntime, before any event`, () => {
      expect(() => createRuntime(ir, { engine, snapshot: snapshotWith('ritual', 'welcomed') })).toThrow(
        /^community "club", member "ann": ritual onboarding is in the stored state "welcomed"/,
      );
      expect(() => createRuntime(ir, { engine, snapshot: snapshotWith('lifecycle', 'dormant') })).toThrow(StoredStateError);
    });

    it(`engine ${engine}: an unknown ritual state in the live state is refused at the member's next event, naming all four`, () => {
      const rt = resumedWith(engine, 'ritual', 'welcomed');
      let error: unknown;
      try {
        rt.dispatch(posted('p1', 'hi - Ann'));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoredStateError);
      expect((error as Error).message).toMatch(
        /^community "club", member "ann": ritual onboarding is in the stored state "welcomed", which this playbook does not have \(no state "welcomed" \(it has active, completed, expired, cancelled\)\)\. /,
      );
    });

    it(`engine ${engine}: an unknown lifecycle state is refused; a known one resumes`, () => {
      const bad = resumedWith(engine, 'lifecycle', 'dormant');
      expect(() => bad.dispatch(posted('p1', 'hello'))).toThrow(/member "ann": lifecycle member is in the stored state "dormant"/);
      const good = createRuntime(ir, { engine, snapshot: snapshotWith('ritual', { active: { intro: 'pending' } }) });
      const out = good.dispatch(posted('p1', 'hi - Ann'));
      expect(out.map((a) => a.type)).toContain('points.award');
    });
  }

  it('a string holding the JSON of a state another member is in is refused too, by every engine (the fast engine keeps strings and other values apart)', () => {
    const two = compile(`playbook "S" { timezone "UTC" }
ritual onboarding {
  starts on member.joined
  step intro "i": message.posted
  step react "r": reaction.added
  done { say to member "done" }
}
`).ir!;
    for (const engine of ENGINES) {
      const rt = createRuntime(two, { engine });
      let t = Date.parse(AT);
      let n = 0;
      const ev = (member: string, type: string, extra: Record<string, unknown> = {}) =>
        rt.dispatch({ id: `e${n++}`, at: new Date((t += 60_000)).toISOString(), community: 'g', member, type, ...extra });
      ev('a', 'member.joined');
      ev('b', 'member.joined');
      ev('a', 'message.posted', { text: 'x', messageId: 'm1' });
      const b = rt.community('g')!.members['b']!;
      b.machines!['ritual:onboarding'] = JSON.stringify({ active: { intro: 'pending', react: 'pending' } });
      expect(() => ev('b', 'reaction.added', { emoji: 'x', messageId: 'm1' }), engine).toThrow(StoredStateError);
      rt.close();
    }
  });

  it('checkSnapshotStates refuses such a snapshot before it is resumed, and passes a sound one', () => {
    expect(() => checkSnapshotStates(ir, snapshotWith('lifecycle', 'dormant'))).toThrow(
      /^community "club", member "ann": lifecycle member is in the stored state "dormant"/,
    );
    expect(() => checkSnapshotStates(ir, snapshotWith('ritual', { active: {} }))).toThrow(/\(part intro of active is missing\)/);
    expect(() => checkSnapshotStates(ir, snapshotWith('ritual', { active: { intro: 'done' } }))).not.toThrow();
    expect(() => checkSnapshotStates(ir, { communities: [] })).not.toThrow();
  });

  it('serve refuses a database whose member row holds an unknown state: the server does not start, the CLI exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'playbook-stored-'));
    dirs.push(dir);
    const db = join(dir, 'stored.db');
    const file = join(dir, 'stored.playbook');
    writeFileSync(file, PLAYBOOK);
    const first = new PlaybookServer({ file, source: PLAYBOOK, ir, store: new SqliteStore(db), clock: 'events' });
    await first.listen(0, '127.0.0.1');
    await first.close();
    const server = new PlaybookServer({ file, source: PLAYBOOK, ir, store: new SqliteStore(db), clock: 'events' });
    const address = await server.listen(0, '127.0.0.1');
    expect((await fetch(`http://127.0.0.1:${address.port}/events`, { method: 'POST', body: JSON.stringify(joined) })).status).toBe(200);
    await server.close();

    const raw = new Database(db);
    const row = raw.prepare("SELECT state FROM members WHERE community = 'club' AND id = 'ann'").get() as { state: string };
    const state = JSON.parse(row.state) as { machines: Record<string, unknown> };
    const ritual = Object.keys(state.machines).find((k) => k.startsWith('ritual'))!;
    state.machines[ritual] = { active: { intro: 'finished' } };
    raw.prepare("UPDATE members SET state = ? WHERE community = 'club' AND id = 'ann'").run(JSON.stringify(state));
    raw.close();

    const store = new SqliteStore(db);
    expect(() => new PlaybookServer({ file, source: PLAYBOOK, ir, store, clock: 'events' })).toThrow(
      'community "club", member "ann": ritual onboarding is in the stored state {"active":{"intro":"finished"}}, which this playbook does not have (no state "finished" in active.intro (it has pending, done))',
    );
    store.close();
    const cli = await runCli(['serve', file, '--db', db, '--port', '0', '--clock', 'events']);
    expect(cli.code).toBe(2);
    expect(cli.err).not.toContain('internal error');
    expect(cli.err).toMatch(/member "ann": ritual onboarding is in the stored state \{"active":\{"intro":"finished"\}\}/);
  });
});

describe('storedStateProblem and StoredMachines (src/runtime/machines/stored.ts)', () => {
  const ritual = ritualMachine(ir.rituals[0]!).config;
  const lifecycle = lifecycleMachine(ir.lifecycles[0]!).config;

  it('accepts exactly the values the engines store', () => {
    expect(storedStateProblem(ritual, { active: { intro: 'pending' } })).toBeUndefined();
    expect(storedStateProblem(ritual, { active: { intro: 'done' } })).toBeUndefined();
    expect(storedStateProblem(ritual, 'completed')).toBeUndefined();
    expect(storedStateProblem(lifecycle, 'regular')).toBeUndefined();
  });

  it('a part of a parallel state without states of its own is stored as {}, and only so', () => {
    const config = { id: 'p', type: 'parallel', states: { x: { initial: 'a', states: { a: {}, b: {} } }, idle: {} } };
    expect(storedStateProblem(config, { x: 'a', idle: {} })).toBeUndefined();
    expect(storedStateProblem(config, { x: 'a', idle: 'z' })).toBe('part idle has no states of its own, so "z" cannot be one (it is stored as {})');
    expect(storedStateProblem(config, { x: 'a', idle: { z: 'a' } })).toMatch(/^part idle has no states of its own/);
    expect(storedStateProblem(config, { x: 'a', idle: [] })).toMatch(/^part idle has no states of its own/);
    expect(storedStateProblem(config, { x: 'a', idle: null })).toMatch(/^part idle has no states of its own/);
  });

  it('says what is wrong, and where', () => {
    const cases: [unknown, string][] = [
      ['welcomed', 'no state "welcomed" (it has active, completed, expired, cancelled)'],
      [{ active: 'pending' }, 'active needs an object of its parts intro, not "pending"'],
      [{ active: null }, 'active needs an object of its parts intro, not null'],
      [{ active: ['intro'] }, 'active needs an object of its parts intro, not ["intro"]'],
      [{ active: { intro: 'done', extra: 'done' } }, 'no part "extra" in active (it has intro)'],
      [{ active: {} }, 'part intro of active is missing'],
      [{ active: { intro: 'later' } }, 'no state "later" in active.intro (it has pending, done)'],
      [{ active: { intro: { pending: 'x' } } }, 'state active.intro.pending has no states of its own, so "x" cannot be one'],
      ['active', 'state active has states of its own, and the value names none of them'],
      [null, 'null is not a state name or an object of one'],
      [[], '[] is not a state name or an object of one'],
      [{}, '{} is not a state name or an object of one'],
      [{ completed: 'x', active: 'y' }, '{"completed":"x","active":"y"} is not a state name or an object of one'],
      [{ active: { intro: 3 } }, '3 in active.intro is not a state name or an object of one'],
      [undefined, 'undefined is not a state name or an object of one'],
      ['x'.repeat(300), `no state "${'x'.repeat(300)}" (it has active, completed, expired, cancelled)`],
    ];
    for (const [value, problem] of cases) expect(storedStateProblem(ritual, value), JSON.stringify(value)).toBe(problem);
    expect(storedStateProblem(lifecycle, { regular: 'x' })).toBe('state regular has no states of its own, so "x" cannot be one');
    expect(storedStateProblem(lifecycle, '__proto__')).toBe('no state "__proto__" (it has newcomer, regular)');
  });

  it('with several parts: names them all, and checks every part', () => {
    const two = ritualMachine({
      ...ir.rituals[0]!,
      steps: [
        { name: 'intro', label: 'intro', on: { event: 'message.posted' } },
        { name: 'photo', label: 'photo', on: { event: 'message.posted' } },
      ],
    }).config;
    expect(storedStateProblem(two, { active: { intro: 'done', photo: 'pending' } })).toBeUndefined();
    expect(storedStateProblem(two, { active: 'done' })).toBe('active needs an object of its parts intro, photo, not "done"');
    expect(storedStateProblem(two, { active: { intro: 'done', bio: 'done' } })).toBe('no part "bio" in active (it has intro, photo)');
    expect(storedStateProblem(two, { active: { intro: 'done', photo: 'later' } })).toBe('no state "later" in active.photo (it has pending, done)');
    expect(storedStateProblem(two, { active: { intro: 'done' } })).toBe('part photo of active is missing');
  });

  it('cuts a long state short in the message, and names a machine by its construct name', () => {
    const e = new StoredStateError(machineLabel('ritual:onboarding', 'ritual'), { long: 'y'.repeat(300) }, 'p');
    expect(e.message).toContain(`ritual onboarding is in the stored state {"long":"${'y'.repeat(191)}…, which`);
    expect(e.message).toMatch(/^ritual onboarding is in/);
    expect(e.message).toMatch(
      /\(p\)\. The snapshot or database was written by another version of the playbook, or edited: resume it with the version that wrote it and reload to this one \(renamed and removed states are carried over by the reload, docs\/serve\.md "Reloading the playbook"\), or repair the member's state$/,
    );
    // 200 characters are shown whole.
    const exact = { s: 'z'.repeat(192) };
    expect(JSON.stringify(exact)).toHaveLength(200);
    expect(new StoredStateError('ritual x', exact, 'p').message).toContain(`${JSON.stringify(exact)}, which`);
    expect(e.at('c', 'm').message).toMatch(/^community "c", member "m": ritual onboarding is in/);
    expect(e.at('c', 'm')).toMatchObject({ machine: 'ritual onboarding', problem: 'p', where: { community: 'c', member: 'm' } });
    expect(machineLabel('not a construct id', 'lifecycle')).toBe('lifecycle not a construct id');
  });

  it('StoredMachines: checks members of the playbook’s machines, each distinct value once; ignores machines the playbook lacks', () => {
    const machines = new StoredMachines(ir);
    const ritualId = ir.rituals[0]!.id;
    const lifecycleId = ir.lifecycles[0]!.id;
    const member = (id: string, states: Record<string, unknown> | undefined) => ({ ...newMember(id, 0), machines: states });
    expect(() => machines.check('club', member('a', undefined))).not.toThrow();
    expect(() => machines.check('club', member('b', { 'ritual:gone': 'anything', [ritualId]: 'completed' }))).not.toThrow();
    expect(() => machines.check('club', member('c', { [lifecycleId]: 'regular' }))).not.toThrow();
    expect(() => machines.check('club', member('d', { [lifecycleId]: 'dormant' }))).toThrow(
      /^community "club", member "d": lifecycle member is in the stored state "dormant"/,
    );
    expect(() => machines.check('club', member('e', { [ritualId]: 'welcomed' }))).toThrow(/member "e": ritual onboarding/);
  });
});
