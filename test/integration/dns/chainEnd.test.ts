/**
 * Custom domains as they really work (mendix-api §14.13), against real nsd + unbound on loopback.
 * The lab serves three zones: the customer's (example.test), Mendix's (cname.mendix.net) and the
 * environments' (mendixcloud.com). The customer's CNAME to `<domain>.cname.mendix.net` never changes;
 * the move happens when Mendix's record goes from the source region's addresses to the target's, and
 * each resolver flips when its cached copy of *that* record expires.
 */
import { strict as assert } from 'node:assert';
import { createSocket, type Socket } from 'node:dgram';
import { checkPropagation, type PropagationReport } from '../../../src/core/dns/propagation';
import { dnsDomainCheck } from '../../../src/core/migration/domainCheck';
import type { ResolverDescriptor } from '../../../src/core/dns/resolvers';
import { watchPropagation } from '../../../src/core/dns/watch';
import { DnsLab, type LabRecord } from './dnsLab';
import { followFlips, labResolvers } from './flips';

const CUSTOMER = 'example.test';
const MENDIX = 'cname.mendix.net';
const CLOUD = 'mendixcloud.com';
const ZONES = [CUSTOMER, MENDIX, CLOUD];

const DOMAIN = `app.${CUSTOMER}.`;
const MENDIX_NAME = `app.${CUSTOMER}.${MENDIX}.`;
const SOURCE_HOST = `myapp-source.eu-central.${CLOUD}.`;
const TARGET_HOST = `myapp.us-east.${CLOUD}.`;
const SOURCE_ADDRESSES = ['192.0.2.10', '192.0.2.11'];
const TARGET_ADDRESSES = ['198.51.100.20', '198.51.100.21'];
/** The customer's TTL is long; Mendix's record is short. The flip must follow Mendix's. */
const CUSTOMER_TTL = 600;
const MENDIX_TTL = 8;
const PRIME_GAP_MS = 2500;

const environments: LabRecord[] = [
  ...SOURCE_ADDRESSES.map((a): LabRecord => ({ zone: CLOUD, owner: 'myapp-source.eu-central', type: 'A', ttl: 300, data: a })),
  ...TARGET_ADDRESSES.map((a): LabRecord => ({ zone: CLOUD, owner: 'myapp.us-east', type: 'A', ttl: 300, data: a })),
  { zone: CLOUD, owner: 'legacyapp', type: 'A', ttl: 300, data: SOURCE_ADDRESSES[0] },
];

/** Mendix's record for a bound domain: the addresses of the environment it is bound to. */
const mendixRecord = (name: string, addresses: string[], ttl = MENDIX_TTL): LabRecord[] => addresses.map((a) => ({ zone: MENDIX, owner: `${name}.${CUSTOMER}`, type: 'A', ttl, data: a }));

