/**
 * A one-line progress bar for long runs on a terminal: done/total, rate and time left. Callers
 * create it only when stderr is a terminal and CI is not set, so pipes and CI logs stay clean.
 */
export class Progress {
  private readonly started = Date.now();
  private last = 0;
  private shown = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly unit: string,
    private readonly width = 24,
  ) {}

  /** `done` items so far; `fraction` of the whole (0..1) when known, for the bar and the ETA. */
  update(done: number, fraction?: number): void {
    const now = Date.now();
    if (now - this.last < 200) return;
    this.last = now;
    this.shown = true;
    this.write('\r' + this.line(done, fraction, now) + '\x1b[K');
  }

  line(done: number, fraction: number | undefined, now = Date.now()): string {
    const secs = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / secs;
    const parts: string[] = [];
    if (fraction !== undefined) {
      const f = Math.min(Math.max(fraction, 0), 1);
      const filled = Math.round(f * this.width);
      parts.push(`[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`);
    }
    parts.push(`${done.toLocaleString('en')} ${this.unit}`, `${formatRate(rate)} ${this.unit}/s`);
    if (fraction !== undefined && fraction > 0 && fraction < 1) parts.push(`ETA ${formatSeconds((secs / fraction) * (1 - fraction))}`);
    return parts.join('  ');
  }

  /** Erase the bar (before the closing summary). */
  done(): void {
    if (this.shown) this.write('\r\x1b[K');
  }
}

function formatRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(1)}M`;
  if (r >= 1e4) return `${Math.round(r / 1e3)}k`;
  return String(Math.round(r));
}

function formatSeconds(s: number): string {
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}
