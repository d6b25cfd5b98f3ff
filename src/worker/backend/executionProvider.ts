import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ExecutionProviderChoice } from '../../shared/report/schema';

/** Preference order for `auto`. webgpu is left out: it needs an adapter headless machines lack. */
const AUTO_ORDER = ['cuda', 'dml', 'coreml', 'cpu'] as const;

export interface ProviderPlan {
  /** What to try, in order; the last is always cpu so a run never fails for want of a GPU. */
  candidates: string[];
  /** Why `auto` passed over a provider this build knows of. */
  skipped: string[];
}

/** onnxruntime-node lists cuda/tensorrt even when their separately installed libraries are absent. */
function sharedLibraryPresent(provider: string): boolean {
  try {
    const binding = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
    const file = process.platform === 'win32' ? `onnxruntime_providers_${provider}.dll` : `libonnxruntime_providers_${provider}.so`;
    return existsSync(join(binding, file));
  } catch {
    return false;
  }
}

export function planExecutionProviders(choice: ExecutionProviderChoice): ProviderPlan {
  const backends = (ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }]) as Array<{ name: string; bundled: boolean }>;
  if (choice !== 'auto') return { candidates: [...new Set([choice, 'cpu'])], skipped: [] };
  const candidates: string[] = [];
  const skipped: string[] = [];
  for (const provider of AUTO_ORDER) {
    const backend = backends.find((b) => b.name === provider);
    if (!backend) continue;
    if (!backend.bundled && !sharedLibraryPresent(provider)) {
      skipped.push(`${provider}: its provider library is not installed (see README, "GPU execution providers")`);
      continue;
    }
    candidates.push(provider);
  }
  if (!candidates.includes('cpu')) candidates.push('cpu');
  return { candidates, skipped };
}
