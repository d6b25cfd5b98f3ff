import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Llama } from 'node-llama-cpp';
import type { ExecutionProviderChoice } from '../../shared/report/schema';
import { shortReason } from './executionProvider';

/** node-llama-cpp's module (ESM only): loaded with a real import(), which esbuild leaves alone for a non-literal specifier. */
export type NodeLlamaCpp = typeof import('node-llama-cpp');
const MODULE = 'node-llama-cpp';
let loadedModule: Promise<NodeLlamaCpp> | null = null;

export function nodeLlamaCpp(): Promise<NodeLlamaCpp> {
  loadedModule ??= (import(/* non-literal: kept as import() in the CJS bundles */ MODULE) as Promise<NodeLlamaCpp>);
  return loadedModule;
}

/** GPU backend node-llama-cpp is asked for, from the run's --provider (its one GPU choice for both stacks). */
export function requestedGpu(provider: ExecutionProviderChoice): 'auto' | 'cuda' | 'vulkan' | 'metal' | false {
  switch (provider) {
    case 'cpu':
      return false;
    case 'cuda':
      return 'cuda';
    case 'coreml':
      return 'metal';
    case 'dml':
    case 'webgpu':
      return 'vulkan';
    case 'auto':
      return 'auto';
  }
}

export interface LlamaRuntime {
  llama: Llama;
  requestedGpu: string | false;
  /** Why the requested GPU build did not load (the CPU build did instead); absent when it loaded as asked. */
  fallback?: string;
  /**
   * `auto` found no GPU build and took the CPU one, as asked: recorded in the card, but not a run
   * warning (an ONNX `auto` that ends on the CPU does not warn either).
   */
  fallbackExpected?: boolean;
  prebuiltPackage: string | null;
  nodeLlamaCppVersion: string;
}

const runtimes = new Map<string, Promise<LlamaRuntime>>();

/**
 * One llama.cpp binding per process and GPU choice (getLlama is slow to call twice and its binary
 * cannot be unloaded). `build: 'never'`: only the prebuilt binaries installed from npm are used —
 * a run never downloads or compiles llama.cpp. A GPU build that cannot load falls back to the CPU
 * build, and says why (the run warns, the card records it).
 */
export function llamaRuntime(provider: ExecutionProviderChoice): Promise<LlamaRuntime> {
  const gpu = requestedGpu(provider);
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = loadRuntime(gpu);
    runtimes.set(key, runtime);
    runtime.catch(() => runtimes.delete(key));
  }
  return runtime;
}

async function loadRuntime(gpu: 'auto' | 'cuda' | 'vulkan' | 'metal' | false): Promise<LlamaRuntime> {
  const mod = await nodeLlamaCpp();
  const options = { build: 'never' as const, logLevel: mod.LlamaLogLevel.error, progressLogs: false };
  let llama: Llama;
  let fallback: string | undefined;
  try {
    llama = await mod.getLlama({ ...options, gpu });
  } catch (error) {
    if (gpu === false) throw noCpuBuild(error);
    llama = await mod.getLlama({ ...options, gpu: false }).catch((cpuError: unknown) => Promise.reject(noCpuBuild(cpuError)));
    fallback = `the ${gpu === 'auto' ? 'GPU' : gpu} build of llama.cpp did not load (${shortReason(error)}); the CPU build ran instead`;
  }
  if (!fallback && gpu !== false && gpu !== 'auto' && llama.gpu !== gpu) fallback = `${gpu} was requested but node-llama-cpp loaded its ${llama.gpu || 'CPU'} build`;
  const autoTookCpu = !fallback && gpu === 'auto' && llama.gpu === false;
  if (autoTookCpu) fallback = 'no GPU build of llama.cpp is installed or usable here; the CPU build ran';
  return { llama, requestedGpu: gpu, ...(fallback ? { fallback } : {}), ...(autoTookCpu ? { fallbackExpected: true } : {}), prebuiltPackage: llama.buildType === 'prebuilt' ? prebuiltPackageName(llama.gpu) : null, nodeLlamaCppVersion: nodeLlamaCppVersion() };
}

/** No build loads at all: say which package would carry one, since nothing is ever downloaded or built. */
function noCpuBuild(error: unknown): Error {
  return new Error(`no prebuilt llama.cpp binary loads here (${shortReason(error)}). QuantLens uses only node-llama-cpp's prebuilt npm packages and never builds llama.cpp: install ${prebuiltPackageName(false)} (an optional dependency of node-llama-cpp, skipped when optional dependencies are omitted).`);
}

/**
 * The @node-llama-cpp/* package node-llama-cpp takes a prebuilt binary of this backend from on this
 * platform (compileLLamaCpp.js, getPrebuiltBinariesPackageDirectoryForBuildOptions); CUDA has two
 * (the -ext one carries the CUDA runtime), reported as the first that is installed.
 */
export function prebuiltPackageName(gpu: string | false, platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : platform;
  const base = `@node-llama-cpp/${os}-${arch}`;
  if (gpu === 'metal') return `${base}-metal`;
  if (gpu === 'vulkan') return `${base}-vulkan`;
  if (gpu === 'cuda') {
    for (const name of [`${base}-cuda`, `${base}-cuda-ext`]) if (packageInstalled(name)) return name;
    return `${base}-cuda`;
  }
  return base;
}

/** Whether a package resolves from here (its package.json is not in its `exports`, so its entry is resolved). */
function packageInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

function nodeLlamaCppVersion(): string {
  try {
    const entry = require.resolve(MODULE); // …/node-llama-cpp/dist/index.js
    return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}
