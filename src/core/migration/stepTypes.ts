/**
 * What a plan step is (data + behaviour over a typed context) and what it can use while it runs.
 * Steps never touch the journal file directly: they read and write through `StepContext`, which the
 * runner backs with the journal store, so every output is persisted the moment it is known.
 */
import type { Logger } from '../shared/logger';
import type { Clock } from '../shared/clock';
import type { MigrationServices } from '../mendix/services';
import type {
  IntentOutcome,
  IntentRecord,
  Journal,
  JsonObject,
  MigrationInput,
  PersonInstructions,
  Phase,
  StepKind,
  StepState,
  VerificationBasis,
} from './types';

/** Questions the engine asks a person while running (typed confirmations, apply-or-not). */
export interface MigrationPrompt {
  /** Name recorded with confirmations. */
  readonly person: string;
  /**
   * The person must type `expected` exactly. `undefined` means nobody can be asked right now
   * (a pipeline): the step then waits for a person instead of guessing.
   */
  confirmTyped(question: string, expected: string): Promise<boolean | undefined>;
  /** A yes/no question; `undefined` when nobody can be asked. */
  confirm(question: string, detail?: string): Promise<boolean | undefined>;
}

export interface VerifyResult {
  ok: boolean;
  detail: string;
  /** What the result rests on; absent means a check ran (see VerificationBasis). */
  basis?: VerificationBasis;
  /** What checked it, when not the Mendix API (DNS, SHA-256, HTTP …). */
  check?: string;
}

export interface StepContext {
  readonly stepId: string;
  readonly input: MigrationInput;
  readonly services: MigrationServices;
  readonly prompt: MigrationPrompt;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** Persisted state of this step (as of now). */
  state(): Readonly<StepState>;
  /** Persisted state of another step. */
  stateOf(stepId: string): Readonly<StepState> | undefined;
  journal(): Readonly<Journal>;
  /** Merges values into this step's outputs and writes the journal. */
  setOutputs(values: JsonObject): Promise<void>;
  /** Records, before a non-idempotent call, that it is about to be made. */
  recordIntent(action: string, details?: JsonObject): Promise<void>;
  /** An intent of an earlier attempt whose result never got recorded (the process died mid-call). */
  unresolvedIntent(action: string): IntentRecord | undefined;
  /**
   * Marks the intent's result as known (its outputs are written with it), naming the evidence:
   * `answered` by default; `refused`, `observed` or `not-done` after a failure or a lost answer.
   */
  resolveIntent(action: string, outputs: JsonObject, outcome?: IntentOutcome): Promise<void>;
  /** Changes the journal's run-level records (rehearsals, cutover). */
  updateJournal(mutate: (j: Journal) => void): Promise<void>;
  progress(message: string): void;
}

export interface StepDefinition {
  id: string;
  phase: Phase;
  title: string;
  kind: StepKind;
  dependsOn: readonly string[];
  /** Plain words: what the step does and why. */
  describe: string;
  /** Part of the cutover window: a failure rolls back by restarting the source. */
  cutoverWindow?: boolean;
  /** For manual steps: what the person must do. */
  instructions?(ctx: StepContext): Promise<PersonInstructions> | PersonInstructions;
  /** Already done? Checked against the API, so a re-run is safe. Manual steps: proved done. */
  isDone(ctx: StepContext): Promise<boolean>;
  /** Does the work (api steps). Manual steps may use it to prepare, e.g. record a baseline. */
  run(ctx: StepContext): Promise<void>;
  verify(ctx: StepContext): Promise<VerifyResult>;
  /**
   * A person may mark this manual step done although its check does not pass (recorded as an
   * override with their reason, and shown as such). Only where nothing later depends on the check.
   */
  allowsOverride?: boolean;
  /**
   * An automatic step that waited for a person (its outcome could not be seen in time) and whose
   * confirmation passed its check: records what `run` would have recorded once it saw it done.
   */
  confirmed?(ctx: StepContext): Promise<void>;
}

/** Thrown by a step that cannot go on without a person (a typed confirmation, an unknown outcome). */
export class NeedsPersonError extends Error {
  constructor(readonly instructions: PersonInstructions) {
    super(instructions.summary);
    this.name = 'NeedsPersonError';
  }
}

/** Thrown when a step refuses to act because a safety condition does not hold. */
export class RefusedError extends Error {
  constructor(
    message: string,
    readonly nextAction: string,
  ) {
    super(message);
    this.name = 'RefusedError';
  }
}
