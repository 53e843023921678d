/**
 * The certificate side of a custom-domain move (mendix-api §7, §14.9). Since February 2026 a
 * Technical Contact can bind an app's custom domain with a central certificate a Mendix Admin created,
 * so a move need not re-upload anything. The Certificate API shows, for the domain:
 * - which central certificate is linked to it (`domain` filters by link) and how many domains that
 *   certificate is linked to (`linkedFqdnsCount`), so a binding on the target shows up there;
 * - its `status`: only `VALID` is fine (`EXPIRES SOON` is within 15 days, `EXPIRED`, `UPCOMING`);
 * - its SANs only through the generated `description`, which is what candidates are matched by.
 * The API needs a Mendix Admin's PAT with `mx:deployment:write`. Without it, or when no central
 * certificate is linked (an app-level certificate has no API), the TLS check of the new endpoint
 * (SNI = the domain: SAN, chain, expiry) is what remains.
 */
import { MendixApiError } from '../mendix/api/errors';
import type { Certificate, CertificatePage } from '../mendix/api/schemas/certificateSchemas';
import { checkTls, type TlsCheckOptions, type TlsReport } from '../tls/tlsCheck';

/** The one Certificate API call this needs (a `Pick` of the client's `CertificatesApi`). */
export interface CertificateLister {
  listCertificates(query: { domain?: string; page?: number; limit?: number }): Promise<CertificatePage>;
}

export interface CentralCertificate {
  id: string;
  description?: string;
  status: Certificate['status'];
  validTill?: string;
  linkedFqdnsCount?: number;
}

export interface CertificateCheck {
  domain: string;
  /** A check ran and passed: a linked central certificate with status VALID, or the TLS check of the endpoint. */
  ok: boolean;
  /** No check could run: no central certificate linked and the endpoint could not be reached for TLS. */
  unreachable?: boolean;
  /** Which check decided. `none` when neither could run. */
  verifiedBy: 'certificate-api' | 'tls' | 'none';
  /** Central certificate linked to the domain, per the Certificate API. */
  linked?: CentralCertificate;
  /** Central certificates whose description names the domain (or a wildcard over it), not linked to it yet. */
  candidates: CentralCertificate[];
  /** Why the Certificate API could not be used, e.g. the PAT lacks Mendix Admin rights. */
  apiUnavailable?: string;
  tls?: TlsReport;
  problems: string[];
  detail: string;
}

export interface CertificateCheckOptions {
  /** The Certificate API; absent when no PAT is configured. */
  certificates?: CertificateLister;
  /** The new endpoint to check with SNI = the domain (e.g. the target environment's host); absent: no TLS fallback. */
  endpoint?: Omit<TlsCheckOptions, 'servername'>;
  /** Injected in tests; defaults to the real TLS check. */
  tlsCheck?: (opts: TlsCheckOptions) => Promise<TlsReport>;
  /** Pages of 100 read at most when looking for candidates. */
  maxPages?: number;
}

export const MISSING_ADMIN_RIGHTS =
  'the Certificate API needs a Personal Access Token with the mx:deployment:write scope of a Mendix Admin of the company (Mendix Portal → User Settings → Personal Access Tokens; Mendix Admins in Control Center)';

const PAGE = 100;

