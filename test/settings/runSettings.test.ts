import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseEvalArgs } from '../../src/cli/args';
import { UsageError } from '../../src/cli/usage';
import { buildRunRequest } from '../../src/host/logic/runRequest';
import { isInputError } from '../../src/shared/errors';
import { contributedRunSettings, RawRunSettings, resolveRunSettings, RUN_SETTINGS, RunSetting, RunSettingKey } from '../../src/shared/runSettings';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const contributed: Record<string, { type: string; default: unknown; minimum?: number; maximum?: number; enum?: string[]; items?: { type: string; minimum?: number } }> = manifest.contributes.configuration.properties;
/** Settings that are not about one run's numbers. */
const NOT_RUN_SETTINGS = ['quantlens.outputFolder', 'quantlens.annotations.categories', 'quantlens.resume.strict', 'quantlens.endpoints', 'quantlens.codeExecution.enabled'];
const CLI_DEFAULTS = { corpus: '/c.txt', prompts: '/p.txt', cores: 6 };

function problemsOf(raw: RawRunSettings, door: 'cli' | 'settings' = 'cli'): string[] {
  const result = resolveRunSettings(raw, door, 4);
  assert.equal(result.ok, false, 'expected problems');
  return result.ok ? [] : result.problems.map((p) => p.message);
}

test("package.json's contributed settings agree with RUN_SETTINGS: type, default, minimum, maximum, enum", () => {
  const listed = contributedRunSettings();
  for (const { key, setting, spec } of listed) {
    const declared = contributed[`quantlens.${setting}`];
    assert.ok(declared, `quantlens.${setting} (${key}) is contributed in package.json`);
    assert.deepEqual(declared.default, spec.default, `default of quantlens.${setting}`);
    if (spec.kind === 'choice') {
      assert.equal(declared.type, 'string', setting);
      assert.deepEqual(declared.enum, [...spec.choices], `choices of quantlens.${setting}`);
    } else if (spec.kind === 'integer-list') {
      assert.equal(declared.type, 'array', setting);
      assert.equal(declared.items?.type, 'integer', setting);
      assert.equal(declared.items?.minimum, spec.minimum, `item minimum of quantlens.${setting}`);
    } else {
      assert.equal(declared.type, spec.kind, `type of quantlens.${setting}`);
      assert.equal(declared.minimum, spec.minimum, `minimum of quantlens.${setting}`);
      assert.equal(declared.maximum, spec.maximum, `maximum of quantlens.${setting}`);
    }
  }
  // And the other way: every run setting package.json contributes is in the table.
  const known = new Set(listed.map((s) => `quantlens.${s.setting}`));
  for (const name of Object.keys(contributed)) if (!NOT_RUN_SETTINGS.includes(name)) assert.ok(known.has(name), `${name} is in RUN_SETTINGS`);
  assert.equal(contributed['quantlens.contextLength']!.minimum, 8);
});

test('defaults: context 512, stride half of it, threads 0 → every core, the single default performance cell', () => {
  const result = resolveRunSettings({}, 'cli', 12);
  assert.ok(result.ok);
  assert.deepEqual(result.settings, {
    contextLength: 512,
    stride: 256,
    windowScheme: 'sliding',
    maxNewTokens: 64,
    performance: {
      promptTokens: 64, outputTokens: 32, warmups: 2, repetitions: 5,
      sweep: { inputLengths: [], outputLengths: [], batchSizes: [1], concurrency: [1], minIterations: 0, minSeconds: 0, rounds: 2 },
    },
    executionProvider: 'auto',
    chatTemplate: 'auto',
    threads: { intraOp: 12, interOp: 1 },
  });
});

test('the stride rule: 0 means half the context (rounded down); a stride longer than the context is refused', () => {
  const half = resolveRunSettings({ contextLength: '65', stride: '0' }, 'cli', 1);
  assert.ok(half.ok);
  assert.equal(half.settings.stride, 32);
  assert.deepEqual(problemsOf({ contextLength: 64, stride: 100 }, 'settings'), ['quantlens.stride 100: must be at most the context length (64); 0 means half of it']);
});

