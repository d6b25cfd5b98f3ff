import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { codeBleu, corpusCodeBleu, loadCodeParsers } from '../../src/node/codebleu/index';
import { CodeBleuResult } from '../../src/shared/metrics/codebleu/index';
import { sexpInJs, subtreeSexps } from '../../src/shared/metrics/codebleu/syntaxMatch';
import { withTree } from '../../src/shared/metrics/codebleu/syntaxNode';

const TOL = 1e-6;

function assertResult(actual: CodeBleuResult, expected: CodeBleuResult): void {
  for (const key of Object.keys(expected) as (keyof CodeBleuResult)[]) {
    assert.ok(Math.abs(actual[key] - expected[key]) < TOL, `${key}: got ${actual[key]}, expected ${expected[key]}`);
  }
}

const bleu4 = (p: [number, number][], bp = 1): number => bp * Math.exp(p.reduce((s, [n, d]) => s + 0.25 * Math.log(n / d), 0));

test('Python by hand: one extra "+ 1" in the return', async () => {
  const candidate = 'def f ( a ) :\n    return a + 1';
  const reference = 'def f ( a ) :\n    return a';
  // Tokens (str.split): hyp = def f ( a ) : return a + 1 (10), ref = def f ( a ) : return a (8).
  // BLEU: clipped 1-grams 8/10, 2-grams 7/9, 3-grams 6/8, 4-grams 5/7; hyp longer, BP = 1.
  //   Product 4/5·7/9·3/4·5/7 = 1/3, so BLEU = (1/3)^(1/4).
  // Weighted (recall against the reference; def and return are keywords, weight 1, the rest 0.2):
  //   every reference n-gram is in the candidate: 1-grams 3.2/3.2, 2-grams 7/7, 3-grams 6/6, 4-grams 5/5 → 1.
  // Syntax: the reference's subtrees with children are module, function_definition, parameters,
  //   block, return_statement (5); the candidate's return holds a binary_operator, so only
  //   (parameters (identifier)) matches: 1/5.
  // Data flow: reference tokens def0 f1 (2 a3 )4 :5 return6 a7; edges kept are those linked:
  //   a@3 (defined, no parents) and a@7 comesFrom [a@3] → (var_0, comesFrom, []), (var_0, comesFrom, [var_0]).
  //   The candidate has the same two (its literal 1 is unlinked and dropped): 2/2.
  const ngram = (1 / 3) ** 0.25;
  assertResult(await codeBleu(candidate, [reference], 'python'), {
    ngramMatch: ngram,
    weightedNgramMatch: 1,
    syntaxMatch: 1 / 5,
    dataflowMatch: 1,
    codebleu: 0.25 * (ngram + 1 + 0.2 + 1),
  });
  assert.ok(Math.abs(ngram - 0.7598356856515925) < 1e-15);
});

