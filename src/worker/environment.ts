import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { env as transformersEnv } from '@huggingface/transformers';
import type { EnvironmentInfo } from '../shared/report/schema';

/** The first GPU nvidia-smi reports (name, driver), or null when there is none or no driver. */
function detectGpu(): string | null {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { timeout: 3000, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim().split('\n')[0] || null;
  } catch {
    return null;
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
    onnxruntimeNode: (ort.env as unknown as { versions?: { node?: string } }).versions?.node ?? 'unknown',
    transformersJs: transformersEnv.version,
    quantlens: quantlensVersion(),
  };
}
