/** Show settings: an environment's constants, scheduled events and custom settings as a Markdown document. */
import type { EnvironmentSettings } from '../../../mendix/services';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { resolveEnvironment } from './resolveNodes';

export async function showSettings(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const env = await resolveEnvironment(deps, node);
  const settings = await env.settingsNode.loadSettings();
  await deps.host.openDocument(settingsMarkdown(`${env.app.name} — ${env.environment.mode}`, settings), 'markdown');
}

const cell = (v: string | null | undefined) => (v ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function settingsMarkdown(title: string, s: EnvironmentSettings): string {
  const out = [`# Settings of ${title}`, ''];
  out.push('## Constants', '');
  if (s.constants.length === 0) out.push('_None._');
  else {
    out.push('| Name | Type | Value (next start) | Value in effect |', '| --- | --- | --- | --- |');
    for (const c of s.constants) out.push(`| ${cell(c.name)} | ${cell(c.dataType)} | ${cell(c.value)} | ${cell(c.deployedValue)} |`);
  }
  out.push('', '## Scheduled events', '');
  if (s.scheduledEvents.length === 0) out.push('_None._');
  else {
    out.push('| Name | Next start | In effect |', '| --- | --- | --- |');
    for (const e of s.scheduledEvents) out.push(`| ${cell(e.name)} | ${cell(e.value)} | ${cell(e.deployedValue)} |`);
  }
  out.push('', '## Custom runtime settings', '');
  if (s.customSettings.length === 0) out.push('_None._');
  else {
    out.push('| Name | Value |', '| --- | --- |');
    for (const c of s.customSettings) out.push(`| ${cell(c.name)} | ${cell(c.value)} |`);
  }
  out.push('', 'Changed values apply at the next restart. Environment variables, HTTP headers and access restrictions are not readable through the API.', '');
  return out.join('\n');
}
