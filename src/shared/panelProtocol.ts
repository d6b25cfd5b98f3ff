import type { Annotation, DismissedFlag, FailureCategory, FlagKind, TextRange, VariantAnnotationSummary } from './annotations';
import type { RunComparison } from './compare/types';
import type { RunCard, RunReport, RunStatus, SampleRecord } from './report/schema';
import type { CodeTaskView } from './code/panelData';

/**
 * Messages between the results panel's webview and the extension host. Nothing is posted to the
 * webview before it sends `ready`; every payload is data, never HTML.
 */

/** What the panel shows: one run, read from its folder. */
export interface RunData {
  runFolder: string;
  card: RunCard;
  /** Absent while the first units are still running. */
  report: RunReport | null;
  status: RunStatus;
  samples: SampleRecord[];
  /** Code tasks' samples per problem and variant (absent without code tasks, and from older hosts). */
  codeTasks?: CodeTaskView[];
  /** Annotations of this run's model folder (the same store the diff tabs' comments use). */
  annotations: AnnotationsData;
}

export interface AnnotationsData {
  /** The model folder as annotations key it (relative to the workspace root). */
  modelFolder: string;
  annotations: Annotation[];
  dismissedFlags: DismissedFlag[];
  taxonomy: FailureCategory[];
  /** Per variant: human annotations and automatic flags by category, with Wilson 95% intervals. */
  summary: VariantAnnotationSummary[];
  /** Set when the annotations file cannot be used (a syntax error): new annotations wait until it is fixed. */
  problem?: string;
}

/** Host → webview: the run to show (first load, and again whenever the run folder changes). */
export interface ShowRunMessage {
  type: 'show-run';
  data: RunData;
}

/** Host → webview: a short notice (an export saved, an error). */
export interface NoticeMessage {
  type: 'notice';
  level: 'info' | 'error';
  text: string;
}

/** Host → webview: this run (as run B) against another run of the same model folder ("Compare with…"). */
export interface ShowComparisonMessage {
  type: 'show-comparison';
  comparison: RunComparison;
}

export type HostToPanel = ShowRunMessage | NoticeMessage | ShowComparisonMessage;

/** Webview → host: the script has loaded and listens; the host may now post. */
export interface PanelReadyMessage {
  type: 'ready';
}

/** Webview → host: open a sample's baseline and variant outputs in a native diff editor. */
export interface OpenDiffMessage {
  type: 'open-diff';
  sampleKey: string;
  variantId: string;
}

export type ExportFormat = 'markdown' | 'csv' | 'html' | 'json' | 'samples-jsonl' | 'samples-csv';

/** Webview → host: save the run as a file in this format. */
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
}

/**
 * Webview → host: save the trade-off plot with these axes (metric ids) as an image. The host draws
 * it with the shared SVG renderer (sharp for PNG), the same file `quantlens export --format svg|png`
 * writes; the on-screen plotly chart is not what is saved.
 */
export interface SaveImageMessage {
  type: 'save-image';
  format: 'png' | 'svg';
  x: string;
  y: string;
}

/** Webview → host: open run.json (the full run card) in an editor. */
export interface OpenRunCardMessage {
  type: 'open-run-card';
}

/** Webview → host: annotate a sample's output (the selected range, or all of it); the host asks for category and note. */
export interface AnnotateMessage {
  type: 'annotate';
  sampleKey: string;
  variantId: string;
  range?: TextRange;
}

/** Webview → host: accept an automatic flag as an annotation, or dismiss it. */
export interface FlagDecisionMessage {
  type: 'accept-flag' | 'dismiss-flag';
  sampleKey: string;
  variantId: string;
  flag: FlagKind;
}

/** Webview → host: pick another run of the same model folder and compare this run with it. */
export interface CompareWithMessage {
  type: 'compare-with';
}

/** Webview → host: open this run's blind rating tab (src/host/rating/ratingPanel.ts). */
export interface RateBlindMessage {
  type: 'rate-blind';
}

export type PanelToHost = PanelReadyMessage | OpenDiffMessage | ExportMessage | SaveImageMessage | OpenRunCardMessage | AnnotateMessage | FlagDecisionMessage | CompareWithMessage | RateBlindMessage;

const PANEL_TO_HOST = new Set<PanelToHost['type']>(['ready', 'open-diff', 'export', 'save-image', 'open-run-card', 'annotate', 'accept-flag', 'dismiss-flag', 'compare-with', 'rate-blind']);
const HOST_TO_PANEL = new Set<HostToPanel['type']>(['show-run', 'notice', 'show-comparison']);

export function isPanelToHost(value: unknown): value is PanelToHost {
  return typeof value === 'object' && value !== null && PANEL_TO_HOST.has((value as { type: PanelToHost['type'] }).type);
}

export function isHostToPanel(value: unknown): value is HostToPanel {
  return typeof value === 'object' && value !== null && HOST_TO_PANEL.has((value as { type: HostToPanel['type'] }).type);
}

/** What the webview keeps in getState/setState so a reload restores the same view. */
export interface PanelState {
  runFolder: string;
  sortColumn?: string;
  sortDescending?: boolean;
  plotX?: string;
  plotY?: string;
  selectedSample?: string;
  selectedVariant?: string;
  filter?: 'all' | 'differs' | 'flagged' | 'annotated';
  search?: string;
}