test('out-of-range values name the flag (CLI) or the setting (VS Code) and the value, every problem at once', () => {
  assert.deepEqual(problemsOf({ contextLength: '4' }), ['--context 4: must be at least 8']);
  assert.deepEqual(problemsOf({ contextLength: 4 }, 'settings'), ['quantlens.contextLength 4: must be at least 8']);
  assert.deepEqual(problemsOf({ maxNewTokens: '0', repetitions: '2.5', minSeconds: '-1', batchSizes: '1,0', inputLengths: 'a,b', executionProvider: 'gpu', chatTemplate: 'yes', taskLimit: '0', contextLength: 'x' }), [
    '--context x: must be a whole number',
    '--max-new-tokens 0: must be at least 1',
    '--repetitions 2.5: must be a whole number',
    '--perf-inputs a,b: must be a comma-separated list of whole numbers',
    '--batch 1,0: every value must be at least 1',
    '--min-seconds -1: must be at least 0',
    '--task-limit 0: must be at least 1',
    '--provider gpu: must be one of auto, cpu, cuda, webgpu, dml, coreml',
    '--chat-template yes: must be one of auto, on, off',
  ]);
  assert.deepEqual(problemsOf({ chatTemplate: 'always' }, 'settings'), ['quantlens.chatTemplate always: must be one of auto, on, off']);
  assert.deepEqual(problemsOf({ concurrency: [2, 0] }, 'settings'), ['quantlens.performance.concurrency 2,0: every value must be at least 1']);
  // Settings edited by hand in settings.json can hold any JSON.
  assert.deepEqual(problemsOf({ warmups: '3' as unknown, rounds: true }, 'settings'), ['quantlens.performance.rounds true: must be a whole number']);
});

test('parseEvalArgs passes every RUN_SETTINGS flag to the resolver', () => {
  const given: Record<RunSettingKey, string> = {
    contextLength: '96', stride: '40', maxNewTokens: '7', promptTokens: '9', outputTokens: '11', warmups: '0', repetitions: '3',
    inputLengths: '8,16', outputLengths: '4', batchSizes: '1,2', concurrency: '3', minIterations: '6', minSeconds: '0.5', rounds: '4',
    executionProvider: 'cpu', chatTemplate: 'off', windowScheme: 'sliding', threads: '0', interOpThreads: '2', taskLimit: '5',
  };
  const argv = ['model', ...Object.entries(given).flatMap(([key, value]) => [`--${(RUN_SETTINGS[key as RunSettingKey] as RunSetting).flag}`, value])];
  const { request } = parseEvalArgs(argv, CLI_DEFAULTS);
  const expected = resolveRunSettings(given, 'cli', CLI_DEFAULTS.cores);
  assert.ok(expected.ok);
  assert.deepEqual({ ...request }, { ...request, ...expected.settings });
  assert.equal(request.contextLength, 96);
  assert.equal(request.taskLimit, 5);
  assert.equal(request.chatTemplate, 'off');
  assert.equal(request.threads.intraOp, 6);
  assert.deepEqual(request.performance.sweep?.batchSizes, [1, 2]);
});

test('parseEvalArgs: a bad value is a UsageError with the resolver’s sentence (never a RangeError later)', () => {
  assert.throws(() => parseEvalArgs(['model', '--context', '4'], CLI_DEFAULTS), (error: unknown) => error instanceof UsageError && error.message === '--context 4: must be at least 8' && error.command === 'eval');
  assert.throws(() => parseEvalArgs(['model', '--stride=-1'], CLI_DEFAULTS), (error: unknown) => error instanceof UsageError && error.message === '--stride -1: must be at least 0');
  const stride0 = parseEvalArgs(['model', '--context', '128', '--stride', '0'], CLI_DEFAULTS);
  assert.equal(stride0.request.stride, 64, 'stride 0 is half the context, as in the settings');
  assert.throws(() => parseEvalArgs(['model', '--no-such-flag'], CLI_DEFAULTS), (error: unknown) => error instanceof UsageError && /Unknown option '--no-such-flag'/.test(error.message));
});

test('the host resolves quantlens.* settings by the same rules: out of range is an InputError naming the setting', () => {
  const choices = { variants: [], measure: 'fidelity' as const, corpusFile: '/c.txt', promptsFile: '/p.txt' };
  const request = buildRunRequest('/m', 'fp32', choices, { contextLength: 100, stride: 0, threads: 0 }, 3);
  assert.equal(request.stride, 50);
  assert.equal(request.threads.intraOp, 3);
  assert.throws(
    () => buildRunRequest('/m', 'fp32', choices, { contextLength: 4, maxNewTokens: 0 }, 3),
    (error: unknown) => isInputError(error) && error.problem === 'quantlens.contextLength 4: must be at least 8; quantlens.maxNewTokens 0: must be at least 1.',
  );
});
