import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/compile.js';
import { runInbox } from '../src/hosting/cluster-run.js';
import { CommunityFailure } from '../src/hosting/cluster-quarantine.js';
import { StoredStateError } from '../src/runtime/machines/stored.js';
import { DurableRuntime } from '../src/store/durable.js';
import { PendingStore } from '../src/store/pending.js';
import type { InboxOutcome, InboxRow } from '../src/store/postgres.js';
import type { StoredCommunity } from '../src/store/store.js';

const PLAYBOOK = `playbook "Run" {\n  timezone "UTC"\n}\n\nritual onboarding {\n  starts on member.joined\n  say to member "welcome {member.name}"\n  step intro "intro": message.posted where text contains "-"\n}\n`;
const ir = compile(PLAYBOOK, { file: 'run.playbook' }).ir!;

/** The rows a cluster owner would load for `club` after ann joined, with ann's ritual state replaced by `ritual` when given. */
function rowsWith(ritual?: string): StoredCommunity[] {
  const store = new PendingStore([]);
  new DurableRuntime(ir, store).dispatchBatch([{ id: 'j', type: 'member.joined', at: '2026-03-01T08:00:00Z', community: 'club', member: 'ann', name: 'Ann' }]);
  const [commit] = store.take();
  const members = commit!.members.map((m) => {
    const state = JSON.parse(m.state!) as { machines: Record<string, unknown> };
    expect(state.machines['ritual:onboarding']).toBeDefined();
    return ritual === undefined
      ? { id: m.id, state: m.state! }
      : { id: m.id, state: JSON.stringify({ ...state, machines: { ...state.machines, 'ritual:onboarding': ritual } }) };
  });
  return [{ id: 'club', state: commit!.communities[0]!.state, members, processed: [], timers: [] }];
}

const posted: InboxRow = {
  id: 7,
  community: 'club',
  kind: 'event',
  body: JSON.stringify({ id: 'p', type: 'message.posted', at: '2026-03-01T09:00:00Z', community: 'club', member: 'ann', messageId: 'm', text: 'ann-intro' }),
};

describe('runInbox (src/hosting/cluster-run.ts)', () => {
  it('a stored state the playbook lacks: a CommunityFailure naming the community, carrying the StoredStateError (not the store refusing a rebuild)', () => {
    const durable = new DurableRuntime(ir, new PendingStore(rowsWith('welcomed')));
    const outcomes: InboxOutcome[] = [];
    let caught: unknown;
    try {
      runInbox(durable, 'club', [posted], outcomes, []);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CommunityFailure);
    expect((caught as CommunityFailure).community).toBe('club');
    expect((caught as CommunityFailure).error).toBeInstanceOf(StoredStateError);
    expect((caught as CommunityFailure).message).toMatch(/^community "club", member "ann": ritual onboarding is in the stored state "welcomed"/);
    expect(outcomes).toEqual([]);
  });

  it('a sound row runs: the outcome is recorded and nothing is thrown', () => {
    const durable = new DurableRuntime(ir, new PendingStore(rowsWith()));
    const outcomes: InboxOutcome[] = [];
    runInbox(durable, 'club', [posted], outcomes, []);
    expect(outcomes).toEqual([{ id: 7, status: 'processed', late: false }]);
  });
});
