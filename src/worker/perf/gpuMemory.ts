import { execFileSync } from 'node:child_process';
import type { GpuConditions, GpuMemoryReading } from '../../shared/report/schema';

const MIB = 1024 * 1024;

function nvidiaSmi(args: string[]): string {
  return execFileSync('nvidia-smi', args, { timeout: 5000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function failure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no NVIDIA GPU: nvidia-smi is not installed';
  const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
  return `nvidia-smi failed: ${stderr.split('\n')[0] || (error as Error).message}`;
}

/** What one reading asks nvidia-smi per GPU, in this order (GpuQueryRow follows it). */
export const GPU_QUERY_FIELDS = ['uuid', 'memory.used', 'memory.total', 'name', 'temperature.gpu', 'clocks.sm', 'clocks.mem', 'power.draw', 'pstate'] as const;

export interface GpuQueryRow {
  uuid: string;
  used: number;
  total: number;
  conditions: GpuConditions;
}

/** nvidia-smi prints "[N/A]" (or "[Not Supported]") for a field the GPU or driver does not report. */
function optionalNumber(field: string | undefined): number | undefined {
  const value = Number(field);
  return field === undefined || field === '' || field.startsWith('[') || !Number.isFinite(value) ? undefined : value;
}

/** Parses `--query-gpu=<GPU_QUERY_FIELDS> --format=csv,noheader,nounits`: one line per GPU. */
export function parseGpuQuery(text: string): GpuQueryRow[] {
  return text.trim().split('\n').filter(Boolean).map((line) => {
    const [uuid, used, total, name, temperature, smClock, memoryClock, power, pstate] = line.split(',').map((x) => x.trim());
    return {
      uuid: uuid!,
      used: Number(used) * MIB,
      total: Number(total) * MIB,
      conditions: {
        name: name ?? '',
        temperatureC: optionalNumber(temperature),
        smClockMHz: optionalNumber(smClock),
        memoryClockMHz: optionalNumber(memoryClock),
        powerW: optionalNumber(power),
        pstate: pstate && !pstate.startsWith('[') ? pstate : undefined,
      },
    };
  });
}

/** Whether nvidia-smi answers here; the reason when it does not. */
export function nvidiaGpuPresence(): { present: boolean; reason?: string } {
  try {
    nvidiaSmi(['-L']);
    return { present: true };
  } catch (error) {
    return { present: false, reason: failure(error) };
  }
}

/**
 * GPU memory from nvidia-smi, labelled which is which: the memory the compute process `pid` holds
 * (per process), and the memory in use on its device by everyone (device used). With several GPUs
 * the device is the one the process appears on, else GPU 0. In a container nvidia-smi may list host
 * pids only; the per-process figure is then absent and `reason` says so.
 */
export function readGpuMemory(pid: number): GpuMemoryReading {
  let devices: GpuQueryRow[];
  try {
    devices = parseGpuQuery(nvidiaSmi([`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits']));
  } catch (error) {
    return { source: 'none', reason: failure(error) };
  }
  if (devices.length === 0) return { source: 'none', reason: 'nvidia-smi lists no GPU' };
  let apps: Array<{ pid: number; uuid: string; used: number }> = [];
  try {
    apps = nvidiaSmi(['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv,noheader,nounits'])
      .trim().split('\n').filter(Boolean)
      .map((line) => {
        const [p, uuid, used] = line.split(',').map((x) => x.trim());
        return { pid: Number(p), uuid: uuid!, used: Number(used) * MIB };
      });
  } catch {
    apps = [];
  }
  const mine = apps.filter((a) => a.pid === pid);
  const device = devices.find((d) => d.uuid === mine[0]?.uuid) ?? devices[0]!;
  return {
    source: 'nvidia-smi',
    processUsedBytes: mine.length ? mine.reduce((sum, a) => sum + a.used, 0) : undefined,
    deviceUsedBytes: device.used,
    deviceTotalBytes: device.total,
    conditions: device.conditions,
    reason: mine.length ? undefined : `nvidia-smi lists no compute process with pid ${pid} (in a container it may show host pids only); device-used memory is every process's`,
  };
}
