/**
 * Open URL / Open App: the environment's (or app's) address in the browser. When app URLs are
 * checked through a gateway on this machine (the local emulator in the demo, where
 * `*.mendixcloud.com` does not resolve), the browser goes to the gateway's page for that host,
 * `<gateway>/_emulator/app/<host>/…`, which a browser can open without a Host header; otherwise to the
 * real URL.
 */
import { UserFacingError } from '../../kit/errors';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { AppUrlSettings, CommandDeps } from './commandDeps';
import { appOf, resolveEnvironment } from './resolveNodes';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** The address a browser can open for `url` under the app-URL check settings. */
export function browsableAppUrl(url: string, check: AppUrlSettings | undefined): string {
  if (!check || check.mode !== 'https' || !check.gateway) return url;
  let app: URL;
  let gateway: URL;
  try {
    app = new URL(url);
    gateway = new URL(check.gateway);
  } catch {
    return url;
  }
  // A gateway elsewhere is a proxy that needs the Host header: a browser cannot use it.
  if (!LOOPBACK.test(gateway.hostname)) return url;
  return new URL(`/_emulator/app/${encodeURIComponent(app.hostname)}${app.pathname}${app.search}`, gateway.origin).toString();
}

export async function openUrl(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const open = (url: string) => deps.host.openExternal(browsableAppUrl(url, deps.settings.appUrlCheck?.()));
  if (node?.kind === 'app') {
    const app = appOf(node);
    if (app?.app.url) return open(app.app.url);
  }
  const env = await resolveEnvironment(deps, node, (e) => Boolean(e.environment.url));
  const url = env.environment.url;
  if (!url) throw new UserFacingError(`${env.app.name} ${env.environment.mode} has no URL.`);
  await open(url);
}
