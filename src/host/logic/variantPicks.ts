import type { ModelFolder } from '../../shared/modelTypes';
import type { ConfiguredEndpoint } from './endpointSettings';
import { servedDescription } from './modelTree';
import type { RunChoices } from './runRequest';

/** One row of the Evaluate command's variant pick: a local variant or a served one. */
export interface VariantPickItem {
  label: string;
  description: string;
  id: string;
  /** Set for a served variant (an entry of quantlens.endpoints). */
  endpoint?: true;
  picked: boolean;
}

/**
 * The variant rows: the folder's own variants, then its served ones beside them. Local variants
 * are ticked as remembered (all evaluable ones the first time); a served one is ticked unless the
 * user unticked it last time, so an endpoint just added is in the next run.
 */
export function variantPickItems(model: ModelFolder, endpoints: readonly ConfiguredEndpoint[], remembered: RunChoices | undefined): VariantPickItem[] {
  const local = model.variants.map((v) => ({
    label: v.id === model.baselineId ? `${v.id} (baseline)` : v.id,
    description: v.error ? `cannot be evaluated: ${v.error.problem}` : v.gguf ? `GGUF ${v.gguf.fileType ?? v.dtype}` : v.dtype,
    id: v.id,
    picked: v.id === model.baselineId || (remembered ? remembered.variants.includes(v.id) : !v.error),
  }));
  const served = endpoints.map((e) => ({
    label: e.name,
    description: servedDescription(e),
    id: e.name,
    endpoint: true as const,
    picked: !(remembered?.skippedEndpoints ?? []).includes(e.name),
  }));
  return [...local, ...served];
}

/** The picks split into local variant ids and endpoint names, with the endpoints left unticked remembered. */
export function splitPicks(picked: readonly VariantPickItem[], offered: readonly VariantPickItem[]): Pick<RunChoices, 'variants' | 'endpoints' | 'skippedEndpoints'> {
  const names = new Set(picked.map((p) => p.id));
  return {
    variants: picked.filter((p) => !p.endpoint).map((p) => p.id),
    endpoints: picked.filter((p) => p.endpoint).map((p) => p.id),
    skippedEndpoints: offered.filter((o) => o.endpoint && !names.has(o.id)).map((o) => o.id),
  };
}
