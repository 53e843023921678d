import { strict as assert } from 'node:assert';
import { formatBytes, formatDurationMs, percentOf } from '../../../../src/webview/panel/format';
import { ttlLeft } from '../../../../src/webview/panel/overviewView';
import { phaseCount, statusLabel, transferText, verificationText } from '../../../../src/webview/panel/stepsView';

describe('panel page texts', () => {
  it('describes a transfer with bytes, percentage, rate and ETA, and a finished one without rate', () => {
    assert.equal(transferText({ stepId: 's', label: 'x', bytes: 1_572_864, total: 6_291_456, rate: 1_048_576, etaSeconds: 4.2, done: false }), '1.5 MB of 6.0 MB · 25 % · 1.0 MB/s · about 5 s left');
    assert.equal(transferText({ stepId: 's', label: 'x', bytes: 6_291_456, total: 6_291_456, rate: 1_048_576, done: true }), '6.0 MB of 6.0 MB · 100 % · finished');
    assert.equal(transferText({ stepId: 's', label: 'x', bytes: 2048, rate: 0, done: false }), '2.0 KB · 0 B/s');
  });

  it('counts a cached answer’s TTL down from its expiry, never below zero', () => {
    const at = Date.parse('2026-11-22T02:00:00Z');
    assert.equal(ttlLeft('2026-11-22T02:00:10.000Z', at), 10);
    assert.equal(ttlLeft('2026-11-22T02:00:10.000Z', at + 9_500), 1);
    assert.equal(ttlLeft('2026-11-22T02:00:10.000Z', at + 60_000), 0);
    assert.equal(ttlLeft(undefined, at), undefined);
    assert.equal(ttlLeft('not a date', at), undefined);
  });

  it('counts settled steps per phase and formats sizes and durations', () => {
    const row = (status: 'done' | 'skipped' | 'pending') => ({ id: status, index: 1, title: '', phase: 'backup' as const, kind: 'api' as const, status, describe: '', attempts: 0, actions: [] });
    assert.equal(phaseCount([row('done'), row('skipped'), row('pending')]), '2/3');
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(-1), '—');
    assert.equal(formatDurationMs(65_000), '1 min 5 s');
    assert.equal(formatDurationMs(3_900_000), '1 h 5 min');
    assert.equal(percentOf(5, 0), undefined);
    assert.equal(percentOf(50, 100), 50);
  });
});

describe('panel page: Verified, Confirmed and Overridden read differently', () => {
  const done = (basis: 'check' | 'person' | 'override', check?: string) => ({ status: 'done' as const, verification: { ok: true, detail: 'd', basis, check } });
  it('names the check for Verified and says when only a person vouches', () => {
    assert.equal(statusLabel(done('check')), 'Verified (API)');
    assert.equal(statusLabel(done('check', 'DNS')), 'Verified (DNS)');
    assert.equal(statusLabel(done('person')), 'Confirmed');
    assert.equal(statusLabel(done('override')), 'Overridden');
    assert.equal(statusLabel({ status: 'waiting-for-person' }), 'Waiting for a person');
    assert.equal(statusLabel({ status: 'failed', verification: { ok: false, detail: 'x', basis: 'check' } }), 'Failed');
    assert.equal(verificationText({ ok: true, detail: 'zone answers', basis: 'check', check: 'DNS' }), 'Verified (DNS): zone answers');
    assert.match(verificationText({ ok: true, detail: 'by alice', basis: 'person' }), /^Confirmed \(nothing can check it\)/);
    assert.equal(verificationText({ ok: false, detail: 'nope', basis: 'check' }), 'Not verified: nope');
  });
});
