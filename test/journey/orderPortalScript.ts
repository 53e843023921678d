/**
 * What a person answers and does for the demo's "Order Portal" region move (orderportal in
 * Frankfurt-2 → orderportal-us in Oregon): the wizard's answers and the portal work of every step
 * that waits for a person. Shared by the journeys that walk this move.
 */
import assert from 'node:assert/strict';
import { DEMO } from '../emulator/seeds/demo';
import type { PersonAction, WizardAnswer } from './person';
import type { World } from './world';

export const OP_SOURCE = DEMO.nodes.orderportal.subdomain;
export const OP_TARGET = DEMO.nodes.orderportalUs.subdomain;

export function orderPortalAnswers(name: string, domain: string): WizardAnswer[] {
  return [
    { ask: /Which environment of Order Portal moves/, answer: 'Production' },
    { ask: /kind of migration/i, answer: 'Node or region move' },
    { ask: /node the app moves to|target node/i, answer: OP_TARGET },
    { ask: /Environment on .* that receives/, answer: 'Production' },
    { ask: /Temporary app A/, answer: DEMO.projects.orderPortalTempA.name },
    { ask: /Temporary app B/, answer: DEMO.projects.orderPortalTempB.name },
    { ask: /Custom domains/, answer: domain },
    { ask: /certificate/i, answer: 'Our own private key' },
    { ask: /older backup/, answer: 'None' },
    { ask: /Name of this migration/, answer: name },
  ];
}

/** The backup file a waiting upload step names ("File: …"). */
export function backupFileOf(stepText: string): string {
  const file = /File: (\S+\.tar\.gz)/.exec(stepText)?.[1];
  assert.ok(file, `the step names the backup file to upload: ${stepText}`);
  return file;
}

/**
 * The person's part of every waiting step of the Order Portal move. Backup uploads are followed by
 * `afterUpload` ("Run Until a Person Is Needed" unless told otherwise).
 */
export function orderPortalPerson(world: () => World, afterUpload: 'Mark Done' | 'Run Until a Person Is Needed' = 'Run Until a Person Is Needed'): Record<string, PersonAction> {
  const uploadBackup: PersonAction = async (step) => {
    await world().portal.uploadBackup(`${DEMO.projects.orderPortalTempA.name} – Production (${OP_TARGET})`, backupFileOf(step.text));
    return afterUpload;
  };
  const markDone: PersonAction = () => Promise.resolve('Mark Done');
  return {
    'link.temp-a': async () => {
      await world().portal.link(DEMO.projects.orderPortalTempA.name, OP_TARGET);
      return 'Mark Done';
    },
    'backup.upload': uploadBackup,
    'cutover.upload': uploadBackup,
    'config.portal-checklist': markDone,
    'test.confirm': markDone,
    'relink.unlink-source': async () => {
      await world().portal.link(DEMO.projects.orderPortalTempB.name, OP_SOURCE);
      return 'Mark Done';
    },
    'relink.link-target': async () => {
      await world().portal.link(DEMO.projects.orderPortal.name, OP_TARGET);
      return 'Mark Done';
    },
    'domain.certificate': markDone,
    'offboard.request': async () => {
      await world().portal.offboard(OP_SOURCE);
      return 'Mark Done';
    },
    // Support can give the target the old sub-domain only once the old node is gone.
    'url.change': async () => {
      if ((await world().portal.overview()).includes(`${OP_SOURCE} `)) return 'later';
      await world().portal.changeUrl(OP_TARGET, OP_SOURCE);
      return 'Mark Done';
    },
  };
}
