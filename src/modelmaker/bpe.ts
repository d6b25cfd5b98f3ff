import { BYTE_TO_CHAR, preTokenize } from './byteLevel';

/** A trained byte-level BPE: the vocabulary (token → id) and merges in rank order. */
export interface BpeModel {
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
}

/** Special tokens come first so their ids are stable across vocabularies of any size. */
export const SPECIAL_TOKENS = { pad: '<pad>', bos: '<s>', eos: '</s>' } as const;

/**
 * Learns `mergeCount` merges (after `leadingTokens`, then the 256 byte symbols) from a corpus the classic way (most frequent adjacent pair first).
 * Ties break by the pair's text so the result never depends on Map iteration order.
 */
export function trainBpe(documents: readonly string[], mergeCount: number, leadingTokens: readonly string[] = Object.values(SPECIAL_TOKENS)): BpeModel {
  const wordFrequency = new Map<string, number>();
  for (const doc of documents) {
    for (const word of preTokenize(doc)) wordFrequency.set(word, (wordFrequency.get(word) ?? 0) + 1);
  }
  const words = [...wordFrequency.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([word, count]) => ({ symbols: Array.from(word), count }));

  const vocab = new Map<string, number>();
  for (const special of leadingTokens) vocab.set(special, vocab.size);
  for (const char of BYTE_TO_CHAR) vocab.set(char, vocab.size);

  const merges: Array<[string, string]> = [];
  for (let m = 0; m < mergeCount; m++) {
    const pairCounts = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i] + '\u0000' + symbols[i + 1];
        pairCounts.set(key, (pairCounts.get(key) ?? 0) + count);
      }
    }
    let best: string | undefined;
    let bestCount = 1; // a pair seen once teaches nothing
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && best !== undefined && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === undefined) break;
    const [left, right] = best.split('\u0000') as [string, string];
    merges.push([left, right]);
    vocab.set(left + right, vocab.size);
    for (const word of words) word.symbols = mergeSymbols(word.symbols, left, right);
  }
  return { vocab, merges };
}

function mergeSymbols(symbols: string[], left: string, right: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(left + right);
      i++;
    } else {
      out.push(symbols[i]!);
    }
  }
  return out;
}

/** Encodes text the way the BPE model of Hugging Face tokenizers does: lowest-rank merge first. */
export function makeBpeEncoder(model: BpeModel): (text: string) => number[] {
  const rank = new Map<string, number>();
  model.merges.forEach(([a, b], i) => rank.set(a + '\u0000' + b, i));
  const cache = new Map<string, number[]>();

  const encodeWord = (word: string): number[] => {
    const cached = cache.get(word);
    if (cached) return cached;
    let symbols = Array.from(word);
    for (;;) {
      let bestRank = Infinity;
      let bestIndex = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = rank.get(symbols[i] + '\u0000' + symbols[i + 1]);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) break;
      const [left, right] = model.merges[bestRank]!;
      symbols = mergeSymbols(symbols, left, right);
    }
    const ids = symbols.map((s) => {
      const id = model.vocab.get(s);
      if (id === undefined) throw new Error(`BPE symbol ${JSON.stringify(s)} missing from the vocabulary`);
      return id;
    });
    cache.set(word, ids);
    return ids;
  };

  return (text) => preTokenize(text).flatMap(encodeWord);
}
