/**
 * The trusted Node side of a sandboxed run, written beside the program as runner.js: it runs
 * program.js as a CommonJS module body (so `require('node:assert')` works and line numbers are the
 * program's own), awaits a returned promise, and writes one JSON result with the run's nonce to
 * fd 3. Node's permission model (--permission or, before Node 22.13, --experimental-permission; set by runSample) already refuses
 * child processes, worker threads and file access outside the temp folder.
 */
export const JS_RUNNER = String.raw`
'use strict';
const fs = require('node:fs');
const vm = require('node:vm');
const nonce = process.argv[2];
const report = (status, detail, line) => fs.writeSync(3, JSON.stringify({ nonce, status, detail: detail ?? null, line: line ?? null }));
const source = fs.readFileSync('program.js', 'utf8');
const lines = source.split('\n');
function where(error) {
  const match = /program\.js:(\d+)/.exec(String(error && error.stack));
  if (!match) return [undefined, undefined];
  const n = Number(match[1]);
  return [n, (lines[n - 1] || '').trim()];
}
function describe(error) {
  if (error instanceof RangeError && /allocation failed|Invalid array length|Array buffer/i.test(error.message)) return ['memory', 'RangeError: ' + error.message];
  const [n, text] = where(error);
  const name = (error && error.name) || 'Error';
  if (name === 'AssertionError' || (error && error.code === 'ERR_ASSERTION')) return ['failed', (text || 'assert') + ' (' + String(error.message).split('\n')[0] + ')', n];
  return ['failed', name + ': ' + String(error && error.message !== undefined ? error.message : error).split('\n')[0] + (text ? ' at: ' + text : ''), n];
}
let body;
try {
  body = vm.runInThisContext('(async function (require, module, exports) {' + source + '\n})', { filename: 'program.js' });
} catch (error) {
  const [status, detail, line] = describe(error);
  report(status, detail, line);
  process.exit(0);
}
(async () => {
  const module = { exports: {} }; // an async body: top-level await works, as in an ES module
  await body(require, module, module.exports);
})().then(
  () => report('passed'),
  (error) => { const [status, detail, line] = describe(error); report(status, detail, line); },
).then(() => process.exit(0)); // timers the program left behind do not keep it alive
`;
