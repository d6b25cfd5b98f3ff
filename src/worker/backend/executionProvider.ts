import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ExecutionProviderChoice, ExecutionProviderReport } from '../../shared/report/schema';
import { matMulModel } from '../perf/tinyOnnx';

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

/** Every provider QuantLens can ask for, in the order `quantlens env` lists them. */
const KNOWN_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml'] as const;

/** First line of an onnxruntime error, without the source location and the failed check it starts with. */
export function shortReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').map((l) => l.trim()).find(Boolean) ?? text;
  return line.replace(/^\/?[\w./-]+\.(cc|cpp|h):\d+ [^ ]+ ?/, '').replace(/^.*? was false\. /, '').slice(0, 300);
}

/** Why `provider` cannot even be tried here (not in this build, or its library is absent), or null. */
function missingProvider(provider: string): string | null {
  const backends = (ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }]) as Array<{ name: string; bundled: boolean }>;
  const backend = backends.find((b) => b.name === provider);
  if (!backend) return `not in this onnxruntime-node build for ${process.platform}-${process.arch}`;
  if (!backend.bundled && !sharedLibraryPresent(provider)) return 'its provider library is not installed (see README, "GPU execution providers")';
  return null;
}

/** Whether onnxruntime-node can create a session on `provider` here, by creating a one-MatMul session. */
export async function tryProvider(provider: string): Promise<{ usable: boolean; reason?: string }> {
  const missing = missingProvider(provider);
  if (missing) return { usable: false, reason: missing };
  try {
    const session = await ort.InferenceSession.create(matMulModel(2, 2, 2), { executionProviders: [provider] });
    await session.release();
    return { usable: true };
  } catch (error) {
    return { usable: false, reason: shortReason(error) };
  }
}

/**
 * What this onnxruntime-node build and machine support, for the run card and `quantlens env`.
 * A run tries only the providers it may use (the requested one, or auto's candidates), so that a
 * CPU run does not wake a GPU stack; `all` tries every known provider.
 */
export async function detectExecutionProviders(requested: ExecutionProviderChoice, all = false): Promise<ExecutionProviderReport> {
  const backends = (ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }]) as Array<{ name: string; bundled: boolean }>;
  const plan = planExecutionProviders(requested);
  const detected: ExecutionProviderReport['detected'] = [];
  const notes = [...plan.skipped];
  for (const name of KNOWN_PROVIDERS) {
    const bundled = backends.find((b) => b.name === name)?.bundled ?? false;
    if (!all && !plan.candidates.includes(name) && name !== requested) {
      detected.push({ name, bundled, usable: false, reason: missingProvider(name) ?? 'not tried (not requested)' });
      continue;
    }
    const result = await tryProvider(name);
    detected.push({ name, bundled, ...result });
  }
  const unusable = plan.candidates.filter((c) => c !== 'cpu' && detected.some((d) => d.name === c && !d.usable));
  for (const name of unusable) notes.push(`${name} is unavailable (${detected.find((d) => d.name === name)!.reason}); loads fall back to ${plan.candidates.filter((c) => !unusable.includes(c))[0] ?? 'cpu'}`);
  return { requested, detected, candidates: plan.candidates, notes };
}
