import type { RunCard, UnitResult } from './schema';

/**
 * The comparability checklist (after NVIDIA Model-Optimizer's evaluation checklist): numbers are
 * comparable only when they were measured under the same conditions. Within a run the variants
 * share one spec, so a difference here means what was realised differs (a variant fell back to
 * another execution provider, scored fewer tokens); across runs the specs themselves can differ.
 * A difference is a warning, never averaged away.
 */
export type ComparabilityCheckId = 'chat-template' | 'decoding' | 'sample-counts' | 'context-stride' | 'seed' | 'execution-provider' | 'threads';

export interface ComparabilityCheck {
  id: ComparabilityCheckId;
  title: string;
  /** 'variants': across the variants of one run; 'runs': across two compared runs. */
  scope: 'variants' | 'runs';
  status: 'same' | 'differs' | 'not-recorded';
  detail: string;
}

const TITLES: Record<ComparabilityCheckId, string> = {
  'chat-template': 'Chat template',
  decoding: 'Decoding settings',
  'sample-counts': 'Sample counts',
  'context-stride': 'Context and stride',
  seed: 'Seeds',
  'execution-provider': 'Execution provider',
  threads: 'Threads',
};

/** What one run records about a condition: the spec's setting, and what each variant actually ran with. */
interface Condition {
  /** Text of the run-wide setting; null where the run card does not record it. */
  setting: string | null;
  perVariant: Map<string, string>;
}

/** The conditions of one run, read from its card and completed units. */
export function conditionsOf(card: RunCard, results: readonly UnitResult[]): Record<ComparabilityCheckId, Condition> {
  const spec = card.spec;
  const perVariant = (describe: (variantId: string) => string | null): Map<string, string> =>
    new Map(card.variants.flatMap((v) => {
      const text = describe(v.id);
      return text === null ? [] : [[v.id, text] as const];
    }));
  const unitsOf = (variantId: string): UnitResult[] => results.filter((r) => r.variantId === variantId);
  return {
    'chat-template': { setting: chatTemplateFingerprint(card), perVariant: new Map() },
    decoding: { setting: `max new tokens ${spec.generation.maxNewTokens}, ${spec.generation.greedy ? 'greedy' : 'sampled'}, ${spec.generation.stopOnEos ? 'stop at EOS' : 'EOS ignored'}`, perVariant: new Map() },
    'sample-counts': {
      setting: [`prompts ${spec.prompts?.sha256.slice(0, 12) ?? 'none'}`, `corpus ${spec.corpus?.sha256.slice(0, 12) ?? 'none'}`, ...(spec.taskLimit !== undefined ? [`task limit ${spec.taskLimit}`] : [])].join(', '),
      perVariant: perVariant((id) => sampleCounts(unitsOf(id))),
    },
    'context-stride': { setting: `context ${spec.windows.contextLength}, stride ${spec.windows.stride}`, perVariant: new Map() },
    seed: { setting: `seed ${spec.seed}`, perVariant: new Map() },
    'execution-provider': {
      setting: `requested ${spec.executionProvider}`,
      perVariant: perVariant((id) => {
        const providers = [...new Set(unitsOf(id).flatMap((r) => ('executionProvider' in r ? [r.executionProvider] : [])))];
        return providers.length ? providers.join('+') : null;
      }),
    },
    threads: {
      setting: `intra-op ${spec.threads.intraOp}, inter-op ${spec.threads.interOp}`,
      perVariant: perVariant((id) => {
        const threads = unitsOf(id).flatMap((r) => (r.kind === 'performance' && r.threads ? [r.threads] : []))[0];
        return threads ? `intra-op ${threads.intraOp}, inter-op ${threads.interOp}` : null;
      }),
    },
  };
}

/** What was counted per variant: generations, scored tokens, timed requests, task items. */
function sampleCounts(units: readonly UnitResult[]): string | null {
  const parts: string[] = [];
  for (const r of units) {
    if (r.kind === 'generation') parts.push(`${r.samples} generations`);
    if (r.kind === 'perplexity' || r.kind === 'lockstep') parts.push(`${r.perplexity.tokens} tokens scored`);
    if (r.kind === 'performance') parts.push(`${r.ttftMs.n} timed requests`);
    if (r.kind === 'task') parts.push(`${r.task}: ${r.itemKeys.length} items`);
  }
  return parts.length ? parts.sort().join(', ') : null;
}

