/**
 * The reference's keyword lists for the weighted n-gram match, copied verbatim from
 * k4black/codebleu 0.7.1 (codebleu/keywords/python.txt, codebleu/keywords/javascript.txt at commit
 * b0edb622f6a52fe9d1edc407be5061d3e1462a7f; MIT licence). Python's is CodeXGLUE's plus match, case,
 * type; CodeXGLUE's code-to-code-trans evaluator has no JavaScript list. The JavaScript list has
 * "True" (capitalised) and no "true": kept as the reference has it, since it decides the weights.
 */
import javascriptKeywords from './keywords/javascript.txt';
import pythonKeywords from './keywords/python.txt';
import { CodeLanguage } from './syntaxNode';

/** `[x.strip() for x in f.readlines()]`, as the reference reads the file. */
function readKeywordFile(text: string): Set<string> {
  return new Set(text.split(/(?<=\n)/).map((line) => line.trim()));
}

export const KEYWORDS: Record<CodeLanguage, ReadonlySet<string>> = {
  python: readKeywordFile(pythonKeywords),
  javascript: readKeywordFile(javascriptKeywords),
};
