import { strict as assert } from 'node:assert';
import { createSocket } from 'node:dgram';
import { queryEndpoint, DnsQueryError } from '../../../src/core/dns/wire';
import { answersOf } from '../../../src/core/dns/records';
import * as dnsPacket from 'dns-packet';
import { encodeReply, rr, startFakeDnsServer, type FakeDnsServer } from './fakeDnsServer';

const Q = { name: 'app.example.test.', type: 'A' as const, recursionDesired: true };

describe('dns wire: UDP, EDNS0, TCP fallback', () => {
  let server: FakeDnsServer;
  afterEach(async () => {
    await server?.close();
  });

  it('asks over UDP with an EDNS0 OPT record and the RD bit, and decodes the answer', async () => {
    server = await startFakeDnsServer(() => ({ answers: [rr.cname('app.example.test', 'app.example.test.cname.mendix.net', 120)] }));
    const r = await queryEndpoint({ host: server.host, port: server.port }, Q, { timeoutMs: 1000 });
    assert.equal(r.transport, 'udp');
    assert.equal(r.viaTcpFallback, false);
    assert.equal(r.rcode, 'NOERROR');
    assert.deepEqual(answersOf(r.packet), [{ name: 'app.example.test.', type: 'CNAME', ttl: 120, data: 'app.example.test.cname.mendix.net.' }]);
    assert.equal(server.seen.length, 1);
    assert.deepEqual({ ...server.seen[0], id: 0 }, { name: 'app.example.test', type: 'A', transport: 'udp', recursionDesired: true, hasOpt: true, id: 0 });
  });

  it('repeats a truncated UDP answer over TCP and returns the TCP answer', async () => {
    server = await startFakeDnsServer(() => ({ truncateUdp: true, answers: [rr.a('app.example.test', '192.0.2.7', 60)] }));
    const r = await queryEndpoint({ host: server.host, port: server.port }, Q, { timeoutMs: 1000 });
    assert.equal(r.transport, 'tcp');
    assert.equal(r.viaTcpFallback, true);
    assert.deepEqual(answersOf(r.packet).map((a) => a.data), ['192.0.2.7']);
    assert.deepEqual(server.seen.map((s) => s.transport), ['udp', 'tcp']);
  });

  it('reports a timeout when the server never answers', async () => {
    server = await startFakeDnsServer(() => ({ drop: true }));
    const started = Date.now();
    await assert.rejects(queryEndpoint({ host: server.host, port: server.port }, Q, { timeoutMs: 150 }), (e: unknown) => e instanceof DnsQueryError && e.kind === 'timeout');
    assert.ok(Date.now() - started < 1000);
  });

  it('reports unreachable (ICMP port unreachable → ECONNREFUSED) for a closed UDP port, well before the timeout', async () => {
    server = await startFakeDnsServer(() => ({}));
    // Take a free port, then free it: nothing listens there afterwards.
    const probe = createSocket('udp4');
    await new Promise<void>((r) => probe.bind(0, '127.0.0.1', () => r()));
    const port = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    const started = Date.now();
    await assert.rejects(queryEndpoint({ host: '127.0.0.1', port }, Q, { timeoutMs: 2000 }), (e: unknown) => e instanceof DnsQueryError && e.kind === 'unreachable' && /refused/.test(e.message));
    assert.ok(Date.now() - started < 1000, 'refused must not wait for the timeout');
  });

  it('ignores an answer with the wrong id and keeps waiting for the real one', async () => {
    server = await startFakeDnsServer(() => ({}));
    // A raw server that first sends a forged reply (wrong id), then the real one.
    const raw = createSocket('udp4');
    await new Promise<void>((r) => raw.bind(0, '127.0.0.1', () => r()));
    raw.on('message', (msg, from) => {
      const query = dnsPacket.decode(msg);
      const forged = encodeReply({ ...query, id: ((query.id ?? 0) + 1) & 0xffff }, { answers: [rr.a('app.example.test', '203.0.113.66')] }, false);
      const real = encodeReply(query, { answers: [rr.a('app.example.test', '192.0.2.9')] }, false);
      raw.send(forged, from.port, from.address, () => raw.send(real, from.port, from.address));
    });
    try {
      const r = await queryEndpoint({ host: '127.0.0.1', port: raw.address().port }, Q, { timeoutMs: 1000 });
      assert.deepEqual(answersOf(r.packet).map((a) => a.data), ['192.0.2.9']);
    } finally {
      await new Promise<void>((r) => raw.close(() => r()));
    }
  });

  it('stops at once when aborted', async () => {
    server = await startFakeDnsServer(() => ({ drop: true }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    await assert.rejects(queryEndpoint({ host: server.host, port: server.port }, Q, { timeoutMs: 5000, signal: ac.signal }), (e: unknown) => e instanceof DnsQueryError && e.kind === 'aborted');
  });
});