const labRecords = (appAt: string[], extra: LabRecord[] = []): LabRecord[] => [
  { owner: 'app', type: 'CNAME', ttl: CUSTOMER_TTL, data: MENDIX_NAME },
  ...mendixRecord('app', appAt),
  ...environments,
  ...extra,
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('custom domain moved inside cname.mendix.net (nsd + unbound)', function () {
  this.timeout(90_000);
  // Three resolvers watch the move; a fourth serves the other tests so their queries do not prime the three.
  const lab = new DnsLab(ZONES, 4);
  let resolvers: ResolverDescriptor[];
  let spare: ResolverDescriptor[];

  before(async () => {
    await lab.start(labRecords(SOURCE_ADDRESSES));
    const all = labResolvers(lab);
    resolvers = all.slice(0, 3);
    spare = all.slice(3);
  });

  after(async () => {
    await lab.stop();
  });

  it('names the zone the domain lives in, not the zone its CNAME leads to', async () => {
    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX_NAME, resolvers: spare, authoritative: [lab.authAddress], timeoutMs: 1000 });
    assert.equal(r.authoritative.zone, `${CUSTOMER}.`);
    assert.equal(r.authoritative.value, `CNAME ${MENDIX_NAME}`);
  });

  it('a CNAME-only check calls an unmoved domain 100 %; the chain-end check sees it still ends at the source', async () => {
    const cnameOnly = await checkPropagation({ domain: DOMAIN, expected: MENDIX_NAME, resolvers: spare, authoritative: [lab.authAddress], timeoutMs: 1000 });
    assert.equal(cnameOnly.percentage, 100, 'the first CNAME alone proves nothing');

    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX_NAME, targetHost: TARGET_HOST, resolvers: spare, authoritative: 'discover', authoritativePort: lab.authPort, timeoutMs: 1000 });
    assert.ok(r.target);
    assert.deepEqual(r.target.addresses, TARGET_ADDRESSES);
    assert.deepEqual(r.target.chainEnd, SOURCE_ADDRESSES);
    assert.equal(r.target.cnameOk, true);
    assert.equal(r.target.endOk, false);
    assert.equal(r.authoritative.status, 'old');
    assert.equal(r.results[0].status, 'old');
    assert.deepEqual(r.results[0].end, SOURCE_ADDRESSES);
    assert.deepEqual(r.results[0].targetAddresses, TARGET_ADDRESSES);
    assert.equal(r.percentage, 0);
    assert.equal(r.complete, false);
    assert.equal(r.eta, undefined);
    assert.match(r.etaNote, /Mendix's record still ends at 192\.0\.2\.10, 192\.0\.2\.11.*bind the domain to the target environment/);
    // The engine's check: the CNAME is right (nothing to change in the customer's zone), the end is not.
    const engine = await dnsDomainCheck({ resolvers: spare, authoritative: [lab.authAddress], timeoutMs: 1000, checkCertificate: false })(DOMAIN, { host: TARGET_HOST });
    assert.equal(engine.cnameOk, true);
    assert.equal(engine.chainEndOk, false);
    assert.match(engine.detail, /nothing changes in your zone.*not at the target/);
    // The chain came from the zones' own servers (nsd follows the CNAME into Mendix's zone, which it also serves).
    assert.equal(r.target.sources[0], `${CUSTOMER}. @ ${lab.authAddress}`);
  });

  it('with the CNAME unchanged, reports the old share, each flip and the ETA from Mendix\'s record', async () => {
    // Prime each resolver at a different moment, so each holds a different remaining TTL of Mendix's record.
    for (let i = 0; i < resolvers.length; i++) {
      if (i > 0) await sleep(PRIME_GAP_MS);
      const primed = await checkPropagation({ domain: DOMAIN, targetHost: SOURCE_HOST, resolvers: [resolvers[i]], authoritative: [lab.authAddress], timeoutMs: 1000 });
      assert.equal(primed.results[0].status, 'matches', `unbound-${i} primed with the source's addresses`);
    }

    // The person binds the domain to the target: only Mendix's record changes.
    lab.changeRecords(labRecords(TARGET_ADDRESSES));
    let first: PropagationReport | undefined;
    for (let i = 0; i < 40; i++) {
      first = await checkPropagation({ domain: DOMAIN, expected: MENDIX_NAME, targetHost: TARGET_HOST, resolvers, authoritative: [lab.authAddress], timeoutMs: 1000 });
      if (first.authoritative.status === 'matches') break;
      await sleep(50);
    }
    assert.ok(first?.target);
    assert.equal(first.authoritative.status, 'matches', 'nsd serves the target addresses');
    assert.equal(first.authoritative.value, `CNAME ${MENDIX_NAME}`, 'the customer record is unchanged');
    // The old share: every resolver still ends at the source.
    assert.deepEqual(first.results.map((r) => r.status), ['old', 'old', 'old']);
    assert.equal(first.counts.old, 3);
    assert.equal(first.percentage, 0);
    for (const r of first.results) {
      assert.deepEqual(r.end, SOURCE_ADDRESSES);
      assert.equal(r.value, `CNAME ${MENDIX_NAME}`, 'each resolver holds the same CNAME');
    }
    // The remaining TTL is Mendix's record (≤ 8 s), not the customer's CNAME (600 s).
    const remaining = first.results.map((r) => r.remainingTtl ?? -1);
    assert.ok(remaining.every((t) => t >= 0 && t <= MENDIX_TTL), `remaining ${remaining.join(', ')}`);
    assert.ok(remaining[0] < remaining[1] && remaining[1] < remaining[2], `primed in order: ${remaining.join(', ')}`);
    assert.ok(first.eta !== undefined && first.etaSeconds === remaining[2]);

    const { reports } = await followFlips(
      first,
      resolvers,
      watchPropagation({ domain: DOMAIN, expected: MENDIX_NAME, targetHost: TARGET_HOST, resolvers, authoritative: [lab.authAddress], timeoutMs: 1000, minIntervalMs: 250, maxIntervalMs: 500 }),
      (report, newly) => {
        for (const r of report.results) if (newly.includes(r.name)) assert.deepEqual(r.end, TARGET_ADDRESSES, `${r.name} flipped to the target's addresses`);
      },
    );
    // Between the first and the last flip the share was reported in steps.
    const shares = [...new Set(reports.map((r) => r.percentage))];
    assert.ok(shares.includes(33.3) && shares.includes(66.7), `shares seen: ${shares.join(', ')}`);
    const engine = await dnsDomainCheck({ resolvers, authoritative: [lab.authAddress], timeoutMs: 1000, checkCertificate: false })(DOMAIN, { host: TARGET_HOST });
    assert.equal(engine.chainEndOk, true, engine.detail);
    assert.equal(engine.propagatedPercent, 100);
  });

  it('when the CNAME must change (a v3 app), judges both the CNAME and where it ends', async () => {
    const legacy = `legacy.${CUSTOMER}.`;
    const legacyMendix = `legacy.${CUSTOMER}.${MENDIX}.`;
    // Before: the customer's CNAME points at the v3 app URL.
    lab.changeRecords(labRecords(TARGET_ADDRESSES, [{ owner: 'legacy', type: 'CNAME', ttl: MENDIX_TTL, data: `legacyapp.${CLOUD}.` }]));
    await sleep(1500);
    const before = await checkPropagation({ domain: legacy, expected: legacyMendix, targetHost: TARGET_HOST, resolvers: spare, authoritative: [lab.authAddress], timeoutMs: 1000 });
    assert.equal(before.target?.cnameOk, false);
    assert.equal(before.authoritative.status, 'old');
    assert.match(before.etaNote, /change the record at your DNS provider/);

    // The customer changes the CNAME, but the domain is not bound to the target yet: Mendix's record ends at the source.
    lab.changeRecords(labRecords(TARGET_ADDRESSES, [{ owner: 'legacy', type: 'CNAME', ttl: MENDIX_TTL, data: legacyMendix }, ...mendixRecord('legacy', SOURCE_ADDRESSES)]));
    await sleep(1500);
    const halfway = await checkPropagation({ domain: legacy, expected: legacyMendix, targetHost: TARGET_HOST, resolvers: spare, authoritative: [lab.authAddress], timeoutMs: 1000 });
    assert.equal(halfway.target?.cnameOk, true);
    assert.equal(halfway.target?.endOk, false);
    assert.equal(halfway.authoritative.status, 'old');
    assert.match(halfway.etaNote, /bind the domain to the target environment/);
    // The spare resolver still holds the v3 CNAME; its old answer changes when that CNAME expires.
    assert.equal(halfway.results[0].status, 'old');
    assert.equal(halfway.results[0].value, `CNAME legacyapp.${CLOUD}.`);
    assert.ok((halfway.results[0].remainingTtl ?? 99) <= MENDIX_TTL);

    // Bound: both the CNAME and the end are right at the zones; the resolver flips when its cache expires.
    lab.changeRecords(labRecords(TARGET_ADDRESSES, [{ owner: 'legacy', type: 'CNAME', ttl: MENDIX_TTL, data: legacyMendix }, ...mendixRecord('legacy', TARGET_ADDRESSES)]));
    let done: PropagationReport | undefined;
    for (let i = 0; i < 40 && done?.complete !== true; i++) {
      await sleep(500);
      done = await checkPropagation({ domain: legacy, expected: legacyMendix, targetHost: TARGET_HOST, resolvers: spare, authoritative: [lab.authAddress], timeoutMs: 1000 });
    }
    assert.equal(done?.complete, true);
    assert.deepEqual(done.results[0].end, TARGET_ADDRESSES);
    assert.equal(done.results[0].value, `CNAME ${legacyMendix}`);
  });
});

