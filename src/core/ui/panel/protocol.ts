/**
 * The migration panel's message protocol, shared by the extension host and the webview page.
 * Host → page messages are typed here; page → host messages are also validated with zod on the host
 * (the page only imports the types, so zod stays out of the browser bundle).
 */
import * as z from '../../shared/zod';
import type { Flavour, Phase, RunState, RunStatus, StepKind, StepStatus, VerificationBasis } from '../../migration/types';

/** What a person can do on one step from the panel. */
export const STEP_ACTIONS = ['run', 'verify', 'markDone', 'redo', 'openPortal', 'openApp', 'revealFile', 'copyPath', 'copySupportRequest', 'showLog'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

/** Run-level buttons in the panel's header and DNS section. */
export const RUN_ACTIONS = ['runAll', 'exportReport', 'watchDns', 'stopDns', 'ackWarnings'] as const;
export type RunAction = (typeof RUN_ACTIONS)[number];

export interface StepRow {
  id: string;
  index: number;
  title: string;
  phase: Phase;
  kind: StepKind;
  status: StepStatus;
  describe: string;
  attempts: number;
  /** Journal says running but nothing drives the run (the process went away): Resume. */
  interrupted?: boolean;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  waitingSince?: string;
  confirmation?: { by: string; at: string; method: 'api' | 'person'; override?: string };
  verification?: { ok: boolean; detail: string; basis: VerificationBasis; check?: string };
  error?: { message: string; hint?: string; nextAction?: string };
  /** What a person must do (portal and support steps); the support text itself stays on the host. */
  person?: { summary: string; actions: string[]; url?: string; file?: string; hasRequestText: boolean };
  /** The app URL the step started or checked (a link), and the local file it names. */
  appUrl?: string;
  file?: string;
  /** The Support request text, shown where the instructions say "below". */
  requestText?: string;
  actions: StepAction[];
}

export interface PhaseGroup {
  phase: Phase;
  label: string;
  stepIds: string[];
}

export interface RunInfo {
  name: string;
  flavour: Flavour;
  status: RunStatus;
  source: string;
  target: string;
  updatedAt: string;
  doneCount: number;
  totalCount: number;
  /** The step running now, else the first one waiting for a person, else the next ready one. */
  currentStepId?: string;
  /** A command is driving the run from this window (Run/Verify/Mark Done). */
  busy?: string;
  abort?: { at: string; reason: string; sourceTouched: boolean };
  /** Where the run stands (one reading for every surface, see migrationProgress). */
  state: RunState;
  stateLabel: string;
  /** "Now: …": what must happen now, and the step to jump to. */
  now: string;
  nowStepId?: string;
  /** Set while the last cutover attempt is rolled back: what was undone and what to do next. */
  rollback?: { at: string; reason: string; detail?: string; undone: string[] };
  /** Warnings (preflight) not acknowledged yet. */
  warnings?: string[];
  /** v3 → v4 only: the v4 considerations from the preflight ("title: detail"). */
  considerations?: string[];
}

export interface RehearsalTiming {
  startedAt: string;
  totalMs: number;
  steps: { id: string; title: string; ms: number }[];
}

export interface TimingsModel {
  rehearsals: RehearsalTiming[];
  predictedDowntimeMs?: number;
  measuredDowntimeMs?: number;
  cutoverStartedAt?: string;
  cutoverEndedAt?: string;
  rollback?: string;
}

export interface TransferRow {
  stepId: string;
  label: string;
  bytes: number;
  total?: number;
  /** Bytes per second over the recent window. */
  rate: number;
  etaSeconds?: number;
  done: boolean;
}

export interface DnsResolverRow {
  name: string;
  location: string;
  value: string;
  status: string;
  /** True when the resolver already answers with the expected CNAME. */
  ok: boolean;
  /** When its cached answer expires (the page counts down locally, no messages needed). */
  expiresAt?: string;
  remainingTtl?: number;
}

export interface DnsModel {
  domain: string;
  expected: string;
  checkedAt?: string;
  watching: boolean;
  paused: boolean;
  authoritative?: { value: string; ttl?: number; ok: boolean; servers: string };
  rows: DnsResolverRow[];
  percentage: number;
  complete: boolean;
  eta?: string;
  etaNote: string;
  readiness?: { status: string; messages: string[]; warnings: string[] };
  error?: string;
}

export type DiagramStage = 'before' | 'preparing' | 'swap' | 'after';

export interface DiagramBox {
  id: string;
  label: string;
  sublabel: string;
  kind: 'node' | 'app';
  x: number;
  y: number;
  /** `gone` for an offboarded node, `idle` for an app linked to nothing. */
  state: 'normal' | 'idle' | 'gone';
  active: boolean;
}

export interface DiagramLink {
  from: string;
  to: string;
  state: 'linked' | 'planned';
  active: boolean;
}

export interface DiagramModel {
  stage: DiagramStage;
  caption: string;
  boxes: DiagramBox[];
  links: DiagramLink[];
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  text: string;
}

export interface PanelModel {
  journalFile: string;
  run: RunInfo;
  phases: PhaseGroup[];
  steps: StepRow[];
  timings: TimingsModel;
  transfers: TransferRow[];
  diagram: DiagramModel;
  dns?: DnsModel;
}

/** Host → page. `update` carries only what changed; step rows replace the rows with the same id. */
export type HostMessage =
  | { type: 'init'; model: PanelModel }
  | {
      type: 'update';
      run?: RunInfo;
      steps?: StepRow[];
      timings?: TimingsModel;
      transfers?: TransferRow[];
      diagram?: DiagramModel;
      dns?: DnsModel;
      notice?: Notice;
    };

/** Kept by the page with `setState` and handed to the serializer after a reload. */
export interface PanelViewState {
  journalFile: string;
  collapsed: string[];
}

const stepId = z.string().check(z.regex(/^[a-z0-9][a-z0-9.-]{0,79}$/));

export const pageMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.strictObject({ type: z.literal('stepAction'), action: z.enum(STEP_ACTIONS), stepId }),
  z.strictObject({ type: z.literal('runAction'), action: z.enum(RUN_ACTIONS) }),
]);

/** Page → host. */
export type PageMessage = z.infer<typeof pageMessageSchema>;

export const panelViewStateSchema = z.object({
  journalFile: z.string().check(z.minLength(1), z.maxLength(4096)),
  collapsed: z._default(z.array(z.string().check(z.maxLength(40))).check(z.maxLength(40)), []),
});

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Validates a message from the page; the error names the first problem (never echoes the payload). */
export function parsePageMessage(raw: unknown): ParseResult<PageMessage> {
  const r = pageMessageSchema.safeParse(raw);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  return { ok: false, error: issue ? `${issue.path.map(String).join('.') || '(message)'}: ${issue.message}` : 'invalid message' };
}

export function parseViewState(raw: unknown): PanelViewState | undefined {
  const r = panelViewStateSchema.safeParse(raw);
  return r.success ? r.data : undefined;
}
