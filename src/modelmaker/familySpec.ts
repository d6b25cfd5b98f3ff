/** The shape of one fixture model family (a Llama-style decoder with a byte-level BPE). */
export interface FamilySpec {
  /** Folder name and model id. */
  name: string;
  seed: number;
  /** BPE merges to learn; the vocabulary is 3 specials + 256 bytes + merges. */
  merges: number;
  hiddenSize: number;
  intermediateSize: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Rank of the factorised bigram table carried by the token embedding. */
  bigramRank: number;
  /** Rank of the skip-bigram (token two back) table that layer 0's attention copies forward. */
  skipRank: number;
  contextLength: number;
  ropeTheta: number;
  rmsNormEps: number;
}

/** Two families with different shapes so no code can quietly assume one of them. */
export const FIXTURE_FAMILIES: readonly FamilySpec[] = [
  {
    name: 'quantlens-tiny-llama',
    seed: 20261126,
    merges: 1000,
    hiddenSize: 64,
    intermediateSize: 128,
    layers: 2,
    heads: 4,
    kvHeads: 4,
    headDim: 16,
    bigramRank: 36,
    skipRank: 12,
    contextLength: 1024,
    ropeTheta: 10000,
    rmsNormEps: 1e-5,
  },
  {
    name: 'quantlens-tiny-gqa',
    seed: 7,
    merges: 380,
    hiddenSize: 128,
    intermediateSize: 192,
    layers: 3,
    heads: 6,
    kvHeads: 2,
    headDim: 16,
    bigramRank: 92,
    skipRank: 16,
    contextLength: 512,
    ropeTheta: 10000,
    rmsNormEps: 1e-6,
  },
];
