import type { BlobStore } from './blobs';
import type { CallLog } from './callLog';
import type { FaultRegistry } from './faults';
import type { LinkShape } from './linkShaping';
import type { Store } from './store';

/** What every route module needs; passed in, never looked up globally. */
export interface EmulatorContext {
  store: Store;
  blobs: BlobStore;
  faults: FaultRegistry;
  calls: CallLog;
  /** How archive and package downloads are paced (off unless set). */
  link: LinkShape;
  /** Rebuilds the model from a seed (control endpoint `POST /_emulator/reset`). */
  reseed(seed: SeedName): void;
}

export type SeedName = 'demo' | 'scale' | 'team' | 'empty';
export const SEED_NAMES: readonly SeedName[] = ['demo', 'scale', 'team', 'empty'];
