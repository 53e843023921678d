/**
 * The API base URLs the CLI is pointed at carry the API key and the PAT in every request: plain
 * http is refused unless it goes to this machine (loopback) or the person explicitly allows it.
 */
import { baseUrlProblem } from '../core/mendix/api/config';
import { UsageError } from './command';

/** Throws a `UsageError` saying why when `url` (named by `flag`) must not be used. */
export function checkBaseUrl(flag: string, url: string | undefined, allowInsecureHttp: boolean): void {
  if (url === undefined) return;
  const problem = baseUrlProblem(url, allowInsecureHttp);
  if (problem === undefined) return;
  const insecure = problem.includes('plain http');
  throw new UsageError(
    `${flag} ${problem}.` + (insecure ? ' Use https, or pass --allow-insecure-http (MENDIX_MIGRATE_ALLOW_INSECURE_HTTP=1) if that network is trusted.' : ''),
  );
}
