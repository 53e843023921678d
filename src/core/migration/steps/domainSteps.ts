/**
 * Guide steps 13–14: ask Support for the URL change, move the custom domain (portal + DNS) and its
 * certificate. Each is a person's step; the engine checks what it can see (the target's URL, DNS).
 */
import type { StepContext, StepDefinition } from '../stepTypes';
import { findEnvironment, relinkedAppId, str } from './common';
import { DOMAIN_CERT, DOMAIN_DNS, host, OFFBOARD_REQUEST, personConfirmed, REDEPLOY, URL_CHANGE } from './finishStepIds';

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

async function urlChangeRequest(ctx: StepContext): Promise<string> {
  const pre = ctx.stateOf('preflight')?.outputs ?? {};
  const oldUrl = str(pre.sourceUrl) ?? '';
  const env = await findEnvironment(ctx, await relinkedAppId(ctx), ctx.input.target.environment);
  return [
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
}

export function urlChangeStep(): StepDefinition {
  return {
    id: URL_CHANGE,
    phase: 'url',
    title: 'Change the app URL (Support request)',
    kind: 'support',
    // Support can give the old sub-domain only once the old node is gone.
    dependsOn: [REDEPLOY, OFFBOARD_REQUEST],
    describe: 'Only Mendix Support can give the target environment the old app URL. The request is pre-filled with both URLs, App IDs and Project IDs.',
    instructions: async (ctx) => ({
      summary: 'Send the pre-filled URL change request to Mendix Support, then confirm this step when it is done',
      actions: ['Open https://support.mendix.com and create a request with the text below.', 'When Support confirms, confirm this step: the engine checks the new URL.'],
      url: 'https://support.mendix.com',
      requestText: await urlChangeRequest(ctx),
    }),
    isDone: async (ctx) => personConfirmed(ctx) && (await urlMoved(ctx)).ok,
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const m = await urlMoved(ctx);
      return m.ok
        ? { ok: true, detail: `the target environment has the old app URL's sub-domain: compared the old host ${m.oldHost} with the target's ${m.newHost} (Mendix keeps the target region's domain suffix)` }
        : { ok: false, detail: `the target environment does not have the old URL yet: old host ${m.oldHost || '(unknown)'}, target now ${m.newHost || '(no URL)'}` };
    },
  };
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

export function domainDnsStep(): StepDefinition {
  return {
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
}

export function domainCertificateStep(): StepDefinition {
  return {
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
}
