/**
 * Guide step 1: the preflight report (pass / warn / fail). Everything is read through the API; no
 * constant value ever appears in the report (a constant is named, never shown). The checks are pure
 * functions over the gathered facts so they are tested without a cloud.
 */
import type { EnvironmentSettings, PermissionsInfo, V4App, V4Environment, EnvironmentInfo } from '../mendix/services';
import type { Flavour } from './types';

export type CheckResult = 'pass' | 'warn' | 'fail';

export interface PreflightItem {
  id: string;
  title: string;
  result: CheckResult;
  detail: string;
}

export interface PreflightFacts {
  flavour: Flavour;
  username: string;
  sourceEnv: EnvironmentInfo;
  /** v4 view of the source environment with its package (runtime version of the deployed package). */
  sourceEnvV4?: V4Environment;
  sourceSettings: EnvironmentSettings;
  sourceApp?: V4App;
  sourcePermissions?: PermissionsInfo;
  tempA?: V4App;
  tempB?: V4App;
  tempBEnvironments?: V4Environment[];
  /** Undefined when temporary app A is not linked to the target node yet. */
  targetEnv?: EnvironmentInfo;
  /** v4 view of the target environment (its `dbVersion`), once visible. */
  targetEnvV4?: V4Environment;
  targetPermissions?: PermissionsInfo;
  targetApp?: V4App;
  packageSize?: number;
  freeDiskBytes?: number;
  targetDatabaseRamGb?: number;
  longestScheduledEventMinutes?: number;
  /** Custom domains to move; with `domainTtls` when a DNS check is wired. */
  customDomains?: string[];
  domainTtls?: { domain: string; ttlSeconds?: number; detail: string; cnameOk?: boolean }[];
}

const GB = 1024 ** 3;

function major(v: string | undefined): number | undefined {
  const m = v ? /^(\d+)\./.exec(v) : null;
  return m ? Number(m[1]) : undefined;
}

/** Same runtime when one version string is a prefix of the other by components (10.24.3 vs 10.24.3.73587). */
export function sameRuntime(a: string, b: string): boolean {
  const x = a.split('.');
  const y = b.split('.');
  const n = Math.min(x.length, y.length, 3);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return false;
  return true;
}

function permissionItem(id: string, label: string, p: PermissionsInfo | undefined, user: string): PreflightItem {
  const title = `API Rights, Transport Rights and Access to Backups on the ${label}`;
  if (!p) return { id, title, result: 'warn', detail: `not checked: the ${label} is not visible yet` };
  const mine = p.permissions.find((x) => x.userId.toLowerCase() === user.toLowerCase());
  if (!mine) return { id, title, result: 'fail', detail: `${user} has no permissions on the ${label}` };
  const missing = [!mine.canAccessAPI && 'API Rights', !mine.canDeployApp && 'Transport Rights', !mine.canManageBackups && 'Access to Backups'].filter(
    (x): x is string => typeof x === 'string',
  );
  return missing.length === 0
    ? { id, title, result: 'pass', detail: `${user} has all three` }
    : { id, title, result: 'fail', detail: `missing ${missing.join(', ')}: grant them in the portal (Environments → Permissions) or through the v4 permissions API` };
}

function tcItem(id: string, label: string, app: V4App | undefined, p: PermissionsInfo | undefined, user: string): PreflightItem {
  const title = `Technical Contact of the ${label}`;
  const tc = app?.technicalContact?.userId ?? p?.technicalContact;
  if (!tc) return { id, title, result: 'warn', detail: 'not visible through the API' };
  return tc.toLowerCase() === user.toLowerCase()
    ? { id, title, result: 'pass', detail: `${user} is Technical Contact` }
    : { id, title, result: 'fail', detail: `the Technical Contact is ${tc}; linking nodes needs you to be Technical Contact of both nodes` };
}

const MAIL = /smtp|imap|pop3|\bmail/i;
const FTP = /\bs?ftp/i;
const PRIVATE = /\b10\.\d+\.\d+\.\d+|\b192\.168\.|\b172\.(1[6-9]|2\d|3[01])\.|\.corp\.|\.local\b|\.internal\b|\bvpn\b|\bldap/i;

