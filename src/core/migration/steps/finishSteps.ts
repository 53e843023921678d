/**
 * Guide steps 11–15: unlink the source (link temp app B to it), link the real app to the target node
 * and redeploy, ask Support for the URL change, move the custom domain, and offboard the source —
 * the last only once every backup the person chose to keep is downloaded and verified.
 */
import { NeedsPersonError, RefusedError, type StepContext, type StepDefinition } from '../stepTypes';
import type { JsonObject, JsonValue } from '../types';
import { currentAppId, relinkedAppId, fileInFolder, findEnvironment, restartAfterFailure, startAndWait, stopAndWait, str, type PlanOptions } from './common';
import { archiveOnce } from './backupSteps';
import { ExpiredUrlError } from '../../mendix/services';
import { PACKAGE_DOWNLOAD } from './packageSteps';
import { CUTOVER_START } from './cutoverSteps';

export const UNLINK_SOURCE = 'relink.unlink-source';
export const LINK_TARGET = 'relink.link-target';
export const REDEPLOY = 'relink.redeploy';
export const URL_CHANGE = 'url.change';
export const DOMAIN_DNS = 'domain.dns';
export const DOMAIN_CERT = 'domain.certificate';
export const OFFBOARD_BACKUPS = 'offboard.backups';
export const OFFBOARD_REQUEST = 'offboard.request';

const personConfirmed = (ctx: StepContext): boolean => ctx.state().confirmation?.method === 'person';

function host(url: string | undefined): string {
  try {
    return url ? new URL(url).hostname : '';
  } catch {
    return '';
  }
}

interface KeptBackup {
  snapshotId: string;
  path: string;
  size: number;
  sha256: string;
  verified: boolean;
}

function keptBackups(ctx: StepContext): KeptBackup[] {
  const raw = ctx.state().outputs.kept;
  if (!Array.isArray(raw)) return [];
  return raw.filter((x): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x)).map((x) => ({
    snapshotId: str(x.snapshotId) ?? '',
    path: str(x.path) ?? '',
    size: Number(x.size),
    sha256: str(x.sha256) ?? '',
    verified: x.verified === true,
  }));
}

