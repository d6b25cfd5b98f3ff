import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import type { RunReport } from '../../src/shared/report/schema';

/**
 * The fixture maker (onnx-proto, protobufjs: devDependencies) is its own bundle, so the CLI the
 * extension ships carries none of it; `quantlens demo` runs dist/make-fixtures.js as a child.
 */
const DIST = resolve('dist');
/** Code only the protobuf side has: protobufjs's reader error and onnx-proto's type names. */
const PROTOBUF_MARKERS = [/invalid wire type /, /onnx\.ModelProto/, /node_modules\/(@protobufjs|protobufjs|onnx-proto)\//];

test('dist/cli.js holds no onnx-proto/protobufjs code; dist/make-fixtures.js does (so the markers are real)', () => {
  const cli = readFileSync(join(DIST, 'cli.js'), 'utf8');
  const maker = readFileSync(join(DIST, 'make-fixtures.js'), 'utf8');
  for (const marker of PROTOBUF_MARKERS) {
    assert.match(maker, marker, `make-fixtures.js has ${marker}`);
    assert.doesNotMatch(cli, marker, `cli.js has ${marker}`);
  }
});

const scratch = mkdtempSync(join(tmpdir(), 'ql-demo-root-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A package root of its own (the CLI's demo folder is `<root>/demo`): the runtime bundles, the demo inputs, the repository's node_modules. */
function packageRoot(name: string, bundles: string[]): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'dist'), { recursive: true });
  for (const b of bundles) copyFileSync(join(DIST, b), join(root, 'dist', b));
  copyFileSync(resolve('package.json'), join(root, 'package.json'));
  cpSync(resolve('examples/demo'), join(root, 'examples/demo'), { recursive: true });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

function demo(root: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'demo', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('demo with no demo model yet: runs the fixture maker as a child (its output on stderr), then evaluates; stdout is the report alone', () => {
  const root = packageRoot('full', ['cli.js', 'make-fixtures.js', 'worker.js', 'scoring-thread.js']);
  const out = join(scratch, 'full-out');
  const r = demo(root, '--json', '--measure', 'fidelity', '--variants', 'q4', '--threads', '2', '--provider', 'cpu', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const folder = join(root, 'demo', 'quantlens-tiny-llama');
  assert.ok(r.stderr.includes(`Making the demo model ${folder} `), r.stderr);
  assert.ok(r.stderr.includes(`fixture quantlens-tiny-llama → ${folder} (`), 'the maker\'s line went to stderr');
  assert.ok(existsSync(join(folder, 'onnx', 'model_q4.onnx')));
  const report = JSON.parse(r.stdout) as RunReport;
  assert.equal(report.status, 'completed');
  assert.deepEqual(report.variants.map((v) => v.id), ['fp32', 'q4']);
});

test('demo where the fixture maker is not shipped (the extension\'s CLI): exit 1 saying the demo is a from-a-clone feature', () => {
  const root = packageRoot('shipped', ['cli.js', 'worker.js', 'scoring-thread.js']);
  const r = demo(root, '--measure', 'fidelity');
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stdout, '');
  const maker = join(root, 'dist', 'make-fixtures.js');
  assert.ok(
    r.stderr.includes(`error: ${maker} is missing: \`quantlens demo\` makes its model with the fixture maker, which comes with the repository, not the extension. Run the demo from a clone (npm run demo), or evaluate a model of your own with \`quantlens eval <folder>\`.`),
    r.stderr,
  );
  assert.equal(existsSync(join(root, 'demo')), false, 'nothing half-made');
});
