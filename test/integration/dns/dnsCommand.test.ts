import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { main } from '../../../src/cli/main';
import type { TlsReport } from '../../../src/core/tls/tlsCheck';
import { sharedTestPki } from '../tls/certFactory';
import type { CliIo } from '../../../src/cli/command';
import type { PropagationReport } from '../../../src/core/dns/propagation';
import { rr, startFakeDnsServer, type FakeDnsServer } from './fakeDnsServer';

const DOMAIN = 'app.example.test';
const EXPECTED = 'app.example.test.cname.mendix.net.';

function capture(signal = new AbortController().signal): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), signal };
}

describe('mendix-migrate dns', () => {
  let auth: FakeDnsServer;
  let fresh: FakeDnsServer;
  let stale: FakeDnsServer;
  before(async () => {
    auth = await startFakeDnsServer(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    fresh = await startFakeDnsServer(() => ({ answers: [rr.cname(DOMAIN, EXPECTED, 280)] }));
    stale = await startFakeDnsServer(() => ({ answers: [rr.cname(DOMAIN, 'old.example.net', 90)] }));
  });
  after(async () => {
    await Promise.all([auth, fresh, stale].map((s) => s.close()));
  });

  it('exits 0 and prints JSON when every resolver has the Mendix target (the default expectation)', async () => {
    const io = capture();
    const code = await main(['dns', DOMAIN, '--resolver', fresh.address, '--authoritative', auth.address, '--json'], io);
    assert.equal(code, 0, io.stderr.join('\n'));
    const report = JSON.parse(io.stdout[0]) as PropagationReport;
    assert.equal(report.expected, EXPECTED);
    assert.equal(report.complete, true);
    assert.equal(report.results[0].name, fresh.address);
  });

  it('exits 1 and prints a table with the ETA while a resolver still has the old answer', async () => {
    const io = capture();
    const code = await main(['dns', DOMAIN, '--resolver', fresh.address, '--resolver', stale.address, '--authoritative', auth.address], io);
    assert.equal(code, 1);
    const text = io.stdout.join('\n');
    assert.match(text, /RESOLVER\s+LOCATION\s+STATUS\s+TTL\s+LATENCY\s+ANSWER/);
    assert.match(text, /✓ matches/);
    assert.match(text, /… old\s+90/);
    assert.match(text, /Propagation: 50 % \(1\/2 answering resolvers\)/);
    assert.match(text, /ETA: .* \(in 1 min 30 s\)/);
  });

  it('honours --expect', async () => {
    const io = capture();
    const code = await main(['dns', DOMAIN, '--expect', 'old.example.net', '--resolver', stale.address, '--authoritative', auth.address, '--json'], io);
    const report = JSON.parse(io.stdout[0]) as PropagationReport;
    assert.equal(report.results[0].status, 'matches');
    assert.equal(report.authoritative.status, 'old');
    assert.equal(code, 1);
  });

  it('with --target judges where the chain ends and prints it', async () => {
    const target = 'myapp.mendixcloud.test';
    // One server plays every zone (authoritative) and a second the resolver that still ends at the source.
    const zones = await startFakeDnsServer((q) => {
      if (q.name === DOMAIN) return { authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300), rr.a(EXPECTED, '198.51.100.20', 60)] };
      if (q.name === target) return { authoritative: true, answers: [rr.a(target, '198.51.100.20', 300)] };
      if (q.name === 'example.test' && q.type === 'SOA') return { authoritative: true, answers: [rr.soa('example.test')] };
      return { rcode: 'REFUSED' };
    });
    const behind = await startFakeDnsServer((q) =>
      q.name === DOMAIN ? { answers: [rr.cname(DOMAIN, EXPECTED, 280), rr.a(EXPECTED, '192.0.2.10', 25)] } : { answers: [rr.a(target, '198.51.100.20', 300)] },
    );
    try {
      const io = capture();
      const code = await main(['dns', DOMAIN, '--target', `https://${target}/`, '--resolver', behind.address, '--authoritative', zones.address], io);
      assert.equal(code, 1);
      const text = io.stdout.join('\n');
      assert.match(text, /^Authoritative for example\.test\. /m);
      assert.match(text, /Chain end \[example\.test\. @ [^\]]+\]: 198\.51\.100\.20 {2}✓ at the target myapp\.mendixcloud\.test\. \(198\.51\.100\.20\)/);
      assert.match(text, /… old\s+25\s.*→ A 192\.0\.2\.10/);
      const bad = capture();
      assert.equal(await main(['dns', DOMAIN, '--target', 'not a host'], bad), 2);
      assert.match(bad.stderr.join('\n'), /--target needs the target environment's host name/);
    } finally {
      await Promise.all([zones.close(), behind.close()]);
    }
  });

  it('watches until complete with --watch', async () => {
    let n = 0;
    const flipping = await startFakeDnsServer(() => (++n >= 2 ? { answers: [rr.cname(DOMAIN, EXPECTED, 300)] } : { answers: [rr.cname(DOMAIN, 'old.example.net', 0)] }));
    try {
      const io = capture();
      const code = await main(['dns', DOMAIN, '--resolver', flipping.address, '--authoritative', auth.address, '--watch', '--interval', '10', '--json'], io);
      assert.equal(code, 0);
      assert.deepEqual(io.stdout.map((l) => (JSON.parse(l) as PropagationReport).percentage), [0, 100]);
    } finally {
      await flipping.close();
    }
  });

  it('exits 2 with a clear message on bad input', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['dns'], /Give the custom domain/],
      [['dns', 'example.com'], /apex/],
      [['dns', 'https://app.example.com/'], /looks like a URL/],
      [['dns', '192.0.2.1'], /IP address/],
      [['dns', DOMAIN, '--resolver', 'dns.google'], /not a resolver address/],
      [['dns', DOMAIN, '--timeout', 'soon'], /--timeout needs a whole number from 1 to 60000/],
      [['dns', DOMAIN, '--timeout', String(2 ** 31)], /--timeout needs a whole number from 1 to 60000/],
      [['dns', DOMAIN, '--watch', '--interval', String(2 ** 31)], /--interval needs a whole number from 1 to 3600000/],
      [['dns', DOMAIN, '--bogus'], /Unknown option/],
      [['nope'], /Unknown command "nope"/],
    ];
    for (const [args, message] of cases) {
      const io = capture();
      assert.equal(await main(args, io), 2, args.join(' '));
      assert.match(io.stderr.join('\n') || io.stdout.join('\n'), message, args.join(' '));
    }
  });

  it('prints the command list and per-command help', async () => {
    const io = capture();
    assert.equal(await main(['--help'], io), 0);
    assert.match(io.stdout[0], /dns\s+Check DNS propagation/);
    const help = capture();
    assert.equal(await main(['dns', '--help'], help), 0);
    assert.match(help.stdout[0], /Exit codes: 0 fully propagated, 1 not yet, 2 bad input/);
  });

  it('checks TLS of the new endpoint with SNI = the domain (--tls --connect --ca), and fails the exit code on a bad certificate', async function () {
    this.timeout(10_000);
    const pki = sharedTestPki();
    const serve = async (key: string, cert: string) => {
      const server = createTlsServer({ key, cert }, (sock) => sock.end());
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      return { server, port: (server.address() as AddressInfo).port };
    };
    const good = await serve(pki.valid.key, pki.valid.cert + pki.intermediateCert);
    const expired = await serve(pki.expired.key, pki.expired.cert + pki.intermediateCert);
    try {
      const args = (port: number) => ['dns', DOMAIN, '--resolver', fresh.address, '--authoritative', auth.address, '--tls', '--connect', `127.0.0.1:${port}`, '--ca', join(pki.dir, 'root.pem'), '--json'];
      const ok = capture();
      assert.equal(await main(args(good.port), ok), 0, ok.stdout.join('\n'));
      const tls = (JSON.parse(ok.stdout[0]) as { tls: TlsReport }).tls;
      assert.equal(tls.ok, true);
      assert.equal(tls.servername, DOMAIN);
      const bad = capture();
      assert.equal(await main(args(expired.port), bad), 1);
      assert.equal((JSON.parse(bad.stdout[0]) as { tls: TlsReport }).tls.expired, true);
      const text = capture();
      await main(args(expired.port).filter((a) => a !== '--json'), text);
      assert.match(text.stdout[0], /✗ The certificate expired on 2020-04-01/);
    } finally {
      for (const s of [good.server, expired.server]) await new Promise<void>((r) => s.close(() => r()));
    }
  });
});