/** Mail, FTP and private-network hints from the source's settings (the wizard shows them before the journal exists). */
export function hintItems(s: EnvironmentSettings): PreflightItem[] {
  const entries = [...s.constants, ...s.customSettings];
  const hit = (re: RegExp): string[] => entries.filter((c) => re.test(c.name) || re.test(c.value ?? '')).map((c) => c.name);
  const mail = hit(MAIL);
  const ftp = hit(FTP);
  const vpn = hit(PRIVATE);
  return [
    {
      id: 'mail',
      title: 'Mail server use',
      result: mail.length ? 'warn' : 'pass',
      detail: mail.length ? `mail server settings found (${mail.join(', ')}): use a third-party email provider on the target` : 'no mail server settings found',
    },
    {
      id: 'ftp',
      title: 'FTP server use',
      result: ftp.length ? 'warn' : 'pass',
      detail: ftp.length ? `FTP settings found (${ftp.join(', ')}): use a third-party FTP provider` : 'no FTP settings found',
    },
    {
      id: 'vpn',
      title: 'VPN / private network use',
      result: vpn.length ? 'warn' : 'pass',
      detail: vpn.length
        ? `private-network addresses found (${vpn.join(', ')}): a VPN is not available, use the recommended ways to secure outgoing connections`
        : 'no private-network addresses found',
    },
  ];
}

/** The preflight items a v3 → v4 move shows as its considerations (with the VPN hint). */
export const V3_TO_V4_ITEM_IDS: readonly string[] = ['tls', 'db-connections', 'file-connections', 'debugger', 'monitoring', 'scheduled-events', 'vpn'];

function v3ToV4Items(f: PreflightFacts): PreflightItem[] {
  const instances = f.sourceEnv.instances ?? 1;
  const pool = Number(f.sourceSettings.customSettings.find((c) => c.name === 'ConnectionPoolingMaxActive')?.value ?? '50');
  const needed = pool * instances;
  const limit = f.targetDatabaseRamGb !== undefined ? Math.floor(100 * f.targetDatabaseRamGb) : undefined;
  const fileConn = f.sourceSettings.customSettings.find((c) => c.name === 'com.mendix.storage.s3.MaxConnections');
  const events = f.sourceSettings.scheduledEvents.filter((e) => e.value === 'Enabled').map((e) => e.name);
  return [
    { id: 'tls', title: 'TLS 1.2 or higher for incoming clients', result: 'warn', detail: 'Mendix Cloud v4 accepts only TLS 1.2+: make sure every external client calling the app supports it' },
    {
      id: 'db-connections',
      title: 'Database connections',
      result: limit === undefined ? 'warn' : needed <= limit ? 'pass' : 'fail',
      detail:
        limit === undefined
          ? `pool ${pool} × ${instances} instance(s) = ${needed}; the target limit (about 100 per GB of database RAM) is unknown`
          : `pool ${pool} × ${instances} instance(s) = ${needed} vs about ${limit} allowed (100 per GB of database RAM)`,
    },
    {
      id: 'file-connections',
      title: 'File connections',
      result: 'pass',
      detail: fileConn ? `com.mendix.storage.s3.MaxConnections = ${fileConn.value}` : 'default 50; raise com.mendix.storage.s3.MaxConnections if logs show "Timeout waiting for connection from pool"',
    },
    {
      id: 'debugger',
      title: 'Debugger',
      result: instances > 1 ? 'warn' : 'pass',
      detail: instances > 1 ? `${instances} instances: the debugger works only when scaled to one instance` : 'one instance: the debugger can be used',
    },
    {
      id: 'monitoring',
      title: 'Monitoring and alerts',
      result: 'pass',
      detail: 'v4 shows metrics, logs and alerts per environment in the portal (and through APM integrations); subscribe to the target’s alerts again',
    },
    {
      id: 'scheduled-events',
      title: 'Long-running scheduled events',
      result: events.length === 0 ? 'pass' : f.longestScheduledEventMinutes !== undefined && f.longestScheduledEventMinutes <= 10 ? 'pass' : 'warn',
      detail:
        events.length === 0
          ? 'no enabled scheduled events'
          : `${events.join(', ')} enabled: split long runs into smaller chunks (e.g. a queue) so they survive instance restarts`,
    },
  ];
}

