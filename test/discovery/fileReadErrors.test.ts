import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInputError } from '../../src/shared/errors';
import { throwReadError } from '../../src/node/fileReadErrors';

/** What fs throws for a file the user may not read (tests run as root, so chmod cannot make one). */
function fsError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated, open '/models/x.onnx'`), { code });
}

test('a permission error becomes an InputError naming the file and saying what to do', () => {
  assert.throws(() => throwReadError('/models/x.onnx', fsError('EACCES')), (error: unknown) => {
    assert.ok(isInputError(error));
    assert.equal(error.file, '/models/x.onnx');
    assert.match(error.problem, /permission denied/);
    assert.match(error.remedy, /read permission/);
    return true;
  });
});

test('unfamiliar fs errors keep their code; other errors pass through untouched', () => {
  assert.throws(() => throwReadError('/models/x.onnx', fsError('EIO')), /cannot be read \(EIO/);
  const bug = new TypeError('a bug');
  assert.throws(() => throwReadError('/models/x.onnx', bug), (error: unknown) => error === bug);
});
