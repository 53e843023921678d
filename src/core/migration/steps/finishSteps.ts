/**
 * Guide steps 11–15: unlink the source (link temp app B to it), link the real app to the target node
 * and redeploy, ask Support for the URL change, move the custom domain, and offboard the source —
 * the last only once every backup the person chose to keep is downloaded and verified.
 */
import type { StepDefinition } from '../stepTypes';
import type { PlanOptions } from './common';
import { linkTargetStep, redeployStep, unlinkSourceStep } from './relinkSteps';
import { domainCertificateStep, domainDnsStep, urlChangeStep } from './domainSteps';
import { offboardBackupsStep, offboardRequestStep } from './offboardSteps';

export function finishSteps(opts: PlanOptions): StepDefinition[] {
  return [
    unlinkSourceStep(),
    linkTargetStep(),
    redeployStep(opts),
    urlChangeStep(),
    domainDnsStep(),
    domainCertificateStep(),
    offboardBackupsStep(opts),
    offboardRequestStep(),
  ];
}
