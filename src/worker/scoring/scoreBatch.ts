import { compareTokenDistributions } from '../../shared/stats/tokenComparison';

/** One window's lockstep scoring job: logits of both models and the positions to score. */
export interface ScoreJob {
  /** Logits (float32) or log-probabilities (float64): see ModelBackend.forward. */
  base: Float32Array | Float64Array;
  variant: Float32Array | Float64Array;
  vocab: number;
  /** Row (position in the window) of each scored token's logits, and the token that came next. */
  rows: Int32Array;
  targets: Int32Array;
}

/** Per scored token, in order: what LockstepAccumulator.add takes, as flat arrays. */
export interface ScoredBatch {
  kld: Float64Array;
  reverseKld: Float64Array;
  deltaP: Float64Array;
  nllBase: Float64Array;
  nllVariant: Float64Array;
  sameTop: Uint8Array;
}

export function scoreBatch(job: ScoreJob): ScoredBatch {
  const n = job.rows.length;
  const out: ScoredBatch = { kld: new Float64Array(n), reverseKld: new Float64Array(n), deltaP: new Float64Array(n), nllBase: new Float64Array(n), nllVariant: new Float64Array(n), sameTop: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    const c = compareTokenDistributions(job.base, job.variant, job.rows[i]! * job.vocab, job.vocab, job.targets[i]!);
    out.kld[i] = c.kld;
    out.reverseKld[i] = c.reverseKld;
    out.deltaP[i] = c.deltaP;
    out.nllBase[i] = c.nllBase;
    out.nllVariant[i] = c.nllVariant;
    out.sameTop[i] = c.sameTop ? 1 : 0;
  }
  return out;
}
