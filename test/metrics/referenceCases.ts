/**
 * Reference cases for BLEU, chrF, chrF++ and METEOR. Every number below was computed with the
 * reference tools themselves — sacrebleu 2.6.0 (`BLEU(effective_order=True).sentence_score`,
 * `CHRF().sentence_score`, `CHRF(word_order=2).sentence_score`, `Tokenizer13a`) and NLTK 3.10.3
 * (`meteor_score([r.split() for r in refs], hyp.split(), wordnet=<no synsets>)`) — by
 * test/metrics/referenceValues.py, and is matched here to 1e-9.
 */
export interface ReferenceCase {
  h: string;
  r: string[];
  tok13a: string;
  sentenceBleu: number;
  chrf: number;
  chrfpp: number;
  meteor: number;
}

export const REFERENCE_CASES: ReferenceCase[] = [
  { h: "The dog bit the man.", r: ["The dog bit the man.", "The dog had bit the man."], tok13a: "The dog bit the man .", sentenceBleu: 100.00000000000004, chrf: 100.0, chrfpp: 100.0, meteor: 0.996 },
  { h: "It wasn't surprising.", r: ["It was not unexpected.", "No one was surprised."], tok13a: "It wasn't surprising .", sentenceBleu: 14.794015674776452, chrf: 35.34635301425291, chrfpp: 29.14513880802484, meteor: 0.12820512820512822 },
  { h: "The man had just bitten him.", r: ["The man bit him first.", "The man had bitten the dog."], tok13a: "The man had just bitten him .", sentenceBleu: 29.071536848410968, chrf: 51.87740799504779, chrfpp: 52.00714394858371, meteor: 0.5260416666666666 },
  { h: "", r: ["Nothing here."], tok13a: "", sentenceBleu: 0.0, chrf: 0.0, chrfpp: 0.0, meteor: 0.0 },
  { h: "Something here.", r: [""], tok13a: "Something here .", sentenceBleu: 0.0, chrf: 0.0, chrfpp: 0.0, meteor: 0.0 },
  { h: "", r: [""], tok13a: "", sentenceBleu: 0.0, chrf: 0.0, chrfpp: 0.0, meteor: 0.0 },
  { h: "the cat sat on the mat", r: ["THE CAT SAT ON THE MAT"], tok13a: "the cat sat on the mat", sentenceBleu: 0.0, chrf: 0.0, chrfpp: 0.0, meteor: 0.9976851851851852 },
  { h: "Der schnelle braune Fuchs springt über den faulen Hund.", r: ["Der flinke braune Fuchs springt über den faulen Hund."], tok13a: "Der schnelle braune Fuchs springt über den faulen Hund .", sentenceBleu: 78.25422900366438, chrf: 83.35882099773805, chrfpp: 83.49675653404866, meteor: 0.8819444444444444 },
  { h: "我喜欢吃苹果。", r: ["我爱吃苹果。"], tok13a: "我喜欢吃苹果。", sentenceBleu: 0.0, chrf: 36.21449559255632, chrfpp: 31.04099622219113, meteor: 0.0 },
  { h: "東京は日本の首都です", r: ["日本の首都は東京です"], tok13a: "東京は日本の首都です", sentenceBleu: 0.0, chrf: 41.56746031746031, chrfpp: 35.629251700680264, meteor: 0.0 },
  { h: "Price: $1,000.50 -- up 3.5% (year-over-year)!", r: ["The price is $1,000.50, up 3.5% year-over-year."], tok13a: "Price : $ 1,000.50 -- up 3.5 % ( year-over-year ) !", sentenceBleu: 16.59038701421971, chrf: 59.83951518836656, chrfpp: 51.2875861667046, meteor: 0.2717391304347826 },
  { h: "He said &quot;hello&quot; &amp; left <skipped> early", r: ["He said \"hello\" & left early"], tok13a: "He said \" hello \" & left early", sentenceBleu: 100.00000000000004, chrf: 39.51105795145439, chrfpp: 38.2943593058677, meteor: 0.5174180327868853 },
  { h: "well-known 2-3 items, e.g. apples... and pears;", r: ["well known 2 - 3 items, e.g. apples and pears."], tok13a: "well-known 2 - 3 items , e . g . apples . . . and pears ;", sentenceBleu: 59.74970909115024, chrf: 81.62354436845044, chrfpp: 72.59877328822473, meteor: 0.2634593356242841 },
  { h: "Emoji 😀 test 👍🏽 done.", r: ["Emoji 😀 test done 👍."], tok13a: "Emoji 😀 test 👍🏽 done .", sentenceBleu: 34.32945239845197, chrf: 67.09493052123511, chrfpp: 65.74746084313051, meteor: 0.5888888888888889 },
  { h: "a b c d e f g", r: ["a b c d", "a b c d e f g h i j", "x y z"], tok13a: "a b c d e f g", sentenceBleu: 100.00000000000004, chrf: 79.06824146981627, chrfpp: 81.32279534109817, meteor: 0.9229651162790699 },
  { h: "one two three four five", r: ["one two three four five six", "one two three four"], tok13a: "one two three four five", sentenceBleu: 100.00000000000004, chrf: 93.903288090021, chrfpp: 94.05778374114189, meteor: 0.9679878048780488 },
  { h: "A (hi) test, with 'quotes' and \"double\" ones.", r: ["A hi test with quotes and double ones"], tok13a: "A ( hi ) test , with 'quotes' and \" double \" ones .", sentenceBleu: 4.6192151051305474, chrf: 45.16559585789205, chrfpp: 40.88044536373439, meteor: 0.1875 },
  { h: "It is a guide to action which ensures that the military always obeys the commands of the party", r: ["It is a guide to action that ensures that the military will forever heed Party commands", "It is the guiding principle which guarantees the military forces always being under the command of the Party", "It is the practical guide for the army always to heed the directions of the party"], tok13a: "It is a guide to action which ensures that the military always obeys the commands of the party", sentenceBleu: 50.456668400584846, chrf: 63.050621049071886, chrfpp: 62.17075369473655, meteor: 0.6944444444444445 },
  { h: "running runners ran quickly", r: ["the runner runs quick"], tok13a: "running runners ran quickly", sentenceBleu: 0.0, chrf: 40.45779423629764, chrfpp: 30.343345677223223, meteor: 0.25 },
  { h: "Line one\nline two - continued-\nword", r: ["Line one line two continued word"], tok13a: "Line one line two - continuedword", sentenceBleu: 50.81327481546149, chrf: 78.00621240916831, chrfpp: 77.29691672191746, meteor: 0.7934426229508196 },
  { h: "tab\tseparated nbsp　ideographic", r: ["tab separated nbsp ideographic"], tok13a: "tab separated nbsp ideographic", sentenceBleu: 100.00000000000004, chrf: 100.0, chrfpp: 100.0, meteor: 0.9921875 },
  { h: "Ünïcödé façade naïve café", r: ["Unicode facade naive cafe", "ünïcödé façade naïve café"], tok13a: "Ünïcödé façade naïve café", sentenceBleu: 59.460355750136046, chrf: 94.83192905019531, chrfpp: 88.83228012097982, meteor: 0.9921875 },
  { h: "x", r: ["x"], tok13a: "x", sentenceBleu: 100.00000000000004, chrf: 100.0, chrfpp: 100.0, meteor: 0.5 },
  { h: "the the the the the the the", r: ["The cat is on the mat.", "There is a cat on the mat."], tok13a: "the the the the the the the", sentenceBleu: 6.567274736060395, chrf: 10.58548028780795, chrfpp: 9.737009210774183, meteor: 0.1639344262295082 },
];

/** Corpus scores over all REFERENCE_CASES (variable reference counts: sacreBLEU signature nrefs:var). */
export const REFERENCE_CORPUS = {
  bleu: 47.60089337146468,
  bleuPrecisions: [68.87417218543047, 49.6124031007752, 42.72727272727273, 35.16483516483517],
  hypothesisLength: 151,
  referenceLength: 139,
  chrf: 62.43156725827153,
  chrfpp: 59.08921155308381,
};