export function finishSteps(opts: PlanOptions): StepDefinition[] {
  const unlink: StepDefinition = {
    id: UNLINK_SOURCE,
    phase: 'relink',
    title: 'Unlink the app from the source node (portal)',
    kind: 'portal',
    dependsOn: [CUTOVER_START, OFFBOARD_BACKUPS],
    describe: 'There is no "unlink": linking temporary app B to the source node detaches the real app from it, so it can be linked to the target node next.',
    instructions: (ctx) => ({
      summary: `Link "${ctx.input.target.tempAppB.name}" to the source node ${ctx.input.source.nodeSubdomain}`,
      actions: [
        `In the portal, open the app "${ctx.input.target.tempAppB.name}" and go to Environments.`,
        `Click "Select a node" and choose "Use this Node" on ${ctx.input.source.nodeSubdomain}.`,
        'Run the migration again: the engine checks that the node now serves temporary app B.',
      ],
      url: ctx.input.portalUrl,
    }),
    isDone: async (ctx) => (await currentAppId(ctx, ctx.input.target.tempAppB.projectId)) === ctx.input.source.nodeSubdomain,
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const b = await currentAppId(ctx, ctx.input.target.tempAppB.projectId);
      const real = await currentAppId(ctx, ctx.input.source.projectId);
      return b === ctx.input.source.nodeSubdomain && real !== ctx.input.source.nodeSubdomain
        ? { ok: true, detail: `node ${b} now serves temporary app B; the app is detached` }
        : { ok: false, detail: `node ${ctx.input.source.nodeSubdomain} still serves ${real === ctx.input.source.nodeSubdomain ? 'the app' : 'another app'}` };
    },
  };

  const link: StepDefinition = {
    id: LINK_TARGET,
    phase: 'relink',
    title: 'Link the app to the target node (portal)',
    kind: 'portal',
    dependsOn: [UNLINK_SOURCE],
    describe: 'Links the real app to the target node, which detaches temporary app A. Linking resets the node’s team permissions.',
    instructions: (ctx) => ({
      summary: `Link "${ctx.input.source.name}" to the target node ${ctx.input.target.nodeSubdomain}`,
      actions: [
        'The final backup and the package are downloaded and verified (see the journal).',
        `In the portal, open "${ctx.input.source.name}", go to Environments, click "Select a node" and "Use this Node" on ${ctx.input.target.nodeSubdomain}.`,
        'Check the node permissions afterwards: linking resets them.',
        'Run the migration again: the engine checks the link and redeploys.',
      ],
      url: ctx.input.portalUrl,
    }),
    isDone: async (ctx) => (await currentAppId(ctx, ctx.input.source.projectId)) === ctx.input.target.nodeSubdomain,
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const a = await currentAppId(ctx, ctx.input.source.projectId);
      return a === ctx.input.target.nodeSubdomain
        ? { ok: true, detail: `"${ctx.input.source.name}" is linked to ${a}` }
        : { ok: false, detail: `"${ctx.input.source.name}" is linked to ${a ?? 'no node'}` };
    },
  };

  const sourcePackageId = (ctx: StepContext): string | undefined => str(ctx.stateOf(PACKAGE_DOWNLOAD)?.outputs.packageId);

  const redeploy: StepDefinition = {
    id: REDEPLOY,
    phase: 'relink',
    title: 'Redeploy the app on the target node',
    kind: 'api',
    dependsOn: [LINK_TARGET],
    describe: 'Deploys the app’s own package (the one that ran on the source) to the target environment and starts it, now under the real app.',
    isDone: async (ctx) => {
      if (ctx.state().outputs.redeployed !== true) return false;
      const { target } = ctx.input;
      const env = await findEnvironment(ctx, target.nodeSubdomain, target.environment);
      return env.status === 'Running';
    },
    run: async (ctx) => {
      const { target } = ctx.input;
      const pkg = sourcePackageId(ctx);
      if (!pkg) throw new Error('the source package is unknown');
      // Linking the node reset its permissions (v1 calls now answer NO_ACCESS); the Technical
      // Contact grants them back through v4, which needs no node permission.
      // By id first: a v4 display name may differ from the v1 Mode, even in another script (§14.11).
      const knownId = str(ctx.stateOf('cutover.upload')?.outputs.targetEnvironmentId);
      const v4Envs = await ctx.services.listEnvironmentsV4(ctx.input.source.projectId);
      const env = v4Envs.find((e) => e.id === knownId) ?? v4Envs.find((e) => e.name.toLowerCase() === target.environment.toLowerCase());
      if (!env) throw new Error(`environment ${target.environment} not found on the target node`);
      const perms = await ctx.services.getPermissions(ctx.input.source.projectId, env.id);
      const me = perms.permissions.find((p) => p.userId.toLowerCase() === ctx.services.username.toLowerCase());
      if (!me || !me.canAccessAPI || !me.canDeployApp || !me.canManageBackups) {
        await ctx.services.grantNodePermissions(ctx.input.source.projectId, env.id, ctx.services.username);
        await ctx.setOutputs({ permissionsRegranted: true });
      }
      const deployed = await ctx.services.getDeployedPackage(target.nodeSubdomain, target.environment);
      // The target is production now: whatever fails after it was stopped, it is started again
      // (with the package it has) before the failure is reported.
      try {
        if (deployed?.packageId !== pkg) {
          await stopAndWait(ctx, opts, target.nodeSubdomain, target.environment);
          await ctx.services.transport(target.nodeSubdomain, target.environment, pkg);
        }
        await startAndWait(ctx, opts, target.nodeSubdomain, target.environment, true, 'start');
      } catch (e) {
        if (e instanceof NeedsPersonError) throw e;
        const recovered = await restartAfterFailure(ctx, opts, target.nodeSubdomain, target.environment);
        await ctx.setOutputs({ restartedAfterFailure: recovered });
        throw e;
      }
      const after = await findEnvironment(ctx, target.nodeSubdomain, target.environment);
      await ctx.setOutputs({ redeployed: true, packageId: pkg, url: after.url, modelVersion: after.modelVersion ?? null, mendixVersion: after.mendixVersion ?? null });
    },
    verify: async (ctx) => {
      const { target } = ctx.input;
      const appId = await relinkedAppId(ctx);
      const env = await findEnvironment(ctx, appId, target.environment);
      const deployed = await ctx.services.getDeployedPackage(appId, target.environment);
      const want = sourcePackageId(ctx);
      const ok = env.status === 'Running' && deployed?.packageId === want;
      return { ok, detail: `target ${env.status}, package ${deployed?.name ?? 'none'} (model ${env.modelVersion ?? '?'})` };
    },
  };

  const urlChange: StepDefinition = {
    id: URL_CHANGE,
    phase: 'url',
    title: 'Change the app URL (Support request)',
    kind: 'support',
    // Support can give the old sub-domain only once the old node is gone.
    dependsOn: [REDEPLOY, OFFBOARD_REQUEST],
    describe: 'Only Mendix Support can give the target environment the old app URL. The request is pre-filled with both URLs, App IDs and Project IDs.',
    instructions: async (ctx) => {
      const pre = ctx.stateOf('preflight')?.outputs ?? {};
      const oldUrl = str(pre.sourceUrl) ?? '';
      const env = await findEnvironment(ctx, await relinkedAppId(ctx), ctx.input.target.environment);
      const text = [
        'Hello Mendix Support,',
        '',
        `We migrated our app "${ctx.input.source.name}" to another node and ask you to move its App URL:`,
        `- Old URL: ${oldUrl}`,
        `- New URL (current): ${env.url}`,
        `- Old App ID: ${ctx.input.source.nodeSubdomain}`,
        `- New App ID: ${ctx.input.target.nodeSubdomain}`,
        `- Project ID (app): ${ctx.input.source.projectId}`,
        `- Project ID (temporary app A, formerly on the target node): ${ctx.input.target.tempAppA.projectId}`,
        '',
        `Please make ${host(oldUrl)} point to the ${ctx.input.target.environment} environment on node ${ctx.input.target.nodeSubdomain}.`,
      ].join('\n');
      return {
        summary: 'Send the pre-filled URL change request to Mendix Support, then confirm this step when it is done',
        actions: ['Open https://support.mendix.com and create a request with the text below.', 'When Support confirms, confirm this step: the engine checks the new URL.'],
        url: 'https://support.mendix.com',
        requestText: text,
      };
    },
    isDone: async (ctx) => personConfirmed(ctx) && (await urlMoved(ctx)).ok,
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const m = await urlMoved(ctx);
      return m.ok
        ? { ok: true, detail: `the target environment has the old app URL's sub-domain: compared the old host ${m.oldHost} with the target's ${m.newHost} (Mendix keeps the target region's domain suffix)` }
        : { ok: false, detail: `the target environment does not have the old URL yet: old host ${m.oldHost || '(unknown)'}, target now ${m.newHost || '(no URL)'}` };
    },
  };

  /**
   * Whether Support's URL change is visible: the target environment's host carries the old host's
   * sub-domain. The rename keeps the target node's region suffix (`.apps.<region>.mendixcloud.com`),
   * so the hosts are compared by sub-domain, and the detail names both whole hosts.
   */
  async function urlMoved(ctx: StepContext): Promise<{ ok: boolean; oldHost: string; newHost: string }> {
    const oldHost = host(str(ctx.stateOf('preflight')?.outputs.sourceUrl));
    // The URL change renames the node, and with it the app's v1 AppId: look the app up by project id.
    const env = await findEnvironment(ctx, await relinkedAppId(ctx), ctx.input.target.environment);
    const newHost = host(env.url);
    const label = oldHost.split('.')[0];
    return { ok: label !== '' && newHost.split('.')[0] === label, oldHost, newHost };
  }

  const dns: StepDefinition = {
    id: DOMAIN_DNS,
    phase: 'custom-domain',
    title: 'Move the custom domain (portal + DNS)',
    kind: 'portal',
    dependsOn: [REDEPLOY],
    describe: 'Binds each custom domain to the target environment in the portal and points its CNAME at <domain>.cname.mendix.net, with a short TTL set days ahead.',
    instructions: (ctx) => ({
      summary: `Bind ${ctx.input.customDomains.join(', ')} to the target environment and update DNS`,
      actions: [
        `Portal: first remove ${ctx.input.customDomains.join(', ')} from the source environment (node ${ctx.input.source.nodeSubdomain}, ${ctx.input.source.environment} → Network → Custom Domains): a domain is bound to one environment at a time.`,
        `Portal: then on node ${ctx.input.target.nodeSubdomain}, ${ctx.input.target.environment} → Network → Custom Domains: add each domain with its certificate.`,
        ...ctx.input.customDomains.map((d) => `DNS: set ${d} CNAME ${d}.cname.mendix.net. (TTL 300 s, lowered a few days before)`),
        'Use the DNS checks (propagation, TTL) to follow the change, then Mark Done: the step is done when the zone answers the CNAME (an override is possible and is recorded).',
      ],
      url: ctx.input.portalUrl,
    }),
    isDone: async (ctx) => personConfirmed(ctx) && (ctx.state().confirmation?.override !== undefined || (await dnsState(ctx)).ok),
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const c = ctx.state().confirmation;
      if (!c) return { ok: false, detail: 'waiting for a person' };
      const dnsCheck = await dnsState(ctx);
      if (!dnsCheck.checked) return { ok: true, detail: `binding confirmed by ${c.by}; ${dnsCheck.detail}`, basis: 'person' };
      if (dnsCheck.ok) return { ok: true, detail: `DNS check passed: ${dnsCheck.detail}; binding confirmed by ${c.by} (no API shows it)`, basis: 'check', check: 'DNS' };
      if (c.override !== undefined) return { ok: true, detail: `overridden by ${c.by} (${c.override}); the DNS check did not pass: ${dnsCheck.detail}`, basis: 'override' };
      return { ok: false, detail: `DNS not there yet: ${dnsCheck.detail}` };
    },
    allowsOverride: true,
  };

  /**
   * With a DNS check wired, every domain's CNAME must reach <domain>.cname.mendix.net and, when the
   * target environment's host is known, the chain must end at its addresses and the certificate be fine.
   */
  async function dnsState(ctx: StepContext): Promise<{ ok: boolean; checked: boolean; detail: string }> {
    const check = ctx.services.checkCustomDomain?.bind(ctx.services);
    if (!check) return { ok: true, checked: false, detail: 'DNS not checked by the engine (use the DNS checks)' };
    const target = await targetHost(ctx);
    const results = await Promise.all(ctx.input.customDomains.map((d) => check(d, target)));
    // A CNAME to <domain>.cname.mendix.net proves nothing about the move by itself (§14.13): without the target's host, not verified.
    // The zone must answer and every resolver asked must agree (what the DNS section shows).
    const ok = target !== undefined && results.every((r) => r.cnameOk && r.chainEndOk !== false && r.certificateOk !== false && (r.propagatedPercent ?? 100) >= 100);
    return { ok, checked: true, detail: results.map((r) => r.detail).join('; ') + (target ? '' : '; the target environment could not be read, so where the chain ends is not checked yet') };
  }

  async function targetHost(ctx: StepContext): Promise<{ host: string } | undefined> {
    try {
      const appId = await relinkedAppId(ctx);
      const h = host((await findEnvironment(ctx, appId, ctx.input.target.environment)).url);
      return h === '' ? undefined : { host: h };
    } catch {
      return undefined;
    }
  }

  const cert: StepDefinition = {
    id: DOMAIN_CERT,
    phase: 'custom-domain',
    title: 'Move the custom-domain certificate',
    kind: 'support',
    dependsOn: [REDEPLOY],
    describe: 'With your own private key the certificate is uploaded again for the target; a key kept in the Mendix keystore can only be moved by Support.',
    instructions: (ctx) =>
      ctx.input.certificate === 'own-key'
        ? {
            summary: 'Upload the certificate, its private key and the intermediate chain for the target environment',
            actions: ['Portal: Network → Custom Domains → Upload certificate (or use a central certificate).', 'Include the intermediate chain; then confirm this step.'],
            url: ctx.input.portalUrl,
          }
        : {
            summary: 'Ask Mendix Support to migrate the keystore certificate to the target node',
            actions: ['Open https://support.mendix.com and send the request below; confirm this step when Support has done it.'],
            url: 'https://support.mendix.com',
            requestText: [
              'Hello Mendix Support,',
              '',
              `Please migrate the TLS certificate (private key in the Mendix Secure Keystore) for ${ctx.input.customDomains.join(', ')}`,
              `from node ${ctx.input.source.nodeSubdomain} to node ${ctx.input.target.nodeSubdomain} (${ctx.input.target.environment}).`,
              `App: ${ctx.input.source.name}, Project ID ${ctx.input.source.projectId}.`,
            ].join('\n'),
          },
    isDone: (ctx) => Promise.resolve(personConfirmed(ctx)),
    run: () => Promise.resolve(),
    verify: (ctx) => {
      const c = ctx.state().confirmation;
      return Promise.resolve(c ? { ok: true, detail: `certificate move confirmed by ${c.by}`, basis: 'person' } : { ok: false, detail: 'waiting for a person' });
    },
  };

  const backupsReady = async (ctx: StepContext, kept: KeptBackup[]): Promise<string[]> => {
    const problems: string[] = [];
    const final = ctx.stateOf('cutover.download')?.outputs ?? {};
    const all = [...kept, { snapshotId: 'final', path: str(final.path) ?? '', sha256: str(final.sha256) ?? '', size: Number(final.size ?? NaN), verified: final.verified === true }];
    for (const k of all) {
      const m = k.path ? await ctx.services.readDownloadManifest(k.path) : undefined;
      if (!k.verified) problems.push(`backup ${k.snapshotId} is not verified`);
      else if (!m || m.sha256 !== k.sha256 || m.size !== k.size) problems.push(`backup ${k.snapshotId} at ${k.path} is missing or changed`);
    }
    const wanted = new Set(ctx.input.keepBackups);
    for (const k of kept) wanted.delete(k.snapshotId);
    for (const w of wanted) problems.push(`backup ${w} has not been downloaded`);
    return problems;
  };

  const offboardBackups: StepDefinition = {
    id: OFFBOARD_BACKUPS,
    phase: 'offboard',
    title: 'Download and verify every backup to keep',
    kind: 'api',
    dependsOn: [CUTOVER_START],
    describe: 'The source’s backups disappear with the node: every backup you chose to keep is downloaded and verified (size, SHA-256, archive structure) before offboarding.',
    isDone: async (ctx) => (await backupsReady(ctx, keptBackups(ctx))).length === 0,
    run: async (ctx) => {
      const envId = str(ctx.stateOf('cutover.snapshot')?.outputs.environmentId) ?? str(ctx.stateOf('backup.snapshot')?.outputs.environmentId);
      if (!envId) throw new Error('the source environment id is unknown');
      const kept = keptBackups(ctx);
      for (const snapshotId of ctx.input.keepBackups) {
        if (kept.some((k) => k.snapshotId === snapshotId && k.verified)) continue;
        const path = fileInFolder(ctx.input.downloadFolder, `${ctx.input.name}-kept-`, snapshotId, '.tar.gz');
        let r;
        for (let attempt = 0; ; attempt++) {
          const a = await archiveOnce(ctx, opts, envId, snapshotId, attempt === 0 ? `archive-${snapshotId}` : `archive-${snapshotId}-again${attempt}`);
          try {
            r = await ctx.services.download(a.url ?? '', path, { signal: ctx.signal, onProgress: (p) => ctx.progress(`backup ${snapshotId}: ${p.bytes} bytes`) });
            break;
          } catch (e) {
            // An archive URL lives 8 hours: a resumed run past that asks for a fresh archive.
            if (!(e instanceof ExpiredUrlError) || attempt >= 2) throw e;
          }
        }
        const check = await ctx.services.verifyBackupArchive(path);
        if (!check.ok) throw new Error(`backup ${snapshotId} is not a valid archive: ${check.detail}`);
        const entry: JsonValue = { snapshotId, path, size: r.size, sha256: r.sha256, verified: true };
        const next = [...kept.filter((k) => k.snapshotId !== snapshotId).map((k): JsonObject => ({ ...k })), entry];
        await ctx.setOutputs({ kept: next });
        kept.splice(0, kept.length, ...keptBackups(ctx));
      }
    },
    verify: async (ctx) => {
      const problems = await backupsReady(ctx, keptBackups(ctx));
      return problems.length === 0
        ? { ok: true, detail: `${keptBackups(ctx).length + 1} backup(s) downloaded and verified` }
        : { ok: false, detail: problems.join('; ') };
    },
  };

  const offboard: StepDefinition = {
    id: OFFBOARD_REQUEST,
    phase: 'offboard',
    title: 'Offboard the source node (Support request)',
    kind: 'support',
    dependsOn: [OFFBOARD_BACKUPS, REDEPLOY],
    describe: 'Asks Support to offboard the old node. Offered only once every kept backup is downloaded and verified, because the node’s backups go with it.',
    instructions: (ctx) => ({
      summary: `Ask Mendix Support to offboard node ${ctx.input.source.nodeSubdomain}`,
      actions: ['Send the request below at https://support.mendix.com.', 'Confirm this step when Support has offboarded the node: the engine checks that it is gone.'],
      url: 'https://support.mendix.com',
      requestText: [
        'Hello Mendix Support,',
        '',
        `Our app "${ctx.input.source.name}" (Project ID ${ctx.input.source.projectId}) now runs on node ${ctx.input.target.nodeSubdomain}.`,
        `Please offboard the old node ${ctx.input.source.nodeSubdomain} (currently linked to the temporary app "${ctx.input.target.tempAppB.name}", Project ID ${ctx.input.target.tempAppB.projectId}).`,
        'We have downloaded and verified every backup we need from it.',
      ].join('\n'),
    }),
    isDone: async (ctx) => personConfirmed(ctx) && (await nodeGone(ctx)),
    run: async (ctx) => {
      // Re-checked from disk right before the request is offered (and again at confirmation, in verify).
      const { problems, files } = await reverifyKeptBackups(ctx);
      if (problems.length > 0) throw new RefusedError(`offboarding refused: ${problems.join('; ')}`, 'download and verify the backups again (run step offboard.backups)');
      await ctx.setOutputs({ reverified: files.length });
    },
    verify: async (ctx) => {
      // Every path to offboarding (a run, "Mark Done", `verify --confirm`) passes here at the moment
      // of confirmation: size, SHA-256 of every byte and archive structure of every kept backup.
      const { problems, files } = await reverifyKeptBackups(ctx);
      if (problems.length > 0) return { ok: false, detail: `offboarding refused: ${problems.join('; ')}` };
      return (await nodeGone(ctx))
        ? { ok: true, detail: `node ${ctx.input.source.nodeSubdomain} is offboarded; ${files.length} kept backup(s) re-hashed and verified` }
        : { ok: false, detail: `node ${ctx.input.source.nodeSubdomain} still exists` };
    },
  };

  /** Size and recorded checksum, then every byte re-hashed and every archive's structure read again. */
  async function reverifyKeptBackups(ctx: StepContext): Promise<{ problems: string[]; files: string[] }> {
    const problems = await backupsReady(ctx, keptBackupsOf(ctx));
    const final = str(ctx.stateOf('cutover.download')?.outputs.path);
    const files = [...keptBackupsOf(ctx).map((k) => k.path), ...(final ? [final] : [])];
    for (const f of problems.length === 0 ? files : []) {
      const hash = await ctx.services.rehashDownload(f, ctx.signal);
      if (!hash.ok) problems.push(`${f}: ${hash.detail}`);
      const structure = await ctx.services.verifyBackupArchive(f);
      if (!structure.ok) problems.push(`${f}: ${structure.detail}`);
    }
    return { problems, files };
  }

  function keptBackupsOf(ctx: StepContext): KeptBackup[] {
    const raw = ctx.stateOf(OFFBOARD_BACKUPS)?.outputs.kept;
    return keptBackups({ ...ctx, state: () => ({ status: 'done', attempts: 0, intents: [], outputs: { kept: raw ?? [] } }) });
  }

  /** Temporary app B was linked to the source node; once the node is offboarded it is linked to nothing. */
  async function nodeGone(ctx: StepContext): Promise<boolean> {
    return (await currentAppId(ctx, ctx.input.target.tempAppB.projectId)) !== ctx.input.source.nodeSubdomain;
  }

  return [unlink, link, redeploy, urlChange, dns, cert, offboardBackups, offboard];
}
