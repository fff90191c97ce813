// Heap bytes per member, in a process of its own: `node --expose-gc bench/heap.mjs KIND N`.
// KIND: runtime | xstate-actors | xstate-snapshots. Prints one JSON object:
//   idle: (memory after N members joined - memory before) / N, after a full GC both times, where
//   memory is heapUsed plus the ArrayBuffers' bytes (the runtime keeps its remembered ids in typed
//   arrays, off the JavaScript heap: they count all the same);
//   message: the same after each member also posted one message and time moved past the windows;
//   ids (runtime only): bytes per member of the processed-event-id record in those figures (the
//   dedupe set holds one id per event, so it grows with events, not with members).
import { compile, createRuntime } from '../dist/index.js';
import { createActor, initialTransition, transition } from 'xstate';
import { WORKLOAD_PLAYBOOK, isoShanghai } from './generate.mjs';
import { IsoCache, NO_ROLES } from './handwritten.mjs';
import { memberMachine } from './xstate.mjs';

if (typeof globalThis.gc !== 'function') {
  console.error('bench/heap.mjs needs node --expose-gc');
  process.exit(2);
}
const [kind = 'runtime', countText = '100000'] = process.argv.slice(2);
const n = Number(countText);
const t0 = Date.parse('2026-06-01T09:00:00+08:00');

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

// Everything not per member (the IR, the machine, module code) exists before the first reading.
const ir = compile(WORKLOAD_PLAYBOOK, { file: 'workload.playbook' }).ir;
const iso = new IsoCache();
const machine = memberMachine(iso);
const ids = Array.from({ length: n }, (_, i) => `u${i}`);
const result = { kind, members: n };
let keep;

const before = heapUsed();
if (kind === 'runtime') {
  const rt = createRuntime(ir);
  for (let i = 0; i < n; i++)
    rt.dispatch({ id: `j${i}`, type: 'member.joined', at: isoShanghai(t0 + i), community: 'big', member: ids[i], name: `Member ${i}` });
  result.idle = Math.round((heapUsed() - before) / n);
  const t1 = t0 + n + 1000;
  for (let i = 0; i < n; i++)
    rt.dispatch({ id: `p${i}`, type: 'message.posted', at: isoShanghai(t1 + i), community: 'big', member: ids[i], messageId: `m${i}`, text: 'hello' });
  rt.advance(t1 + n + 2 * 86_400_000);
  const withIds = heapUsed();
  result.message = Math.round((withIds - before) / n);
  rt.community('big').processed.clear();
  result.ids = Math.round((withIds - heapUsed()) / n);
  keep = rt;
} else if (kind === 'xstate-actors') {
  const actors = new Map();
  for (let i = 0; i < n; i++) actors.set(ids[i], createActor(machine, { input: { id: ids[i], roles: NO_ROLES } }).start());
  result.idle = Math.round((heapUsed() - before) / n);
  const t1 = t0 + n + 1000;
  for (let i = 0; i < n; i++)
    actors.get(ids[i]).send({ type: 'message.posted', now: t1 + i, id: `p${i}`, community: 'big', messageId: `m${i}`, text: 'hello' });
  result.message = Math.round((heapUsed() - before) / n);
  keep = actors;
} else if (kind === 'xstate-snapshots') {
  const snapshots = new Map();
  for (let i = 0; i < n; i++) snapshots.set(ids[i], initialTransition(machine, { id: ids[i], roles: NO_ROLES })[0]);
  result.idle = Math.round((heapUsed() - before) / n);
  const t1 = t0 + n + 1000;
  for (let i = 0; i < n; i++) {
    const next = transition(machine, snapshots.get(ids[i]), {
      type: 'message.posted',
      now: t1 + i,
      id: `p${i}`,
      community: 'big',
      messageId: `m${i}`,
      text: 'hello',
    })[0];
    snapshots.set(ids[i], next);
  }
  result.message = Math.round((heapUsed() - before) / n);
  keep = snapshots;
} else {
  console.error(`unknown kind ${kind}: runtime, xstate-actors or xstate-snapshots`);
  process.exit(2);
}
if (!keep) throw new Error('unreachable');
console.log(JSON.stringify(result));
