/**
 * TLS check of the new endpoint with SNI = the custom domain. Mendix Cloud accepts only TLS 1.2+
 * (mendix-api.md §12), and API clients need the intermediate chain, so both are checked explicitly.
 */
import { checkServerIdentity, connect, type ConnectionOptions, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  san: string[];
  fingerprint256: string;
}

export interface TlsReport {
  host: string;
  port: number;
  servername: string;
  ok: boolean;
  /** Negotiated protocol, e.g. "TLSv1.3"; for a legacy-only server the one it offered. */
  protocol?: string;
  protocolOk: boolean;
  chainValid: boolean;
  /** OpenSSL's verdict code when the chain does not verify, e.g. CERT_HAS_EXPIRED. */
  authorizationError?: string;
  intermediatesPresent: boolean;
  sanCoversDomain: boolean;
  daysToExpiry?: number;
  expired: boolean;
  /** Leaf first, then its issuers as far as they are known. */
  chain: CertificateSummary[];
  problems: string[];
  latencyMs: number;
  error?: string;
}

export interface TlsCheckOptions {
  host: string;
  port?: number;
  /** SNI and the name the certificate must cover: the custom domain. */
  servername: string;
  /** Trust anchors (PEM) replacing the system roots, e.g. a test CA or a corporate root. */
  ca?: string | Buffer | (string | Buffer)[];
  timeoutMs?: number;
  now?: () => Date;
  /** Fewer days left than this is reported as a problem; the Certificate API calls 15 days "expires soon". */
  minDaysLeft?: number;
}

const DAY_MS = 86_400_000;
const LEGACY_PROTOCOL_ERRORS = /unsupported protocol|wrong version number|protocol version|no protocols available|version too low|tlsv1 alert protocol|no shared cipher|UNSUPPORTED_PROTOCOL|handshake failure/i;

interface Handshake {
  socket: TLSSocket;
  latencyMs: number;
}

function handshake(opts: TlsCheckOptions, extra: ConnectionOptions): Promise<Handshake> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: opts.host,
      port: opts.port ?? 443,
      servername: opts.servername,
      // We judge the chain ourselves and want the details even when it is bad.
      rejectUnauthorized: false,
      ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      ...extra,
    });
    socket.setTimeout(opts.timeoutMs ?? 10_000, () => {
      socket.destroy();
      reject(new Error(`no TLS handshake within ${opts.timeoutMs ?? 10_000} ms`));
    });
    socket.once('secureConnect', () => resolve({ socket, latencyMs: performance.now() - started }));
    socket.once('error', (e: Error) => {
      socket.destroy();
      reject(e);
    });
  });
}

function commonName(name: DetailedPeerCertificate['subject'] | undefined): string {
  const cn = name?.CN;
  if (cn === undefined) return JSON.stringify(name ?? {});
  return Array.isArray(cn) ? cn.join(', ') : cn;
}

function summarize(cert: DetailedPeerCertificate): CertificateSummary {
  return {
    subject: commonName(cert.subject),
    issuer: commonName(cert.issuer),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    san: (cert.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    fingerprint256: cert.fingerprint256,
  };
}

function chainOf(leaf: DetailedPeerCertificate): CertificateSummary[] {
  const out: CertificateSummary[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert && cert.fingerprint256 && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    out.push(summarize(cert));
    cert = cert.issuerCertificate;
  }
  return out;
}

export async function checkTls(opts: TlsCheckOptions): Promise<TlsReport> {
  const port = opts.port ?? 443;
  const base = { host: opts.host, port, servername: opts.servername };
  let hs: Handshake;
  let legacy = false;
  try {
    hs = await handshake(opts, { minVersion: 'TLSv1.2' });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!LEGACY_PROTOCOL_ERRORS.test(`${message} ${code}`)) {
      return { ...base, ok: false, protocolOk: false, chainValid: false, intermediatesPresent: false, sanCoversDomain: false, expired: false, chain: [], problems: [`TLS connection failed: ${message}`], latencyMs: 0, error: message };
    }
    // Find out what the server does speak, so the report can say "only TLS 1.1" instead of a bare handshake error.
    try {
      hs = await handshake(opts, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
      legacy = true;
    } catch {
      return { ...base, ok: false, protocolOk: false, chainValid: false, intermediatesPresent: false, sanCoversDomain: false, expired: false, chain: [], problems: [`TLS handshake failed: ${message}`], latencyMs: 0, error: message };
    }
  }
  const { socket, latencyMs } = hs;
  try {
    const protocol = socket.getProtocol() ?? undefined;
    const leaf = socket.getPeerCertificate(true);
    const authorizationError = socket.authorized ? undefined : String(socket.authorizationError);
    const chain = leaf && leaf.fingerprint256 ? chainOf(leaf) : [];
    const problems: string[] = [];
    const protocolOk = !legacy && protocol !== undefined && ['TLSv1.2', 'TLSv1.3'].includes(protocol);
    if (!protocolOk) problems.push(`The server only speaks ${protocol ?? 'an old protocol'}; Mendix Cloud and modern clients need TLS 1.2 or higher.`);

    const now = (opts.now ?? (() => new Date()))();
    const validTo = leaf?.valid_to ? Date.parse(leaf.valid_to) : NaN;
    const daysToExpiry = Number.isFinite(validTo) ? Math.floor((validTo - now.getTime()) / DAY_MS) : undefined;
    const expired = authorizationError === 'CERT_HAS_EXPIRED' || (Number.isFinite(validTo) && validTo < now.getTime());
    if (expired) problems.push(`The certificate expired on ${new Date(validTo).toISOString()}.`);
    else if (daysToExpiry !== undefined && daysToExpiry < (opts.minDaysLeft ?? 15)) problems.push(`The certificate expires in ${daysToExpiry} day(s).`);

    // OpenSSL says "unable to verify the first certificate" when the leaf's issuer is neither sent nor trusted.
    const intermediatesPresent = authorizationError !== 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
    if (!intermediatesPresent) problems.push('The server does not send the intermediate certificate(s); upload the full chain with the certificate.');
    // Node also flags a host-name mismatch here; that is the SAN check below, not a chain problem.
    const chainValid = authorizationError === undefined || authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID';
    if (!chainValid && intermediatesPresent && !expired) problems.push(`The certificate chain does not verify: ${authorizationError}.`);

    const sanCoversDomain = leaf?.fingerprint256 !== undefined && checkServerIdentity(opts.servername, leaf) === undefined;
    if (!sanCoversDomain) problems.push(`The certificate does not cover ${opts.servername} (it names ${chain[0]?.san.join(', ') || chain[0]?.subject || 'nothing'}).`);

    const ok = protocolOk && chainValid && sanCoversDomain && !expired;
    return { ...base, ok, protocol, protocolOk, chainValid, authorizationError, intermediatesPresent, sanCoversDomain, daysToExpiry, expired, chain, problems, latencyMs: Math.round(latencyMs * 10) / 10 };
  } finally {
    socket.destroy();
  }
}