/** Compares PostgreSQL versions numerically by component ("9.6" < "14" < "14.2"). */
export function compareDbVersions(a: string, b: string): number {
  const x = a.split(/[.\s]/).map((p) => Number.parseInt(p, 10));
  const y = b.split(/[.\s]/).map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (Number.isFinite(x[i]) ? x[i] : 0) - (Number.isFinite(y[i]) ? y[i] : 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** A restore into an older PostgreSQL fails (§14.10): compare the database versions both sides report. */
export function dbVersionItem(source: V4Environment | undefined, target: V4Environment | undefined): PreflightItem {
  const id = 'db-version';
  const title = 'Target database version is not older than the source';
  const s = source?.dbVersion;
  const t = target?.dbVersion;
  if (!s || !t) {
    return { id, title, result: 'warn', detail: !target ? 'checked once temporary app A is linked to the target node' : 'the API did not report the database version of both environments' };
  }
  const c = compareDbVersions(t, s);
  return c >= 0
    ? { id, title, result: 'pass', detail: `source PostgreSQL ${s}, target ${t}` }
    : { id, title, result: 'fail', detail: `the target runs PostgreSQL ${t}, older than the source's ${s}: a restore would fail — ask Mendix Support to upgrade the target database first` };
}

/** A package the plan still needs that is unused expires (§14.10): say when, so it is not lost on the way. */
export function packageExpiryItems(envs: { label: string; env?: V4Environment }[]): PreflightItem[] {
  return envs
    .filter((x) => x.env?.packageExpiresOn)
    .map((x) => ({
      id: `package-expiry:${x.label}`,
      title: `The package on the ${x.label} does not expire during the migration`,
      result: 'warn' as const,
      detail: `package ${x.env?.packageId ?? '?'} (model ${x.env?.modelVersion ?? '?'}) is unused and expires on ${x.env?.packageExpiresOn ?? '?'}: finish before then, or start the environment so the package is in use`,
    }));
}

export function buildPreflight(f: PreflightFacts): PreflightItem[] {
  return [
    mendixVersionItem(f),
    sameRuntimeItem(f),
    dbVersionItem(f.sourceEnvV4, f.targetEnvV4),
    ...packageExpiryItems([{ label: 'source environment', env: f.sourceEnvV4 }]),
    permissionItem('permissions-source', 'source node', f.sourcePermissions, f.username),
    permissionItem('permissions-target', 'target node', f.targetPermissions, f.username),
    tcItem('tc-source', 'source node', f.sourceApp, f.sourcePermissions, f.username),
    tcItem('tc-target', 'target node', f.targetApp ?? f.tempA, f.targetPermissions, f.username),
    tempAppsItem(f),
    targetEmptyItem(f),
    diskItem(f),
    ...(f.customDomains ?? []).map((d) => dnsTtlItem(d, f.domainTtls?.find((x) => x.domain === d))),
    ...hintItems(f.sourceSettings),
    ...(f.flavour === 'v3-to-v4' ? v3ToV4Items(f) : []),
  ];
}

function mendixVersionItem(f: PreflightFacts): PreflightItem {
  const mx = f.sourceEnv.mendixVersion;
  const m = major(mx);
  if (f.flavour === 'v3-to-v4') {
    return {
      id: 'mendix-version',
      title: 'Supported Mendix version (v3 → v4 needs 6 or above)',
      result: m === undefined ? 'warn' : m >= 6 ? 'pass' : 'fail',
      detail: m === undefined ? 'the running version is not visible' : `runs Mendix ${mx}`,
    };
  }
  return {
    id: 'mendix-version',
    title: 'Supported Mendix version',
    result: m === undefined ? 'warn' : m >= 9 ? 'pass' : m >= 8 ? 'warn' : 'fail',
    detail: m === undefined ? 'the running version is not visible' : m >= 9 ? `runs Mendix ${mx}` : `runs Mendix ${mx}: upgrade and test it before migrating (not during)`,
  };
}

function sameRuntimeItem(f: PreflightFacts): PreflightItem {
  const mx = f.sourceEnv.mendixVersion;
  const pkgRuntime = f.sourceEnvV4?.runtimeVersion;
  return {
    id: 'same-runtime',
    title: 'The package to carry has the running Mendix version',
    result: !pkgRuntime || !mx ? 'warn' : sameRuntime(pkgRuntime, mx) ? 'pass' : 'fail',
    detail:
      !pkgRuntime || !mx
        ? 'could not compare the package with the running version'
        : sameRuntime(pkgRuntime, mx)
          ? `package ${pkgRuntime} = running ${mx}`
          : `package ${pkgRuntime} ≠ running ${mx}: do not upgrade the runtime during a migration`,
  };
}

function tempAppsItem(f: PreflightFacts): PreflightItem {
  return {
    id: 'temp-apps',
    title: 'Temporary apps A and B exist',
    result: f.tempA && f.tempB ? ((f.tempBEnvironments?.length ?? 0) > 0 ? 'warn' : 'pass') : 'fail',
    detail: !f.tempA || !f.tempB
      ? `missing: ${[!f.tempA && 'A', !f.tempB && 'B'].filter(Boolean).join(', ')} — create blank apps without Free App environments`
      : (f.tempBEnvironments?.length ?? 0) > 0
        ? 'temporary app B still has environments: unlink its Free App environment first (unlinking deletes them)'
        : 'both exist',
  };
}

function targetEmptyItem(f: PreflightFacts): PreflightItem {
  return {
    id: 'target-empty',
    title: 'The target node is empty',
    result: !f.targetEnv ? 'warn' : f.targetEnv.status === 'Empty' ? 'pass' : 'warn',
    detail: !f.targetEnv
      ? 'checked once temporary app A is linked to the target node'
      : f.targetEnv.status === 'Empty'
        ? `${f.targetEnv.mode} is empty`
        : `${f.targetEnv.mode} is ${f.targetEnv.status}: its database will be overwritten by the restore`,
  };
}

function diskItem(f: PreflightFacts): PreflightItem {
  const need = (f.packageSize ?? 0) * 2 + GB;
  return {
    id: 'disk',
    title: 'Free disk space for package and backups',
    result: f.freeDiskBytes === undefined ? 'warn' : f.freeDiskBytes < (f.packageSize ?? 0) ? 'fail' : f.freeDiskBytes < need ? 'warn' : 'pass',
    detail: f.freeDiskBytes === undefined ? 'could not read free disk space' : `${(f.freeDiskBytes / GB).toFixed(1)} GB free in the download folder`,
  };
}

function dnsTtlItem(d: string, t: NonNullable<PreflightFacts['domainTtls']>[number] | undefined): PreflightItem {
  const ttl = t?.ttlSeconds;
  if (t?.cnameOk === true) {
    // The record already has the form Mendix Cloud v4 asks for: the move happens in Mendix's zone (§14.13).
    return {
      id: `dns-ttl:${d}`,
      title: `DNS TTL of ${d}`,
      result: 'pass',
      detail: `already a CNAME to ${d}.cname.mendix.net: nothing changes in your zone, so its TTL${ttl === undefined ? '' : ` (${ttl} s)`} does not matter; Mendix's record moves when the domain is bound to the target`,
    };
  }
  return {
    id: `dns-ttl:${d}`,
    title: `DNS TTL of ${d}`,
    result: ttl !== undefined && ttl <= 300 ? 'pass' : 'warn',
    detail:
      ttl === undefined
        ? `${t ? t.detail : 'not checked'}: lower the TTL to 300 s about a week before the cutover`
        : ttl <= 300
          ? `TTL ${ttl} s: the switch to ${d}.cname.mendix.net spreads within minutes`
          : `TTL ${ttl} s: lower it to 300 s now, at least ${Math.ceil(ttl / 3600)} h before the cutover, or visitors reach the old node that long`,
  };
}
