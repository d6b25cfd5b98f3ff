/**
 * The Porter stemmer exactly as NLTK implements it in its default NLTK_EXTENSIONS mode
 * (`nltk.stem.porter.PorterStemmer()`), which is the stemmer both Google's rouge_score
 * (`use_stemmer=True`) and NLTK's `meteor_score` use. Rule order and conditions follow NLTK's
 * porter.py step by step, including its departures from Porter (1980): the irregular-forms pool,
 * 'ies'/'ied' on four-letter words, 'y'→'i' only after a consonant, the recursive 'alli' rule, and
 * the 'fulli' and 'logi' rules.
 */

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u']);

const IRREGULAR_FORMS: Record<string, string[]> = {
  sky: ['sky', 'skies'],
  die: ['dying'],
  lie: ['lying'],
  tie: ['tying'],
  news: ['news'],
  inning: ['innings', 'inning'],
  outing: ['outings', 'outing'],
  canning: ['cannings', 'canning'],
  howe: ['howe'],
  proceed: ['proceed'],
  exceed: ['exceed'],
  succeed: ['succeed'],
};
const POOL = new Map<string, string>();
for (const [stem, forms] of Object.entries(IRREGULAR_FORMS)) for (const form of forms) POOL.set(form, stem);

/** Consonant flags: 'y' is a consonant at the start or after a vowel, a vowel after a consonant. */
function consonantFlags(word: string[]): boolean[] {
  const flags: boolean[] = [];
  for (let i = 0; i < word.length; i++) {
    const ch = word[i]!;
    if (VOWELS.has(ch)) flags.push(false);
    else if (ch === 'y') flags.push(i === 0 ? true : !flags[i - 1]);
    else flags.push(true);
  }
  return flags;
}

function isConsonant(word: string[], i: number): boolean {
  return consonantFlags(word.slice(0, i + 1))[i]!;
}

/** m in [C](VC)^m[V]: the number of vowel→consonant transitions. */
function measure(stem: string[]): number {
  const flags = consonantFlags(stem);
  let m = 0;
  for (let i = 1; i < flags.length; i++) if (!flags[i - 1] && flags[i]) m++;
  return m;
}

function containsVowel(stem: string[]): boolean {
  return consonantFlags(stem).some((c) => !c);
}

function endsDoubleConsonant(word: string[]): boolean {
  const n = word.length;
  return n >= 2 && word[n - 1] === word[n - 2] && isConsonant(word, n - 1);
}

function endsCvc(word: string[]): boolean {
  const n = word.length;
  return (
    (n >= 3 &&
      isConsonant(word, n - 3) &&
      !isConsonant(word, n - 2) &&
      isConsonant(word, n - 1) &&
      !['w', 'x', 'y'].includes(word[n - 1]!)) ||
    (n === 2 && !isConsonant(word, 0) && isConsonant(word, 1))
  );
}

type Condition = ((stem: string[]) => boolean) | null;
type Rule = [suffix: string, replacement: string, condition: Condition];

function endsWith(word: string[], suffix: string): boolean {
  if (suffix.length > word.length) return false;
  for (let i = 0; i < suffix.length; i++) if (word[word.length - suffix.length + i] !== suffix[i]) return false;
  return true;
}

function withoutSuffix(word: string[], suffix: string): string[] {
  return word.slice(0, word.length - suffix.length);
}

function concat(stem: string[], replacement: string): string[] {
  return replacement ? [...stem, ...replacement] : stem;
}

/** NLTK `_apply_rule_list`: the first rule whose suffix matches decides, whether or not its condition holds. */
function applyRuleList(word: string[], rules: Rule[]): string[] {
  for (const [suffix, replacement, condition] of rules) {
    if (suffix === '*d' && endsDoubleConsonant(word)) {
      const stem = word.slice(0, -2);
      return condition === null || condition(stem) ? concat(stem, replacement) : word;
    }
    if (endsWith(word, suffix)) {
      const stem = withoutSuffix(word, suffix);
      return condition === null || condition(stem) ? concat(stem, replacement) : word;
    }
  }
  return word;
}

const positiveMeasure = (stem: string[]): boolean => measure(stem) > 0;

function step1a(word: string[]): string[] {
  if (endsWith(word, 'ies') && word.length === 4) return concat(withoutSuffix(word, 'ies'), 'ie');
  return applyRuleList(word, [
    ['sses', 'ss', null],
    ['ies', 'i', null],
    ['ss', 'ss', null],
    ['s', '', null],
  ]);
}

