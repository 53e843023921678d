/**
 * Real propagation on loopback: nsd serves example.test, three unbound resolvers cache its CNAME
 * (TTL 8 s) from different moments. After the record changes, each resolver must keep the old answer
 * until its own cached TTL runs out, and the ETA computed right after the change must match the
 * moment the last one actually flips.
 */
import { strict as assert } from 'node:assert';
import { checkCaa } from '../../../src/core/dns/caa';
import { checkPropagation, type PropagationReport } from '../../../src/core/dns/propagation';
import type { ResolverDescriptor } from '../../../src/core/dns/resolvers';
import { watchPropagation } from '../../../src/core/dns/watch';
import { DnsLab, type LabRecord } from './dnsLab';
import { followFlips, labResolvers } from './flips';

const ZONE = 'example.test';
const DOMAIN = `app.${ZONE}.`;
const TTL = 8;
const OLD = `old.${ZONE}.`;
const NEW = `new.${ZONE}.`;
const PRIME_GAP_MS = 2500;

const records = (target: string): LabRecord[] => [
  { owner: 'app', type: 'CNAME', ttl: TTL, data: target },
  { owner: 'old', type: 'A', ttl: TTL, data: '192.0.2.1' },
  { owner: 'new', type: 'A', ttl: TTL, data: '192.0.2.2' },
  { owner: '@', type: 'CAA', ttl: 3600, data: '0 issue "letsencrypt.org"' },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('DNS propagation against nsd + unbound on loopback', function () {
  this.timeout(60_000);
  // Three resolvers watch the change; a fourth serves the other tests so their queries do not prime the three.
  const lab = new DnsLab(ZONE, 4);
  let resolvers: ResolverDescriptor[];
  let spare: ResolverDescriptor[];

  before(async () => {
    await lab.start(records(OLD));
    const all = labResolvers(lab);
    resolvers = all.slice(0, 3);
    spare = all.slice(3);
  });

  after(async () => {
    await lab.stop();
  });

  it('finds the zone through a resolver and asks nsd directly', async () => {
    const r = await checkPropagation({ domain: DOMAIN, expected: OLD, resolvers: spare, authoritative: 'discover', authoritativePort: lab.authPort, timeoutMs: 1000 });
    assert.equal(r.authoritative.zone, `${ZONE}.`);
    assert.deepEqual(r.authoritative.servers.map((s) => [s.server, s.authoritativeFlag]), [[lab.authAddress, true]]);
    assert.equal(r.authoritative.value, `CNAME ${OLD}`);
    assert.equal(r.authoritative.ttl, TTL);
  });

  it('reports NXDOMAIN from a real resolver with its negative-caching TTL', async () => {
    const r = await checkPropagation({ domain: `missing.${ZONE}`, expected: NEW, resolvers: spare, authoritative: [lab.authAddress], timeoutMs: 1000 });
    assert.equal(r.results[0].status, 'nxdomain');
    assert.equal(r.authoritative.status, 'nxdomain');
    assert.ok((r.results[0].remainingTtl ?? 99) <= 5, 'SOA minimum is 5 s');
  });

  it('finds the zone\'s CAA record through a real resolver and names the allowed CA', async () => {
    const r = await checkCaa(DOMAIN, { resolvers: spare, timeoutMs: 1000, issuers: ['letsencrypt.org', 'digicert.com'] });
    assert.equal(r.foundAt, `${ZONE}.`);
    assert.deepEqual(r.allowedIssuers, ['letsencrypt.org']);
    assert.deepEqual(r.verdicts.map((v) => v.allowed), [true, false]);
    assert.equal(r.blocked, false);
  });

  it('keeps old answers until each cached TTL runs out; the ETA matches the last actual flip', async () => {
    // Prime each resolver at a different moment, so each holds a different remaining TTL.
    for (let i = 0; i < resolvers.length; i++) {
      if (i > 0) await sleep(PRIME_GAP_MS);
      const primed = await checkPropagation({ domain: DOMAIN, expected: OLD, resolvers: [resolvers[i]], authoritative: [lab.authAddress], timeoutMs: 1000 });
      assert.equal(primed.results[0].status, 'matches', `unbound-${i} primed with the old CNAME`);
    }

    lab.changeRecords(records(NEW));
    // nsd reloads on SIGHUP; wait until it serves the new CNAME.
    let first: PropagationReport | undefined;
    for (let i = 0; i < 40; i++) {
      first = await checkPropagation({ domain: DOMAIN, expected: NEW, resolvers, authoritative: 'discover', authoritativePort: lab.authPort, timeoutMs: 1000 });
      if (first.authoritative.status === 'matches') break;
      await sleep(50);
    }
    assert.ok(first);
    assert.equal(first.authoritative.status, 'matches', 'nsd serves the new record');
    assert.deepEqual(first.results.map((r) => r.status), ['old', 'old', 'old']);
    const remaining = first.results.map((r) => r.remainingTtl ?? -1);
    assert.ok(remaining[0] < remaining[1] && remaining[1] < remaining[2], `primed in order: ${remaining.join(', ')}`);
    assert.equal(first.percentage, 0);
    assert.ok(first.eta !== undefined && first.etaSeconds === remaining[2]);

    await followFlips(
      first,
      resolvers,
      watchPropagation({ domain: DOMAIN, expected: NEW, resolvers, authoritative: [lab.authAddress], timeoutMs: 1000, minIntervalMs: 250, maxIntervalMs: 500 }),
    );
  });
});
