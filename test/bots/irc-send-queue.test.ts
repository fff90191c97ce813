import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandCost, QueueClosedError, SendQueue } from '../../src/bots/irc-send-queue.js';
import { FakeHost } from '../helpers/fake-timer-host.js';

function setup(burst: number, perSecond: number) {
  const clock = new FakeHost(0);
  const written: { line: string; at: number }[] = [];
  const queue = new SendQueue((line) => written.push({ line, at: clock.now() }), { burst, perSecond }, clock);
  return { clock, written, queue };
}

describe('commandCost', () => {
  it('charges what InspIRCd charges: JOIN 2, PART 5, the rest 1, with or without tags and prefix', () => {
    expect(commandCost('PRIVMSG #a :hi')).toBe(1);
    expect(commandCost('JOIN #a')).toBe(2);
    expect(commandCost('part #a :bye')).toBe(5);
    expect(commandCost('@label=1 :me JOIN #a')).toBe(2);
  });
});

describe('SendQueue', () => {
  it('lets a burst through at once, then paces the rest at the steady rate, in order', async () => {
    const { clock, written, queue } = setup(3, 2);
    const sent = Array.from({ length: 7 }, (_, i) => queue.send(`PRIVMSG #c :${i}`));
    expect(written.map((w) => w.line)).toEqual(['PRIVMSG #c :0', 'PRIVMSG #c :1', 'PRIVMSG #c :2']);
    expect(queue.pending).toBe(4);
    clock.advance(500);
    expect(written).toHaveLength(4);
    clock.advance(1500);
    expect(written.map((w) => w.at)).toEqual([0, 0, 0, 500, 1000, 1500, 2000]);
    expect(written.map((w) => w.line.split(':')[1])).toEqual(['0', '1', '2', '3', '4', '5', '6']);
    await Promise.all(sent);
  });

  it('refills during a quiet spell, but never above the burst', () => {
    const { clock, written, queue } = setup(2, 1);
    void queue.send('A');
    void queue.send('B');
    clock.advance(60_000);
    for (const l of ['C', 'D', 'E']) void queue.send(l);
    expect(written.map((w) => w.line)).toEqual(['A', 'B', 'C', 'D']);
    clock.advance(1000);
    expect(written.map((w) => w.line)).toEqual(['A', 'B', 'C', 'D', 'E']);
  });

  it('waits longer before a costly command (a JOIN takes two tokens)', () => {
    const { clock, written, queue } = setup(2, 1);
    void queue.send('PRIVMSG a :x');
    void queue.send('JOIN #b');
    expect(written).toHaveLength(1);
    clock.advance(999);
    expect(written).toHaveLength(1);
    clock.advance(1);
    expect(written.map((w) => w.line)).toEqual(['PRIVMSG a :x', 'JOIN #b']);
  });

  it('a command dearer than the whole bucket still goes out, once the bucket is full', () => {
    const { clock, written, queue } = setup(2, 1);
    void queue.send('PRIVMSG a :x');
    void queue.send('PART #a');
    clock.advance(1000);
    expect(written.map((w) => w.line)).toEqual(['PRIVMSG a :x', 'PART #a']);
  });

  it('counts lines written past it (PONG, QUIT) against the lines after them', () => {
    const { clock, written, queue } = setup(2, 1);
    queue.spend('PONG :x');
    queue.spend('QUIT :bye');
    void queue.send('PRIVMSG a :x');
    expect(written).toHaveLength(0);
    clock.advance(1000);
    expect(written).toHaveLength(1);
  });

  it('drops what is waiting when the connection is replaced, and starts with a full bucket', async () => {
    const { written, queue } = setup(1, 1);
    void queue.send('A');
    const lost = queue.send('B');
    queue.reset('reconnected');
    await expect(lost).rejects.toBeInstanceOf(QueueClosedError);
    await expect(lost).rejects.toThrow('reconnected');
    void queue.send('C');
    expect(written.map((w) => w.line)).toEqual(['A', 'C']);
  });

  it('rejects a line whose write throws, and carries on with the next', async () => {
    const clock = new FakeHost(0);
    const written: string[] = [];
    const queue = new SendQueue(
      (line) => {
        if (line === 'bad') throw new Error('socket gone');
        written.push(line);
      },
      { burst: 5, perSecond: 1 },
      clock,
    );
    await expect(queue.send('bad')).rejects.toThrow('socket gone');
    await queue.send('good');
    expect(written).toEqual(['good']);
  });

  it('refuses a rate that would never send', () => {
    expect(() => new SendQueue(() => undefined, { burst: 0, perSecond: 1 })).toThrow(RangeError);
    expect(() => new SendQueue(() => undefined, { burst: 3, perSecond: 0 })).toThrow(RangeError);
  });

  it('never writes more than burst + rate x time in any window, and writes everything eventually', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3000 }), lines: fc.integer({ min: 1, max: 6 }), join: fc.boolean() }), {
          minLength: 1,
          maxLength: 25,
        }),
        (burst, perSecond, bursts) => {
          const { clock, written, queue } = setup(burst, perSecond);
          const costs = new Map<string, number>();
          let n = 0;
          for (const b of bursts) {
            clock.advance(b.gap);
            for (let i = 0; i < b.lines; i++) {
              const line = b.join ? `JOIN #c${n++}` : `PRIVMSG #c :${n++}`;
              costs.set(line, Math.min(commandCost(line), burst));
              void queue.send(line);
            }
          }
          clock.advance(1_000_000);
          expect(written).toHaveLength(n);
          // Cost spent in [t0, t1] is at most the bucket plus what refilled in between.
          for (let i = 0; i < written.length; i++) {
            let spent = 0;
            for (let j = i; j < written.length; j++) {
              spent += costs.get(written[j]!.line)!;
              const window = (written[j]!.at - written[i]!.at) / 1000;
              expect(spent).toBeLessThanOrEqual(burst + perSecond * window + 1e-9);
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
