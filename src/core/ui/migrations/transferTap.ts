/**
 * Wraps the engine's services so transfer progress (bytes and total) reaches the panel. The engine
 * reports progress to its runner as text only; the tap records the numbers of the tick that is being
 * reported, and the runner's `progress` event, emitted synchronously from the same callback, names
 * the step it belongs to.
 */
import { basename } from 'node:path';
import type { MigrationServices, TransferOptions, TransferProgress } from '../../mendix/services';

export interface TransferTick {
  label: string;
  bytes: number;
  total?: number;
}

export class TransferTap {
  /** The tick being reported right now (set only for the duration of the engine's callback). */
  private current: TransferTick | undefined;

  /** The numbers behind a `progress` event, if it came from a transfer. */
  take(): TransferTick | undefined {
    return this.current;
  }

  wrap(services: MigrationServices): MigrationServices {
    const tapOptions = (label: string, opts?: TransferOptions): TransferOptions => ({
      ...opts,
      onProgress: (p: TransferProgress) => {
        this.current = { label, bytes: p.bytes, total: p.total };
        try {
          opts?.onProgress?.(p);
        } finally {
          this.current = undefined;
        }
      },
    });
    // A prototype-preserving wrapper: every other call goes to the real services unchanged.
    const wrapped = Object.create(services) as MigrationServices;
    wrapped.download = (url, dest, opts) => services.download(url, dest, tapOptions(`Download ${basename(dest)}`, opts));
    wrapped.uploadPackage = (appId, file, name, opts) => services.uploadPackage(appId, file, name, tapOptions(`Upload ${basename(file)}`, opts));
    return wrapped;
  }
}
