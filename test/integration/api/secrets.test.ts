/** Proves that no secret (API key, PAT, download signature) reaches a log line, an error message or a file. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadToFile } from '../../../src/core/mendix/transfer/download';
import { createLogger } from '../../../src/core/shared/logger';
import { DEMO, FAST, startHarness, type Harness } from './harness';

describe('integration: secrets never leak', function () {
  this.timeout(60_000);
  let h: Harness;
  let dir: string;

  before(async () => {
    h = await startHarness();
    dir = mkdtempSync(join(tmpdir(), 'mx-int-sec-'));
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps API keys, PATs and URL signatures out of logs, errors and files', async () => {
    const c = h.client();
    const wrong = h.client({ username: DEMO.username, apiKey: 'wrong-api-key-1234', pat: 'wrong-pat-5678' });
    const errors: string[] = [];
    const collect = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        errors.push(e instanceof Error ? `${e.name}: ${e.message} ${JSON.stringify(e)}` : String(e));
      }
    };
    const P = DEMO.projects.orderPortal.id;
    const E = DEMO.environments.orderPortalProduction.id;
    const SRC = DEMO.nodes.orderportal.subdomain;
    const logger = createLogger(h.logs.sink, (t) => h.redactor.redact(t), 'transfer');

    // Failures of every kind, including a server that echoes the key back in its error message.
    await collect(wrong.v1.listApps());
    await collect(wrong.v4.listApps());
    await collect(wrong.certificates.listCertificates());
    await h.fault({ method: 'GET', path: '/api/1/apps/*', kind: 'status', status: 400, errorCode: 'INVALID_APPID', errorMessage: `bad key ${DEMO.apiKey} / token ${DEMO.pat}` });
    await collect(c.v1.getApp(SRC));
    await h.fault({ method: 'GET', path: '/api/1/apps', kind: 'status', status: 503, count: 2 });
    await collect(c.v1.listApps());
    await h.fault({ method: 'POST', path: '/api/v2/apps/*/environments/*/snapshots', kind: 'reset' });
    await collect(c.backups.createSnapshot(P, E));
    await collect(c.v1.transport(SRC, 'Production', 'nope'));

    // A full transfer with a reset, plus an expired URL.
    const s = await c.backups.createSnapshot(P, E, { comment: 'secrets' });
    await c.jobs.snapshot(P, E, s.snapshot_id, FAST);
    const a = await c.backups.createArchive(P, E, s.snapshot_id);
    const done = await c.jobs.archive(P, E, s.snapshot_id, a.archive_id, FAST);
    const signature = new URL(done.url).searchParams.get('X-Amz-Signature') ?? '';
    assert.ok(signature.length > 10);
    await h.fault({ method: 'GET', path: '/_downloads/**', kind: 'reset', afterBytes: 100_000 });
    await downloadToFile({ url: done.url, dest: join(dir, 'a.tar.gz'), logger });
    await h.fault({ method: 'GET', path: '/_downloads/**', kind: 'reset', afterBytes: 50_000 });
    await collect(downloadToFile({ url: done.url, dest: join(dir, 'b.tar.gz'), maxAttempts: 1, logger }));
    await h.advance(9 * 3600);
    await collect(downloadToFile({ url: done.url, dest: join(dir, 'b.tar.gz'), logger }));
    const pkg = await c.v1.getDeployedPackage(SRC, 'Production', { url: true });
    await downloadToFile({ url: pkg.Url?.Location ?? '', dest: join(dir, 'p.mda'), logger });

    assert.ok(errors.length >= 8, `expected failures, got ${errors.length}`);
    const secrets = [DEMO.apiKey, DEMO.pat, 'wrong-api-key-1234', 'wrong-pat-5678', signature];
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    assert.ok(files.includes('a.tar.gz.manifest.json') && files.includes('b.tar.gz.part.json'), files.join(','));
    const texts = [...h.logs.lines.map((l) => l.message), ...errors, ...files.map((f) => readFileSync(join(dir, f), 'utf8'))];
    assert.ok(h.logs.lines.length > 20);
    for (const t of texts) for (const secret of secrets) assert.ok(!t.includes(secret), `secret leaked in: ${t.slice(0, 200)}`);
    // The echoed key was masked, not dropped: the message is still useful.
    assert.ok(errors.some((e) => e.includes('bad key *** / token ***')));
  });
});
