import { strict as assert } from 'node:assert';
import type { PropagationReport } from '../../../src/core/dns/propagation';
import { evaluateTtlReadiness, markCutoverDone, newTtlReadinessState, observeReport, observeTtl, TtlReadiness, type TtlReadinessState } from '../../../src/core/dns/ttlReadiness';

const T0 = new Date('2026-05-01T00:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const DAY = 86_400;

describe('TTL readiness', () => {
  it('is unknown before the first observation', () => {
    const r = evaluateTtlReadiness(newTtlReadinessState('app.example.com'), T0);
    assert.equal(r.status, 'unknown');
  });

  it('asks to lower a high TTL and says when the cutover would be safe', () => {
    const s = observeTtl(newTtlReadinessState('app.example.com'), 86_400, T0);
    const r = evaluateTtlReadiness(s, T0);
    assert.equal(r.status, 'too-high');
    assert.equal(r.currentTtl, 86_400);
    assert.equal(r.readyAt, at(DAY).toISOString());
    assert.match(r.messages[0], /Lower the TTL of app\.example\.com from 86400 s to 300 s/);
  });

  it('waits one old TTL after the lowering, then is ready; the state survives a JSON round trip', () => {
    let s = observeTtl(newTtlReadinessState('app.example.com'), 3600, T0);
    s = observeTtl(s, 3600, at(600));
    s = observeTtl(s, 300, at(1200));
    assert.equal(s.firstSeen?.ttl, 3600);
    assert.equal(s.loweredAt, at(1200).toISOString());
    assert.equal(s.ttlBeforeLowering, 3600);
    s = JSON.parse(JSON.stringify(s)) as TtlReadinessState;

    const waiting = evaluateTtlReadiness(s, at(2000));
    assert.equal(waiting.status, 'waiting');
    assert.equal(waiting.readyAt, at(1200 + 3600).toISOString());

    const ready = evaluateTtlReadiness(s, at(1200 + 3600));
    assert.equal(ready.status, 'ready');
    assert.ok(ready.messages.some((m) => /raise the TTL again/.test(m)));
  });

  it('keeps the latest end when the TTL is lowered in steps', () => {
    let s = observeTtl(newTtlReadinessState('d.example.com'), 86_400, T0);
    s = observeTtl(s, 3600, at(100));
    s = observeTtl(s, 300, at(200));
    // Copies fetched just before the first lowering live until 100 + 86400.
    assert.equal(evaluateTtlReadiness(s, at(200 + 3600 + 1)).status, 'waiting');
    assert.equal(evaluateTtlReadiness(s, at(100 + 86_400)).status, 'ready');
  });

  it('forgets a lowering when the TTL goes up again', () => {
    let s = observeTtl(newTtlReadinessState('d.example.com'), 3600, T0);
    s = observeTtl(s, 300, at(10));
    s = observeTtl(s, 7200, at(20));
    assert.equal(s.loweredAt, undefined);
    assert.equal(evaluateTtlReadiness(s, at(30)).status, 'too-high');
  });

  it('calls a TTL that was already low when first seen ready', () => {
    const s = observeTtl(newTtlReadinessState('d.example.com'), 60, T0);
    const r = evaluateTtlReadiness(s, T0);
    assert.equal(r.status, 'ready');
    assert.match(r.messages[0], /already 60 s/);
  });

  it('warns a week ahead of the planned cutover while the TTL is still high, and when it is too late', () => {
    const s = observeTtl(newTtlReadinessState('d.example.com'), 86_400, T0);
    assert.deepEqual(evaluateTtlReadiness(s, T0, at(30 * DAY)).warnings, []);
    const week = evaluateTtlReadiness(s, T0, at(6 * DAY));
    assert.equal(week.warnings.length, 1);
    assert.match(week.warnings[0], /planned for .* still 86400 s/);
    const late = evaluateTtlReadiness(s, T0, at(DAY / 2));
    assert.equal(late.warnings.length, 2);
    assert.match(late.warnings[1], /past the planned cutover/);
  });

  it('warns when the planned cutover is before old copies expire', () => {
    let s = observeTtl(newTtlReadinessState('d.example.com'), 3600, T0);
    s = observeTtl(s, 300, at(60));
    const r = evaluateTtlReadiness(s, at(120), at(1800));
    assert.equal(r.status, 'waiting');
    assert.match(r.warnings[0], /before/);
  });

  it('tells when to check again when the cutover is more than a week away', () => {
    const s = observeTtl(newTtlReadinessState('d.example.com'), 300, T0);
    const r = evaluateTtlReadiness(s, T0, at(20 * DAY));
    assert.ok(r.messages.some((m) => m.includes('2026-05-14')));
  });

  it('reminds to raise the TTL again after the cutover, to the highest TTL seen', () => {
    const tracker = TtlReadiness.start('d.example.com');
    tracker.observe(14_400, T0);
    tracker.observe(300, at(10));
    tracker.cutoverDone(at(DAY));
    const r = tracker.evaluate(at(DAY + 60));
    assert.equal(r.status, 'raise-again');
    assert.match(r.messages[0], /back to about 14400 s/);
    assert.equal(markCutoverDone(tracker.state, at(5)).cutoverDoneAt, at(5).toISOString());
  });

  it('takes the authoritative TTL from a propagation report', () => {
    const s = observeReport(newTtlReadinessState('d.example.com'), { checkedAt: T0.toISOString(), authoritative: { ttl: 900 } as PropagationReport['authoritative'] });
    assert.deepEqual(s.firstSeen, { ttl: 900, at: T0.toISOString() });
    const unchanged = observeReport(s, { checkedAt: at(5).toISOString(), authoritative: {} as PropagationReport['authoritative'] });
    assert.equal(unchanged, s);
  });

  it('gives no TTL advice when the zone already has the CNAME to <domain>.cname.mendix.net (the move happens in Mendix\'s zone)', () => {
    const auth = (value: string) => ({ ttl: 86_400, value }) as PropagationReport['authoritative'];
    const expected = 'd.example.com.cname.mendix.net.';
    const stays = observeReport(newTtlReadinessState('d.example.com'), { checkedAt: T0.toISOString(), expected, authoritative: auth(`CNAME ${expected}`) });
    assert.equal(stays.recordStays, true);
    const r = evaluateTtlReadiness(stays, T0);
    assert.equal(r.status, 'ready');
    assert.match(r.messages[0], /nothing changes in your zone, so its TTL \(86400 s\) does not delay the move/);
    // A record that must change (a CNAME to the app URL) gets the advice.
    const changes = observeReport(newTtlReadinessState('d.example.com'), { checkedAt: T0.toISOString(), expected, authoritative: auth('CNAME myapp.mendixcloud.com.') });
    assert.equal(evaluateTtlReadiness(changes, T0).status, 'too-high');
  });
});
