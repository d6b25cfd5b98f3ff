import { GoalBand, goalBands } from '../panel/goalBands';
import { axisTitle } from '../panel/metricsCatalog';
import { paretoFrontier, TradeoffPoint } from '../panel/pareto';
import type { RunReport } from '../report/schema';
import { niceTicks, tickLabel } from './niceTicks';
import { PlotAxesChoice, plotAxes } from './plotAxes';
import { escapeXml } from './xml';

/**
 * The results panel's trade-off (Pareto) plot as a standalone SVG document, built as text (no DOM,
 * no plotly): the same points, error bars (± se), frontier, greyed dominated variants, baseline star
 * and goal bands the panel draws. The panel's PNG/SVG buttons and `quantlens export --format svg|png`
 * both write this. Every string from the user's files is XML-escaped.
 */
export interface TradeoffSvgOptions extends Partial<PlotAxesChoice> {
  width?: number;
  height?: number;
}

export const DEFAULT_IMAGE_SIZE = { width: 1000, height: 640 };

const COLORS = { fg: '#222222', muted: '#666666', grid: '#e3e3e3', accent: '#3794ff', grey: '#888888', fail: '#f14c4c', background: '#ffffff' };
/** Labels longer than this are cut on the image (the full id is in the data-variant attribute). */
const MAX_LABEL = 48;

const fixed = (n: number): string => (Math.round(n * 100) / 100).toString();
const clip = (text: string): string => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);

interface Scale {
  toPixel(value: number): number;
  ticks: number[];
  decimals: number;
}

/** A linear scale over the values (and goal thresholds), padded, onto [from, to] pixels. */
function linearScale(values: number[], from: number, to: number): Scale {
  const finite = values.filter(Number.isFinite);
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (finite.length === 0) [min, max] = [0, 1];
  const span = max - min || Math.abs(max) * 0.2 || 1;
  min -= span * 0.08;
  max += span * 0.08;
  const { values: ticks, decimals } = niceTicks(min, max);
  return { toPixel: (v) => from + ((v - min) / (max - min)) * (to - from), ticks, decimals };
}

function star(cx: number, cy: number, outer: number): string {
  const points = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? outer : outer * 0.45;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    return `${fixed(cx + r * Math.cos(angle))},${fixed(cy + r * Math.sin(angle))}`;
  });
  return points.join(' ');
}

