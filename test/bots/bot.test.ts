import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import type { IR } from '../../src/ir/schema.js';
import type { OutputAction } from '../../src/runtime/runtime.js';
import { DurableRuntime } from '../../src/store/durable.js';
import { MemoryDurableStore } from '../../src/store/memory.js';
import type { ActionOutcome, AdapterEvents, Capabilities, ChatAdapter, ChatEvent, UndoRecord } from '../../src/bots/adapter.js';
import { Bot, isoDuration, UNDO_TRIES, type DeliveryReport } from '../../src/bots/bot.js';
import { actionSites, unsupportedByPlatform } from '../../src/bots/capabilities.js';
import { FakeHost } from '../helpers/fake-timer-host.js';

const FILE = 'test/fixtures/bots/room.playbook';
const SOURCE = readFileSync(FILE, 'utf8');
const IR_ROOM = compile(SOURCE, { file: FILE }).ir!;
const T0 = Date.parse('2026-11-23T10:00:00Z');
const ROOM = 'room@conference.localhost';

const FULL: Capabilities = {
  messageIds: 'server',
  deleteMessage: true,
  mute: true,
  muteEnds: 'bot',
  muteSurvivesRejoin: false,
  kick: true,
  ban: true,
  privateMessage: true,
  adminNotify: true,
};

/** An adapter that records what it was asked; `hold` makes perform wait until released. */
class FakeAdapter implements ChatAdapter {
  readonly platform = 'fake';
  events!: AdapterEvents;
  performed: OutputAction[] = [];
  undone: UndoRecord[] = [];
  startError: Error | undefined;
  hold: ((a: OutputAction) => boolean) | undefined;
  private release: (() => void)[] = [];
  constructor(
    readonly capabilities: Capabilities = FULL,
    private readonly host?: FakeHost,
  ) {}
  async start(events: AdapterEvents) {
    this.events = events;
    if (this.startError) throw this.startError;
  }
  async perform(a: OutputAction): Promise<ActionOutcome> {
    if (this.hold?.(a)) await new Promise<void>((r) => this.release.push(r));
    this.performed.push(a);
    if (a.type === 'message.delete' && !this.capabilities.deleteMessage) return { status: 'unsupported', reason: 'no deletion here' };
    if (a.type === 'member.mute' && this.capabilities.muteEnds === 'bot') {
      return { status: 'done', undoAt: Date.parse(String(a['until'])), undo: { kind: 'unmute', community: a.community, member: a.member! } };
    }
    return { status: 'done' };
  }
  async undo(r: UndoRecord): Promise<ActionOutcome> {
    this.undone.push({ ...r, at: this.host?.now() });
    return { status: 'done' };
  }
  async stop() {}
  emit(e: Partial<ChatEvent> & { type: string; member?: string }, at: number) {
    this.events.event({ id: `${e.type}-${at}-${e.member}-${Math.random()}`, community: ROOM, at: new Date(at).toISOString(), ...e } as ChatEvent);
  }
}

function bot(store: MemoryDurableStore, adapter: FakeAdapter, host: FakeHost, reports: DeliveryReport[] = [], logs: string[] = [], ir: IR = IR_ROOM) {
  return new Bot({
    durable: new DurableRuntime(ir, store),
    adapter,
    playbook: { ir, source: SOURCE, file: FILE },
    timerHost: host,
    log: (l) => logs.push(l),
    onOutcome: (r) => reports.push(r),
  });
}

const types = (as: OutputAction[]) => as.map((a) => `${a.type}${a.member ? ` ${a.member}` : ''}`);

