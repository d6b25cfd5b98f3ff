/** Number formatting shared by the CLI table, the results panel and exports. */

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Significant-figure formatting that keeps small KLDs readable (0.00136, not 0.00). */
export function formatNumber(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toFixed(0);
  if (magnitude >= 1) return value.toFixed(Math.max(digits - 1 - Math.floor(Math.log10(magnitude)), 0));
  return value.toPrecision(digits);
}

export function formatWithError(value: number | undefined, se: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return se !== undefined && Number.isFinite(se) ? `${formatNumber(value, digits)} ± ${formatNumber(se, 2)}` : formatNumber(value, digits);
}

export function formatSigned(value: number | undefined, digits = 3): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return (value > 0 ? '+' : '') + formatNumber(value, digits);
}

export function formatPercent(fraction: number | undefined, digits = 2): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`;
}

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '…';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}
