import { strict as assert } from 'node:assert';
import { ManualClock } from '../../../support/manualClock';
import type { MendixCredentials } from '../../../../src/core/mendix/api/config';
import {
  MendixApiError,
  MendixMissingCredentialsError,
  MendixNetworkError,
  MendixOutcomeUnknownError,
  MendixResponseError,
} from '../../../../src/core/mendix/api/errors';
import { MendixClient } from '../../../../src/core/mendix/api/mendixClient';
import { createLogger } from '../../../../src/core/shared/logger';
import { MemoryLogSink } from '../../../support/memoryLogSink';
import { Redactor } from '../../../../src/core/shared/redact';
import { json, startFakeServer, type FakeServer } from './fakeServer';

const APP = { AppId: 'calc', Name: 'Calc', ProjectId: 'p-1', Url: 'https://calc.mendixcloud.com' };

describe('MendixHttp (through MendixClient)', () => {
  let server: FakeServer;
  let client: MendixClient;
  let clock: ManualClock;
  let logs: MemoryLogSink;
  const redactor = new Redactor();

  const make = (credentials: MendixCredentials = { username: 'jane@example.com', apiKey: 'key-secret-123', pat: 'pat-secret-456' }) => {
    clock = new ManualClock(1_000_000);
    logs = new MemoryLogSink();
    return new MendixClient({
      credentials,
      config: { deployBaseUrl: server.baseUrl, cloudPortalBaseUrl: server.baseUrl, homeBaseUrl: server.baseUrl },
      logger: createLogger(logs.sink),
      redactor,
      clock,
      random: () => 0.5,
    });
  };

  beforeEach(async () => {
    server = await startFakeServer();
    client = make();
  });
  afterEach(async () => {
    client.dispose();
    await server.close();
  });

  it('sends the API-key headers to the v1 family and MxToken to v4 and certificates', async () => {
    server.setHandler((req, res) => {
      if (req.url.startsWith('/api/1/')) return json(res, 200, [APP]);
      if (req.url.startsWith('/api/v4/')) return json(res, 200, { apps: [], pagination: { offset: 0, limit: 1, size: 0 } });
      return json(res, 200, { certificates: [], page: 1, limit: 10, totalCount: 0 });
    });
    await client.v1.listApps();
    await client.v4.listApps({ limit: 1 });
    await client.certificates.listCertificates();
    const [v1, v4, cert] = server.requests;
    assert.equal(v1.headers['mendix-username'], 'jane@example.com');
    assert.equal(v1.headers['mendix-apikey'], 'key-secret-123');
    assert.equal(v1.headers.authorization, undefined);
    assert.equal(v4.headers.authorization, 'MxToken pat-secret-456');
    assert.equal(v4.headers['mendix-apikey'], undefined);
    assert.equal(v4.url, '/api/v4/apps?limit=1');
    assert.equal(cert.headers.authorization, 'MxToken pat-secret-456');
  });

  it('refuses before sending when the family credential is missing', async () => {
    client.dispose();
    client = make({ pat: 'only-a-pat-999' });
    await assert.rejects(client.v1.listApps(), (e: unknown) => e instanceof MendixMissingCredentialsError && e.family === 'apiKey' && /API key/.test(e.message));
    assert.equal(server.requests.length, 0);
  });

  it('retries a GET through a 503 burst with full-jitter backoff', async () => {
    server.setHandler((_req, res, i) => (i < 3 ? json(res, 503, { errorCode: 'SERVICE_UNAVAILABLE' }) : json(res, 200, [APP])));
    const apps = await client.v1.listApps();
    assert.deepEqual(apps, [APP]);
    assert.equal(server.requests.length, 4);
    // random 0.5 → half of 500, 1000, 2000 ms
    assert.deepEqual(clock.sleeps, [250, 500, 1000]);
    assert.ok(logs.lines.some((l) => /GET \/api\/1\/apps → 503 .*retrying/.test(l.message)));
    assert.ok(logs.lines.some((l) => /GET \/api\/1\/apps → 200 .*\(attempt 4\)/.test(l.message)));
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    server.setHandler((_req, res, i) => {
      if (i === 0) return json(res, 429, {}, { 'Retry-After': '7' });
      if (i === 1) return json(res, 429, {}, { 'Retry-After': new Date(clock.now() + 3000).toUTCString() });
      return json(res, 200, [APP]);
    });
    await client.v1.listApps();
    assert.equal(clock.sleeps[0], 7000);
    // HTTP dates have whole-second resolution.
    assert.ok(clock.sleeps[1] >= 2000 && clock.sleeps[1] <= 3000, String(clock.sleeps[1]));
  });

  it('gives up after maxAttempts and reports the last status', async () => {
    server.setHandler((_req, res) => json(res, 502, { errorCode: 'BAD_GATEWAY' }));
    await assert.rejects(client.v1.listApps(), (e: unknown) => e instanceof MendixApiError && e.status === 502 && e.attempts === 5);
    assert.equal(server.requests.length, 5);
  });

  it('never repeats a non-idempotent POST after the connection dropped', async () => {
    server.setHandler((_req, res) => {
      res.socket?.destroy();
    });
    await assert.rejects(
      client.v1.startEnvironment('calc', 'Production', { autoSyncDb: true }),
      (e: unknown) => e instanceof MendixOutcomeUnknownError && /check the current state/.test(e.message) && e.endpoint === 'POST /api/1/apps/calc/environments/Production/start',
    );
    assert.equal(server.requests.length, 1);
  });

  it('does not repeat a non-idempotent POST after a 502/504, but does after a 503 refusal', async () => {
    server.setHandler((_req, res) => json(res, 504, {}));
    await assert.rejects(client.backups.createSnapshot('p-1', 'e-1'), MendixOutcomeUnknownError);
    assert.equal(server.requests.length, 1);
    server.setHandler((_req, res, i) =>
      i === 1 ? json(res, 503, {}) : json(res, 200, { snapshot_id: 's-1', state: 'queued', created_at: null, comment: 'x' }),
    );
    const s = await client.backups.createSnapshot('p-1', 'e-1', { comment: 'x' });
    assert.equal(s.snapshot_id, 's-1');
    assert.equal(s.comment, 'x');
    assert.equal(s.created_at, undefined);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(JSON.parse(server.requests[2].body.toString()), { comment: 'x' });
  });

  it('retries an idempotent call after a dropped connection, then reports a network error', async () => {
    server.setHandler((_req, res, i) => (i === 0 ? res.socket?.destroy() : json(res, 200, [APP])));
    assert.equal((await client.v1.listApps()).length, 1);
    server.setHandler((_req, res) => res.socket?.destroy());
    await assert.rejects(client.v1.listApps(), (e: unknown) => e instanceof MendixNetworkError && e.attempts === 5);
  });

  it('turns malformed JSON into a MendixResponseError naming the endpoint', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"AppId": "calc", ');
    });
    await assert.rejects(
      client.v1.getApp('calc'),
      (e: unknown) => e instanceof MendixResponseError && e.endpoint === 'GET /api/1/apps/calc' && /not valid JSON/.test(e.message) && e.operation === 'v1.getApp',
    );
  });

  it('names the offending field when the shape does not fit', async () => {
    server.setHandler((_req, res) =>
      json(res, 200, [{ Status: 'Running', EnvironmentId: 'e', Mode: 'P', Production: true }, { Status: 'Sleeping', EnvironmentId: 'e2', Mode: 'A', Production: false }]),
    );
    await assert.rejects(client.v1.listEnvironments('calc'), (e: unknown) => e instanceof MendixResponseError && e.fieldPath === '[1].Status');
  });

  it('tolerates extra fields', async () => {
    server.setHandler((_req, res) => json(res, 200, { ...APP, Extra: { nested: true } }));
    assert.deepEqual(await client.v1.getApp('calc'), APP);
  });

  it('maps a 401 to a hint about the API key, with no secret in message or logs', async () => {
    server.setHandler((_req, res) => json(res, 401, { errorCode: 'UNAUTHORIZED', errorMessage: 'bad key key-secret-123' }, { 'X-Request-Id': 'req-42' }));
    const err = await client.v1.listApps().catch((e: unknown) => e);
    assert.ok(err instanceof MendixApiError);
    assert.equal(err.status, 401);
    assert.equal(err.requestId, 'req-42');
    assert.match(err.hint ?? '', /username and API key/);
    assert.doesNotMatch(err.message, /key-secret-123/);
    assert.match(err.message, /bad key \*\*\*/);
    for (const l of logs.lines) assert.doesNotMatch(l.message, /key-secret-123|pat-secret-456/);
  });

  it('reads v4 error bodies and hints at the write scope for a read-only PAT', async () => {
    server.setHandler((_req, res) =>
      json(res, 403, { error: { code: 403, message: 'Forbidden', 'invalid-params': [{ name: 'token', reason: 'The token is not accepted' }] } }),
    );
    const err = await client.v4.patchPermissions('a', 'e', [{ member: { userId: 'x@y' }, canDeployApp: true }]).catch((e: unknown) => e);
    assert.ok(err instanceof MendixApiError);
    assert.equal(err.errorCode, undefined);
    assert.match(err.serverMessage ?? '', /Forbidden; token: The token is not accepted/);
    assert.match(err.hint ?? '', /mx:deployment:write/);
    assert.equal(server.requests[0].method, 'PATCH');
  });

  it('aborts a call when its signal fires, without retrying', async () => {
    server.setHandler(() => undefined); // never answers
    const ctl = new AbortController();
    const p = client.v1.listApps({ signal: ctl.signal });
    setTimeout(() => ctl.abort(), 20);
    await assert.rejects(p, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.equal(server.requests.length, 1);
  });

  it('does not follow redirects (the API key must not travel to another host)', async () => {
    server.setHandler((_req, res) => {
      res.writeHead(302, { Location: 'http://127.0.0.2:1/steal' });
      res.end();
    });
    await assert.rejects(client.v1.listApps(), (e: unknown) => e instanceof MendixApiError && e.status === 302);
    assert.equal(server.requests.length, 1);
  });

  it('checkCredentials probes each family with one cheap read', async () => {
    server.setHandler((req, res) => {
      if (req.url.startsWith('/api/1/')) return json(res, 200, []);
      return json(res, 401, { error: { code: 401, message: 'Unauthorized' } });
    });
    const checks = await client.checkCredentials();
    assert.deepEqual(
      checks.map((c) => [c.family, c.ok, c.status]),
      [
        ['apiKey', true, undefined],
        ['v4', false, 401],
      ],
    );
    assert.match(checks[1].message ?? '', /Personal Access Token/);
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.url}`),
      ['GET /api/1/apps', 'GET /api/v4/apps?limit=1'],
    );
  });
});
