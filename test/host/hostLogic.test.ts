import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { AnnotationCommandId, CommandId, MODELS_VIEW_ID } from '../../src/host/commandIds';
import { buildRunRequest, measuresOf, requestFromSpec } from '../../src/host/logic/runRequest';
import { childrenOf, modelNode, runHeadline } from '../../src/host/logic/modelTree';
import { evaluationGate } from '../../src/host/logic/trust';
import type { ModelFolder } from '../../src/shared/modelTypes';
import type { RunReport, RunSpec } from '../../src/shared/report/schema';
import type { RawRunSettings } from '../../src/shared/runSettings';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const settings: RawRunSettings = { executionProvider: 'cpu', threads: 0, contextLength: 256, stride: 0, maxNewTokens: 16, warmups: 1, repetitions: 3, promptTokens: 32, outputTokens: 8 };

test('every command id is contributed with the QuantLens category, and vice versa', () => {
  const contributed = manifest.contributes.commands.map((c: { command: string; category: string }) => {
    assert.equal(c.category, 'QuantLens', c.command);
    return c.command;
  });
  assert.deepEqual([...contributed].sort(), [...Object.values(CommandId), ...Object.values(AnnotationCommandId)].sort());
});

test('commands that need an argument are hidden from the palette; evaluate sits on the Explorer folder menu', () => {
  const hidden = manifest.contributes.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command);
  for (const id of [CommandId.rerun, CommandId.deleteRun, ...Object.values(AnnotationCommandId)]) assert.ok(hidden.includes(id), `${id} should be hidden from the palette`);
  for (const id of [CommandId.evaluate, CommandId.openResults, CommandId.cancel, CommandId.showOutput, CommandId.resume]) assert.ok(!hidden.includes(id), `${id} belongs in the palette`);
  const explorer = manifest.contributes.menus['explorer/context'];
  assert.deepEqual(explorer.map((m: { command: string; when: string }) => [m.command, m.when]), [[CommandId.evaluate, 'explorerResourceIsFolder']]);
  assert.equal(manifest.contributes.views.quantlens[0].id, MODELS_VIEW_ID);
});

test('the workspace-trust contract: limited support, evaluation refused with a reason when untrusted', () => {
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.deepEqual(evaluationGate(true), { allowed: true });
  const refused = evaluationGate(false);
  assert.equal(refused.allowed, false);
  assert.match((refused as { message: string }).message, /trusted workspace.*Discovery still works/);
});

test('every quantlens.* setting the Config reads is declared with a description', () => {
  const props = manifest.contributes.configuration.properties;
  for (const key of ['executionProvider', 'chatTemplate', 'threads', 'contextLength', 'stride', 'maxNewTokens', 'warmups', 'repetitions', 'performance.promptTokens', 'performance.outputTokens', 'taskLimit', 'outputFolder', 'resume.strict']) {
    assert.ok(props[`quantlens.${key}`], key);
    assert.ok(props[`quantlens.${key}`].description.length > 20, key);
  }
});

test('run planning: the baseline is always included, stride 0 means half the context, threads 0 means all cores', () => {
  const request = buildRunRequest('/m/a', 'fp32', { variants: ['q4'], measure: 'both', corpusFile: '/c.txt', promptsFile: '/p.txt' }, settings, 8);
  assert.deepEqual(request.variants, ['fp32', 'q4']);
  assert.equal(request.stride, 128);
  assert.equal(request.threads.intraOp, 8);
  assert.deepEqual(request.measures, ['fidelity', 'generation', 'performance']);
  assert.deepEqual(measuresOf('performance'), ['performance']);
  assert.deepEqual(measuresOf('fidelity'), ['fidelity', 'generation']);
  assert.equal(request.chatTemplate, 'auto', 'quantlens.chatTemplate defaults to auto');
  assert.equal(buildRunRequest('/m/a', 'fp32', { variants: [], measure: 'both' }, { ...settings, chatTemplate: 'off' }, 8).chatTemplate, 'off');
});

test('a past run’s spec rebuilds the request that reproduces it (rerun / resume)', () => {
  const spec: RunSpec = {
    modelFolder: '/m/a', modelName: 'a', baselineId: 'fp32', variantIds: ['fp32', 'q4'], measures: ['fidelity'],
    corpus: { path: '/c.txt', sha256: 'x', bytes: 1 }, windows: { kind: 'sliding', contextLength: 128, stride: 64 },
    generation: { maxNewTokens: 32, greedy: true, stopOnEos: true }, performance: { promptTokens: 64, outputTokens: 32, warmups: 2, repetitions: 5, ignoreEos: true },
    executionProvider: 'cpu', threads: { intraOp: 2, interOp: 1 }, seed: 0,
  };
  const request = requestFromSpec(spec);
  assert.equal(request.corpusFile, '/c.txt');
  assert.equal(request.promptsFile, undefined);
  assert.deepEqual(request.variants, ['fp32', 'q4']);
  assert.equal(request.stride, 64);
  // A run from before --chat-template fed its prompts raw; one after it says what it asked for.
  assert.equal(request.chatTemplate, 'off');
  assert.equal(requestFromSpec({ ...spec, chatTemplate: { requested: 'on', applied: true, source: 'chat_template.jinja', sha256: 'y', performancePrompts: 'raw' } }).chatTemplate, 'on');
});

test('models view nodes: variants with size and signature, broken variants marked, runs with headline numbers', () => {
  const model: ModelFolder = {
    path: '/w/m', name: 'm', config: {}, baselineId: 'fp32', problems: [],
    variants: [
      { id: 'fp32', dtype: 'fp32', file: '/w/m/onnx/model.onnx', externalDataFiles: [], sizeBytes: 2048 },
      { id: 'q4', dtype: 'q4', file: '/w/m/onnx/model_q4.onnx', externalDataFiles: [], sizeBytes: 10, error: { file: '/w/m/onnx/model_q4.onnx', problem: 'truncated', remedy: 're-export' } },
    ],
  };
  const report = { variants: [{ id: 'fp32', isBaseline: true }, { id: 'q4', isBaseline: false, kld: { kld: { mean: 0.0312 }, sameTop: { value: 0.93 } }, speedup: { tpot: 1.5 } }] } as unknown as RunReport;
  const root = modelNode(model, [{ folder: '/w/.quantlens/runs/r', runId: 'r', createdAt: '2026-11-26T18:00:00.000Z', status: 'completed', report }], false);
  const [fp32, q4, runs] = childrenOf(root);
  assert.equal(fp32!.label, 'fp32 (baseline)');
  assert.match(fp32!.description, /fp32 · 2\.0 KiB/);
  assert.equal(q4!.contextValue, 'quantlens.variant.broken');
  assert.match(q4!.tooltip, /truncated/);
  const [run] = childrenOf(runs!);
  assert.equal(run!.contextValue, 'quantlens.run.completed');
  assert.match(run!.description, /completed · KLD ≤ 0\.0312 · TPOT up to 1\.50× · same-top ≥ 93\.0%/);
  assert.equal(runHeadline(null), '');
  assert.match(modelNode(model, [], true).tooltip, /untrusted/);
});

test('annotation menus are bound to the QuantLens comment controller', () => {
  const menus = manifest.contributes.menus;
  for (const menu of ['comments/commentThread/context', 'comments/commentThread/title', 'comments/comment/title', 'comments/comment/context']) {
    assert.ok(menus[menu].length > 0, menu);
    for (const item of menus[menu]) assert.match(item.when, /^commentController == quantlens\.annotations/, `${menu} ${item.command}`);
  }
});
