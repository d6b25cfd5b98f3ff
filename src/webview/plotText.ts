/** Helpers for plotly figures: theme colours from VS Code's CSS variables, and text plotly will not parse as markup. */
export const cssVar = (name: string, fallback: string): string => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

/** plotly renders a small HTML subset (<b>, <a href>, <br>…) in names, titles and hover text: strip what could open a tag or an entity. */
export const plain = (text: string): string => text.replace(/[<>&]/g, '');
