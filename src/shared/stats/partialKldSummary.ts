import type { KldBoundToken } from './partialKld';

/**
 * What a KLD report measured from partial rows says beside its numbers (KldReport.topK): the
 * figures are lower bounds, and how much probability they could not see.
 */
export interface TopKFidelity {
  /** The smallest top-k of the sides that gave only their top-k. */
  k: number;
  /** Each side's top-k; null for a side that gave full rows. */
  baseK: number | null;
  variantK: number | null;
  /** |S|, the ids known on both sides, per token. */
  sharedIds: { mean: number; min: number };
  /** p_T: the baseline's probability outside S, per token — the bound's blind spot. */
  baseTailMass: { mean: number; max: number };
  /** q_T: the variant's probability outside S, per token. */
  variantTailMass: { mean: number; max: number };
  /**
   * Tokens whose variant row was asked for the baseline's top ids (vLLM `logprob_token_ids`), those
   * where every asked id came back (also by being in the variant's own top-k), and whether the
   * server said it honoured the request on every call (PromptTopK.askedIdsReturned).
   */
  askedIds: { tokens: number; returned: number; honoured: boolean };
  /** Tokens where both argmaxes were known; Same top p is over these. */
  sameTopDecided: number;
  /** Tokens where a partial row's zeroed tail was raised to the floor to divide (see partialKld.ts). */
  tailFloored: number;
}

/** Running sums of the per-token partial-row facts (the per-token bounds go to LockstepAccumulator). */
export class TopKAccumulator {
  private tokens = 0;
  private sharedSum = 0;
  private sharedMin = Infinity;
  private pSum = 0;
  private pMax = 0;
  private qSum = 0;
  private qMax = 0;
  private asked = 0;
  private returned = 0;
  private decided = 0;
  private floored = 0;
  private honoured = true;

  constructor(private readonly baseK: number | null, private readonly variantK: number | null) {}

  add(token: KldBoundToken, ask: { asked: boolean; returned: boolean }): void {
    this.tokens++;
    this.sharedSum += token.shared;
    this.sharedMin = Math.min(this.sharedMin, token.shared);
    this.pSum += token.baseTail;
    this.pMax = Math.max(this.pMax, token.baseTail);
    this.qSum += token.variantTail;
    this.qMax = Math.max(this.qMax, token.variantTail);
    if (ask.asked) this.asked++;
    if (ask.asked && ask.returned) this.returned++;
    if (token.sameTop !== null) this.decided++;
    if (token.tailFloored) this.floored++;
  }

  /** One request's answer to the asked ids. */
  request(askedIdsReturned: boolean): void {
    this.honoured &&= askedIdsReturned;
  }

  summary(): TopKFidelity {
    const n = Math.max(this.tokens, 1);
    const ks = [this.baseK, this.variantK].filter((k): k is number => k !== null);
    return {
      k: Math.min(...ks),
      baseK: this.baseK,
      variantK: this.variantK,
      sharedIds: { mean: this.sharedSum / n, min: this.tokens ? this.sharedMin : 0 },
      baseTailMass: { mean: this.pSum / n, max: this.pMax },
      variantTailMass: { mean: this.qSum / n, max: this.qMax },
      askedIds: { tokens: this.asked, returned: this.returned, honoured: this.asked > 0 && this.honoured },
      sameTopDecided: this.decided,
      tailFloored: this.floored,
    };
  }
}
