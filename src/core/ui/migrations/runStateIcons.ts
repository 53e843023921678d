/** Codicons for the run states (Migrations view and status bar; the panel draws its own). */
import type { RunState } from '../../migration/types';

/** One icon per run state, the same words as the panel's header. */
export const RUN_STATE_ICON: Readonly<Record<RunState, { id: string; color?: string }>> = {
  running: { id: 'sync~spin' },
  paused: { id: 'debug-pause', color: 'editorWarning.foreground' },
  interrupted: { id: 'debug-disconnect', color: 'testing.iconFailed' },
  'rolled-back': { id: 'history', color: 'testing.iconFailed' },
  waiting: { id: 'person', color: 'editorWarning.foreground' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  ready: { id: 'rocket' },
  completed: { id: 'pass-filled', color: 'testing.iconPassed' },
  aborted: { id: 'circle-slash', color: 'testing.iconFailed' },
};
