/**
 * Perturbation lists as a user writes them (`--robustness typos,casing,whitespace:2` or a task
 * file's `robustness:`), into PerturbationSpecs. Each name has HELM's name and the word.
 */
import { DEFAULT_MAX_SPACES, DEFAULT_TYPO_PROB, PerturbationName, PerturbationSpec } from './perturbations';

const ALIASES: Readonly<Record<string, PerturbationName>> = {
  typos: 'typos', typo: 'typos',
  lowercase: 'lowercase', lower: 'lowercase', casing: 'lowercase',
  space: 'space', whitespace: 'space',
  contraction: 'contraction', contract: 'contraction',
  expansion: 'expansion', expand: 'expansion',
  'fewshot-order': 'fewshot-order', reorder: 'fewshot-order',
};

export const PERTURBATION_WORDS = 'typos[:prob], casing (lowercase), whitespace[:max spaces] (space), contraction, expansion, fewshot-order (reorder)';

/** One entry, e.g. "typos:0.3"; throws an Error whose message says what is accepted. */
export function parsePerturbation(entry: string): PerturbationSpec {
  const [rawName, rawValue, ...rest] = entry.trim().split(':');
  const name = ALIASES[(rawName ?? '').toLowerCase()];
  if (!name || rest.length) throw new Error(`unknown perturbation "${entry.trim()}"; use ${PERTURBATION_WORDS}`);
  if (name === 'typos') {
    const prob = rawValue === undefined ? DEFAULT_TYPO_PROB : Number(rawValue);
    if (!(prob >= 0 && prob <= 1)) throw new Error(`typos takes a probability between 0 and 1, got "${rawValue}"`);
    return { name, prob };
  }
  if (name === 'space') {
    const maxSpaces = rawValue === undefined ? DEFAULT_MAX_SPACES : Number(rawValue);
    if (!Number.isInteger(maxSpaces) || maxSpaces < 1) throw new Error(`whitespace takes a whole number of spaces ≥ 1, got "${rawValue}"`);
    return { name, maxSpaces };
  }
  if (rawValue !== undefined) throw new Error(`${name} takes no parameter, got "${entry.trim()}"`);
  return { name };
}

/** A comma-separated list (or a list of entries), duplicates refused. */
export function parsePerturbations(entries: string | readonly string[]): PerturbationSpec[] {
  const list = typeof entries === 'string' ? entries.split(',') : entries;
  const specs = list.filter((e) => e.trim()).map(parsePerturbation);
  const labels = specs.map(perturbationLabel);
  const twice = labels.find((l, i) => labels.indexOf(l) !== i);
  if (twice) throw new Error(`the perturbation ${twice} is listed twice`);
  return specs;
}

/** The perturbation's name in tables and derived task names: "typos0.1", "space3", "lowercase". */
export function perturbationLabel(spec: PerturbationSpec): string {
  if (spec.name === 'typos') return `typos${spec.prob ?? DEFAULT_TYPO_PROB}`;
  if (spec.name === 'space') return `space${spec.maxSpaces ?? DEFAULT_MAX_SPACES}`;
  return spec.name;
}

/** Perturbed copies of a task are named `<task>~<label>`; a task file's names cannot hold "~". */
export const PERTURBED_TASK_SEPARATOR = '~';

export function isPerturbedTaskName(name: string): boolean {
  return name.includes(PERTURBED_TASK_SEPARATOR);
}
