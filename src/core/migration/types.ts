/**
 * The data a migration is made of: the answers asked up front (`MigrationInput`), the plan's steps
 * and the per-step state that the journal persists. Plain data, so the journal can be written as JSON
 * and validated by `schemas/migration-journal.schema.json`.
 */

export type Flavour = 'node-move' | 'v3-to-v4';
export type StepKind = 'api' | 'portal' | 'support';
export type StepStatus = 'pending' | 'running' | 'done' | 'failed' | 'waiting-for-person' | 'skipped';
export type Phase =
  | 'preflight'
  | 'link-target'
  | 'carry-package'
  | 'prepare-target'
  | 'backup'
  | 'restore'
  | 'configure'
  | 'test'
  | 'cutover'
  | 'relink'
  | 'url'
  | 'custom-domain'
  | 'offboard';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** One app as the person picked it: the v4 UUID is stable, the v1 AppId (sub-domain) follows the node. */
export interface AppChoice {
  projectId: string;
  name: string;
}

/** Every question of the wizard, answered before anything runs. Holds no credentials. */
export interface MigrationInput {
  /** Journal name: `.mendix-migrations/<name>.json`. */
  name: string;
  flavour: Flavour;
  source: AppChoice & {
    /** v1 AppId (sub-domain) of the source app at the time the plan was made. */
    appId: string;
    /** Environment mode as the v1 API names it, e.g. `Production`. */
    environment: string;
    /** Sub-domain of the licensed node the app runs on now. */
    nodeSubdomain: string;
  };
  target: {
    /** Sub-domain of the licensed node the app moves to. */
    nodeSubdomain: string;
    /** Environment mode on the target node that receives the app, e.g. `Production`. */
    environment: string;
    /** Temporary app A: linked to the target node to prepare it. */
    tempAppA: AppChoice;
    /** Temporary app B: linked to the source node to unlink the real app from it. */
    tempAppB: AppChoice;
  };
  /** Folder for the package and backup downloads (absolute). */
  downloadFolder: string;
  /** Snapshot ids of older source backups the person wants to keep; downloaded and verified before offboarding. */
  keepBackups: string[];
  customDomains: string[];
  /** Where the custom-domain certificate's private key lives. */
  certificate: 'none' | 'own-key' | 'mendix-keystore';
  /** Developer portal address shown in instructions (no API behind it). */
  portalUrl: string;
  /** Known expectations for v3→v4 checks that no API exposes; optional answers of the wizard. */
  considerations?: {
    /** Database RAM of the target plan in GB (for the ~100 connections per GB rule). */
    targetDatabaseRamGb?: number;
    /** Longest scheduled event run in minutes, when known. */
    longestScheduledEventMinutes?: number;
  };
}

/** What a person must do for a portal or support step. */
export interface PersonInstructions {
  /** One line: what to do. */
  summary: string;
  /** Numbered actions (what to click where, or what to send). */
  actions: string[];
  /** Portal page to open, when there is one. */
  url?: string;
  /** Pre-filled support request text. */
  requestText?: string;
  /** A local file the person needs (e.g. the backup to upload). */
  file?: string;
}

export interface Confirmation {
  by: string;
  at: string;
  /** `api` when the engine proved it through the API; `person` when someone confirmed it. */
  method: 'api' | 'person';
  /** Set when the person marked the step done although its check did not pass (their reason). */
  override?: string;
}

/**
 * What a verification rests on: `check` (an API, DNS, TLS or HTTP check ran and passed; the detail
 * names it), `person` (only a person's word: nothing can check it), `override` (a check did not
 * pass and a person overrode it).
 */
export type VerificationBasis = 'check' | 'person' | 'override';

/** A record written before a non-idempotent call so a crash never leads to repeating it blindly. */
export interface IntentRecord {
  action: string;
  at: string;
  /** Set once the call's result is known (in the same step's outputs). */
  resolvedAt?: string;
  /**
   * The evidence that resolved it: `answered` (the call returned), `refused` (the service said it did
   * not act), `observed` (the state was looked up after a lost answer and showed the call took effect),
   * `not-done` (the state showed it did not, so it was made again under a new intent).
   */
  outcome?: IntentOutcome;
  details?: JsonObject;
}

