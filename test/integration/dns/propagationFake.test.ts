import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { checkPropagation } from '../../../src/core/dns/propagation';
import { createLogger } from '../../../src/core/shared/logger';
import { MemoryLogSink } from '../../support/memoryLogSink';
import type { ResolverDescriptor } from '../../../src/core/dns/resolvers';
import { rr, startFakeDnsServer, type FakeDnsServer, type FakeHandler } from './fakeDnsServer';

const DOMAIN = 'app.example.test';
const EXPECTED = 'app.example.test.cname.mendix.net.';
const NOW = new Date('2026-03-01T12:00:00.000Z');

async function closedUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('checkPropagation', () => {
  const servers: FakeDnsServer[] = [];
  const start = async (h: FakeHandler) => {
    const s = await startFakeDnsServer(h);
    servers.push(s);
    return s;
  };
  const resolver = (name: string, s: FakeDnsServer | string): ResolverDescriptor => ({
    name,
    operator: 'test',
    location: 'loopback',
    addresses: [typeof s === 'string' ? s : s.address],
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('gives every status, groups the answers, and computes percentage and ETA from the longest old TTL', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    const list = [
      resolver('fresh', await start(() => ({ answers: [rr.cname(DOMAIN, EXPECTED, 250)] }))),
      resolver('old-cname', await start(() => ({ answers: [rr.cname(DOMAIN, 'app.old-host.example.net', 120)] }))),
      resolver('old-a', await start(() => ({ answers: [rr.a(DOMAIN, '192.0.2.1', 40)] }))),
      resolver('negative', await start(() => ({ rcode: 'NXDOMAIN', authorities: [rr.soa('example.test', 30, 60)] }))),
      resolver('broken', await start(() => ({ rcode: 'SERVFAIL' }))),
      resolver('silent', await start(() => ({ drop: true }))),
      resolver('gone', `127.0.0.1:${await closedUdpPort()}`),
      resolver('big', await start(() => ({ truncateUdp: true, answers: [rr.cname(DOMAIN, EXPECTED, 200)] }))),
      resolver('old-cname-2', await start(() => ({ answers: [rr.cname(DOMAIN, 'app.old-host.example.net', 90)] }))),
    ];
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: list, authoritative: [auth.address], timeoutMs: 200, now: () => NOW });

    const status = Object.fromEntries(report.results.map((r) => [r.name, r.status]));
    assert.deepEqual(status, {
      fresh: 'matches',
      'old-cname': 'old',
      'old-a': 'old',
      negative: 'nxdomain',
      broken: 'servfail',
      silent: 'timeout',
      gone: 'unreachable',
      big: 'matches',
      'old-cname-2': 'old',
    });
    assert.deepEqual(report.counts, { matches: 2, old: 3, nxdomain: 1, servfail: 1, timeout: 1, unreachable: 1 });
    // 2 matching of 7 that answered; timeouts and unreachable resolvers are left out.
    assert.equal(report.percentage, 28.6);
    assert.equal(report.complete, false);
    assert.equal(report.authoritative.status, 'matches');
    assert.equal(report.authoritative.ttl, 300);
    // The longest old cached answer (120 s) decides the ETA; the cached NXDOMAIN (30 s) is shorter.
    assert.equal(report.etaSeconds, 120);
    assert.equal(report.eta, '2026-03-01T12:02:00.000Z');
    const byName = Object.fromEntries(report.results.map((r) => [r.name, r]));
    assert.equal(byName['old-cname'].remainingTtl, 120);
    assert.equal(byName['old-cname'].expiresAt, '2026-03-01T12:02:00.000Z');
    assert.equal(byName.negative.remainingTtl, 30);
    assert.equal(byName.big.viaTcpFallback, true);
    assert.equal(byName.big.transport, 'tcp');
    assert.equal(byName['old-a'].value, 'A 192.0.2.1');
    assert.match(byName.gone.error ?? '', /refused/);
    assert.ok(byName.silent.latencyMs >= 190);

    assert.deepEqual(
      report.groups.map((g) => [g.status, g.value, g.resolvers]),
      [
        ['matches', `CNAME ${EXPECTED}`, ['fresh', 'big']],
        ['old', 'CNAME app.old-host.example.net.', ['old-cname', 'old-cname-2']],
        ['old', 'A 192.0.2.1', ['old-a']],
        ['nxdomain', '', ['negative']],
        ['servfail', '', ['broken']],
        ['timeout', '', ['silent']],
        ['unreachable', '', ['gone']],
      ],
    );
    assert.ok(report.warnings.some((w) => /2 resolver\(s\) did not answer/.test(w)));
  });

  it('is complete at 100 % with ETA now when every answering resolver matches', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    const list = [resolver('a', await start(() => ({ answers: [rr.cname(DOMAIN, EXPECTED, 10)] }))), resolver('b', await start(() => ({ answers: [rr.cname(DOMAIN, EXPECTED, 20)] })))];
    const sink = new MemoryLogSink();
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: list, authoritative: [auth.address], timeoutMs: 200, now: () => NOW, logger: createLogger(sink.sink) });
    assert.deepEqual(sink.lines, [{ level: 'info', message: `[dns] ${DOMAIN}. 100 % (2/2); authoritative matches; every answering resolver has the new value` }]);
    assert.equal(report.percentage, 100);
    assert.equal(report.complete, true);
    assert.equal(report.etaSeconds, 0);
    assert.equal(report.eta, NOW.toISOString());
  });

  it('follows CNAME chains: a chain that reaches the expected target matches', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, 'edge.example.test', 300)] }));
    const chain = [rr.cname(DOMAIN, 'edge.example.test', 100), rr.cname('edge.example.test', EXPECTED, 100), rr.a(EXPECTED, '192.0.2.80', 60)];
    const list = [resolver('chained', await start(() => ({ answers: chain })))];
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: list, authoritative: [auth.address], timeoutMs: 200, now: () => NOW });
    const r = report.results[0];
    assert.equal(r.status, 'matches');
    assert.equal(r.chainText, `CNAME edge.example.test. → CNAME ${EXPECTED} → A 192.0.2.80`);
    assert.equal(r.remainingTtl, 100);
    // The zone only knows its own CNAME; the rest of the chain came from the first resolver.
    assert.equal(report.authoritative.status, 'matches');
    assert.equal(report.authoritative.chainFollowedVia, 'chained');
    assert.equal(report.authoritative.ttl, 300);
  });

  it('without an expected value, the authoritative answer is the target', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.a(DOMAIN, '192.0.2.50', 60)] }));
    const list = [
      resolver('same', await start(() => ({ answers: [rr.a(DOMAIN, '192.0.2.50', 12)] }))),
      resolver('stale', await start(() => ({ answers: [rr.a(DOMAIN, '192.0.2.49', 45)] }))),
    ];
    const report = await checkPropagation({ domain: DOMAIN, resolvers: list, authoritative: [auth.address], timeoutMs: 200, now: () => NOW });
    assert.deepEqual(report.results.map((r) => r.status), ['matches', 'old']);
    assert.equal(report.percentage, 50);
    assert.equal(report.etaSeconds, 45);
  });

  it('gives no ETA while the authoritative servers still serve the old value', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, 'app.old-host.example.net', 3600)] }));
    const list = [resolver('r', await start(() => ({ answers: [rr.cname(DOMAIN, 'app.old-host.example.net', 3000)] })))];
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: list, authoritative: [auth.address], timeoutMs: 200, now: () => NOW });
    assert.equal(report.authoritative.status, 'old');
    assert.equal(report.eta, undefined);
    assert.match(report.etaNote, /change the record at your DNS provider/);
  });

  it('asks for the CNAME alone when a resolver fails on the far end of the chain', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    const s = await start((q) => (q.type === 'A' ? { rcode: 'SERVFAIL' } : { answers: [rr.cname(DOMAIN, EXPECTED, 77)] }));
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: [resolver('r', s)], authoritative: [auth.address], timeoutMs: 200, now: () => NOW });
    assert.equal(report.results[0].status, 'matches');
    assert.equal(report.results[0].remainingTtl, 77);
    assert.deepEqual(s.seen.map((q) => q.type), ['A', 'CNAME']);
  });

  it('asks for the CNAME alone when the full-chain question times out', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    // Chasing the far end never finishes in time, but the domain's own CNAME is in its cache.
    const s = await start((q) => (q.type === 'A' ? { drop: true } : { answers: [rr.cname(DOMAIN, EXPECTED, 77)] }));
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: [resolver('r', s)], authoritative: [auth.address], timeoutMs: 200, now: () => NOW });
    assert.equal(report.results[0].status, 'matches');
    assert.equal(report.results[0].value, `CNAME ${EXPECTED}`);
    assert.match(report.results[0].error ?? '', /answered the CNAME question/);
    assert.deepEqual(s.seen.map((q) => q.type), ['A', 'CNAME']);
  });

  it('discovers the zone and its name servers through a resolver, then asks them without recursion', async () => {
    const auth = await start((q) => (q.name === DOMAIN ? { authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] } : { rcode: 'REFUSED' }));
    const res = await start((q) => {
      if (q.type === 'NS' && q.name === 'example.test') {
        return { answers: [rr.ns('example.test', 'ns1.example.test')], additionals: [rr.a('ns1.example.test', '127.0.0.1')] };
      }
      if (q.type === 'NS') return { answers: [], authorities: [rr.soa('example.test')] };
      return { answers: [rr.cname(DOMAIN, EXPECTED, 150)] };
    });
    const report = await checkPropagation({
      domain: DOMAIN,
      expected: EXPECTED,
      resolvers: [resolver('r', res)],
      authoritative: 'discover',
      authoritativePort: auth.port,
      timeoutMs: 300,
      now: () => NOW,
    });
    assert.equal(report.authoritative.source, 'discovered');
    assert.equal(report.authoritative.zone, 'example.test.');
    assert.deepEqual(report.authoritative.servers.map((s) => s.server), [`127.0.0.1:${auth.port}`]);
    assert.equal(report.authoritative.status, 'matches');
    assert.equal(report.authoritative.isApex, false);
    assert.deepEqual(auth.seen.map((q) => [q.name, q.type, q.recursionDesired]), [[DOMAIN, 'A', false]]);
    assert.deepEqual(res.seen.filter((q) => q.type === 'NS').map((q) => q.name), ['app.example.test', 'example.test']);
    assert.equal(report.complete, true);
  });

  it('warns when the domain is the apex of its zone', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.a('example.test', '192.0.2.1', 300)] }));
    const res = await start((q) =>
      q.type === 'NS' ? { answers: [rr.ns('example.test', 'ns1.example.test')], additionals: [rr.a('ns1.example.test', '127.0.0.1')] } : { answers: [rr.a('example.test', '192.0.2.1', 10)] },
    );
    const report = await checkPropagation({ domain: 'example.test', resolvers: [resolver('r', res)], authoritative: 'discover', authoritativePort: auth.port, timeoutMs: 300, now: () => NOW });
    assert.equal(report.authoritative.isApex, true);
    assert.ok(report.warnings.some((w) => /apex/.test(w)));
  });

  it('runs resolvers in parallel: the wall time follows the slowest, not the sum', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    const list: ResolverDescriptor[] = [];
    for (let i = 0; i < 5; i++) list.push(resolver(`r${i}`, await start(() => ({ delayMs: 60, answers: [rr.cname(DOMAIN, EXPECTED, 10)] }))));
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: list, authoritative: [auth.address], timeoutMs: 1000 });
    assert.ok(report.wallMs < 200, `wall ${report.wallMs} ms for 5 × 60 ms`);
    assert.equal(report.complete, true);
  });

  it('tries a resolver\'s next address when the first is unreachable', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    const second = await start(() => ({ answers: [rr.cname(DOMAIN, EXPECTED, 60)] }));
    const r: ResolverDescriptor = { name: 'two', operator: 't', location: 'l', addresses: [`127.0.0.1:${await closedUdpPort()}`, second.address] };
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: [r], authoritative: [auth.address], timeoutMs: 500 });
    assert.equal(report.results[0].status, 'matches');
    assert.equal(report.results[0].endpoint, second.address);
  });

  it('keeps one query in flight per resolver while asking all resolvers at once', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    let inFlight = 0;
    let maxPerResolver = 0;
    let maxOverall = 0;
    const perServer = new Map<number, number>();
    const list: ResolverDescriptor[] = [];
    for (let i = 0; i < 4; i++) {
      const id = i;
      // SERVFAIL on A makes the checker ask a second question (CNAME) of the same resolver.
      list.push(
        resolver(
          `r${i}`,
          await start(async (q) => {
            const mine = (perServer.get(id) ?? 0) + 1;
            perServer.set(id, mine);
            inFlight++;
            maxPerResolver = Math.max(maxPerResolver, mine);
            maxOverall = Math.max(maxOverall, inFlight);
            await new Promise((r) => setTimeout(r, 30));
            inFlight--;
            perServer.set(id, (perServer.get(id) ?? 1) - 1);
            return q.type === 'A' ? { rcode: 'SERVFAIL' } : { answers: [rr.cname(DOMAIN, EXPECTED, 60)] };
          }),
        ),
      );
    }
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: list, authoritative: [auth.address], timeoutMs: 1000 });
    assert.equal(report.complete, true);
    assert.equal(maxPerResolver, 1);
    assert.equal(maxOverall, 4);
  });

  it('looks up name-server addresses when the NS answer carries no glue', async () => {
    const auth = await start(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    const res = await start((q) => {
      if (q.type === 'NS' && q.name === 'example.test') return { answers: [rr.ns('example.test', 'ns.dns-host.example')] };
      if (q.type === 'NS') return {};
      if (q.name === 'ns.dns-host.example') return q.type === 'A' ? { answers: [rr.a('ns.dns-host.example', '127.0.0.1')] } : {};
      return { answers: [rr.cname(DOMAIN, EXPECTED, 100)] };
    });
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: [resolver('r', res)], authoritative: 'discover', authoritativePort: auth.port, timeoutMs: 300 });
    assert.deepEqual(report.authoritative.servers.map((s) => s.server), [`127.0.0.1:${auth.port}`]);
    assert.ok(res.seen.some((q) => q.name === 'ns.dns-host.example' && q.type === 'A'));
    assert.equal(report.complete, true);
  });

  it('still judges resolvers against the expected value when the authoritative answer is unavailable', async () => {
    const res = await start((q) => (q.type === 'NS' ? { rcode: 'SERVFAIL' } : { answers: [rr.cname(DOMAIN, 'old.example.net', 33)] }));
    const report = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers: [resolver('r', res)], authoritative: 'discover', timeoutMs: 300, now: () => NOW });
    assert.equal(report.authoritative.status, 'unknown');
    assert.match(report.authoritative.error ?? '', /could not find the name servers/);
    assert.ok(report.warnings.some((w) => /authoritative answer unavailable/.test(w)));
    assert.equal(report.results[0].status, 'old');
    assert.equal(report.etaSeconds, 33);
  });
});
