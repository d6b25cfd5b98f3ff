import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { summarizePerplexity } from '../../src/shared/stats/perplexity';
import { assertClose } from './approx';

test('summarizePerplexity: token, word and byte perplexity and bits per byte (lm-evaluation-harness)', () => {
  // Three scored tokens with NLL 1, 2, 3 nats (Σ = 6) covering 2 words and 10 UTF-8 bytes.
  // lm_eval/api/metrics.py: perplexity = exp(−mean ll); word_perplexity = exp(−Σll/Σwords);
  // byte_perplexity = exp(−Σll/Σbytes); bits_per_byte = −Σll/Σbytes/ln 2.
  const r = summarizePerplexity(new Float64Array([1, 2, 3]), 2, 10);
  assert.equal(r.tokens, 3);
  assert.equal(r.words, 2);
  assert.equal(r.bytes, 10);
  // mean 2; E[x²] = 14/3; 14/3 − 4 = 2/3; /2 → se = sqrt(1/3)
  const se = Math.sqrt(1 / 3);
  assertClose(r.meanNll.value, 2, 1e-15, 'mean NLL');
  assertClose(r.meanNll.se, se, 1e-12, 'se NLL');
  assertClose(r.tokenPerplexity.value, Math.exp(2), 1e-12, 'token perplexity');
  assertClose(r.tokenPerplexity.se, Math.exp(2) * se, 1e-12, 'token perplexity se');
  // Σnll/words = 3 → e³; its se is se(mean)·tokens/words = 1.5·se
  assertClose(r.wordPerplexity.value, Math.exp(3), 1e-12, 'word perplexity');
  assertClose(r.wordPerplexity.se, Math.exp(3) * 1.5 * se, 1e-12, 'word perplexity se');
  // Σnll/bytes = 0.6
  assertClose(r.bytePerplexity.value, Math.exp(0.6), 1e-12, 'byte perplexity');
  assertClose(r.bytePerplexity.se, Math.exp(0.6) * 0.3 * se, 1e-12, 'byte perplexity se');
  assertClose(r.bitsPerByte.value, 0.6 / Math.LN2, 1e-12, 'bits per byte');
  assertClose(r.bitsPerByte.value, 0.8656170, 1e-7, 'bits per byte decimal');
  assertClose(r.bitsPerByte.se, (0.3 * se) / Math.LN2, 1e-12, 'bits per byte se');
  // bits_per_byte = log2(byte_perplexity)
  assertClose(r.bitsPerByte.value, Math.log2(r.bytePerplexity.value), 1e-12, 'bpb = log2 byte ppl');
});

test('summarizePerplexity: a uniform model over V tokens has perplexity V', () => {
  // Every token costs ln 256 nats, one token per byte: perplexity 256 per token and per byte, 8 bits per byte.
  const nll = new Float64Array(64).fill(Math.log(256));
  const r = summarizePerplexity(nll, 16, 64);
  assertClose(r.tokenPerplexity.value, 256, 1e-9, 'token perplexity');
  assertClose(r.bytePerplexity.value, 256, 1e-9, 'byte perplexity');
  assertClose(r.bitsPerByte.value, 8, 1e-12, 'bits per byte');
  // 4 tokens per word: word perplexity 256⁴
  assertClose(r.wordPerplexity.value / 256 ** 4, 1, 1e-12, 'word perplexity');
  assert.equal(r.meanNll.se, 0);
});
