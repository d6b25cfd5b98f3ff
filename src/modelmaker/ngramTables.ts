import { Matrix } from './lowRank';

/** Log-probability tables estimated from the training corpus, each vocab × vocab (row = context). */
export interface NgramTables {
  /** ln P(next | previous token), row-centred (softmax ignores a per-row constant). */
  bigramLogits: Matrix;
  /** ln P(next | token two back) − ln P(next): what the older token adds beyond frequency. */
  skipPmi: Matrix;
}

/** Dirichlet smoothing strength: how many pseudo-counts of the unigram distribution each row gets. */
const SMOOTHING = 2;

export function estimateNgramTables(documents: readonly number[][], vocabSize: number): NgramTables {
  const unigram = new Float64Array(vocabSize).fill(0.05);
  const bigram = new Float64Array(vocabSize * vocabSize);
  const skip = new Float64Array(vocabSize * vocabSize);
  const bigramRowTotal = new Float64Array(vocabSize);
  const skipRowTotal = new Float64Array(vocabSize);
  for (const doc of documents) {
    for (let i = 1; i < doc.length; i++) {
      const next = doc[i]!;
      unigram[next]! += 1;
      bigram[doc[i - 1]! * vocabSize + next]! += 1;
      bigramRowTotal[doc[i - 1]!]! += 1;
      if (i >= 2) {
        skip[doc[i - 2]! * vocabSize + next]! += 1;
        skipRowTotal[doc[i - 2]!]! += 1;
      }
    }
  }
  const unigramTotal = unigram.reduce((a, b) => a + b, 0);
  const prior = unigram.map((c) => c / unigramTotal);

  const bigramLogits = new Float64Array(vocabSize * vocabSize);
  const skipPmi = new Float64Array(vocabSize * vocabSize);
  for (let row = 0; row < vocabSize; row++) {
    let rowMean = 0;
    for (let col = 0; col < vocabSize; col++) {
      const index = row * vocabSize + col;
      const p = (bigram[index]! + SMOOTHING * prior[col]!) / (bigramRowTotal[row]! + SMOOTHING);
      bigramLogits[index] = Math.log(p);
      rowMean += bigramLogits[index]!;
      const q = (skip[index]! + SMOOTHING * prior[col]!) / (skipRowTotal[row]! + SMOOTHING);
      skipPmi[index] = Math.log(q) - Math.log(prior[col]!);
    }
    rowMean /= vocabSize;
    for (let col = 0; col < vocabSize; col++) bigramLogits[row * vocabSize + col]! -= rowMean;
  }
  return {
    bigramLogits: { rows: vocabSize, cols: vocabSize, data: bigramLogits },
    skipPmi: { rows: vocabSize, cols: vocabSize, data: skipPmi },
  };
}