export function tradeoffSvg(report: RunReport, options: TradeoffSvgOptions = {}): string {
  const width = options.width ?? DEFAULT_IMAGE_SIZE.width;
  const height = options.height ?? DEFAULT_IMAGE_SIZE.height;
  const { x, y } = plotAxes(report, options);
  const area = { left: 90, right: width - 30, top: 84, bottom: height - 70 };
  const out: string[] = [];
  const text = (px: number, py: number, content: string, attrs = ''): void => {
    out.push(`<text x="${fixed(px)}" y="${fixed(py)}"${attrs ? ` ${attrs}` : ''}>${escapeXml(content)}</text>`);
  };
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="12" fill="${COLORS.fg}">`);
  const title = x && y ? `Trade-off: ${y.label} vs ${x.label}` : 'Trade-off plot';
  out.push(`<title>${escapeXml(`${title} — QuantLens run ${report.runId}`)}</title>`);
  out.push(`<rect width="${width}" height="${height}" fill="${COLORS.background}"/>`);
  text(area.left, 30, title, 'font-size="18" font-weight="bold"');
  if (!x || !y) {
    text(area.left, 56, `QuantLens run ${report.runId}: not enough measurements for a trade-off plot yet.`, `fill="${COLORS.muted}"`);
    out.push('</svg>');
    return out.join('\n') + '\n';
  }

  const points: TradeoffPoint[] = report.variants.map((v) => ({ id: v.id, x: x.value(v) ?? NaN, y: y.value(v) ?? NaN }));
  const plotted = report.variants.map((v, i) => ({ variant: v, point: points[i]!, xSe: x.se(v) ?? 0, ySe: y.se(v) ?? 0 })).filter((p) => Number.isFinite(p.point.x) && Number.isFinite(p.point.y));
  const missing = report.variants.filter((_, i) => !Number.isFinite(points[i]!.x) || !Number.isFinite(points[i]!.y)).map((v) => v.id);
  const frontier = paretoFrontier(points, y.higherIsBetter, x.higherIsBetter);
  const onFrontier = new Set(frontier.map((p) => p.id));
  const bandsX = goalBands(report, x);
  const bandsY = goalBands(report, y);
  const spread = (se: number): number => (Number.isFinite(se) ? Math.abs(se) : 0);
  const sx = linearScale([...plotted.flatMap((p) => [p.point.x - spread(p.xSe), p.point.x + spread(p.xSe)]), ...bandsX.map((b) => b.threshold)], area.left, area.right);
  const sy = linearScale([...plotted.flatMap((p) => [p.point.y - spread(p.ySe), p.point.y + spread(p.ySe)]), ...bandsY.map((b) => b.threshold)], area.bottom, area.top);

  text(area.left, 52, `QuantLens run ${report.runId}${missing.length ? ` · not plotted (no value): ${missing.map(clip).join(', ')}` : ''}`, `fill="${COLORS.muted}"`);
  legend(out, text, area.left, 72, bandsX.length + bandsY.length > 0);

  // Grid and ticks.
  out.push(`<g class="grid" stroke="${COLORS.grid}" stroke-width="1">`);
  for (const t of sx.ticks) out.push(`<line x1="${fixed(sx.toPixel(t))}" y1="${area.top}" x2="${fixed(sx.toPixel(t))}" y2="${area.bottom}"/>`);
  for (const t of sy.ticks) out.push(`<line x1="${area.left}" y1="${fixed(sy.toPixel(t))}" x2="${area.right}" y2="${fixed(sy.toPixel(t))}"/>`);
  out.push('</g>');
  out.push(`<rect class="plot-area" x="${area.left}" y="${area.top}" width="${area.right - area.left}" height="${area.bottom - area.top}" fill="none" stroke="${COLORS.muted}"/>`);
  out.push('<g class="x-ticks" text-anchor="middle">');
  for (const t of sx.ticks) text(sx.toPixel(t), area.bottom + 18, tickLabel(t, sx.decimals));
  out.push('</g><g class="y-ticks" text-anchor="end">');
  for (const t of sy.ticks) text(area.left - 8, sy.toPixel(t) + 4, tickLabel(t, sy.decimals));
  out.push('</g>');
  text((area.left + area.right) / 2, height - 24, axisTitle(x), 'class="x-title" text-anchor="middle" font-size="13"');
  const yMid = (area.top + area.bottom) / 2;
  text(24, yMid, axisTitle(y), `class="y-title" text-anchor="middle" font-size="13" transform="rotate(-90 24 ${fixed(yMid)})"`);

  // Goal bands: the failing side shaded out to the plot's edge, the threshold dashed.
  const band = (b: GoalBand, axis: 'x' | 'y'): void => {
    out.push(`<g class="goal-band" data-axis="${axis}" data-threshold="${b.threshold}" data-fail-side="${b.failSide}">`);
    if (axis === 'x') {
      const at = Math.min(Math.max(sx.toPixel(b.threshold), area.left), area.right);
      const [from, to] = b.failSide === 'above' ? [at, area.right] : [area.left, at];
      out.push(`<rect x="${fixed(from)}" y="${area.top}" width="${fixed(to - from)}" height="${area.bottom - area.top}" fill="${COLORS.fail}" fill-opacity="0.08"/>`);
      out.push(`<line x1="${fixed(at)}" y1="${area.top}" x2="${fixed(at)}" y2="${area.bottom}" stroke="${COLORS.fail}" stroke-dasharray="6 4"/>`);
      text(at + 4, area.top + 14, b.label, `font-size="10" fill="${COLORS.fail}"`);
    } else {
      const at = Math.min(Math.max(sy.toPixel(b.threshold), area.top), area.bottom);
      const [from, to] = b.failSide === 'above' ? [area.top, at] : [at, area.bottom];
      out.push(`<rect x="${area.left}" y="${fixed(from)}" width="${area.right - area.left}" height="${fixed(to - from)}" fill="${COLORS.fail}" fill-opacity="0.08"/>`);
      out.push(`<line x1="${area.left}" y1="${fixed(at)}" x2="${area.right}" y2="${fixed(at)}" stroke="${COLORS.fail}" stroke-dasharray="6 4"/>`);
      text(area.right - 4, at - 4, b.label, `font-size="10" fill="${COLORS.fail}" text-anchor="end"`);
    }
    out.push('</g>');
  };
  bandsX.forEach((b) => band(b, 'x'));
  bandsY.forEach((b) => band(b, 'y'));

  out.push(`<polyline class="frontier" fill="none" stroke="${COLORS.accent}" stroke-width="1.5" stroke-dasharray="2 4" points="${frontier.map((p) => `${fixed(sx.toPixel(p.x))},${fixed(sy.toPixel(p.y))}`).join(' ')}"/>`);

  for (const { variant, point, xSe, ySe } of plotted) {
    const px = sx.toPixel(point.x);
    const py = sy.toPixel(point.y);
    const front = onFrontier.has(variant.id);
    const color = front ? COLORS.accent : COLORS.grey;
    out.push(`<g class="variant" data-variant="${escapeXml(variant.id)}" data-frontier="${front}" data-baseline="${variant.isBaseline}" data-x="${point.x}" data-y="${point.y}"${front ? '' : ' opacity="0.45"'}>`);
    if (spread(xSe) > 0) errorBar(out, sx.toPixel(point.x - spread(xSe)), sx.toPixel(point.x + spread(xSe)), py, 'x');
    if (spread(ySe) > 0) errorBar(out, sy.toPixel(point.y - spread(ySe)), sy.toPixel(point.y + spread(ySe)), px, 'y');
    out.push(variant.isBaseline ? `<polygon class="marker" points="${star(px, py, 9)}" fill="${color}"/>` : `<circle class="marker" cx="${fixed(px)}" cy="${fixed(py)}" r="6" fill="${color}"/>`);
    text(px, py - 13, clip(variant.id) + (variant.isBaseline ? ' (baseline)' : ''), 'class="label" text-anchor="middle"');
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function errorBar(out: string[], from: number, to: number, at: number, axis: 'x' | 'y'): void {
  const cap = 4;
  const line = (x1: number, y1: number, x2: number, y2: number): string => `<line x1="${fixed(x1)}" y1="${fixed(y1)}" x2="${fixed(x2)}" y2="${fixed(y2)}"/>`;
  const parts = axis === 'x'
    ? [line(from, at, to, at), line(from, at - cap, from, at + cap), line(to, at - cap, to, at + cap)]
    : [line(at, from, at, to), line(at - cap, from, at + cap, from), line(at - cap, to, at + cap, to)];
  out.push(`<g class="error-${axis}" stroke="${COLORS.grey}" stroke-width="1">${parts.join('')}</g>`);
}

function legend(out: string[], text: (x: number, y: number, content: string, attrs?: string) => void, left: number, baselineY: number, withGoals: boolean): void {
  out.push('<g class="legend">');
  let at = left;
  const item = (swatch: string, label: string): void => {
    out.push(swatch);
    text(at + 18, baselineY + 4, label, `fill="${COLORS.muted}"`);
    at += 18 + label.length * 7 + 18;
  };
  item(`<line x1="${at}" y1="${baselineY}" x2="${at + 14}" y2="${baselineY}" stroke="${COLORS.accent}" stroke-width="1.5" stroke-dasharray="2 4"/>`, 'Pareto frontier');
  item(`<circle cx="${at + 7}" cy="${baselineY}" r="5" fill="${COLORS.accent}"/>`, 'on the frontier');
  item(`<circle cx="${at + 7}" cy="${baselineY}" r="5" fill="${COLORS.grey}" opacity="0.45"/>`, 'dominated');
  item(`<polygon points="${star(at + 7, baselineY, 7)}" fill="${COLORS.grey}"/>`, 'baseline');
  item(`<line x1="${at}" y1="${baselineY}" x2="${at + 14}" y2="${baselineY}" stroke="${COLORS.grey}"/>`, '± standard error');
  if (withGoals) item(`<rect x="${at}" y="${baselineY - 5}" width="14" height="10" fill="${COLORS.fail}" fill-opacity="0.25" stroke="${COLORS.fail}" stroke-dasharray="3 2"/>`, 'goal: failing side');
  out.push('</g>');
}