test('Python by hand: renamed variables, a different operator, and one data-flow edge missed', async () => {
  const candidate = 'def g ( x ) :\n    y = x + 2\n    return x';
  const reference = 'def f ( a ) :\n    b = a * 2\n    return b';
  // Tokens: hyp def g ( x ) : y = x + 2 return x (13); ref def f ( a ) : b = a * 2 return b (13).
  // BLEU: 1-grams def ( ) : = 2 return match → 7/13; 2-grams ") :" and "2 return" → 2/12;
  //   3- and 4-grams none → smoothed 0.1/11 and 0.1/10; equal lengths, BP = exp(1 − 13/13) = 1.
  const ngram = bleu4([[7, 13], [2, 12], [0.1, 11], [0.1, 10]]);
  // Weighted 1-gram recall: reference weights def 1, return 1, and 0.2 for f ( a a ) : b b = * 2 →
  //   denominator 2 + 11·0.2 = 4.2; matched def 1 + ( ) : = 2 at 0.2 each + return 1 = 3.0.
  //   2-grams 2/12, 3-grams 0 → 0.1/11, 4-grams 0 → 0.1/10 (unweighted above 1-grams).
  const weighted = bleu4([[3, 4.2], [2, 12], [0.1, 11], [0.1, 10]]);
  // Syntax: operators and names are not in tree-sitter's S-expressions, so all 8 subtrees match.
  // Data flow, reference (idx: def0 f1 (2 a3 )4 :5 b6 =7 a8 *9 2@10 return11 b12), kept edges:
  //   a@3 []; b@6 computedFrom [a, 2]; a@8 comesFrom [a]; 2@10 []; b@12 comesFrom [b]
  //   → normalised (var_0 cF []), (var_2 computedFrom [var_0 var_1]), (var_0 cF [var_0]), (var_1 cF []), (var_2 cF [var_2]).
  // Candidate: x@3 []; y@6 computedFrom [x, 2]; x@8 comesFrom [x]; 2@10 []; x@12 comesFrom [x]
  //   → the same but its last edge is (var_0 cF [var_0]) where the reference has (var_2 cF [var_2]): 4/5.
  assertResult(await codeBleu(candidate, [reference], 'python'), {
    ngramMatch: ngram,
    weightedNgramMatch: weighted,
    syntaxMatch: 1,
    dataflowMatch: 4 / 5,
    codebleu: 0.25 * (ngram + weighted + 1 + 0.8),
  });
});

test('JavaScript by hand: let for const', async () => {
  // Tokens: hyp let y = x ; and ref const y = x ; (5 each).
  // BLEU: 4/5, 3/4, 2/3, 1/2 → (1/5)^(1/4); BP = 1.
  // Weighted: const and let are keywords: ref weights const 1, y = x ; 0.2 → 1-gram recall 0.8/1.8
  //   (const is missing), then 3/4, 2/3, 1/2 → (4/9 · 1/4)^(1/4) = 1/√3.
  // Syntax: program, lexical_declaration, variable_declarator — the keyword is not in the S-expression: 3/3.
  // Data flow: y@1 comesFrom [x@3], x@3 [] → (var_1 cF [var_0]), (var_0 cF []) in both: 2/2.
  const ngram = 0.2 ** 0.25;
  const weighted = 1 / Math.sqrt(3);
  assertResult(await codeBleu('let y = x ;', ['const y = x ;'], 'javascript'), {
    ngramMatch: ngram,
    weightedNgramMatch: weighted,
    syntaxMatch: 1,
    dataflowMatch: 1,
    codebleu: 0.25 * (ngram + weighted + 1 + 1),
  });
});

test('by hand: the weighted match has no brevity penalty for 3+ tokens (the reference measures a [tokens, weights] pair)', async () => {
  // hyp def f ( a ) : (6 tokens), ref def f ( a ) : return a (8).
  // BLEU: every hyp n-gram is in the ref (6/6, 5/5, 4/4, 3/3); BP = exp(1 − 8/6).
  // Weighted recall: 1-grams def 1 + f ( a ) : 0.2 each (a clipped to 1) = 2.0 of 3.2; 2-grams 5/7,
  //   3-grams 4/6, 4-grams 3/5; the reference's closest_ref_length sees len([tokens, weights]) = 2 < 6, so BP = 1.
  const r = await codeBleu('def f ( a ) :', ['def f ( a ) : return a'], 'python');
  assert.ok(Math.abs(r.ngramMatch - Math.exp(1 - 8 / 6)) < TOL, String(r.ngramMatch));
  assert.ok(Math.abs(r.weightedNgramMatch - bleu4([[2, 3.2], [5, 7], [4, 6], [3, 5]])) < TOL, String(r.weightedNgramMatch));
});

test('identical code scores 1 on every component (Python and JavaScript, real functions)', async () => {
  const py = 'def total(xs):\n    s = 0\n    for x in xs:\n        if x > 0:\n            s += x\n    return s\n';
  const js = 'function total(xs) {\n  let s = 0;\n  for (let i = 0; i < xs.length; i++) {\n    if (xs[i] > 0) { s += xs[i]; }\n  }\n  return s;\n}\n';
  const one = { codebleu: 1, ngramMatch: 1, weightedNgramMatch: 1, syntaxMatch: 1, dataflowMatch: 1 };
  assertResult(await codeBleu(py, [py], 'python'), one);
  assertResult(await codeBleu(js, [js], 'javascript'), one);
});

