import { strict as assert } from 'node:assert';
import { isIP } from 'node:net';
import { DEFAULT_PUBLIC_RESOLVERS, formatEndpoint, mergeResolvers, parseEndpoint, resolverFromAddress, type ResolverDescriptor } from '../../../src/core/dns/resolvers';

describe('resolver descriptors', () => {
  it('ships about 20 distinct public resolvers with valid addresses and https DoH URLs', () => {
    assert.ok(DEFAULT_PUBLIC_RESOLVERS.length >= 18 && DEFAULT_PUBLIC_RESOLVERS.length <= 25);
    assert.equal(new Set(DEFAULT_PUBLIC_RESOLVERS.map((r) => r.name)).size, DEFAULT_PUBLIC_RESOLVERS.length);
    for (const r of DEFAULT_PUBLIC_RESOLVERS) {
      assert.ok(r.addresses.length > 0, r.name);
      assert.equal(isIP(r.addresses[0]), 4, `${r.name}: IPv4 first so the common case needs no IPv6`);
      for (const a of r.addresses) assert.doesNotThrow(() => parseEndpoint(a), a);
      if (r.doh) assert.ok(r.doh.startsWith('https://'), r.name);
    }
  });

  it('parses ip, ip:port and [ipv6]:port, and refuses host names', () => {
    assert.deepEqual(parseEndpoint('192.0.2.1'), { host: '192.0.2.1', port: 53 });
    assert.deepEqual(parseEndpoint('127.0.0.2:5301'), { host: '127.0.0.2', port: 5301 });
    assert.deepEqual(parseEndpoint('2001:db8::53'), { host: '2001:db8::53', port: 53 });
    assert.deepEqual(parseEndpoint('[2001:db8::53]:5353'), { host: '2001:db8::53', port: 5353 });
    assert.throws(() => parseEndpoint('dns.google'), /not a resolver address/);
    assert.throws(() => parseEndpoint('127.0.0.1:70000'), /invalid port/);
    assert.equal(formatEndpoint({ host: '2001:db8::53', port: 53 }), '[2001:db8::53]:53');
    assert.equal(resolverFromAddress('127.0.0.9:5300').name, '127.0.0.9:5300');
  });

  it('replaces or extends the defaults with a settings list; a custom entry overrides a default of the same name', () => {
    const defaults: ResolverDescriptor[] = [
      { name: 'A', operator: 'x', location: 'x', addresses: ['192.0.2.1'] },
      { name: 'B', operator: 'x', location: 'x', addresses: ['192.0.2.2'] },
    ];
    const custom: ResolverDescriptor[] = [
      { name: 'b', operator: 'corp', location: 'office', addresses: ['10.0.0.53'] },
      { name: 'C', operator: 'corp', location: 'dc', addresses: ['10.0.0.54'] },
    ];
    assert.deepEqual(mergeResolvers(defaults, custom, 'replace').map((r) => r.addresses[0]), ['10.0.0.53', '10.0.0.54']);
    assert.deepEqual(mergeResolvers(defaults, custom, 'extend').map((r) => [r.name, r.addresses[0]]), [
      ['A', '192.0.2.1'],
      ['b', '10.0.0.53'],
      ['C', '10.0.0.54'],
    ]);
  });
});
