/**
 * Certificate API (contract §7): central certificates of the caller's company. Needs a PAT with
 * `mx:deployment:write` and a Mendix Admin. PEMs are checked for real with node:crypto.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { requireScope, tokenCaller } from '../auth';
import type { EmulatorContext } from '../context';
import { ApiError } from '../errors';
import { newId } from '../ids';
import type { Certificate } from '../model';
import { certificateStatus, certificateView } from '../views';

function bad(message: string, detail?: string): ApiError {
  return new ApiError(400, 'BAD_REQUEST', message, detail ? { detail } : {});
}

function parseCert(pem: unknown, field: string): X509Certificate {
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----')) throw bad(`${field} must be a PEM certificate`);
  try {
    return new X509Certificate(pem);
  } catch (e) {
    throw bad(`${field} is not a valid certificate`, (e as Error).message);
  }
}

function fingerprintOf(cert: X509Certificate): string {
  return createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** The DNS names of a certificate: its subject alternative names, else its subject's CN. */
function namesOf(cert: X509Certificate): string[] {
  const sans = (cert.subjectAltName ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.startsWith('DNS:'))
    .map((x) => x.slice(4));
  if (sans.length > 0) return sans;
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
  return cn ? [cn] : [];
}

/** What the Certificate API does when no description is given (contract §14.9): one from the subject/SAN. */
function generatedDescription(cert: X509Certificate): string {
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1] ?? '(no CN)';
  const names = namesOf(cert);
  return `CN=${cn}; SAN: ${names.length > 0 ? names.join(', ') : '(none)'}`;
}

function parseChain(pem: unknown): string | null {
  if (pem === undefined || pem === null || pem === '') return null;
  if (typeof pem !== 'string') throw bad('intermediateChain must be PEM text');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  if (!blocks) throw bad('intermediateChain holds no certificate');
  for (const b of blocks) parseCert(b, 'intermediateChain');
  return pem;
}

