/**
 * bench/activation: time to load dist/extension.js and run activate(), with a stand-in `vscode`
 * module (every API a no-op), so the number is the extension's own cost: module evaluation plus
 * the wiring activate() does. Goal: under 50 ms. The real VS Code adds its own overhead on top.
 */
import Module from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

/** A value where any property is callable and returns another such value. */
function stand(): unknown {
  const fn = function () {
    return stand();
  };
  const assigned = new Map<PropertyKey, unknown>();
  return new Proxy(fn, {
    set: (_t, key, value) => {
      assigned.set(key, value);
      return true;
    },
    get: (_t, key) => {
      if (assigned.has(key)) return assigned.get(key);
      if (key === 'then') return undefined; // not a thenable
      if (key === Symbol.toPrimitive) return () => '';
      if (key === 'isTrusted') return true;
      if (key === 'workspaceFolders') return [];
      return stand();
    },
    construct: () => stand() as object,
  });
}

/** esbuild's ESM interop copies the module's own keys, so the top level must be a plain object. */
const vscodeStub = Object.fromEntries(
  ['window', 'workspace', 'commands', 'Uri', 'EventEmitter', 'ThemeIcon', 'TreeItem', 'TreeItemCollapsibleState', 'StatusBarAlignment', 'ProgressLocation', 'Disposable', 'languages', 'env', 'comments', 'extensions'].map((k) => [k, stand()]),
);
const originalLoad = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return vscodeStub;
  return originalLoad.call(this, request, ...rest);
};

const context = { subscriptions: [] as Array<{ dispose(): void }>, extensionPath: resolve('.'), workspaceState: stand(), globalState: stand() };
const started = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(resolve('dist/extension.js')) as { activate(c: unknown): void };
const loaded = performance.now();
extension.activate(context);
const activated = performance.now();
console.log(`activation: load ${(loaded - started).toFixed(1)} ms + activate() ${(activated - loaded).toFixed(1)} ms = ${(activated - started).toFixed(1)} ms (goal < 50 ms)`);
const heavy = Object.keys(require.cache).filter((p) => /onnxruntime|@huggingface[\\/]transformers|sharp/.test(p));
console.log(`heavy modules loaded in the host: ${heavy.length ? heavy.join(', ') : 'none'}`);
