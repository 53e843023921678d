import { strict as assert } from 'node:assert';
import { ManualClock } from '../../../support/manualClock';
import { parseErrorBody } from '../../../../src/core/mendix/api/errorBody';
import { MendixWaitTimeoutError } from '../../../../src/core/mendix/api/errors';
import { hintFor } from '../../../../src/core/mendix/api/hints';
import { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter } from '../../../../src/core/mendix/api/retry';
import { waitFor } from '../../../../src/core/mendix/api/waitFor';
import { ProgressMeter, type TransferProgress } from '../../../../src/core/mendix/transfer/progress';

describe('retry policy', () => {
  it('full jitter stays within the exponential ceiling and the cap', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(backoffDelay(1, p, () => 0.999), 99);
    assert.equal(backoffDelay(3, p, () => 0.999), 399);
    assert.equal(backoffDelay(10, p, () => 0.999), 999);
    assert.equal(backoffDelay(4, p, () => 0), 0);
  });

  it('parses Retry-After as seconds or HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:10 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('parseErrorBody', () => {
  it('reads the v1 family shape and tolerates other spellings', () => {
    assert.deepEqual(parseErrorBody('{"errorCode":"APP_NOT_FOUND","errorMessage":"no app"}'), { errorCode: 'APP_NOT_FOUND', message: 'no app' });
    assert.deepEqual(parseErrorBody('{"code":"NOT ALLOWED","message":"x"}'), { errorCode: 'NOT ALLOWED', message: 'x' });
    assert.deepEqual(parseErrorBody('{"ErrorCode":"X","ErrorMessage":"y"}'), { errorCode: 'X', message: 'y' });
  });
  it('reads v4 and Certificate API bodies (numeric code is not a Mendix error code)', () => {
    assert.deepEqual(parseErrorBody('{"error":{"code":404,"message":"Environment not found","invalid-params":[]}}'), { errorCode: undefined, message: 'Environment not found' });
    assert.deepEqual(parseErrorBody('{"error":{"message":"Not found","code":404,"detail":"owned by another company"}}'), {
      errorCode: undefined,
      message: 'Not found; owned by another company',
    });
  });
  it('keeps a short excerpt of non-JSON bodies', () => {
    assert.deepEqual(parseErrorBody('<html>\n<b>Bad   Gateway</b></html>'), { message: '<html> <b>Bad Gateway</b></html>' });
    assert.deepEqual(parseErrorBody(''), {});
    assert.deepEqual(parseErrorBody('[1,2]'), {});
  });
});

describe('hints', () => {
  const base = { family: 'apiKey' as const, method: 'POST', path: '/api/1/apps/a/environments/P/transport' };
  it('names Transport Rights for transport NO_ACCESS and API Rights for reads', () => {
    assert.match(hintFor({ ...base, status: 403, errorCode: 'NO_ACCESS' }) ?? '', /API Rights and Transport Rights/);
    assert.match(hintFor({ ...base, method: 'GET', path: '/api/1/apps/a/environments/P', status: 403, errorCode: 'NO_ACCESS' }) ?? '', /grant yourself API Rights for/);
  });
  it('points a 401 on v4 at the PAT', () => {
    assert.match(hintFor({ family: 'v4', method: 'GET', path: '/api/v4/apps', status: 401 }) ?? '', /Personal Access Token/);
  });
  it('has no hint for an unremarkable 400', () => {
    assert.equal(hintFor({ ...base, status: 400, errorCode: 'INVALID_PARAMETERS' }), undefined);
  });
});

describe('waitFor', () => {
  it('polls until done and reports progress', async () => {
    const clock = new ManualClock(0);
    let n = 0;
    const seen: number[] = [];
    const v = await waitFor(
      () => Promise.resolve(++n),
      (x) => x === 3,
      { clock, intervalMs: 1000, onProgress: (x, ms) => seen.push(x * 10_000 + ms) },
    );
    assert.equal(v, 3);
    assert.deepEqual(seen, [10_000, 21_000, 32_000]);
  });
  it('throws a timeout error carrying the last value', async () => {
    const clock = new ManualClock(0);
    await assert.rejects(
      waitFor(() => Promise.resolve('running'), () => false, { clock, intervalMs: 1000, timeoutMs: 3500, what: 'restore r1' }),
      (e: unknown) => e instanceof MendixWaitTimeoutError && e.lastValue === 'running' && /restore r1/.test(e.message),
    );
  });
  it('stops when the signal aborts during the pause', async () => {
    const clock = new ManualClock(0, false);
    const ctl = new AbortController();
    const p = waitFor(() => Promise.resolve(0), () => false, { clock, signal: ctl.signal });
    await new Promise((r) => setImmediate(r));
    ctl.abort();
    await assert.rejects(p, (e: unknown) => e instanceof Error && e.name === 'AbortError');
  });
});

describe('ProgressMeter', () => {
  it('reports rate over recent samples and an ETA', () => {
    const clock = new ManualClock(0);
    const events: TransferProgress[] = [];
    const m = new ProgressMeter(0, 10_000, (p) => events.push(p), clock, 100, 5000);
    clock.advance(1000);
    m.add(1000);
    clock.advance(1000);
    m.add(1000);
    const last = events.at(-1);
    assert.equal(last?.bytes, 2000);
    assert.equal(last?.rate, 1000);
    assert.equal(last?.etaSeconds, 8);
  });
  it('throttles events', () => {
    const clock = new ManualClock(0);
    const events: TransferProgress[] = [];
    const m = new ProgressMeter(0, undefined, (p) => events.push(p), clock, 250);
    for (let i = 0; i < 100; i++) m.add(1);
    assert.equal(events.length, 1);
    m.finish();
    assert.equal(events.at(-1)?.bytes, 100);
    assert.equal(events.at(-1)?.etaSeconds, undefined);
  });
});