function normalize(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/** True when a certificate name (`orders.example.com` or `*.example.com`) covers the domain (RFC 6125: one label). */
export function nameCovers(name: string, domain: string): boolean {
  const n = normalize(name);
  const d = normalize(domain);
  if (n === d) return true;
  if (!n.startsWith('*.')) return false;
  const rest = d.split('.').slice(1).join('.');
  return rest !== '' && rest === n.slice(2) && rest.includes('.');
}

/** Host names in a description such as "CN=orders.example.com; SAN: orders.example.com, *.example.com". */
export function namesInDescription(description: string): string[] {
  return [...description.toLowerCase().matchAll(/(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}/g)].map((m) => m[0]);
}

function view(c: Certificate): CentralCertificate {
  const out: CentralCertificate = { id: c.id, status: c.status };
  if (c.description !== undefined) out.description = c.description;
  if (c.validTill !== undefined) out.validTill = c.validTill;
  if (c.linkedFqdnsCount !== undefined) out.linkedFqdnsCount = c.linkedFqdnsCount;
  return out;
}

function label(c: CentralCertificate): string {
  return `${c.description ? `"${c.description}"` : 'central certificate'} (${c.id})`;
}

async function allPages(api: CertificateLister, domain: string | undefined, maxPages: number): Promise<Certificate[]> {
  const out: Certificate[] = [];
  for (let page = 1; page <= maxPages; page++) {
    const r = await api.listCertificates({ ...(domain === undefined ? {} : { domain }), page, limit: PAGE });
    out.push(...r.certificates);
    if (r.certificates.length === 0 || out.length >= r.totalCount) break;
  }
  return out;
}

const STATUS_PROBLEM: Record<Certificate['status'], string | undefined> = {
  VALID: undefined,
  'EXPIRES SOON': 'expires within 15 days: renew it and replace it (PUT …/replacement) before or right after the move',
  EXPIRED: 'has expired: upload a renewed certificate and replace the expired one',
  UPCOMING: 'is not valid yet',
};

export async function checkCustomDomainCertificate(domain: string, opts: CertificateCheckOptions): Promise<CertificateCheck> {
  const name = normalize(domain);
  const problems: string[] = [];
  let linked: CentralCertificate | undefined;
  let candidates: CentralCertificate[] = [];
  let apiUnavailable: string | undefined;
  const maxPages = opts.maxPages ?? 10;

  if (opts.certificates === undefined) {
    apiUnavailable = `no Personal Access Token: ${MISSING_ADMIN_RIGHTS}`;
  } else {
    try {
      const byLink = (await allPages(opts.certificates, name, maxPages)).map(view);
      // Prefer the one that is fine; several can only be linked after a replacement in flight.
      linked = byLink.find((c) => c.status === 'VALID') ?? byLink[0];
      if (linked === undefined) {
        candidates = (await allPages(opts.certificates, undefined, maxPages))
          .map(view)
          .filter((c) => c.description !== undefined && namesInDescription(c.description).some((n) => nameCovers(n, name)));
      }
    } catch (e) {
      if (e instanceof MendixApiError && (e.status === 401 || e.status === 403)) apiUnavailable = `${MISSING_ADMIN_RIGHTS} (HTTP ${e.status})`;
      else apiUnavailable = `the Certificate API failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  let apiOk = false;
  if (linked !== undefined) {
    const statusProblem = STATUS_PROBLEM[linked.status];
    if (statusProblem !== undefined) problems.push(`${label(linked)} ${statusProblem}`);
    if ((linked.linkedFqdnsCount ?? 0) < 1) problems.push(`${label(linked)} is returned for ${name} but counts ${linked.linkedFqdnsCount ?? 'no'} linked domains`);
    apiOk = statusProblem === undefined && (linked.linkedFqdnsCount ?? 0) >= 1;
  }

  // The TLS check decides when the API cannot: no admin rights, or no central certificate linked
  // (the domain may use an app-level certificate, which no API shows).
  let tls: TlsReport | undefined;
  if (linked === undefined && opts.endpoint !== undefined) {
    tls = await (opts.tlsCheck ?? checkTls)({ ...opts.endpoint, servername: name });
    if (!tls.ok) problems.push(...tls.problems.map((p) => `TLS ${tls?.host ?? ''}: ${p}`));
  }

  // A linked certificate the API calls not fine is not made fine by a handshake that works today.
  const ok = linked !== undefined ? apiOk : tls?.ok === true;
  const verifiedBy: CertificateCheck['verifiedBy'] = linked !== undefined ? 'certificate-api' : tls !== undefined ? 'tls' : 'none';
  const parts: string[] = [];
  if (linked !== undefined) {
    parts.push(`${label(linked)} is linked to ${name}: status ${linked.status}, linked to ${linked.linkedFqdnsCount ?? '?'} domain(s)`);
  } else if (apiUnavailable === undefined) {
    parts.push(
      candidates.length > 0
        ? `no central certificate is linked to ${name} yet; ${candidates.map((c) => `${label(c)} (${c.status})`).join(', ')} names it: bind the domain on the target environment with it`
        : `no central certificate is linked to ${name} or names it in its description (the API shows SANs only there)`,
    );
  } else {
    parts.push(`central certificates not checked: ${apiUnavailable}`);
  }
  if (tls !== undefined) parts.push(tls.ok ? `TLS of ${tls.host}:${tls.port} for ${name}: chain, SAN and expiry fine` : `TLS of ${tls.host}:${tls.port} for ${name} not fine`);
  else if (!apiOk) parts.push('no endpoint given for a TLS check');
  return {
    domain: name,
    ok,
    verifiedBy,
    // Nothing could be asked: no linked certificate and the endpoint did not answer (not the same as a bad certificate).
    ...(linked === undefined && tls?.problems.some((p) => p.startsWith('TLS connection failed')) ? { unreachable: true } : {}),
    ...(linked ? { linked } : {}),
    candidates,
    ...(apiUnavailable ? { apiUnavailable } : {}),
    ...(tls ? { tls } : {}),
    problems,
    detail: parts.join('; ') + (problems.length > 0 ? ` — ${problems.join('; ')}` : ''),
  };
}