export type IntentOutcome = 'answered' | 'refused' | 'observed' | 'not-done';

export interface StepErrorInfo {
  message: string;
  code?: string;
  hint?: string;
  /** What a person should do next. */
  nextAction?: string;
}

export interface StepState {
  status: StepStatus;
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Time spent waiting for a person, when the step is manual. */
  waitingSince?: string;
  confirmation?: Confirmation;
  outputs: JsonObject;
  intents: IntentRecord[];
  /** `check` names what checked it when not the Deploy/Backups API (e.g. DNS, SHA-256, HTTP). */
  verification?: { ok: boolean; detail: string; at: string; basis?: VerificationBasis; check?: string };
  error?: StepErrorInfo;
  /** While waiting for a person: what they must do (kept so every surface shows the same text). */
  person?: PersonInstructions;
}

export interface RehearsalRecord {
  startedAt: string;
  finishedAt?: string;
  /** Step id → duration in ms, for the steps 3–8 of this pass. */
  durationsMs: Record<string, number>;
}

export interface CutoverRecord {
  predictedDowntimeMs?: number;
  /** Source stopped (downtime starts). */
  startedAt?: string;
  /** Target started and checked (downtime ends). */
  endedAt?: string;
  measuredDowntimeMs?: number;
  /** The latest rollback (kept for older readers; every one is in `rollbacks`). */
  rollback?: RollbackRecord;
  /** Every rollback of the cutover, oldest first: what was undone and when. */
  rollbacks?: RollbackRecord[];
  /** Every downtime window of the source, oldest first (a rolled-back cutover is one, the final cutover another). */
  downtimes?: DowntimeWindow[];
}

export interface RollbackRecord {
  at: string;
  reason: string;
  result: 'source-restarted' | 'failed';
  detail?: string;
  /** Steps reset to pending by this rollback (their job ids and intents cleared). */
  undone?: string[];
}

export interface DowntimeWindow {
  /** Source stopped (or about to be: recorded just before the stop call). */
  startedAt: string;
  endedAt?: string;
  /**
   * What ended it: the target started, a person confirmed the target runs (its start outlived the
   * wait; the window then ends at the confirmation, an upper bound), or a rollback restarted the source.
   */
  endedBy?: 'target-started' | 'target-confirmed' | 'source-restarted';
}

export type RunStatus = 'active' | 'completed' | 'aborted';

/** Where a run stands, as every surface shows it (computed by migrationProgress). */
export type RunState =
  | 'running'
  /** A person cancelled the run; Resume goes on where it stopped. */
  | 'paused'
  /** The process driving the run went away mid-step (reload, crash): Resume checks and goes on. */
  | 'interrupted'
  /** The cutover failed and was rolled back: the source runs again. */
  | 'rolled-back'
  | 'waiting'
  | 'failed'
  /** Nothing blocks: the next step can run. */
  | 'ready'
  | 'completed'
  | 'aborted';


export interface Journal {
  schemaVersion: 1;
  name: string;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  abort?: { at: string; reason: string; sourceTouched: boolean };
  /**
   * The last run's state as the runner left it: `running` while a run goes on (still `running` when
   * the process went away: interrupted), else how it stopped (`cancelled`: paused by a person).
   */
  /** The person read the preflight's warnings (they stay at the top of the panel until then). */
  warningsAcknowledged?: { by: string; at: string };
  lastRun?: { status: 'running' | 'completed' | 'waiting-for-person' | 'failed' | 'aborted' | 'cancelled'; at: string };
  input: MigrationInput;
  steps: Record<string, StepState>;
  rehearsals: RehearsalRecord[];
  cutover: CutoverRecord;
}

export interface MigrationEvent {
  at: string;
  type:
    | 'journal-created'
    | 'step-started'
    | 'step-finished'
    | 'step-failed'
    | 'step-skipped'
    | 'step-waiting'
    | 'step-confirmed'
    | 'step-reopened'
    | 'step-paused'
    | 'intent'
    | 'output'
    | 'verification'
    | 'rehearsal'
    | 'cutover'
    | 'rollback'
    | 'abort'
    | 'run-started'
    | 'run-stopped'
    | 'progress';
  stepId?: string;
  durationMs?: number;
  detail?: JsonObject;
}