// Published expectations: k4black/codebleu tests/test_codebleu.py (test_simple_cases,
// test_simple_cases_work_for_all_langs, test_input_variants; pytest.approx rel 0.01 / 0.1 there).
test('k4black/codebleu test_simple_cases (Python)', async () => {
  const cases: [string, string, number][] = [
    ['some rannnndom words in length more than 3', 'def test ( ) :\n pass', 0.25],
    ['def bar ( y , x ) :\n    a = x * x\n    return a', 'def foo ( x ) :\n    return x', 0.36],
    ['def foo ( x ) :\n    return x * x', 'def bar ( x ) :\n    return x', 0.61],
    ['def bar ( x ) :\n    return x', 'def foo ( x ) :\n    return x', 0.85],
    ['def foo ( x ) :\n    return x', 'def foo ( x ) :\n    return x', 1.0],
  ];
  for (const [prediction, reference, expected] of cases) {
    const r = await codeBleu(prediction, [reference], 'python');
    assert.ok(Math.abs(r.codebleu - expected) <= 0.01 * expected, `${JSON.stringify(prediction)}: ${r.codebleu} vs ${expected}`);
  }
  // The first has no data-flow edge in the reference: its 0 counts as 1 in the total, as calc_codebleu's `or 1`.
  const none = await codeBleu('some rannnndom words in length more than 3', ['def test ( ) :\n pass'], 'python');
  assert.equal(none.dataflowMatch, 0);
  assert.equal(none.codebleu, 0.25);
});

test('k4black/codebleu: JavaScript simple case and several references', async () => {
  const js = await codeBleu('function foo ( x ) { return x }', ['function bar ( y ) {\n   return y\n}'], 'javascript');
  assert.ok(Math.abs(js.codebleu - 0.6) <= 0.06, String(js.codebleu));
  for (const refs of [['def bar ( x ) : pass', 'def foo ( x ) : pass'], ['def foo ( x ) : pass', 'def bar ( x ) : pass']]) {
    const r = await codeBleu('def foo ( x ) : pass', refs, 'python');
    assert.ok(Math.abs(r.codebleu - 0.95) <= 0.0095, String(r.codebleu));
  }
});

test('comments and docstrings are removed before the syntax and data-flow matches only', async () => {
  const plain = 'def f(a):\n    return a';
  const commented = 'def f(a):\n    """Doc."""\n    # why\n    return a  # it\n';
  const r = await codeBleu(commented, [plain], 'python');
  assert.equal(r.syntaxMatch, 1);
  assert.equal(r.dataflowMatch, 1);
  assert.ok(r.ngramMatch < 1, 'the n-gram match sees the comment tokens');
  const j = await codeBleu('let y = x; // note\n/* block */', ['let y = x;'], 'javascript');
  assert.equal(j.syntaxMatch, 1);
  assert.equal(j.dataflowMatch, 1);
});

