// Bundles every runtime entry point with esbuild, and compiles tests and benches for node:test.
// Native and heavy packages stay external: they are loaded from node_modules at run time, and only
// by the worker (docs/architecture.md, "Native packages stay out of bundles").
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const external = ['vscode', 'onnxruntime-node', 'onnxruntime-web', 'sharp', '@huggingface/transformers', 'node-llama-cpp'];
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  loader: { '.txt': 'text' },
  absWorkingDir: root,
  external,
};

/** Runtime bundles: name in dist/ → entry point. */
const entries = {
  extension: 'src/host/extension.ts',
  worker: 'src/worker/main.ts',
  'scoring-thread': 'src/worker/scoring/scoringThread.ts',
  'serve-model-thread': 'src/serve/modelThread.ts',
  cli: 'src/cli/main.ts',
  'make-fixtures': 'src/modelmaker/main.ts',
};

function listTs(dir, suffix) {
  if (!existsSync(join(root, dir))) return [];
  const out = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...listTs(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

const jobs = [];
for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(join(root, entry))) continue;
  jobs.push(build({
    ...common,
    entryPoints: { [name]: entry },
    outdir: 'dist',
    banner: name === 'cli' ? { js: '#!/usr/bin/env node' } : undefined,
    // The extension host parses this bundle at activation: minified, it loads in a fraction of the time.
    minify: name === 'extension',
  }));
}

// The results panel's browser side: one IIFE for the webview, plus plotly's prebuilt file served
// from the extension (never a CDN).
jobs.push(build({
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
  entryPoints: { main: 'src/webview/main.ts', rating: 'src/webview/rating.ts' },
  outdir: 'dist/webview',
}));
mkdirSync(join(root, 'dist/webview'), { recursive: true });
copyFileSync(join(root, 'node_modules/plotly.js-basic-dist-min/plotly-basic.min.js'), join(root, 'dist/webview/plotly.min.js'));
// CodeBLEU's tree-sitter runtime and grammars (src/node/codebleu/treeSitterParsers.ts loads them from here).
mkdirSync(join(root, 'dist/tree-sitter'), { recursive: true });
for (const file of ['tree-sitter.wasm', 'tree-sitter-python.wasm', 'tree-sitter-javascript.wasm']) {
  copyFileSync(join(root, 'node_modules/@vscode/tree-sitter-wasm/wasm', file), join(root, 'dist/tree-sitter', file));
}

const benches = listTs('bench', '.ts');
if (benches.length) {
  jobs.push(build({ ...common, entryPoints: benches, outdir: 'dist/bench', outbase: 'bench', packages: 'external' }));
}

// Tests are bundled one file each so a test imports the same source the runtime bundles do.
rmSync(join(root, 'dist-test'), { recursive: true, force: true });
const tests = [...listTs('test', '.test.ts'), ...listTs('test', '.e2e.ts')];
if (tests.length) {
  jobs.push(build({ ...common, entryPoints: tests, outdir: 'dist-test', outbase: 'test', packages: 'external' }));
}

await Promise.all(jobs);
console.log(`built ${Object.keys(entries).length} bundles + webview, ${benches.length} benches, ${tests.length} test files`);
