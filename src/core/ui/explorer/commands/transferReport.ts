/** Maps transfer progress onto a progress notification: bytes, rate and ETA as text, percent as the bar. */
import { formatTransfer, type TransferSnapshot } from '../../../shared/format';
import type { ProgressReport } from '../../kit/userInput';

export function transferReporter(report: (p: ProgressReport) => void, prefix?: string): (t: TransferSnapshot) => void {
  return (t) => {
    const text = formatTransfer(t);
    report({
      message: prefix ? `${prefix}: ${text}` : text,
      percent: t.total !== undefined && t.total > 0 ? Math.min(100, (t.bytes / t.total) * 100) : undefined,
    });
  };
}
