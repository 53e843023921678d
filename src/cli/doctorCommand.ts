/** `mendix-migrate doctor`: what these credentials can and cannot do, with read-only calls only. */
import { parseArgs } from 'node:util';
import { checkAccess } from '../core/doctor/accessCheck';
import { formatAccessReport } from '../core/doctor/accessReportText';
import { JournalStore, pathsForJournalFile } from '../core/migration/journalStore';
import { UsageError, type CliIo, type SubCommand } from './command';
import { clientFromEnv } from './migrateSupport';

const USAGE = `Usage: mendix-migrate doctor [options]

Checks, with read-only calls only, what these credentials allow and what a migration still needs:
API key and Personal Access Token valid, the token's write scope, Mendix Admin (for central
certificates), Technical Contact of each node, and API Rights, Transport Rights and Access to
Backups on each environment. Every missing item says where to grant it in the portal.

Options:
  --app <AppId|ProjectId>  Check this app's node (repeatable; default: every licensed app you can see)
  --journal <file>         Check the two nodes of this migration (source and target)
  --json                   Machine-readable report
  --deploy-url <url>       Deploy/Build/Backups API base (MENDIX_DEPLOY_URL)
  --cloud-url <url>        Deploy API v4 base (MENDIX_CLOUD_URL)
  --home-url <url>         Certificate API base (MENDIX_HOME_URL)
  Credentials: MENDIX_USERNAME + MENDIX_API_KEY and MENDIX_PAT (either may be missing: the doctor says so).

Exit codes: 0 everything needed is there, 1 something is missing or could not be determined, 2 bad input.`;

async function run(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        app: { type: 'string', multiple: true },
        journal: { type: 'string' },
        json: { type: 'boolean', default: false },
        'deploy-url': { type: 'string' },
        'cloud-url': { type: 'string' },
        'home-url': { type: 'string' },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const username = env.MENDIX_USERNAME || undefined;
  const apiKey = env.MENDIX_API_KEY || undefined;
  const pat = env.MENDIX_PAT || undefined;
  if (!apiKey && !pat) throw new UsageError('set MENDIX_USERNAME and MENDIX_API_KEY, and/or MENDIX_PAT');
  const apps = [...(values.app ?? [])];
  if (values.journal) {
    const input = (await JournalStore.open(pathsForJournalFile(values.journal))).peek().input;
    // The two nodes, by sub-domain: whichever app is linked to them at this point of the migration.
    apps.push(input.source.nodeSubdomain, input.target.nodeSubdomain);
  }
  const { client, redactor } = clientFromEnv({ username, apiKey, pat }, values, io, env);
  try {
    const report = await checkAccess(client, { username, apps: [...new Set(apps)], signal: io.signal });
    io.out(redactor.redact(values.json ? JSON.stringify(report, null, 2) : formatAccessReport(report)));
    return report.ok ? 0 : 1;
  } finally {
    client.dispose();
  }
}

export const doctorCommand: SubCommand = {
  name: 'doctor',
  summary: 'Check what your credentials allow (read-only) and where to grant what is missing',
  usage: USAGE,
  run: (args, io) => run(args, io),
};