export function registerCertificates(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;
  const admin = (req: FastifyRequest): void => {
    const c = tokenCaller(store, req.headers, 'certificates');
    requireScope(c, true, 'certificates');
    if (!c.user.isMendixAdmin) throw new ApiError(403, 'FORBIDDEN', 'Forbidden', { detail: 'Only a Mendix Admin of the company can manage certificates' });
  };
  const linked = (id: string): number =>
    Object.values(store.state.environments).reduce((n, e) => n + e.customDomains.filter((d) => d.certificateId === id).length, 0);
  const view = (c: Certificate) => certificateView(c, store.now(), linked(c.id));
  const find = (id: string): Certificate => {
    const c = store.state.certificates[id];
    if (!c) throw new ApiError(404, 'NOT_FOUND', `Certificate ${id} not found`);
    return c;
  };

  app.get<{ Querystring: { domain?: string; status?: string; page?: string; limit?: string } }>('/v1/certificates', (req) => {
    admin(req);
    const page = req.query.page === undefined ? 1 : Number(req.query.page);
    const limit = req.query.limit === undefined ? 10 : Number(req.query.limit);
    if (!Number.isInteger(page) || page < 1) throw bad('page must be an integer >= 1');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw bad('limit must be an integer between 1 and 100');
    const status = req.query.status;
    if (status !== undefined && !['UPCOMING', 'VALID', 'EXPIRES SOON', 'EXPIRED'].includes(status)) throw bad('status must be UPCOMING, VALID, EXPIRES SOON or EXPIRED');
    const now = store.now();
    // `domain` filters certificates *linked to* that domain (contract §14.9), not those whose SANs cover it.
    const domain = req.query.domain?.trim().toLowerCase().replace(/\.$/, '');
    const linkedTo = new Set(
      Object.values(store.state.environments).flatMap((e) => e.customDomains.filter((d) => d.domain === domain && d.certificateId !== null).map((d) => d.certificateId)),
    );
    // Reversed first so that, at equal updatedAt, the later-created certificate still comes first.
    const all = Object.values(store.state.certificates)
      .reverse()
      .filter((c) => status === undefined || certificateStatus(c, now) === status)
      .filter((c) => domain === undefined || linkedTo.has(c.id))
      .sort((a, b) => b.updatedAt - a.updatedAt);
    return { certificates: all.slice((page - 1) * limit, page * limit).map(view), page, limit, totalCount: all.length };
  });

  app.post('/v1/certificates', (req, reply) => {
    admin(req);
    const b = (req.body ?? {}) as Record<string, unknown>;
    const cert = parseCert(b.certificate, 'certificate');
    if (typeof b.privateKey !== 'string') throw bad('privateKey is required');
    let keyMatches: boolean;
    try {
      const key = createPrivateKey(b.privateKey);
      keyMatches = cert.checkPrivateKey(key) || createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(cert.publicKey.export({ type: 'spki', format: 'der' }));
    } catch (e) {
      throw bad('privateKey is not a valid PEM private key', (e as Error).message);
    }
    if (!keyMatches) throw bad('The private key does not match the certificate');
    const chain = parseChain(b.intermediateChain);
    const fp = fingerprintOf(cert);
    if (Object.values(store.state.certificates).some((c) => c.keyFingerprint === fp)) {
      throw new ApiError(409, 'CONFLICT', 'A certificate with the same key material already exists');
    }
    const now = store.now();
    const c: Certificate = {
      id: newId(),
      description: typeof b.description === 'string' && b.description.trim() !== '' ? b.description : generatedDescription(cert),
      certificatePem: cert.toString(),
      intermediateChain: chain,
      keyFingerprint: fp,
      validFrom: Date.parse(cert.validFrom),
      validTill: Date.parse(cert.validTo),
      createdAt: now,
      updatedAt: now,
    };
    store.state.certificates[c.id] = c;
    store.changed();
    return reply.code(201).send(view(c));
  });

  app.patch<{ Params: { id: string } }>('/v1/certificates/:id', (req) => {
    admin(req);
    const c = find(req.params.id);
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b.certificate !== undefined) {
      const cert = parseCert(b.certificate, 'certificate');
      if (fingerprintOf(cert) !== c.keyFingerprint) throw bad('The new certificate does not match the stored private key');
      c.certificatePem = cert.toString();
      c.validFrom = Date.parse(cert.validFrom);
      c.validTill = Date.parse(cert.validTo);
    }
    if (b.intermediateChain !== undefined) c.intermediateChain = parseChain(b.intermediateChain);
    if (b.description !== undefined) {
      if (b.description !== null && typeof b.description !== 'string') throw bad('description must be a string');
      // Cleared: generated again from the certificate, as on create.
      c.description = b.description === null || b.description.trim() === '' ? generatedDescription(new X509Certificate(c.certificatePem)) : b.description;
    }
    c.updatedAt = store.now();
    store.changed();
    return view(c);
  });

  // Rotation without downtime: every domain link moves to the new certificate.
  app.put<{ Params: { id: string } }>('/v1/certificates/:id/replacement', (req) => {
    admin(req);
    const old = find(req.params.id);
    const newId_ = ((req.body ?? {}) as Record<string, unknown>).newCertificateId;
    if (typeof newId_ !== 'string') throw bad('newCertificateId is required');
    const next = find(newId_);
    for (const env of Object.values(store.state.environments)) {
      for (const d of env.customDomains) if (d.certificateId === old.id) d.certificateId = next.id;
    }
    const now = store.now();
    old.updatedAt = now;
    next.updatedAt = now;
    store.changed();
    return view(next);
  });

  app.delete<{ Params: { id: string } }>('/v1/certificates/:id', (req, reply) => {
    admin(req);
    const c = find(req.params.id);
    if (linked(c.id) > 0) throw bad('The certificate is still linked to domains');
    delete store.state.certificates[c.id];
    store.changed();
    return reply.code(204).send();
  });
}
