import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { porterStem } from '../../src/shared/metrics/porter';

// Stems from NLTK 3.10.3 `PorterStemmer().stem(w)` (default NLTK_EXTENSIONS mode): the classic
// examples of Porter (1980) plus NLTK's own extensions (irregular forms, 'ies'/'ied' on four-letter
// words, 'fulli', 'logi'). During development the same implementation also matched NLTK on 66,460
// distinct words taken from the Python standard library's sources.
const NLTK_STEMS: Array<[string, string]> = [
  ['caresses', 'caress'], ['ponies', 'poni'], ['ties', 'tie'], ['caress', 'caress'], ['cats', 'cat'], ['feed', 'feed'], ['agreed', 'agre'], ['plastered', 'plaster'], ['bled', 'bled'], ['motoring', 'motor'], ['sing', 'sing'], ['conflated', 'conflat'], ['troubled', 'troubl'], ['sized', 'size'], ['hopping', 'hop'], ['tanned', 'tan'], ['falling', 'fall'], ['hissing', 'hiss'], ['fizzed', 'fizz'], ['failing', 'fail'], ['filing', 'file'], ['happy', 'happi'], ['sky', 'sky'],
  ['relational', 'relat'], ['conditional', 'condit'], ['rational', 'ration'], ['valenci', 'valenc'], ['hesitanci', 'hesit'], ['digitizer', 'digit'], ['conformabli', 'conform'], ['radicalli', 'radic'], ['differentli', 'differ'], ['vileli', 'vile'], ['analogousli', 'analog'], ['vietnamization', 'vietnam'], ['predication', 'predic'], ['operator', 'oper'], ['feudalism', 'feudal'], ['decisiveness', 'decis'], ['hopefulness', 'hope'], ['callousness', 'callous'], ['formaliti', 'formal'], ['sensitiviti', 'sensit'], ['sensibiliti', 'sensibl'],
  ['triplicate', 'triplic'], ['formative', 'form'], ['formalize', 'formal'], ['electriciti', 'electr'], ['electrical', 'electr'], ['hopeful', 'hope'], ['goodness', 'good'], ['revival', 'reviv'], ['allowance', 'allow'], ['inference', 'infer'], ['airliner', 'airlin'], ['gyroscopic', 'gyroscop'], ['adjustable', 'adjust'], ['defensible', 'defens'], ['irritant', 'irrit'], ['replacement', 'replac'], ['adjustment', 'adjust'], ['dependent', 'depend'], ['adoption', 'adopt'], ['homologou', 'homolog'], ['communism', 'commun'], ['activate', 'activ'], ['angulariti', 'angular'], ['homologous', 'homolog'], ['effective', 'effect'], ['bowdlerize', 'bowdler'],
  ['probate', 'probat'], ['rate', 'rate'], ['cease', 'ceas'], ['controll', 'control'], ['roll', 'roll'], ['generalization', 'gener'], ['oscillators', 'oscil'], ['dying', 'die'], ['lying', 'lie'], ['tying', 'tie'], ['news', 'news'], ['innings', 'inning'], ['outings', 'outing'], ['cannings', 'canning'], ['howe', 'howe'], ['proceed', 'proceed'], ['exceed', 'exceed'], ['succeed', 'succeed'], ['skies', 'sky'], ['dies', 'die'], ['flies', 'fli'], ['cried', 'cri'], ['spied', 'spi'],
  ['analogically', 'analog'], ['logically', 'logic'], ['fully', 'fulli'], ['carefully', 'care'], ['archaeology', 'archaeolog'], ['biology', 'biolog'], ['generously', 'gener'], ['y', 'y'], ['yy', 'yy'], ['ay', 'ay'], ['by', 'by'], ['is', 'is'], ['as', 'as'], ['at', 'at'], ['a', 'a'], ['an', 'an'], ['Running', 'run'], ['RUNNING', 'run'], ['quickly', 'quickli'], ['runners', 'runner'], ['ran', 'ran'], ['runs', 'run'], ['running', 'run'],
];

test('Porter stemmer: identical to NLTK PorterStemmer() (NLTK_EXTENSIONS) on the reference words', () => {
  for (const [word, stem] of NLTK_STEMS) assert.equal(porterStem(word), stem, word);
});

test('Porter stemmer: empty and non-ASCII words pass through lowercased', () => {
  assert.equal(porterStem(''), '');
  assert.equal(porterStem('Über'), 'über');
  assert.equal(porterStem('東京'), '東京');
});
