// npm run package [-- --target <vsce target>]: one VSIX per platform (vsce package --target).
// The committed .vscodeignore is the linux-x64 allowlist; for another target its native entries
// (onnxruntime-node's binaries, sharp's platform packages) are rewritten to that target's.
// Targets: linux-x64, linux-arm64, darwin-arm64, darwin-x64, win32-x64, win32-arm64 — each must be
// packaged on a machine whose node_modules holds that platform's sharp packages (npm installs only
// the current platform's optional dependencies).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const target = args[args.indexOf('--target') + 1] && args.includes('--target') ? args[args.indexOf('--target') + 1] : `${process.platform}-${process.arch}`;
const [platform, arch] = target.split('-');
const GOAL_BYTES = 40 * 1024 * 1024;

const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8')
  .replaceAll('bin/napi-v6/linux/x64/', `bin/napi-v6/${platform}/${arch}/`)
  .replaceAll('@img/sharp-linux-x64/', `@img/sharp-${platform}-${arch}/`)
  .replaceAll('@img/sharp-libvips-linux-x64/', `@img/sharp-libvips-${platform}-${arch}/`);
mkdirSync(join(root, 'dist-vsix'), { recursive: true });
const ignoreText = `${ignore}\n${nodeLlamaCppAllowlist(platform, arch).join('\n')}\n`;
const ignoreFile = join(root, 'dist-vsix', `.vscodeignore-${target}`);
writeFileSync(ignoreFile, ignoreText);
const out = join(root, 'dist-vsix', `quantlens-${target}.vsix`);
const vsce = join(root, 'node_modules', '.bin', 'vsce');
execFileSync(vsce, ['package', '--target', target, '--ignoreFile', ignoreFile, '--allow-missing-repository', '--skip-license', '--no-rewrite-relative-links', '-o', out], { cwd: root, stdio: 'inherit' });
// The packaged files, read from the VSIX itself (a zip whose payload sits under extension/): the
// same list `vsce ls` would print, without walking node_modules a second time (minutes on 2 cores).
const listing = execFileSync('python3', ['-c', 'import sys,zipfile; print("\\n".join(n[len("extension/"):] for n in zipfile.ZipFile(sys.argv[1]).namelist() if n.startswith("extension/") and not n.endswith("/")))', out], { encoding: 'utf8' }).trim().split('\n');
const bytes = statSync(out).size;
const forbidden = listing.filter((f) => /onnxruntime-web|^src\/|^test\/|fixtures|\.map$|\.d\.ts$/.test(f));
console.log(`VSIX ${out}`);
console.log(`size ${(bytes / 2 ** 20).toFixed(1)} MiB (goal < ${GOAL_BYTES / 2 ** 20} MiB), ${listing.length} files`);
if (forbidden.length) {
  console.error(`forbidden files in the package:\n${forbidden.join('\n')}`);
  process.exitCode = 1;
}
// Smoke check: unpack the VSIX and load what the worker loads, from inside it, on this platform.
if (target === `${process.platform}-${process.arch}`) {
  const unpacked = join(root, 'dist-vsix', `unpacked-${target}`);
  execFileSync('python3', ['-c', 'import shutil,sys,zipfile; shutil.rmtree(sys.argv[2], True); zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', out, unpacked]);
  const ext = join(unpacked, 'extension');
  const probe = `const ort = require(${JSON.stringify(join(ext, 'node_modules/onnxruntime-node'))}); require(${JSON.stringify(join(ext, 'node_modules/@huggingface/transformers'))}); console.log('runtime packages load from the VSIX: onnxruntime-node ' + ort.env.versions.node);`;
  // node-llama-cpp is ESM: imported, and its CPU build loaded without downloading or building anything.
  // A file, not --input-type=module -e: node-llama-cpp tests its binary in a forked child, which inherits execArgv.
  const llamaProbe = join(unpacked, 'probe-node-llama-cpp.mjs');
  writeFileSync(llamaProbe, `const m = await import(${JSON.stringify(join(ext, 'node_modules/node-llama-cpp/dist/index.js'))}); const llama = await m.getLlama({ gpu: false, build: 'never', logLevel: 'error' }); console.log('node-llama-cpp loads from the VSIX: ' + llama.buildType + ' llama.cpp ' + llama.llamaCppRelease.release + ', gpu ' + llama.gpu); await llama.dispose();\n`);
  try {
    console.log(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' }).trim());
    console.log(execFileSync(process.execPath, [llamaProbe], { encoding: 'utf8', env: { ...process.env, NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true' } }).trim());
  } catch (error) {
    console.error(`the VSIX's runtime packages do not load: ${error.stderr ?? error.message}`);
    process.exitCode = 1;
  }
}
if (bytes > GOAL_BYTES) {
  console.error('the VSIX is over the size goal');
  process.exitCode = 1;
}

/**
 * The allowlist entries for node-llama-cpp (the GGUF backend, loaded by the worker with import()):
 * its JavaScript, the two JSON files it reads from llama/ at run time (not the 34 MB of llama.cpp
 * sources it can build from), every package its `dependencies` pull in (resolved the way Node
 * does: nested node_modules first, then hoisted), and exactly one prebuilt binary package — the
 * target's CPU build (Metal on Apple silicon). The CUDA and Vulkan builds (~540 MB for CUDA) never
 * ship in the VSIX; see README, "GGUF variants".
 */
function nodeLlamaCppAllowlist(platform, arch) {
  const os = platform === 'darwin' ? 'mac' : platform === 'win32' ? 'win' : platform;
  const prebuilt = `@node-llama-cpp/${os}-${arch}${os === 'mac' && arch === 'arm64' ? '-metal' : ''}`;
  const lines = [
    '# node-llama-cpp (added by scripts/package.mjs): its JS, its runtime JSON, its dependencies, one CPU prebuilt.',
    '!node_modules/node-llama-cpp/package.json',
    '!node_modules/node-llama-cpp/LICENSE',
    '!node_modules/node-llama-cpp/dist/**/*.js',
    '!node_modules/node-llama-cpp/llama/binariesGithubRelease.json',
    '!node_modules/node-llama-cpp/llama/llama.cpp.info.json',
    '!node_modules/node-llama-cpp/llama/package.json',
    `!node_modules/${prebuilt}/**`,
  ];
  const seen = new Set();
  const visit = (dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const candidates = [];
      for (let at = dir; ; at = at.slice(0, at.lastIndexOf('/node_modules/'))) {
        candidates.push(`${at}/node_modules/${name}`);
        if (!at.includes('/node_modules/')) break;
      }
      candidates.push(`node_modules/${name}`);
      const found = candidates.find((c) => existsSync(join(root, c, 'package.json')));
      if (!found) throw new Error(`${dir} depends on ${name}, which is not installed; run npm ci`);
      if (seen.has(found)) continue;
      seen.add(found);
      // Runtime files only: the forbidden-file check below refuses source maps and .d.ts.
      for (const pattern of ['package.json', '**/*.js', '**/*.cjs', '**/*.mjs', '**/*.json', 'LICENSE*', 'license*']) lines.push(`!${found}/${pattern}`);
      visit(found);
    }
  };
  visit('node_modules/node-llama-cpp');
  return lines;
}
