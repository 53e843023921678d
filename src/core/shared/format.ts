/** Human text for sizes, transfer rates and durations: progress notifications, the CLI and the report. */

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${UNITS[i]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Milliseconds, with "450 ms" below a second; an unknown duration is an empty string. */
export function formatDurationMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms >= 0 && ms < 1000 ? `${Math.round(ms)} ms` : formatDuration(ms / 1000);
}

export interface TransferSnapshot {
  bytes: number;
  total?: number;
  bytesPerSecond?: number;
  etaSeconds?: number;
}

/** "12.3 MB of 45.6 MB (27 %) · 5.1 MB/s · 6 s left" — the parts that are known. */
export function formatTransfer(t: TransferSnapshot): string {
  const parts: string[] = [];
  if (t.total !== undefined && t.total > 0) {
    parts.push(`${formatBytes(t.bytes)} of ${formatBytes(t.total)} (${Math.floor((t.bytes / t.total) * 100)} %)`);
  } else {
    parts.push(formatBytes(t.bytes));
  }
  if (t.bytesPerSecond !== undefined && t.bytesPerSecond > 0) parts.push(formatRate(t.bytesPerSecond));
  if (t.etaSeconds !== undefined && Number.isFinite(t.etaSeconds)) parts.push(`${formatDuration(t.etaSeconds)} left`);
  return parts.join(' · ');
}

/** Epoch ms or ISO text as `2025-01-31 14:05 UTC`; undefined stays undefined. */
export function formatTimestamp(value: number | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A value as one Markdown table cell: pipes escaped, line breaks flattened, nothing for null. */
export function markdownCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
