import type { ModelBackend } from './backend/modelBackend';

/** What a unit measures, in the words of its "not scored" reason. */
const MEASURE = { perplexity: 'perplexity', lockstep: 'KL divergence against the baseline', task: 'likelihood task' } as const;

/**
 * Why a unit that needs next-token log-probabilities cannot be scored with these backends (one
 * gives none: `distributions.kind` 'none', whose reason names the endpoint and server), or
 * undefined when it can. The engine records such a unit as unavailable, never scores it at chance.
 */
export function unavailableReason(measure: keyof typeof MEASURE, backends: { baseline?: ModelBackend; variant: ModelBackend }): string | undefined {
  for (const [role, backend] of [['variant', backends.variant], ['baseline', backends.baseline]] as const) {
    if (!backend || backend.distributions.kind !== 'none') continue;
    const who = role === 'baseline' && backend !== backends.variant ? `the baseline ${backend.variantId}` : backend.variantId;
    return `${MEASURE[measure]} not scored: ${who} gives no prompt log-probabilities (${backend.distributions.reason})`;
  }
  return undefined;
}
