import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { contraction, expansion, fewshotOrder, KEY_APPROX, lowercase, matchCase, perturbText, space, typos, type TextPerturbationSpec } from '../../src/shared/robustness/perturbations';
import { parsePerturbations, perturbationLabel } from '../../src/shared/robustness/parseSpec';
import { PythonRandom } from '../../src/shared/robustness/pythonRandom';
import { sha512 } from '../../src/shared/robustness/sha512';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('sha512 matches FIPS 180-4 / hashlib on one block and on several', () => {
  assert.equal(hex(sha512(new TextEncoder().encode('abc'))), 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f');
  assert.equal(hex(sha512(new TextEncoder().encode('a'.repeat(200)))), '4b11459c33f52a22ee8236782714c150a3b2c60994e9acee17fe68947a3e6789f31e7668394592da7bef827cddca88c4e6f86e4df7ed1ae6cba71f3e98faee9f');
});

// Expected values printed by CPython 3.11's random module for the same string seeds.
test("PythonRandom draws what CPython's random.Random(str) draws: random(), randint, choice", () => {
  const a = new PythonRandom('0id1');
  assert.equal(a.random(), 0.3034107555479295);
  assert.equal('abc'[a.randbelow(3)], 'a');
  assert.equal(a.randint(1, 3), 3);
  const q = new PythonRandom('quantlens');
  assert.deepEqual([q.random(), q.random(), q.random()], [0.674856819693288, 0.7587130213914473, 0.2889198937757512]);
  assert.deepEqual(Array.from({ length: 5 }, () => q.randint(1, 3)), [1, 3, 2, 3, 1]);
  assert.deepEqual(Array.from({ length: 5 }, () => q.choice('qesad')), ['e', 'd', 'q', 's', 'e']);
  // random.shuffle: Random('shuffle-seed').shuffle(list(range(6))) gives [1, 3, 0, 5, 4, 2].
  assert.deepEqual(new PythonRandom('shuffle-seed').shuffle([0, 1, 2, 3, 4, 5]), [1, 3, 0, 5, 4, 2]);
  // Non-ASCII seeds are hashed as their UTF-8 bytes, astral characters included.
  assert.equal(new PythonRandom('é中𝄞').random(), 0.42000188518585846);
});

// The expected strings are what HELM's perturb() bodies give under CPython for the same seeds.
const S = 'After their marriage, she started a close collaboration with Karvelas.';
const T = "Question:  What is the  capital of   France? It's Paris, isn't it?";

test('typos (TyposPerturbation): prob 0.1 and 0.5 on fixed seeds, case kept, punctuation and digits untouched', () => {
  assert.equal(typos(S, 0.1, new PythonRandom('0typosk1')), 'After tueir karriage, she stzrtex a close ckllsborahion dith Kaevrlas.');
  assert.equal(typos(T, 0.5, new PythonRandom('7typosk2')), "Widxfuom:  Dhat js thr  cwoital of   Frwncd? It'a Ozroa, isb'f oy?");
  assert.equal(typos('Hello, World 42!', 0, new PythonRandom('x')), 'Hello, World 42!');
  // prob 1: every letter becomes one of its keyboard neighbours (never itself), in its case.
  const all = typos('The QUICK fox.', 1, new PythonRandom('1'));
  assert.equal(all.length, 'The QUICK fox.'.length);
  [...'The QUICK fox.'].forEach((c, i) => {
    const out = all[i]!;
    const neighbours = KEY_APPROX[c.toLowerCase()];
    if (!neighbours) return assert.equal(out, c);
    assert.ok(neighbours.includes(out.toLowerCase()), `${c} → ${out}`);
    assert.equal(out === out.toUpperCase(), c === c.toUpperCase(), `case of ${c}`);
  });
});

test('lowercase (LowerCasePerturbation) and space (SpacePerturbation, max_spaces 3)', () => {
  assert.equal(lowercase("It's PARIS, Élodie"), "it's paris, élodie");
  assert.equal(space(T, 3, new PythonRandom('0spacek3')), "Question: What  is the capital of France?   It's  Paris, isn't   it?");
  // Only runs of ASCII spaces change; a tab or newline stays, and max_spaces 1 collapses every run.
  assert.equal(space('a  b\tc\n d', 1, new PythonRandom('s')), 'a b\tc\n d');
});

test('contraction and expansion: HELM docstring examples, case handling, and only what a space follows is contracted', () => {
  assert.equal(contraction('She is a doctor, and I am a student'), "She's a doctor, and I'm a student");
  assert.equal(expansion("She's a doctor, and I'm a student"), 'She is a doctor, and I am a student');
  assert.equal(contraction('She is a doctor, and I am a student. It is not what we are not. Is Not it? IS NOT IT'), "She's a doctor, and I'm a student. It's not what we're not. Isn't it? Isn't IT");
  assert.equal(expansion("She's a doctor, and I'm a student. DON'T can't've Won't you? isn't"), 'She is a doctor, and I am a student. Do not cannot\'ve Will not you? is not');
  // A sentence-final expansion is not contracted (no space after it); no match inside a word.
  assert.equal(contraction('that is'), 'that is');
  assert.equal(expansion("xdon't"), "xdon't");
  assert.equal(matchCase('Is not', "isn't"), "Isn't");
  assert.equal(matchCase('is not', "isn't"), "isn't");
});

test('the same seed gives the same perturbed input; another seed or item another (and perturbations draw independently)', () => {
  for (const spec of parsePerturbations('typos:0.3,whitespace:4') as TextPerturbationSpec[]) {
    const once = perturbText(spec, T, 5, 'item-a');
    assert.equal(perturbText(spec, T, 5, 'item-a'), once, perturbationLabel(spec));
    assert.notEqual(perturbText(spec, T, 6, 'item-a'), once, `${perturbationLabel(spec)} with another seed`);
    assert.notEqual(perturbText(spec, T, 5, 'item-b'), once, `${perturbationLabel(spec)} for another item`);
  }
});

test('fewshot-order: the same examples shuffled by the item\'s generator (CPython: Random("0fewshot-orderabc").shuffle([a,b,c]) = [a,c,b])', () => {
  assert.deepEqual(fewshotOrder(['a', 'b', 'c'], 0, 'abc'), ['a', 'c', 'b']);
  assert.deepEqual(fewshotOrder(['a', 'b', 'c'], 0, 'abc'), ['a', 'c', 'b'], 'the same seed, the same order');
  assert.deepEqual([...fewshotOrder(['a', 'b', 'c', 'd'], 1, 'x')].sort(), ['a', 'b', 'c', 'd']);
});

test('perturbation lists: aliases, HELM defaults, parameters, and clear refusals', () => {
  assert.deepEqual(parsePerturbations('typos,casing,whitespace,contraction,expansion'), [
    { name: 'typos', prob: 0.1 }, { name: 'lowercase' }, { name: 'space', maxSpaces: 3 }, { name: 'contraction' }, { name: 'expansion' },
  ]);
  assert.deepEqual(parsePerturbations('reorder'), [{ name: 'fewshot-order' }]);
  assert.deepEqual(parsePerturbations(['typos:0.3', 'space:2']).map(perturbationLabel), ['typos0.3', 'space2']);
  assert.throws(() => parsePerturbations('typoz'), /unknown perturbation "typoz"; use typos/);
  assert.throws(() => parsePerturbations('typos:2'), /probability between 0 and 1/);
  assert.throws(() => parsePerturbations('whitespace:0'), /whole number of spaces/);
  assert.throws(() => parsePerturbations('casing:1'), /lowercase takes no parameter/);
  assert.throws(() => parsePerturbations('typos,typo'), /typos0.1 is listed twice/);
});
