/**
 * The plan of a migration as data: every step of the guides in dependency order for one flavour.
 * Steps that do not apply (URL change when a custom domain is kept, domain steps without one) are
 * left out, so the plan shows exactly what this run will do.
 */
import type { StepDefinition } from './stepTypes';
import type { MigrationInput, StepKind, Phase } from './types';
import { checkPlanOptions, DEFAULT_PLAN_OPTIONS, type PlanOptions } from './steps/common';
import { startSteps } from './steps/startSteps';
import { packageSteps } from './steps/packageSteps';
import { backupSteps } from './steps/backupSteps';
import { configSteps } from './steps/configSteps';
import { cutoverSteps, restartSource } from './steps/cutoverSteps';
import { finishSteps } from './steps/finishSteps';
import { DOMAIN_CERT, DOMAIN_DNS, OFFBOARD_REQUEST, UNLINK_SOURCE, URL_CHANGE } from './steps/finishStepIds';
import { SOURCE_LOGS, sourceRecordsSteps } from './steps/sourceRecordsSteps';
import { cleanupSteps } from './steps/cleanupSteps';
import type { RollbackAction } from './runner';

export interface Plan {
  steps: StepDefinition[];
  rollback: RollbackAction;
}

export function buildPlan(input: MigrationInput, options: Partial<PlanOptions> = {}): Plan {
  const opts: PlanOptions = checkPlanOptions({ ...DEFAULT_PLAN_OPTIONS, ...options });
  const finish = finishSteps(opts);
  const hasDomain = input.customDomains.length > 0;
  const finishing = finish
    .filter((s) => (s.id === URL_CHANGE ? !hasDomain : true))
    .filter((s) => (s.id === DOMAIN_DNS ? hasDomain : true))
    .filter((s) => (s.id === DOMAIN_CERT ? hasDomain && input.certificate !== 'none' : true))
    .map((s) => {
      // The source's logs are read before unlinking: linking temporary app B resets the node's permissions.
      if (s.id === UNLINK_SOURCE) return { ...s, dependsOn: [...s.dependsOn, SOURCE_LOGS] };
      if (s.id !== OFFBOARD_REQUEST) return s;
      // Offboard after the domain has moved, so nothing still points at the old node. The URL change
      // is not awaited: Support can only give the old sub-domain to the target once the old node is gone.
      const extra = hasDomain ? [DOMAIN_DNS, ...(input.certificate !== 'none' ? [DOMAIN_CERT] : [])] : [];
      return { ...s, dependsOn: [...s.dependsOn, SOURCE_LOGS, ...extra] };
    });
  const cut = cutoverSteps(opts);
  const steps: StepDefinition[] = [
    ...startSteps(),
    ...packageSteps(opts),
    ...backupSteps('backup', opts),
    ...configSteps(opts),
    cut[0],
    ...backupSteps('cutover', opts),
    cut[1],
    ...sourceRecordsSteps(),
    ...finishing,
    ...cleanupSteps(),
  ];
  return { steps, rollback: restartSource(opts) };
}

export interface PlanLine {
  index: number;
  id: string;
  phase: Phase;
  kind: StepKind;
  title: string;
  dependsOn: readonly string[];
  describe: string;
  /** A person may mark the step done over a failing check (recorded as an override). */
  allowsOverride?: boolean;
}

/** The plan without behaviour: for `mendix-migrate plan`, the VS Code view and the report. */
export function describePlan(steps: readonly StepDefinition[]): PlanLine[] {
  return steps.map((s, i) => ({
    index: i + 1,
    id: s.id,
    phase: s.phase,
    kind: s.kind,
    title: s.title,
    dependsOn: s.dependsOn,
    describe: s.describe,
    ...(s.allowsOverride ? { allowsOverride: true } : {}),
  }));
}
