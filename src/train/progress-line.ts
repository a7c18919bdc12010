/**
 * One status line: a bar, ETA, train loss, best validation loss and throughput. On a terminal it
 * redraws in place; in a log (CI, systemd) it prints a line at most every 30 seconds.
 */
export class ProgressLine {
  private lastPrinted = -Infinity;
  private readonly tty: boolean;

  constructor(
    private readonly write: (text: string) => void,
    private readonly total: number,
    tty = process.stderr.isTTY,
  ) {
    this.tty = tty;
  }

  update(done: number, seconds: number, trainLoss: number, bestVal: number, stepsPerSec: number): void {
    if (!this.tty && seconds - this.lastPrinted < 30 && done !== this.total) return;
    this.lastPrinted = seconds;
    const frac = Math.min(1, done / Math.max(1, this.total));
    const width = 24;
    const filled = Math.round(frac * width);
    const eta = done > 0 ? ((this.total - done) * seconds) / done : NaN;
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(100 * frac).toFixed(1)}% batch ${done}/${this.total} ETA ${formatDuration(eta)} train ${trainLoss.toFixed(3)} val(best) ${Number.isFinite(bestVal) ? bestVal.toFixed(3) : '-'} ${stepsPerSec.toFixed(0)} steps/s`;
    this.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }

  note(text: string): void {
    this.write(this.tty ? `\r\x1b[K${text}\n` : `${text}\n`);
  }

  done(): void {
    if (this.tty) this.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(sec).padStart(2, '0')}`;
}
