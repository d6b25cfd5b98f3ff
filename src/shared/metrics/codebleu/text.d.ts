/** esbuild's `text` loader bundles the keyword lists as strings (see scripts/build.mjs). */
declare module '*.txt' {
  const content: string;
  export default content;
}
