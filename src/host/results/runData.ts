// The panel's run loading lives in src/node so the CLI's `export` writes exactly what the panel does.
export { loadRunData, type AnnotationsSource } from '../../node/runData';
