/** Show settings: an environment's constants, scheduled events and custom settings as a Markdown document. */
import { markdownCell } from '../../../shared/format';
import type { EnvironmentSettings } from '../../../mendix/services';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { resolveEnvironment } from './resolveNodes';

export async function showSettings(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const env = await resolveEnvironment(deps, node);
  const settings = await env.settingsNode.loadSettings();
  await deps.host.openDocument(settingsMarkdown(`${env.app.name} — ${env.environment.mode}`, settings), 'markdown');
}

const cell = markdownCell;

/** A "## heading" section with a table of `rows`, or "_None._" when there are none. */
function section(heading: string, columns: readonly string[], rows: readonly (readonly (string | null | undefined)[])[]): string[] {
  const out = [`## ${heading}`, ''];
  if (rows.length === 0) out.push('_None._');
  else out.push(`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`));
  return out;
}

export function settingsMarkdown(title: string, s: EnvironmentSettings): string {
  return [
    `# Settings of ${title}`,
    '',
    ...section('Constants', ['Name', 'Type', 'Value (next start)', 'Value in effect'], s.constants.map((c) => [c.name, c.dataType, c.value, c.deployedValue])),
    '',
    ...section('Scheduled events', ['Name', 'Next start', 'In effect'], s.scheduledEvents.map((e) => [e.name, e.value, e.deployedValue])),
    '',
    ...section('Custom runtime settings', ['Name', 'Value'], s.customSettings.map((c) => [c.name, c.value])),
    '',
    'Changed values apply at the next restart. Environment variables, HTTP headers and access restrictions are not readable through the API.',
    '',
  ].join('\n');
}
