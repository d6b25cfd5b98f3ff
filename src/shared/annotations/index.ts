/** Failure annotations and automatic flags (issue 6): the API the host, the panel and the CLI use. */
export * from './types';
export * from './taxonomy';
export * from './outputHash';
export * from './anchor';
export * from './operations';
export * from './order';
export * from './sampleAnnotations';
export * from './flags';
export * from './summary';
export * from './annotatedExports';
export * from './serialize';