function step1b(word: string[]): string[] {
  if (endsWith(word, 'ied')) return concat(withoutSuffix(word, 'ied'), word.length === 4 ? 'ie' : 'i');
  if (endsWith(word, 'eed')) {
    const stem = withoutSuffix(word, 'eed');
    return measure(stem) > 0 ? concat(stem, 'ee') : word;
  }
  let intermediate: string[] | undefined;
  for (const suffix of ['ed', 'ing']) {
    if (endsWith(word, suffix)) {
      const candidate = withoutSuffix(word, suffix);
      if (containsVowel(candidate)) {
        intermediate = candidate;
        break;
      }
    }
  }
  if (!intermediate) return word;
  const last = intermediate[intermediate.length - 1]!;
  return applyRuleList(intermediate, [
    ['at', 'ate', null],
    ['bl', 'ble', null],
    ['iz', 'ize', null],
    ['*d', last, () => !['l', 's', 'z'].includes(last)],
    ['', 'e', (stem) => measure(stem) === 1 && endsCvc(stem)],
  ]);
}

function step1c(word: string[]): string[] {
  return applyRuleList(word, [['y', 'i', (stem) => stem.length > 1 && isConsonant(stem, stem.length - 1)]]);
}

function step2(word: string[]): string[] {
  if (endsWith(word, 'alli') && positiveMeasure(withoutSuffix(word, 'alli'))) {
    return step2(concat(withoutSuffix(word, 'alli'), 'al'));
  }
  return applyRuleList(word, [
    ['ational', 'ate', positiveMeasure],
    ['tional', 'tion', positiveMeasure],
    ['enci', 'ence', positiveMeasure],
    ['anci', 'ance', positiveMeasure],
    ['izer', 'ize', positiveMeasure],
    ['bli', 'ble', positiveMeasure],
    ['alli', 'al', positiveMeasure],
    ['entli', 'ent', positiveMeasure],
    ['eli', 'e', positiveMeasure],
    ['ousli', 'ous', positiveMeasure],
    ['ization', 'ize', positiveMeasure],
    ['ation', 'ate', positiveMeasure],
    ['ator', 'ate', positiveMeasure],
    ['alism', 'al', positiveMeasure],
    ['iveness', 'ive', positiveMeasure],
    ['fulness', 'ful', positiveMeasure],
    ['ousness', 'ous', positiveMeasure],
    ['aliti', 'al', positiveMeasure],
    ['iviti', 'ive', positiveMeasure],
    ['biliti', 'ble', positiveMeasure],
    ['fulli', 'ful', positiveMeasure],
    // NLTK: the condition is on the word minus 'ogi' (the stem keeps its 'l').
    ['logi', 'log', () => positiveMeasure(word.slice(0, -3))],
  ]);
}

function step3(word: string[]): string[] {
  return applyRuleList(word, [
    ['icate', 'ic', positiveMeasure],
    ['ative', '', positiveMeasure],
    ['alize', 'al', positiveMeasure],
    ['iciti', 'ic', positiveMeasure],
    ['ical', 'ic', positiveMeasure],
    ['ful', '', positiveMeasure],
    ['ness', '', positiveMeasure],
  ]);
}

function step4(word: string[]): string[] {
  const gt1 = (stem: string[]): boolean => measure(stem) > 1;
  return applyRuleList(word, [
    ['al', '', gt1],
    ['ance', '', gt1],
    ['ence', '', gt1],
    ['er', '', gt1],
    ['ic', '', gt1],
    ['able', '', gt1],
    ['ible', '', gt1],
    ['ant', '', gt1],
    ['ement', '', gt1],
    ['ment', '', gt1],
    ['ent', '', gt1],
    ['ion', '', (stem) => measure(stem) > 1 && ['s', 't'].includes(stem[stem.length - 1]!)],
    ['ou', '', gt1],
    ['ism', '', gt1],
    ['ate', '', gt1],
    ['iti', '', gt1],
    ['ous', '', gt1],
    ['ive', '', gt1],
    ['ize', '', gt1],
  ]);
}

function step5a(word: string[]): string[] {
  if (endsWith(word, 'e')) {
    const stem = withoutSuffix(word, 'e');
    const m = measure(stem);
    if (m > 1) return stem;
    if (m === 1 && !endsCvc(stem)) return stem;
  }
  return word;
}

function step5b(word: string[]): string[] {
  return applyRuleList(word, [['ll', 'l', () => measure(word.slice(0, -1)) > 1]]);
}

const cache = new Map<string, string>();
const CACHE_LIMIT = 100_000;

/** NLTK `PorterStemmer().stem(word)` (lowercases first, as NLTK's default to_lowercase=True). */
export function porterStem(word: string): string {
  const cached = cache.get(word);
  if (cached !== undefined) return cached;
  const result = stemUncached(word);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(word, result);
  return result;
}

function stemUncached(word: string): string {
  const lower = word.toLowerCase();
  const irregular = POOL.get(lower);
  if (irregular !== undefined) return irregular;
  // NLTK compares the length of the word as given (code points) before lowercasing.
  if (Array.from(word).length <= 2) return lower;
  let stem = Array.from(lower);
  stem = step1a(stem);
  stem = step1b(stem);
  stem = step1c(stem);
  stem = step2(stem);
  stem = step3(stem);
  stem = step4(stem);
  stem = step5a(stem);
  stem = step5b(stem);
  return stem.join('');
}
