/**
 * Mendix: Check Access. Runs the doctor's read-only checks for one signed-in account and opens the
 * report: what the migration needs, what is missing, and where in the portal to grant it.
 */
import { accessReportMarkdown, summaryLine } from '../../../doctor/accessReportText';
import { UserFacingError } from '../../kit/errors';
import { AccountNode } from '../nodes/accountNode';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { pickAccount } from './pickers';

export async function checkAccess(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const account = node instanceof AccountNode ? node : await pickAccount(deps);
  const credentials = await deps.accounts.credentials(account.account.id);
  if (!credentials) throw new UserFacingError(`No stored credentials for ${account.account.name}.`, 'Run "Mendix: Sign In" again.');
  const report = await deps.progress.run(`Checking access of ${account.account.name} (read-only)…`, (_report, signal) => deps.checkAccess(credentials, signal));
  deps.log.info(`Check Access for "${account.account.name}": ${summaryLine(report)}`);
  await deps.host.openDocument(accessReportMarkdown(report), 'markdown');
}
