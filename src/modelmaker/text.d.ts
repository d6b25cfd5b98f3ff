/** esbuild's `text` loader bundles these files as strings (see scripts/build.mjs). */
declare module '*.txt' {
  const content: string;
  export default content;
}
