/**
 * The node-link diagram: which app is linked to which node before, during (the temporary-app swap)
 * and after the migration, derived from the journal's step states, with the current step's boxes
 * and links highlighted. Coordinates are for an SVG viewBox of 0 0 600 250.
 */
import type { Journal } from '../../migration/types';
import type { DiagramBox, DiagramLink, DiagramModel, DiagramStage } from './protocol';

export const DIAGRAM_WIDTH = 600;
export const DIAGRAM_HEIGHT = 250;
export const BOX_WIDTH = 170;
export const BOX_HEIGHT = 56;

const done = (j: Readonly<Journal>, id: string): boolean => {
  const s = j.steps[id]?.status;
  return s === 'done' || s === 'skipped';
};

/** Which boxes and links a step works on (by step id prefix). */
function focusOf(stepId: string | undefined): { boxes: string[]; links: string[] } {
  if (!stepId) return { boxes: [], links: [] };
  if (stepId === 'link.temp-a') return { boxes: ['tempA', 'target'], links: ['tempA>target'] };
  if (stepId === 'relink.unlink-source') return { boxes: ['tempB', 'source', 'app'], links: ['tempB>source', 'app>source'] };
  if (stepId === 'relink.link-target' || stepId === 'relink.redeploy') return { boxes: ['app', 'target'], links: ['app>target'] };
  if (stepId.startsWith('offboard')) return { boxes: ['source'], links: [] };
  if (stepId.startsWith('cutover')) return { boxes: ['source', 'target'], links: [] };
  if (stepId.startsWith('backup') || stepId === 'preflight') return { boxes: ['source'], links: [] };
  if (stepId.startsWith('domain') || stepId.startsWith('url')) return { boxes: ['app'], links: [] };
  return { boxes: ['target'], links: [] };
}

export function diagramStage(j: Readonly<Journal>): DiagramStage {
  if (done(j, 'relink.link-target')) return 'after';
  if (done(j, 'relink.unlink-source')) return 'swap';
  if (done(j, 'link.temp-a')) return 'preparing';
  return 'before';
}

const CAPTIONS: Readonly<Record<DiagramStage, string>> = {
  before: 'Before: the app runs on the source node; the target node is empty.',
  preparing: 'Preparing: temporary app A holds the target node while the package and data are carried over.',
  swap: 'Swap: temporary app B holds the source node; the app is free to be linked to the target.',
  after: 'After: the app is linked to the target node.',
};

export function buildDiagram(j: Readonly<Journal>, currentStepId?: string): DiagramModel {
  const i = j.input;
  const stage = diagramStage(j);
  const focus = focusOf(currentStepId);
  const offboarded = done(j, 'offboard.request');
  const box = (id: string, label: string, sublabel: string, kind: DiagramBox['kind'], x: number, y: number, state: DiagramBox['state']): DiagramBox => ({
    id,
    label,
    sublabel,
    kind,
    x,
    y,
    state,
    active: focus.boxes.includes(id),
  });
  const urlChanged = done(j, 'url.change');
  const appLinked = stage !== 'swap';
  const tempALinked = stage === 'preparing' || stage === 'swap';
  const tempBLinked = stage === 'swap' || stage === 'after';
  const boxes: DiagramBox[] = [
    box('tempB', i.target.tempAppB.name, 'temporary app B', 'app', 10, 20, tempBLinked ? 'normal' : 'idle'),
    box('app', i.source.name, `app ${i.source.appId}`, 'app', 215, 20, appLinked ? 'normal' : 'idle'),
    box('tempA', i.target.tempAppA.name, 'temporary app A', 'app', 420, 20, tempALinked ? 'normal' : 'idle'),
    box('source', i.source.nodeSubdomain, offboarded ? 'source node (offboarded)' : 'source node', 'node', 110, 170, offboarded ? 'gone' : 'normal'),
    // After Support's URL change the target node carries the source's old sub-domain.
    urlChanged
      ? box('target', i.source.nodeSubdomain, `target node (was ${i.target.nodeSubdomain})`, 'node', 320, 170, 'normal')
      : box('target', i.target.nodeSubdomain, 'target node', 'node', 320, 170, 'normal'),
  ];
  const link = (from: string, to: string, state: DiagramLink['state']): DiagramLink => ({ from, to, state, active: focus.links.includes(`${from}>${to}`) });
  const links: DiagramLink[] = [];
  if (stage === 'before' || stage === 'preparing') links.push(link('app', 'source', 'linked'));
  if (stage === 'before') links.push(link('tempA', 'target', 'planned'));
  if (tempALinked) links.push(link('tempA', 'target', 'linked'));
  if (stage === 'preparing') links.push(link('tempB', 'source', 'planned'));
  if (tempBLinked && !offboarded) links.push(link('tempB', 'source', 'linked'));
  links.push(link('app', 'target', stage === 'after' ? 'linked' : 'planned'));
  return { stage, caption: CAPTIONS[stage], boxes, links };
}
