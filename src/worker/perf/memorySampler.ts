import { readFileSync } from 'node:fs';

export interface MemoryReading {
  rssBytes: number;
  /** The kernel's high-water mark of RSS (VmHWM). */
  highWaterBytes: number;
}

/**
 * Reads another process's memory from /proc (Linux). Returns null where /proc is unavailable:
 * macOS and Windows would need a native reader (no maintained one is a dependency here), so there
 * the probe's own figures stand in — its RSS at each cell's end and its OS high-water mark.
 */
export function readProcessMemory(pid: number): MemoryReading | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(/\d+/.exec(status.split(`${key}:`)[1] ?? '')?.[0] ?? NaN) * 1024;
    return { rssBytes: kb('VmRSS'), highWaterBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * Samples a child's RSS about every `intervalMs` from the parent, so the child's own timing loop is
 * not disturbed, and keeps the peak. The child's OS high-water mark is read alongside.
 */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  peakRssBytes = 0;
  highWaterBytes = 0;
  samples = 0;
  /** Peak since the last startWindow(): the sweep starts one per workload cell. */
  windowPeakRssBytes = 0;

  constructor(private readonly pid: number, readonly intervalMs = 10) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  /** Samples once more and stops. */
  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Samples now and starts a new window for windowPeakRssBytes. */
  startWindow(): void {
    this.windowPeakRssBytes = 0;
    this.sample();
  }

  sample(): MemoryReading | null {
    const reading = readProcessMemory(this.pid);
    if (reading) {
      this.samples++;
      if (reading.rssBytes > this.peakRssBytes) this.peakRssBytes = reading.rssBytes;
      if (reading.rssBytes > this.windowPeakRssBytes) this.windowPeakRssBytes = reading.rssBytes;
      if (reading.highWaterBytes > this.highWaterBytes) this.highWaterBytes = reading.highWaterBytes;
    }
    return reading;
  }
}
