/** How the bot names actions and undo records in its log and its store (src/bots/bot.ts). */
import type { OutputAction } from '../runtime/runtime.js';
import type { UndoRecord } from './adapter.js';

export function undoKey(r: UndoRecord): string {
  return `${r.kind}\u0000${r.community}\u0000${r.member}`;
}

export function describeAction(seq: number | undefined, a: OutputAction): string {
  const who = a.member ? ` ${a.member}` : '';
  return `action${seq !== undefined ? ` ${seq}` : ''} ${a.type}${who} (${typeof a['source'] === 'string' ? a['source'] : 'bot'})`;
}

/** Milliseconds as an ISO-8601 duration in whole seconds, rounded up: PT1H2M3S. */
export function isoDuration(ms: number): string {
  let s = Math.max(1, Math.ceil(ms / 1000));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}
