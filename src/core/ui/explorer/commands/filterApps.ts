/** Mendix: Filter Apps — narrows the Apps view by name, sub-domain, ProjectId or region. */
import type { CommandDeps } from './commandDeps';

export async function filterApps(deps: CommandDeps): Promise<void> {
  const text = await deps.ui.input({
    title: 'Filter Apps',
    prompt: 'Show apps whose name, sub-domain, ProjectId or region contains all these words (empty clears the filter)',
    value: deps.tree.filterText(),
  });
  deps.tree.setFilter(text.trim());
}
