import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { findInvalidUtf8 } from '../../src/node/utf8Check';

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

test('valid UTF-8 (ASCII, accents, CJK, emoji, a BOM) has no fault', () => {
  assert.equal(findInvalidUtf8(text('\ufeffplain, café, 東京, 😀\n')), null);
  assert.equal(findInvalidUtf8(new Uint8Array()), null);
});

test('the first ill-formed sequence is placed at its first byte', () => {
  const at = (prefix: string, bad: number[], suffix = 'tail'): Buffer => Buffer.concat([text(prefix), Buffer.from(bad), text(suffix)]);
  assert.deepEqual(findInvalidUtf8(at('ab', [0xc3, 0x28])), { offset: 2, shown: '0xC3 0x28 0x74 0x61 …' }, 'a lead byte without its continuation');
  assert.deepEqual(findInvalidUtf8(at('café ', [0x80], '')), { offset: 6, shown: '0x80' }, 'a lone continuation byte, after a 2-byte é');
  assert.equal(findInvalidUtf8(at('x', [0xc0, 0xaf]))?.offset, 1, 'overlong "/"');
  assert.equal(findInvalidUtf8(at('xy', [0xed, 0xa0, 0x80]))?.offset, 2, 'a UTF-16 surrogate');
  assert.equal(findInvalidUtf8(at('東京', [0xf4, 0x90, 0x80, 0x80]))?.offset, 6, 'past U+10FFFF');
  assert.equal(findInvalidUtf8(at('ok', [0xe2, 0x82], ''))?.offset, 2, 'cut short at the end');
  assert.equal(findInvalidUtf8(at('', [0xff]))?.offset, 0);
});

test('random bytes: the offset is where the WHATWG decoder first substitutes U+FFFD', () => {
  let seed = 7;
  const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) >>> 16) & 0xff;
  for (let trial = 0; trial < 50; trial++) {
    const bytes = Buffer.concat([text('The river runs through the town. '.repeat(trial)), Buffer.from(Array.from({ length: 64 }, next))]);
    const fault = findInvalidUtf8(bytes);
    assert.ok(fault, 'random bytes are not UTF-8');
    // Everything before the fault decodes cleanly; the fault's bytes do not.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    assert.doesNotThrow(() => decoder.decode(bytes.subarray(0, fault.offset)));
    assert.throws(() => decoder.decode(bytes.subarray(0, fault.offset + 4)));
  }
});
