import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { env as transformersEnv } from '@huggingface/transformers';
import type { EnvironmentInfo, ExecutionProviderReport, LibraryVersions, MachineProbe } from '../shared/report/schema';
import { detectExecutionProviders } from './backend/executionProvider';
import { probeMachine } from './perf/machineProbe';

const nvidiaSmi = (args: string[]): string => execFileSync('nvidia-smi', args, { timeout: 3000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

/** The first GPU nvidia-smi reports (name, driver), or null when there is none or no driver. */
function detectGpu(): string | null {
  try {
    return nvidiaSmi(['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader']).trim().split('\n')[0] || null;
  } catch {
    return null;
  }
}

/** Every GPU nvidia-smi lists, and the CUDA version its driver supports (from its header). */
function detectNvidia(): { gpus: NonNullable<EnvironmentInfo['gpus']>; cudaVersion: string | null } {
  try {
    const gpus = nvidiaSmi(['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader,nounits']).trim().split('\n').filter(Boolean).map((line) => {
      const [name, driver, memory] = line.split(',').map((x) => x.trim());
      return { name: name!, driver: driver!, memoryTotalBytes: Number(memory) * 1024 * 1024 };
    });
    const cudaVersion = /CUDA Version:\s*([\d.]+)/.exec(nvidiaSmi([]))?.[1] ?? null;
    return { gpus, cudaVersion };
  } catch {
    return { gpus: [], cudaVersion: null };
  }
}

function quantlensVersion(): string {
  try {
    // dist/worker.js sits one folder below package.json, in the repository and in the VSIX alike.
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The versions of the libraries that compute every number, as loaded in this process. */
export function libraryVersions(): LibraryVersions {
  return {
    onnxruntimeNode: (ort.env as unknown as { versions?: { node?: string } }).versions?.node ?? 'unknown',
    transformersJs: transformersEnv.version,
  };
}

export function collectEnvironment(): EnvironmentInfo {
  const cpuList = cpus();
  return {
    os: `${osType()} ${release()}`,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    totalMemoryBytes: totalmem(),
    gpu: detectGpu(),
    node: process.version,
    ...libraryVersions(),
    quantlens: quantlensVersion(),
    ...detectNvidia(),
    loadAverage: loadavg(),
  };
}

/** What `quantlens env` prints: the run card's environment, every provider tried, and optionally the machine probes. */
export interface EnvironmentDescription {
  environment: EnvironmentInfo;
  executionProviders: ExecutionProviderReport;
  defaultThreads: { intraOp: number; interOp: number };
  machine?: MachineProbe;
}

export async function describeEnvironment(probe: boolean): Promise<EnvironmentDescription> {
  const environment = collectEnvironment();
  const executionProviders = await detectExecutionProviders('auto', true);
  const defaultThreads = { intraOp: environment.cores, interOp: 1 };
  return { environment, executionProviders, defaultThreads, machine: probe ? await probeMachine('cpu', defaultThreads) : undefined };
}
