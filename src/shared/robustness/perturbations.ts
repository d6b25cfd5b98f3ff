/**
 * HELM's robustness perturbations (stanford-crfm/helm src/helm/benchmark/augmentations/), ported
 * to behave exactly as HELM's `perturb(text, rng)` does for the same Python `random.Random` state:
 * typos (TyposPerturbation), lowercase (LowerCasePerturbation), space (SpacePerturbation),
 * contraction and expansion (ContractionPerturbation / ExpansionPerturbation). docs/robustness.md
 * cites each and says where ours differs.
 */
import { CONTRACTION_MAP } from './contractions';
import { PythonRandom } from './pythonRandom';

export type PerturbationName = 'typos' | 'lowercase' | 'space' | 'contraction' | 'expansion' | 'fewshot-order';

/** One perturbation as asked for and recorded in the run: its name and its parameters. */
export interface PerturbationSpec {
  name: PerturbationName;
  /** typos: probability that each letter becomes a keyboard neighbour (HELM typo_easy: 0.1). */
  prob?: number;
  /** space: each run of spaces becomes 1..maxSpaces spaces (HELM space3: 3). */
  maxSpaces?: number;
}

/**
 * TyposPerturbation's key_approx: the distance-1 neighbours of each letter on a QWERTY keyboard
 * (HELM's edit of NL-Augmenter's butter_fingers map: no special characters, the letter itself
 * never an option).
 */
export const KEY_APPROX: Readonly<Record<string, string>> = {
  q: 'was', w: 'qesad', e: 'wsdfr', r: 'edfgt', t: 'rfghy', y: 'tghju', u: 'yhjki', i: 'ujklo', o: 'iklp', p: 'ol',
  a: 'qwsz', s: 'weadzx', d: 'erfcxs', f: 'rtgvcd', g: 'tyhbvf', h: 'yujnbg', j: 'uikmnh', k: 'iolmj', l: 'opk',
  z: 'asx', x: 'sdcz', c: 'dfvx', v: 'fgbc', b: 'ghnv', n: 'hjmb', m: 'jkn',
};

/** TyposPerturbation.perturb: per code point, a lowercase letter of the map is replaced with probability `prob`; case restored. */
export function typos(text: string, prob: number, rng: PythonRandom): string {
  let out = '';
  for (const letter of text) {
    const lower = letter.toLowerCase();
    const neighbours = KEY_APPROX[lower];
    let replaced = lower;
    if (neighbours !== undefined && rng.random() < prob) replaced = rng.choice(neighbours);
    out += lower === letter ? replaced : replaced.toUpperCase();
  }
  return out;
}

/** LowerCasePerturbation: text.lower(). */
export function lowercase(text: string): string {
  return text.toLowerCase();
}

/** SpacePerturbation: each run of ASCII spaces becomes randint(1, maxSpaces) spaces, left to right. */
export function space(text: string, maxSpaces: number, rng: PythonRandom): string {
  return text.replace(/ +/g, () => ' '.repeat(rng.randint(1, maxSpaces)));
}

// Python's \b in a str pattern: \w is Unicode letters, digits and "_"; every key starts and ends with a letter.
const WORD = '[\\p{L}\\p{N}_]';
const isLower = (c: string): boolean => /^\p{Lowercase}$/u.test(c);
const isUpper = (c: string): boolean => /^\p{Uppercase}$/u.test(c);

/** helm.common.general.match_case: all lower → lower; all upper → upper; capitalised → str.capitalize(); else as is. */
export function matchCase(source: string, target: string): string {
  const chars = Array.from(source);
  if (chars.every(isLower)) return target.toLowerCase();
  if (chars.every(isUpper)) return target.toUpperCase();
  if (chars.length && isUpper(chars[0]!)) return target.slice(0, 1).toUpperCase() + target.slice(1).toLowerCase();
  return target;
}

const contractionMap = new Map(CONTRACTION_MAP);
// {value: key for key, value in map}: a later key wins, in the first key's position (dict semantics, as Map).
const reverseMap = new Map<string, string>();
for (const [contracted, expanded] of CONTRACTION_MAP) reverseMap.set(expanded, contracted);
const expansionPattern = new RegExp(`(?<!${WORD})(${[...contractionMap.keys()].join('|')})(?!${WORD})`, 'giu');
// HELM contracts only what a space follows, so a sentence's end is left alone.
const contractionPattern = new RegExp(`(?<!${WORD})(${[...reverseMap.keys()].join('|')})(?!${WORD}) `, 'giu');

/** ExpansionPerturbation: each contraction (any case) becomes its expansion, in the contraction's case. */
export function expansion(text: string): string {
  return text.replace(expansionPattern, (match: string) => matchCase(match, contractionMap.get(match) ?? contractionMap.get(match.toLowerCase())!));
}

/** ContractionPerturbation: each expansion followed by a space (any case) becomes its contraction. */
export function contraction(text: string): string {
  return text.replace(contractionPattern, (_whole: string, match: string) => `${matchCase(match, reverseMap.get(match) ?? reverseMap.get(match.toLowerCase())!)} `);
}

/** Perturbations of the item's text; 'fewshot-order' reorders the prompt's examples instead (fewshotOrder). */
export type TextPerturbationSpec = PerturbationSpec & { name: Exclude<PerturbationName, 'fewshot-order'> };

export function isTextPerturbation(spec: PerturbationSpec): spec is TextPerturbationSpec {
  return spec.name !== 'fewshot-order';
}

/** Applies one text perturbation; `rng` is the item's generator (see seedFor). */
export function applyPerturbation(spec: TextPerturbationSpec, text: string, rng: PythonRandom): string {
  switch (spec.name) {
    case 'typos':
      return typos(text, spec.prob ?? DEFAULT_TYPO_PROB, rng);
    case 'lowercase':
      return lowercase(text);
    case 'space':
      return space(text, spec.maxSpaces ?? DEFAULT_MAX_SPACES, rng);
    case 'contraction':
      return contraction(text);
    case 'expansion':
      return expansion(text);
  }
}

/** HELM typo_easy (TyposPerturbation prob=0.1) and space3 (SpacePerturbation max_spaces=3). */
export const DEFAULT_TYPO_PROB = 0.1;
export const DEFAULT_MAX_SPACES = 3;

/**
 * HELM seeds each instance's generator with `Random(str(seed) + instance.id)`; ours is the same
 * with the item's dataset content hash in place of HELM's instance id, and the perturbation's name
 * between, so two perturbations of one item draw independently and an item draws the same whatever
 * else is in the run.
 */
export function seedFor(seed: number, spec: PerturbationSpec, itemKey: string): string {
  return `${seed}${spec.name}${itemKey}`;
}

/** The perturbed text of one item. */
export function perturbText(spec: TextPerturbationSpec, text: string, seed: number, itemKey: string): string {
  return applyPerturbation(spec, text, new PythonRandom(seedFor(seed, spec, itemKey)));
}

/**
 * The meaning-preserving reordering: the same few-shot examples in another order, drawn by
 * random.shuffle from the item's generator (defined for a prompt with at least 2 examples; with k
 * examples the shuffle keeps the order with probability 1/k!, and `changed` counts the items it moved).
 */
export function fewshotOrder<T>(examples: readonly T[], seed: number, itemKey: string): T[] {
  return new PythonRandom(seedFor(seed, { name: 'fewshot-order' }, itemKey)).shuffle([...examples]);
}
