/** CodeBLEU without node APIs: give it parsers (src/node/codebleu loads tree-sitter's wasm ones). */
export type { CodeBleuResult, CodeBleuStats, CodeBleuWeights } from './codeBleu';
export { DEFAULT_CODEBLEU_WEIGHTS, codeBleuFromStats, codeBleuStats, corpusCodeBleuWith, sumCodeBleuStats, validateWeights } from './codeBleu';
export type { CodeLanguage, CodeParsers, ParsedCode, SyntaxNode } from './syntaxNode';
export { CODE_LANGUAGES } from './syntaxNode';
export { removeCommentsAndDocstrings } from './removeComments';
