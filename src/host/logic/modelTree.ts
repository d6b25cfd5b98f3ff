import { fileLocation } from '../../shared/errors';
import { formatBytes, formatNumber, formatPercent } from '../../shared/format';
import type { ModelFolder, ModelVariant } from '../../shared/modelTypes';
import type { RunReport, RunStatus } from '../../shared/report/schema';
import { summarizeVariant } from '../../shared/variantSummary';
import { ConfiguredEndpoint, hostOf } from './endpointSettings';

/** A past run as the models view lists it. */
export interface RunListing {
  folder: string;
  runId: string;
  createdAt: string;
  status: RunStatus;
  report: RunReport | null;
}

/** An endpoint of the `quantlens.endpoints` setting as the models view lists it under its model folder. */
export interface EndpointListing {
  endpoint: ConfiguredEndpoint;
  /** SecretStorage holds an API key for it (checked when the view refreshes). */
  storedKey: boolean;
}

/**
 * The models view's nodes as plain data; the vscode adapter turns them into TreeItems. The
 * `contextValue` strings are what package.json's `view/item/context` menus match on.
 */
export type TreeNode =
  | { kind: 'model'; id: string; label: string; description: string; tooltip: string; contextValue: 'quantlens.model'; model: ModelFolder; runs: RunListing[]; endpoints: EndpointListing[] }
  | { kind: 'variant'; id: string; label: string; description: string; tooltip: string; contextValue: 'quantlens.variant' | 'quantlens.variant.broken'; model: ModelFolder; variant: ModelVariant }
  | { kind: 'endpoint'; id: string; label: string; description: string; tooltip: string; contextValue: 'quantlens.endpoint'; model: ModelFolder; endpoint: EndpointListing }
  | { kind: 'runs'; id: string; label: string; description: string; tooltip: string; contextValue: 'quantlens.runs'; model: ModelFolder; runs: RunListing[] }
  | { kind: 'run'; id: string; label: string; description: string; tooltip: string; contextValue: `quantlens.run.${RunStatus}`; model: ModelFolder; run: RunListing };

export function modelNode(model: ModelFolder, runs: RunListing[], untrusted: boolean, endpoints: EndpointListing[] = []): TreeNode {
  const problems = model.problems.length ? ` · ${model.problems.length} problem${model.problems.length > 1 ? 's' : ''}` : '';
  const served = endpoints.length ? ` · ${endpoints.length} served` : '';
  return {
    kind: 'model',
    id: `model:${model.path}`,
    label: model.name,
    description: `${model.variants.length} variant${model.variants.length === 1 ? '' : 's'}${served}${problems}`,
    tooltip: [model.path, ...model.problems.map((p) => `⚠ ${fileLocation(p.file, p.line, p.column)}: ${p.problem} ${p.remedy}`), untrusted ? 'Evaluation is disabled in an untrusted workspace.' : ''].filter(Boolean).join('\n'),
    contextValue: 'quantlens.model',
    model,
    runs,
    endpoints,
  };
}

export function childrenOf(node: TreeNode): TreeNode[] {
  if (node.kind === 'model') {
    // Served variants beside the local ones: each is compared with this folder's baseline.
    const variants = [...node.model.variants.map((v) => variantNode(node.model, v)), ...node.endpoints.map((e) => endpointNode(node.model, e))];
    if (node.runs.length === 0) return variants;
    return [...variants, { kind: 'runs', id: `runs:${node.model.path}`, label: 'Runs', description: String(node.runs.length), tooltip: 'Past evaluations of this model', contextValue: 'quantlens.runs', model: node.model, runs: node.runs }];
  }
  if (node.kind === 'runs') return node.runs.map((r) => runNode(node.model, r));
  return [];
}

function variantNode(model: ModelFolder, variant: ModelVariant): TreeNode {
  const baseline = variant.id === model.baselineId;
  return {
    kind: 'variant',
    id: `variant:${variant.file}`,
    label: baseline ? `${variant.id} (baseline)` : variant.id,
    description: `${variant.gguf ? `GGUF ${variant.gguf.fileType ?? variant.dtype}` : variant.dtype} · ${variant.error ? 'error' : formatBytes(variant.sizeBytes)}`,
    tooltip: variant.error ? `${variant.error.file}: ${variant.error.problem} ${variant.error.remedy}` : [variant.file, formatBytes(variant.sizeBytes), summarizeVariant(variant), ...(variant.warnings ?? []).map((w) => `⚠ ${w.problem} ${w.remedy}`)].join('\n'),
    contextValue: variant.error ? 'quantlens.variant.broken' : 'quantlens.variant',
    model,
    variant,
  };
}

/** "served · host:port" (and how many replicas), then the served model id: what the server will be asked for. */
export function servedDescription(endpoint: Pick<ConfiguredEndpoint, 'baseUrls' | 'model'>): string {
  const [first, ...more] = endpoint.baseUrls.map(hostOf);
  const replicas = more.length ? ` +${more.length} replica${more.length > 1 ? 's' : ''}` : '';
  return `served · ${first}${replicas} · ${endpoint.model ?? "the server's model"}`;
}

function endpointNode(model: ModelFolder, listing: EndpointListing): TreeNode {
  const e = listing.endpoint;
  const key = e.apiKeyEnv ? `API key from $${e.apiKeyEnv}` : listing.storedKey ? 'API key in VS Code SecretStorage' : 'no API key';
  return {
    kind: 'endpoint',
    id: `endpoint:${model.path}:${e.name}`,
    label: e.name,
    description: servedDescription(e),
    tooltip: [`Served variant (quantlens.endpoints[${e.index}]), compared with ${model.baselineId ?? 'the baseline'}`, ...e.baseUrls, `model: ${e.model ?? 'the one the server lists (/v1/models)'}`, key].join('\n'),
    contextValue: 'quantlens.endpoint',
    model,
    endpoint: listing,
  };
}

/** Headline numbers of a run: the worst variant's mean KLD and the best speedup. */
export function runHeadline(report: RunReport | null): string {
  if (!report) return '';
  const others = report.variants.filter((v) => !v.isBaseline);
  const klds = others.map((v) => v.kld?.kld.mean).filter((x): x is number => x !== undefined);
  const speedups = others.map((v) => v.speedup?.tpot).filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  const parts: string[] = [];
  if (klds.length) parts.push(`KLD ≤ ${formatNumber(Math.max(...klds), 3)}`);
  if (speedups.length) parts.push(`TPOT up to ${formatNumber(Math.max(...speedups), 3)}×`);
  const sameTop = others.map((v) => v.kld?.sameTop.value).filter((x): x is number => x !== undefined);
  if (sameTop.length) parts.push(`same-top ≥ ${formatPercent(Math.min(...sameTop), 1)}`);
  return parts.join(' · ');
}

function runNode(model: ModelFolder, run: RunListing): TreeNode {
  const date = run.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return {
    kind: 'run',
    id: `run:${run.folder}`,
    label: date,
    description: [run.status, runHeadline(run.report)].filter(Boolean).join(' · '),
    tooltip: `${run.runId}\n${run.folder}\nstatus: ${run.status}`,
    contextValue: `quantlens.run.${run.status}`,
    model,
    run,
  };
}