test('corpus CodeBLEU sums each component\'s statistics over items (not a mean of item scores)', async () => {
  const items: [string, string][] = [
    ['def f ( a ) :\n    return a + 1', 'def f ( a ) :\n    return a'],
    ['def g ( x ) :\n    y = x + 2\n    return x', 'def f ( a ) :\n    b = a * 2\n    return b'],
  ];
  const corpus = await corpusCodeBleu(items.map((i) => i[0]), items.map((i) => [i[1]]), 'python');
  // Summed counts from the two hand-checked items above: 1-grams (8+7)/(10+13), 2-grams (7+2)/(9+12),
  // 3-grams (6+0)/(8+11), 4-grams (5+0)/(7+10); lengths 23 vs 21 → BP 1.
  const ngram = bleu4([[15, 23], [9, 21], [6, 19], [5, 17]]);
  // Weighted: 1-grams (3.2+3)/(3.2+4.2), 2-grams (7+2)/(7+12), 3-grams 6/(6+11), 4-grams 5/(5+10).
  const weighted = bleu4([[6.2, 7.4], [9, 19], [6, 17], [5, 15]]);
  // Syntax (1+8)/(5+8); data flow (2+4)/(2+5).
  assertResult(corpus, { ngramMatch: ngram, weightedNgramMatch: weighted, syntaxMatch: 9 / 13, dataflowMatch: 6 / 7, codebleu: 0.25 * (ngram + weighted + 9 / 13 + 6 / 7) });
});

test('the S-expressions compared are tree-sitter\'s: named nodes and field names, no leaf text', async () => {
  const parsers = await loadCodeParsers();
  const sexps = withTree(parsers, 'def f ( a ) :\n    return a', 'python', subtreeSexps);
  assert.deepEqual(sexps.sort(), [
    '(block (return_statement (identifier)))',
    '(function_definition name: (identifier) parameters: (parameters (identifier)) body: (block (return_statement (identifier))))',
    '(module (function_definition name: (identifier) parameters: (parameters (identifier)) body: (block (return_statement (identifier)))))',
    '(parameters (identifier))',
    '(return_statement (identifier))',
  ]);
});

test('bad input: no references, wrong weights', async () => {
  await assert.rejects(codeBleu('x', [], 'python'), /at least one reference/);
  await assert.rejects(codeBleu('x', ['x'], 'python', [1, 2, 3] as unknown as [number, number, number, number]), /4 finite numbers/);
});

test('hostile nesting: deep brackets and many nested loops finish, the data flow then counts as empty', async () => {
  const deep = `x = ${'('.repeat(3000)}1${')'.repeat(3000)}`;
  const r = await codeBleu(deep, ['x = 1'], 'python');
  assert.ok(Number.isFinite(r.codebleu));
  let loops = 'def f(n):\n';
  for (let i = 0; i < 28; i++) loops += `${'    '.repeat(i + 1)}while n:\n`;
  loops += `${'    '.repeat(29)}n -= 1\n`;
  const started = Date.now();
  const l = await codeBleu(loops, ['def f(n):\n    while n:\n        n -= 1'], 'python');
  assert.ok(Number.isFinite(l.codebleu));
  assert.ok(Date.now() - started < 30_000, 'the visit budget stops the 2^depth walk');
});

test('the JS S-expression writer used for very deep trees agrees with tree-sitter\'s on ordinary code', async () => {
  const parsers = await loadCodeParsers();
  const codes: [string, 'python' | 'javascript'][] = [
    ['def total(xs):\n    s = 0\n    for x in xs:\n        if x > 0:\n            s += x\n    return [y for y in xs if y]\n', 'python'],
    ['class A(B):\n    def m(self, a=1, *args, **kw):\n        return {k: v for k, v in kw.items()}, lambda q: q\n', 'python'],
    ['def broken(:\n    return (1,\n', 'python'],
    ['function total(xs) {\n  let s = 0;\n  for (let i = 0; i < xs.length; i++) { if (xs[i] > 0) { s += xs[i]; } else { s--; } }\n  return `${s}`;\n}\n', 'javascript'],
    ['const f = async ({a, b = 2}, ...rest) => { try { await a(b) } catch (e) { throw e } }', 'javascript'],
    ['let x = (1 + ;', 'javascript'],
  ];
  for (const [code, language] of codes) {
    withTree(parsers, code, language, (root) => {
      const stack = [root];
      while (stack.length) {
        const node = stack.pop()!;
        // Only nodes with children are written (get_all_sub_trees), the root included.
        if (node.children.length) assert.equal(sexpInJs(node), node.toString(), JSON.stringify(code));
        for (const c of node.children) if (c) stack.push(c);
      }
    });
  }
});
