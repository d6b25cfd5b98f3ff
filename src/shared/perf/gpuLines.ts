import { formatBytes } from '../format';
import type { GpuConditions, GpuMemoryReading, RunReport } from '../report/schema';

/** "41 °C, SM 1980 MHz, memory 3201 MHz, 120 W, P0": the fields the GPU reported. */
export function describeGpuConditions(c: GpuConditions): string {
  const parts = [
    c.temperatureC !== undefined ? `${c.temperatureC} °C` : null,
    c.smClockMHz !== undefined ? `SM ${c.smClockMHz} MHz` : null,
    c.memoryClockMHz !== undefined ? `memory ${c.memoryClockMHz} MHz` : null,
    c.powerW !== undefined ? `${c.powerW.toFixed(0)} W` : null,
    c.pstate ?? null,
  ].filter((p): p is string => p !== null);
  return parts.join(', ');
}

/** One variant's GPU reading in words: its own memory, the device's, and the card's conditions. */
export function describeGpuReading(reading: GpuMemoryReading): string | null {
  if (reading.source !== 'nvidia-smi') return null;
  const memory = [
    reading.processUsedBytes !== undefined ? `process ${formatBytes(reading.processUsedBytes)}` : 'process —',
    reading.deviceUsedBytes !== undefined ? `device ${formatBytes(reading.deviceUsedBytes)}${reading.deviceTotalBytes ? ` of ${formatBytes(reading.deviceTotalBytes)}` : ''}` : null,
  ].filter(Boolean).join(', ');
  const conditions = reading.conditions ? describeGpuConditions(reading.conditions) : '';
  return `${reading.conditions?.name ? `${reading.conditions.name}: ` : ''}${memory}${conditions ? `; ${conditions}` : ''}`;
}

/**
 * Per variant, the GPU reading of each performance cell it ran on a GPU (taken at the cell's end):
 * memory and the card's temperature and clocks, so a reader can see whether the cells ran under
 * like conditions. Empty for a run that used no NVIDIA GPU.
 */
export function gpuLines(report: RunReport): string[] {
  const lines: string[] = [];
  for (const v of report.variants) {
    for (const cell of v.performance?.cells ?? []) {
      const text = cell.gpuMemory ? describeGpuReading(cell.gpuMemory) : null;
      if (text) lines.push(`GPU ${v.id} (in ${cell.inputTokens}, out ${cell.outputTokens}, batch ${cell.batchSize}, concurrency ${cell.concurrency}): ${text}`);
    }
  }
  return lines;
}
