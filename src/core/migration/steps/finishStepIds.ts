/**
 * Ids of the finishing steps (relink, URL change, custom domain, offboarding) and the small helpers
 * they share: the steps depend on one another across their files, so the ids live apart from them.
 */
import type { StepContext } from '../stepTypes';

export const UNLINK_SOURCE = 'relink.unlink-source';
export const LINK_TARGET = 'relink.link-target';
export const REDEPLOY = 'relink.redeploy';
export const URL_CHANGE = 'url.change';
export const DOMAIN_DNS = 'domain.dns';
export const DOMAIN_CERT = 'domain.certificate';
export const OFFBOARD_BACKUPS = 'offboard.backups';
export const OFFBOARD_REQUEST = 'offboard.request';

/** A manual step a person confirmed (not an engine check). */
export const personConfirmed = (ctx: StepContext): boolean => ctx.state().confirmation?.method === 'person';

/** The host name of a URL, or '' when there is none or it does not parse. */
export function host(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}
