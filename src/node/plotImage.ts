import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DEFAULT_IMAGE_SIZE, tradeoffSvg, TradeoffSvgOptions } from '../shared/plot/tradeoffSvg';
import type { RunReport } from '../shared/report/schema';

export type PlotImageFormat = 'svg' | 'png';

/** The webview's messages are checked by type only: the format is checked before it names a file. */
export function isPlotImageFormat(value: unknown): value is PlotImageFormat {
  return value === 'svg' || value === 'png';
}

/** sharp's one call we use: rasterize an SVG (librsvg) to PNG. */
type Sharp = (input: Buffer, options?: { density?: number }) => { resize(width: number, height: number): { png(): { toBuffer(): Promise<Buffer> } } };

/**
 * sharp is a native package (external in every bundle, shipped in the VSIX): loaded only when a PNG
 * is asked for, so the CLI and the extension start without it. createRequire keeps esbuild from
 * following the require.
 */
function loadSharp(): Sharp {
  return createRequire(__filename)('sharp') as Sharp;
}

/**
 * The trade-off plot as the bytes of an image file: the shared SVG renderer's text, or that SVG
 * rasterized by sharp at the requested size. The results panel's PNG/SVG buttons and
 * `quantlens export --format svg|png` both write this.
 */
export async function plotImage(report: RunReport, format: PlotImageFormat, options: TradeoffSvgOptions = {}): Promise<Buffer> {
  const svg = Buffer.from(tradeoffSvg(report, options), 'utf8');
  if (format === 'svg') return svg;
  const width = options.width ?? DEFAULT_IMAGE_SIZE.width;
  const height = options.height ?? DEFAULT_IMAGE_SIZE.height;
  return loadSharp()(svg).resize(width, height).png().toBuffer();
}

/** The panel's image request, fulfilled: the plot with the chosen axes written to `path`. */
export async function writePlotImage(path: string, report: RunReport, request: { format: PlotImageFormat; x: string; y: string }): Promise<void> {
  if (!isPlotImageFormat(request.format)) throw new Error(`The plot is saved as svg or png, not "${String(request.format)}".`);
  await writeFile(path, await plotImage(report, request.format, { x: request.x, y: request.y }));
}
