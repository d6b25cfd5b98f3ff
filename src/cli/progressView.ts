import { formatDuration } from '../shared/format';
import type { ProgressMessage } from '../shared/protocol';

/** A one-line progress bar on a TTY; plain lines (one per stage change or 10%) otherwise. */
export class ProgressView {
  private lastLine = '';
  private lastDecile = -1;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(p: ProgressMessage): void {
    const label = `${p.stage} ${p.variantId} ${p.done}/${p.total}`;
    const overall = Number.isFinite(p.overall) ? p.overall : 0;
    if (this.stream.isTTY) {
      const width = 24;
      const filled = Math.round(overall * width);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(overall * 100).toFixed(0).padStart(3)}%  ${label}  ETA ${formatDuration(p.etaSeconds)}`;
      this.stream.write(`\r${bar.padEnd(this.lastLine.length)}`);
      this.lastLine = bar;
      this.drawn = true;
      return;
    }
    const decile = Math.floor(overall * 10);
    const stageKey = `${p.stage} ${p.variantId}`;
    if (stageKey !== this.lastLine || decile !== this.lastDecile) {
      this.stream.write(`progress ${(overall * 100).toFixed(0)}% ${label} eta ${formatDuration(p.etaSeconds)}\n`);
      this.lastLine = stageKey;
      this.lastDecile = decile;
    }
  }

  /** Moves off the bar so the next line starts clean. */
  interrupt(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
    this.lastLine = '';
  }
}
