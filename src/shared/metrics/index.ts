/** Task metrics: definitions as data, the registry, and the scoring helpers. */
export * from './types';
export * from './registry';
export * from './evaluate';
export { tokenize13a, sentenceBleu, corpusBleu, computeBleu, bleuSegmentStatistics, bleuSignature } from './bleu';
export { chrfSegmentStatistics, chrfScoreFromStatistics, chrfSignature, chrfName } from './chrf';
export { rouge, rougeMulti, rougeTokenize } from './rouge';
export type { RougeScore, RougeType } from './rouge';
export { meteor, singleMeteor } from './meteor';
export { normalizeAnswer, exactMatch, tokenF1 } from './squad';
export { passAtK, chooseAnswer, expectedCalibrationError, argmax, utf8Length, ECE_MIN_EXAMPLES } from './likelihood';
export { porterStem } from './porter';
