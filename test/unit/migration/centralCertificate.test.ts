import { strict as assert } from 'node:assert';
import { MendixApiError } from '../../../src/core/mendix/api/errors';
import type { Certificate, CertificatePage } from '../../../src/core/mendix/api/schemas/certificateSchemas';
import { checkCustomDomainCertificate, nameCovers, namesInDescription, type CertificateLister } from '../../../src/core/migration/centralCertificate';
import type { TlsReport } from '../../../src/core/tls/tlsCheck';

/** An in-memory Certificate API: `linked` maps a domain to certificate ids, pages like the real one. */
class MemoryCertificates implements CertificateLister {
  readonly asked: { domain?: string; page?: number; limit?: number }[] = [];
  constructor(
    private readonly all: Certificate[],
    private readonly linked: Record<string, string[]> = {},
  ) {}
  listCertificates(q: { domain?: string; page?: number; limit?: number }): Promise<CertificatePage> {
    this.asked.push(q);
    const page = q.page ?? 1;
    const limit = q.limit ?? 10;
    const matching = q.domain === undefined ? this.all : this.all.filter((c) => (this.linked[q.domain ?? ''] ?? []).includes(c.id));
    return Promise.resolve({ certificates: matching.slice((page - 1) * limit, page * limit), page, limit, totalCount: matching.length });
  }
}

const cert = (id: string, description: string, status: Certificate['status'] = 'VALID', linkedFqdnsCount = 0): Certificate => ({
  id,
  description,
  status,
  linkedFqdnsCount,
  inUse: linkedFqdnsCount > 0,
  validFrom: '2026-01-01T00:00:00Z',
  validTill: '2027-01-01T00:00:00Z',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

function tlsReport(ok: boolean): TlsReport {
  return { host: 'target.example', port: 443, servername: 'orders.example.com', ok, protocolOk: true, chainValid: ok, intermediatesPresent: true, sanCoversDomain: ok, expired: false, chain: [], problems: ok ? [] : ['SAN does not cover orders.example.com'], latencyMs: 1 };
}

describe('central certificate check', () => {
  it('matches names like a TLS client: exact, or a wildcard over one label', () => {
    assert.equal(nameCovers('orders.example.com', 'Orders.Example.com.'), true);
    assert.equal(nameCovers('*.example.com', 'orders.example.com'), true);
    assert.equal(nameCovers('*.example.com', 'a.orders.example.com'), false);
    assert.equal(nameCovers('*.com', 'example.com'), false);
    assert.deepEqual(namesInDescription('CN=orders.example.com; SAN: orders.example.com, *.example.com'), ['orders.example.com', 'orders.example.com', '*.example.com']);
    assert.deepEqual(namesInDescription('Wildcard cert for example.com'), ['example.com']);
  });

  it('pages through every certificate when looking for candidates (100 a page)', async () => {
    const many = Array.from({ length: 230 }, (_, i) => cert(`c${i}`, `CN=host${i}.example.com`));
    many[205] = cert('wild', 'CN=*.example.com; SAN: *.example.com', 'EXPIRES SOON');
    const api = new MemoryCertificates(many);
    const r = await checkCustomDomainCertificate('orders.example.com', { certificates: api });
    assert.deepEqual(r.candidates.map((c) => [c.id, c.status]), [['wild', 'EXPIRES SOON']]);
    assert.deepEqual(api.asked.map((q) => [q.domain, q.page, q.limit]), [['orders.example.com', 1, 100], [undefined, 1, 100], [undefined, 2, 100], [undefined, 3, 100]]);
    assert.equal(r.ok, false);
  });

  it('a linked VALID certificate counted on the domain is verified through the API', async () => {
    const api = new MemoryCertificates([cert('a', 'orders', 'VALID', 1)], { 'orders.example.com': ['a'] });
    const r = await checkCustomDomainCertificate('orders.example.com.', { certificates: api, tlsCheck: () => Promise.reject(new Error('not asked')), endpoint: { host: 'x' } });
    assert.equal(r.ok, true);
    assert.equal(r.verifiedBy, 'certificate-api');
    assert.match(r.detail, /"orders" \(a\) is linked to orders\.example\.com: status VALID, linked to 1 domain/);
  });

  it('a linked certificate that counts no linked domain is a problem, not a pass', async () => {
    const api = new MemoryCertificates([cert('a', 'orders', 'VALID', 0)], { 'orders.example.com': ['a'] });
    const r = await checkCustomDomainCertificate('orders.example.com', { certificates: api });
    assert.equal(r.ok, false);
    assert.ok(r.problems.some((p) => /counts 0 linked domains/.test(p)));
  });

  it('401/403 name the missing right; other failures are reported as such; both fall back to TLS', async () => {
    const denied: CertificateLister = {
      listCertificates: () =>
        Promise.reject(new MendixApiError({ operation: 'certificates.list', endpoint: 'GET /v1/certificates', family: 'certificates', status: 403, attempts: 1 })),
    };
    const r = await checkCustomDomainCertificate('orders.example.com', { certificates: denied, endpoint: { host: 'target.example' }, tlsCheck: () => Promise.resolve(tlsReport(true)) });
    assert.equal(r.ok, true);
    assert.equal(r.verifiedBy, 'tls');
    assert.match(r.apiUnavailable ?? '', /mx:deployment:write.*Mendix Admin.*\(HTTP 403\)/);

    const broken: CertificateLister = { listCertificates: () => Promise.reject(new Error('socket hang up')) };
    const b = await checkCustomDomainCertificate('orders.example.com', { certificates: broken, endpoint: { host: 'target.example' }, tlsCheck: () => Promise.resolve(tlsReport(false)) });
    assert.equal(b.ok, false);
    assert.match(b.apiUnavailable ?? '', /the Certificate API failed: socket hang up/);
    assert.ok(b.problems.some((p) => /SAN does not cover/.test(p)));
  });

  it('an endpoint that cannot be reached leaves the certificate unchecked, while a bad handshake or SAN still fails', async () => {
    const none = new MemoryCertificates([]);
    const refused: TlsReport = { ...tlsReport(false), problems: ['TLS connection failed: getaddrinfo ENOTFOUND target.example'], error: 'getaddrinfo ENOTFOUND target.example' };
    const a = await checkCustomDomainCertificate('orders.example.com', { certificates: none, endpoint: { host: 'target.example' }, tlsCheck: () => Promise.resolve(refused) });
    assert.equal(a.ok, false);
    assert.equal(a.unreachable, true);
    const badSan = await checkCustomDomainCertificate('orders.example.com', { certificates: none, endpoint: { host: 'target.example' }, tlsCheck: () => Promise.resolve(tlsReport(false)) });
    assert.equal(badSan.unreachable, undefined);
    const handshake: TlsReport = { ...tlsReport(false), problems: ['TLS handshake failed: unsupported protocol'], error: 'unsupported protocol' };
    const h = await checkCustomDomainCertificate('orders.example.com', { certificates: none, endpoint: { host: 'target.example' }, tlsCheck: () => Promise.resolve(handshake) });
    assert.equal(h.unreachable, undefined);
  });
});
