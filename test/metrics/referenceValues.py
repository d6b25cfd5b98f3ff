"""Recomputes the reference numbers in referenceCases.ts with the reference tools themselves.

    python -m venv /tmp/ref && /tmp/ref/bin/pip install sacrebleu==2.6.0 nltk==3.10.3
    /tmp/ref/bin/python test/metrics/referenceValues.py

Prints one TypeScript line per case. METEOR runs NLTK's meteor_score with a WordNet stand-in that
has no synsets, i.e. exactly the exact + Porter-stem modules QuantLens implements.
"""
import json

from nltk.translate.meteor_score import meteor_score
from sacrebleu.metrics import BLEU, CHRF
from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a


class NoSynonyms:
    def synsets(self, word):
        return []


def main():
    import re
    with open(__file__.replace('referenceValues.py', 'referenceCases.ts'), encoding='utf-8') as f:
        source = f.read()
    cases = [json.loads('{"h": %s, "r": %s}' % (m.group(1), m.group(2)))
             for m in re.finditer(r'\{ h: ("(?:[^"\\]|\\.)*"), r: (\[.*?\]), tok13a', source)]
    tokenizer = Tokenizer13a()
    for c in cases:
        h, r = c['h'], c['r']
        print('  { h: %s, r: %s, tok13a: %s, sentenceBleu: %r, chrf: %r, chrfpp: %r, meteor: %r },' % (
            json.dumps(h, ensure_ascii=False), json.dumps(r, ensure_ascii=False),
            json.dumps(tokenizer(h.rstrip()), ensure_ascii=False),
            BLEU(effective_order=True).sentence_score(h, r).score,
            CHRF().sentence_score(h, r).score,
            CHRF(word_order=2).sentence_score(h, r).score,
            meteor_score([x.split() for x in r], h.split(), wordnet=NoSynonyms())))
    hyps = [c['h'] for c in cases]
    streams = [[c['r'][i] if i < len(c['r']) else None for c in cases] for i in range(max(len(c['r']) for c in cases))]
    bleu = BLEU().corpus_score(hyps, streams)
    print('corpus', bleu.score, bleu.precisions, bleu.sys_len, bleu.ref_len,
          CHRF().corpus_score(hyps, streams).score, CHRF(word_order=2).corpus_score(hyps, streams).score)


if __name__ == '__main__':
    main()