describe('a resolver that cannot reach the end of the chain (nsd + unbound)', function () {
  this.timeout(60_000);
  const lab = new DnsLab(ZONES, 1);
  let blackhole: Socket;
  let resolver: ResolverDescriptor;

  before(async () => {
    // Mendix's zone is served by a socket that never answers: the resolver chases it until our query times out.
    blackhole = createSocket('udp4');
    await new Promise<void>((r) => blackhole.bind(0, '127.0.0.1', () => r()));
    await lab.start(labRecords(TARGET_ADDRESSES), { stubOverride: { [MENDIX]: `127.0.0.1@${blackhole.address().port}` } });
    resolver = { name: 'unbound-0', operator: 'test', location: lab.resolverHosts[0], addresses: [lab.resolverAddress(0)] };
  });

  after(async () => {
    await lab.stop();
    blackhole.close();
  });

  it('asks for the CNAME when the A query times out, and shows what the resolver holds', async () => {
    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX_NAME, resolvers: [resolver], authoritative: [lab.authAddress], timeoutMs: 800 });
    assert.equal(r.results[0].status, 'matches', r.results[0].error);
    assert.equal(r.results[0].value, `CNAME ${MENDIX_NAME}`);
    assert.match(r.results[0].error ?? '', /answered the CNAME question/);
    assert.ok((r.results[0].remainingTtl ?? 0) > MENDIX_TTL, 'the TTL is the customer record\'s');

    // Where the chain ends cannot be judged from a CNAME: still a timeout, but the held CNAME is shown.
    const end = await checkPropagation({ domain: DOMAIN, expected: MENDIX_NAME, targetHost: TARGET_HOST, resolvers: [resolver], authoritative: [lab.authAddress], timeoutMs: 800 });
    assert.equal(end.results[0].status, 'timeout');
    assert.equal(end.results[0].value, `CNAME ${MENDIX_NAME}`);
    assert.ok(end.warnings.some((w) => w.includes(`holds CNAME ${MENDIX_NAME}`)), end.warnings.join('; '));
  });
});