/**
 * The chat template as the card records it: any spec field about chat templates (a value under a
 * key naming "chat", at any depth: spec.chatTemplate's mode, whether it applied, its file's hash),
 * and the hash of tokenizer_config.json (which holds the template) wherever the card lists it. Read
 * generically, so fields added to the card later count without a change here; paths are left out
 * (a copy of the model elsewhere is the same template); null when nothing is recorded.
 */
function chatTemplateFingerprint(card: RunCard): string | null {
  const found: string[] = [];
  const visit = (value: unknown, key: string, chatKey: string | null): void => {
    if (Array.isArray(value)) return value.forEach((v) => visit(v, key, chatKey));
    if (value === null || typeof value !== 'object') {
      if (chatKey !== null && key !== 'path') found.push(`${chatKey === key ? key : `${chatKey}.${key}`} ${JSON.stringify(value)}`);
      return;
    }
    const record = value as Record<string, unknown>;
    if (typeof record.path === 'string' && record.path.endsWith('tokenizer_config.json') && typeof record.sha256 === 'string') found.push(`tokenizer_config.json ${record.sha256.slice(0, 12)}`);
    for (const [k, v] of Object.entries(record)) visit(v, k, chatKey ?? (/chat/i.test(k) ? k : null));
  };
  visit(card.spec, 'spec', null);
  return found.length ? [...new Set(found)].sort().join(', ') : null;
}

/** The checklist across the variants of one run (report.json's `comparability`). */
export function checkVariants(card: RunCard, results: readonly UnitResult[]): ComparabilityCheck[] {
  const conditions = conditionsOf(card, results);
  return (Object.keys(TITLES) as ComparabilityCheckId[]).map((id) => {
    const condition = conditions[id];
    const values = [...new Set(condition.perVariant.values())];
    if (values.length > 1) return check(id, 'variants', 'differs', `differs across variants: ${listPerVariant(condition.perVariant)}`);
    // Variants of one model folder share its tokenizer_config.json, template included, even where the card does not hash it.
    if (id === 'chat-template' && condition.setting === null) return check(id, 'variants', 'same', "every variant uses the model folder's tokenizer_config.json (the run card records no hash of it)");
    if (condition.setting === null && values.length === 0) return check(id, 'variants', 'not-recorded', 'not recorded in the run card');
    return check(id, 'variants', 'same', [condition.setting, values[0]].filter(Boolean).join('; ') + ' for every variant');
  });
}

/** The checklist across two runs: their settings, and each shared variant's realised conditions. */
export function checkRuns(cardA: RunCard, resultsA: readonly UnitResult[], cardB: RunCard, resultsB: readonly UnitResult[]): ComparabilityCheck[] {
  const a = conditionsOf(cardA, resultsA);
  const b = conditionsOf(cardB, resultsB);
  return (Object.keys(TITLES) as ComparabilityCheckId[]).map((id) => {
    const differences: string[] = [];
    if (a[id].setting !== b[id].setting) differences.push(`run A ${a[id].setting ?? 'not recorded'} vs run B ${b[id].setting ?? 'not recorded'}`);
    for (const [variantId, valueA] of a[id].perVariant) {
      const valueB = b[id].perVariant.get(variantId);
      if (valueB !== undefined && valueB !== valueA) differences.push(`${variantId}: run A ${valueA} vs run B ${valueB}`);
    }
    if (differences.length) return check(id, 'runs', 'differs', `differs between the runs: ${differences.join('; ')}`);
    if (a[id].setting === null && b[id].setting === null && a[id].perVariant.size === 0) return check(id, 'runs', 'not-recorded', 'recorded in neither run card');
    return check(id, 'runs', 'same', `the same in both runs${a[id].setting ? ` (${a[id].setting})` : ''}`);
  });
}

/** The checks that failed, as warning lines. */
export function comparabilityWarnings(checks: readonly ComparabilityCheck[]): string[] {
  return checks.filter((c) => c.status === 'differs').map((c) => `${c.title} — ${c.detail}`);
}

function check(id: ComparabilityCheckId, scope: ComparabilityCheck['scope'], status: ComparabilityCheck['status'], detail: string): ComparabilityCheck {
  return { id, title: TITLES[id], scope, status, detail };
}

function listPerVariant(values: ReadonlyMap<string, string>): string {
  return [...values].map(([variantId, text]) => `${variantId} ${text}`).join('; ');
}