describe('the bot', () => {
  it('carries out the platform actions of an event in order and records the bookkeeping ones', async () => {
    const host = new FakeHost(T0);
    const adapter = new FakeAdapter(FULL, host);
    const reports: DeliveryReport[] = [];
    const b = bot(new MemoryDurableStore(), adapter, host, reports);
    await b.start();
    adapter.emit({ type: 'member.joined', member: 'alice', name: 'Alice' }, T0);
    adapter.emit({ type: 'message.posted', member: 'alice', messageId: 'm1', text: 'buy now at http://x.example' }, T0 + 1000);
    await b.idle();
    expect(types(adapter.performed)).toEqual(['message.send alice', 'message.delete alice', 'message.send alice']);
    expect(adapter.performed[1]!['messageId']).toBe('m1');
    expect(reports.map((r) => `${r.action.type}:${r.outcome.status}`)).toEqual([
      'message.send:done',
      'message.delete:done',
      'member.warn:recorded',
      'message.send:done',
    ]);
    expect(reports.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('fires playbook timers on the wall clock: a newcomer who does not introduce themselves is removed', async () => {
    const host = new FakeHost(T0);
    const adapter = new FakeAdapter(FULL, host);
    const b = bot(new MemoryDurableStore(), adapter, host);
    await b.start();
    adapter.emit({ type: 'member.joined', member: 'dave', name: 'Dave' }, T0);
    await b.idle();
    host.runTo(T0 + 5_999);
    await b.idle();
    expect(types(adapter.performed)).toEqual(['message.send dave']);
    host.runTo(T0 + 6_000);
    await b.idle();
    expect(types(adapter.performed)).toEqual(['message.send dave', 'member.remove dave']);
    expect(adapter.performed[1]!['reason']).toBe('no introduction');
  });

  it('reports what the platform cannot do, at start and for each action, and goes on', async () => {
    const host = new FakeHost(T0);
    const adapter = new FakeAdapter({ ...FULL, deleteMessage: false, messageIds: 'adapter' }, host);
    const logs: string[] = [];
    const reports: DeliveryReport[] = [];
    const b = bot(new MemoryDurableStore(), adapter, host, reports, logs);
    expect(logs.some((l) => l.includes('cannot delete'))).toBe(false);
    await b.start();
    expect(logs.some((l) => l.includes('fake cannot delete messages (used by no_ads)'))).toBe(true);
    adapter.emit({ type: 'message.posted', member: 'bob', messageId: 'm9', text: 'buy now' }, T0);
    await b.idle();
    expect(logs.some((l) => /action 1 message\.delete bob \(rule:no_ads\) not carried out on fake: unsupported: no deletion here/.test(l))).toBe(true);
    expect(reports.map((r) => r.outcome.status)).toEqual(['unsupported', 'recorded', 'done']);
    expect(b.counts.unsupported).toBe(1);
  });

  it('after a crash, carries out exactly the actions that were committed and not done', async () => {
    const store = new MemoryDurableStore();
    const host = new FakeHost(T0);
    const first = new FakeAdapter(FULL, host);
    // The second action never completes: the process "dies" while the server is slow.
    first.hold = (a) => a.type === 'message.delete';
    const b1 = bot(store, first, host);
    await b1.start();
    first.emit({ type: 'member.joined', member: 'alice', name: 'Alice' }, T0);
    first.emit({ type: 'message.posted', member: 'alice', messageId: 'm1', text: 'buy now' }, T0 + 1000);
    await new Promise((r) => setTimeout(r, 10));
    expect(types(first.performed)).toEqual(['message.send alice']);

    const second = new FakeAdapter(FULL, host);
    const logs: string[] = [];
    const b2 = bot(store, second, host, [], logs);
    await b2.start();
    await b2.idle();
    expect(types(second.performed)).toEqual(['message.delete alice', 'message.send alice']);
    expect(logs).toContain('carrying out 3 action(s) committed but not done before the last stop');

    const third = new FakeAdapter(FULL, host);
    const b3 = bot(store, third, host);
    await b3.start();
    await b3.idle();
    expect(third.performed).toEqual([]);
  });

  it('keeps what is left for the next run when connecting fails', async () => {
    const store = new MemoryDurableStore();
    const host = new FakeHost(T0);
    const a1 = new FakeAdapter(FULL, host);
    a1.hold = () => true;
    const b1 = bot(store, a1, host);
    await b1.start();
    a1.emit({ type: 'member.joined', member: 'carol', name: 'Carol' }, T0);

    const a2 = new FakeAdapter(FULL, host);
    a2.startError = new Error('connection refused');
    const b2 = bot(store, a2, host);
    await expect(b2.start()).rejects.toThrow('connection refused');
    await b2.idle();
    expect(a2.performed).toEqual([]);

    const a3 = new FakeAdapter(FULL, host);
    const b3 = bot(store, a3, host);
    await b3.start();
    await b3.idle();
    expect(types(a3.performed)).toEqual(['message.send carol']);
  });

  it('ends a mute at its time, also after a restart, and mutes again a member who rejoins while muted', async () => {
    const store = new MemoryDurableStore();
    const host = new FakeHost(T0);
    const a1 = new FakeAdapter(FULL, host);
    const b1 = bot(store, a1, host);
    await b1.start();
    for (let i = 0; i < 5; i++) a1.emit({ type: 'message.posted', member: 'erin', messageId: `f${i}`, text: `hello ${i}` }, T0 + i * 100);
    await b1.idle();
    const mute = a1.performed.find((a) => a.type === 'member.mute')!;
    expect(mute.member).toBe('erin');
    expect(mute['until']).toBe(new Date(T0 + 400 + 3000).toISOString());

    // The member leaves and comes back a second later: XMPP gave them their voice back.
    a1.emit({ type: 'member.left', member: 'erin' }, T0 + 1000);
    host.runTo(T0 + 1400);
    a1.emit({ type: 'member.joined', member: 'erin', name: 'Erin' }, T0 + 1400);
    await b1.idle();
    const again = a1.performed.filter((a) => a.type === 'member.mute');
    expect(again).toHaveLength(2);
    expect(again[1]).toMatchObject({ source: 'bot:rejoin', duration: 'PT2S', until: new Date(T0 + 3400).toISOString() });
    await b1.stop();

    // A new process: the undo is still due at the mute's end.
    const a2 = new FakeAdapter(FULL, host);
    const b2 = bot(store, a2, host);
    await b2.start();
    host.runTo(T0 + 3399);
    await b2.idle();
    expect(a2.undone).toEqual([]);
    host.runTo(T0 + 3400);
    await b2.idle();
    expect(a2.undone).toEqual([{ kind: 'unmute', community: ROOM, member: 'erin', at: T0 + 3400 }]);
    await b2.stop();

    const a3 = new FakeAdapter(FULL, host);
    const b3 = bot(store, a3, host);
    await b3.start();
    host.runTo(T0 + 60_000);
    await b3.idle();
    expect(a3.undone).toEqual([]);
  });

  it('keeps the mutes of members called __proto__ or constructor like any other, across a restart (issue 13)', async () => {
    const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
    const store = new MemoryDurableStore();
    const host = new FakeHost(T0);
    const a1 = new FakeAdapter(FULL, host);
    const b1 = bot(store, a1, host);
    await b1.start();
    for (const member of ['__proto__', 'constructor']) {
      for (let i = 0; i < 5; i++) a1.emit({ type: 'message.posted', member, messageId: `${member}${i}`, text: `hi ${i}` }, T0 + i);
    }
    await b1.idle();
    expect(a1.performed.filter((a) => a.type === 'member.mute').map((a) => a.member)).toEqual(['__proto__', 'constructor']);
    await b1.stop();

    const a2 = new FakeAdapter(FULL, host);
    const b2 = bot(store, a2, host);
    await b2.start();
    for (const member of ['__proto__', 'constructor']) {
      a2.emit({ type: 'member.left', member }, T0 + 100);
      a2.emit({ type: 'member.joined', member, name: member }, T0 + 200);
    }
    await b2.idle();
    expect(a2.performed.filter((a) => a.type === 'member.mute').map((a) => [a.member, a.source])).toEqual([
      ['__proto__', 'bot:rejoin'],
      ['constructor', 'bot:rejoin'],
    ]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
    expect(({} as Record<string, unknown>)['name']).toBeUndefined();
    await b2.stop();
  });

  it('does not mute a rejoining member again where the server keeps the mute', async () => {
    const host = new FakeHost(T0);
    const a = new FakeAdapter({ ...FULL, muteEnds: 'server', muteSurvivesRejoin: true }, host);
    const b = bot(new MemoryDurableStore(), a, host);
    await b.start();
    for (let i = 0; i < 5; i++) a.emit({ type: 'message.posted', member: 'erin', messageId: `f${i}`, text: `hi ${i}` }, T0 + i);
    a.emit({ type: 'member.left', member: 'erin' }, T0 + 10);
    a.emit({ type: 'member.joined', member: 'erin', name: 'Erin' }, T0 + 20);
    await b.idle();
    expect(a.performed.filter((x) => x.type === 'member.mute')).toHaveLength(1);
  });

  it('skips a mute that ended before it could be applied', async () => {
    const store = new MemoryDurableStore();
    const host = new FakeHost(T0);
    const a1 = new FakeAdapter(FULL, host);
    a1.hold = (x) => x.type === 'member.mute';
    const b1 = bot(store, a1, host);
    await b1.start();
    for (let i = 0; i < 5; i++) a1.emit({ type: 'message.posted', member: 'erin', messageId: `f${i}`, text: `hi ${i}` }, T0 + i);
    await new Promise((r) => setTimeout(r, 10));
    host.t = T0 + 60_000;
    const a2 = new FakeAdapter(FULL, host);
    const reports: DeliveryReport[] = [];
    const b2 = bot(store, a2, host, reports);
    await b2.start();
    await b2.idle();
    expect(a2.performed.map((x) => x.type)).toEqual(['admin.notify']);
    expect(reports[0]!.outcome).toMatchObject({ status: 'skipped' });
  });
});

describe('capability notes', () => {
  it('names the constructs whose actions a platform cannot carry out', () => {
    const sites = actionSites(IR_ROOM);
    expect(sites.get('deleteMessage')).toEqual(['no_ads']);
    expect(sites.get('notify')).toEqual(['flood']);
    const lines = unsupportedByPlatform(IR_ROOM, 'irc', { ...FULL, deleteMessage: false, adminNotify: false });
    expect(lines).toEqual([
      'note: irc cannot delete messages (used by no_ads); those actions will be reported, not carried out',
      'note: irc cannot notify administrators (give it --admin) (used by flood); those actions will be reported, not carried out',
    ]);
    expect(unsupportedByPlatform(IR_ROOM, 'xmpp', FULL)).toEqual([]);
  });

  it('writes remaining mute time as an ISO-8601 duration', () => {
    expect(isoDuration(2000)).toBe('PT2S');
    expect(isoDuration(1)).toBe('PT1S');
    expect(isoDuration(3_723_000)).toBe('PT1H2M3S');
    expect(isoDuration(600_000)).toBe('PT10M');
  });
});

describe('reloading the playbook of a running bot', () => {
  it('switches to the new version, keeps the state, and refuses a version with errors', async () => {
    const host = new FakeHost(T0);
    const adapter = new FakeAdapter(FULL, host);
    const logs: string[] = [];
    const b = bot(new MemoryDurableStore(), adapter, host, [], logs);
    await b.start();
    adapter.emit({ type: 'member.joined', member: 'dave', name: 'Dave' }, T0);
    await b.idle();
    const broken = b.reload('rule x {', 'room.playbook');
    expect(broken.ok).toBe(false);
    expect(broken.diagnostics!.join('\n')).toMatch(/room\.playbook:1:/);
    const longer = SOURCE.replace('deadline 6s', 'deadline 20s');
    expect(b.reload(longer, FILE).ok).toBe(true);
    expect(logs.some((l) => l.startsWith(`reloaded ${FILE} (Live Room)`))).toBe(true);
    // The deadline moved: 20 s from when dave joined, not 6.
    host.runTo(T0 + 19_999);
    await b.idle();
    expect(types(adapter.performed)).toEqual(['message.send dave']);
    host.runTo(T0 + 20_000);
    await b.idle();
    expect(types(adapter.performed)).toEqual(['message.send dave', 'member.remove dave']);
  });
});

describe('a timed undo the server refuses', () => {
  it('is tried again later, up to a limit, and a success ends it', async () => {
    const host = new FakeHost(T0);
    const adapter = new FakeAdapter(FULL, host);
    let failures = 2;
    const undo = adapter.undo.bind(adapter);
    adapter.undo = async (r) => (failures-- > 0 ? { status: 'failed', reason: 'remote-server-timeout' } : undo(r));
    const logs: string[] = [];
    const b = bot(new MemoryDurableStore(), adapter, host, [], logs);
    await b.start();
    for (let i = 0; i < 5; i++) adapter.emit({ type: 'message.posted', member: 'erin', messageId: `f${i}`, text: `hi ${i}` }, T0 + i);
    await b.idle();
    host.runTo(T0 + 4 + 3000);
    await b.idle();
    expect(adapter.undone).toEqual([]);
    expect(logs.filter((l) => l.includes('undo unmute of erin'))).toEqual([
      `undo unmute of erin in ${ROOM}: failed: remote-server-timeout; trying again in 30 s`,
    ]);
    host.runTo(T0 + 4 + 3000 + 30_000);
    await b.idle();
    expect(adapter.undone).toEqual([]);
    host.runTo(T0 + 4 + 3000 + 60_000);
    await b.idle();
    expect(adapter.undone.map((u) => u.at)).toEqual([T0 + 4 + 3000 + 60_000]);
    host.runTo(T0 + 3_600_000);
    await b.idle();
    expect(adapter.undone).toHaveLength(1);
  });

  it('gives up after UNDO_TRIES attempts', async () => {
    const host = new FakeHost(T0);
    const adapter = new FakeAdapter(FULL, host);
    let calls = 0;
    adapter.undo = async () => (calls++, { status: 'failed', reason: 'not-allowed' });
    const logs: string[] = [];
    const b = bot(new MemoryDurableStore(), adapter, host, [], logs);
    await b.start();
    for (let i = 0; i < 5; i++) adapter.emit({ type: 'message.posted', member: 'erin', messageId: `f${i}`, text: `hi ${i}` }, T0 + i);
    await b.idle();
    for (let t = T0; t < T0 + 3_600_000; t += 10_000) {
      host.runTo(t);
      await b.idle();
    }
    expect(calls).toBe(UNDO_TRIES);
    expect(logs.at(-1)).toBe(`undo unmute of erin in ${ROOM}: failed: not-allowed`);
  });
});

describe('undo outcomes', () => {
  it('are reported to onUndo with the record', async () => {
    const host = new FakeHost(T0);
    const adapter = new FakeAdapter(FULL, host);
    const undos: string[] = [];
    const b = new Bot({
      durable: new DurableRuntime(IR_ROOM, new MemoryDurableStore()),
      adapter,
      playbook: { ir: IR_ROOM, source: SOURCE, file: FILE },
      timerHost: host,
      onUndo: (r, o) => undos.push(`${r.kind} ${r.member} ${o.status}`),
    });
    await b.start();
    for (let i = 0; i < 5; i++) adapter.emit({ type: 'message.posted', member: 'erin', messageId: `f${i}`, text: `hi ${i}` }, T0 + i);
    await b.idle();
    expect(undos).toEqual([]);
    host.runTo(T0 + 4 + 3000);
    await b.idle();
    expect(undos).toEqual(['unmute erin done']);
  });
});
