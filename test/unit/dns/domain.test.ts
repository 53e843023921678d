import { strict as assert } from 'node:assert';
import { mendixCnameTarget, validateCustomDomain, type DomainValidation } from '../../../src/core/dns/domain';

function err(v: DomainValidation): { code: string; message: string; suggestion?: string } {
  assert.equal(v.ok, false, `expected a refusal, got ${JSON.stringify(v)}`);
  if (v.ok) throw new Error('unreachable');
  return v;
}

describe('validateCustomDomain', () => {
  it('normalizes case and a trailing dot and gives the Mendix CNAME target', () => {
    assert.deepEqual(validateCustomDomain('  App.Example.COM. '), {
      ok: true,
      domain: 'app.example.com',
      unicode: 'app.example.com',
      expectedTarget: 'app.example.com.cname.mendix.net.',
    });
    assert.equal(mendixCnameTarget('myapp.mycompany.com'), 'myapp.mycompany.com.cname.mendix.net.');
  });

  it('turns an IDN into punycode and keeps the Unicode form for display', () => {
    const v = validateCustomDomain('shop.Bücher.de');
    assert.ok(v.ok);
    assert.equal(v.domain, 'shop.xn--bcher-kva.de');
    assert.equal(v.unicode, 'shop.bücher.de');
    assert.equal(v.expectedTarget, 'shop.xn--bcher-kva.de.cname.mendix.net.');
  });

  it('refuses an apex domain and advises a sub-domain', () => {
    const e = err(validateCustomDomain('example.com'));
    assert.equal(e.code, 'apex');
    assert.match(e.message, /CNAME record cannot live at the apex/);
    assert.match(e.message, /www\.example\.com/);
    assert.equal(e.suggestion, 'app.example.com');
  });

  it('knows common two-label public suffixes: example.co.uk is an apex, app.example.co.uk is not', () => {
    assert.equal(err(validateCustomDomain('example.co.uk')).code, 'apex');
    assert.ok(validateCustomDomain('app.example.co.uk').ok);
  });

  it('explains that a URL is not a domain and suggests the host', () => {
    const e = err(validateCustomDomain('https://app.example.com/login?x=1'));
    assert.equal(e.code, 'url');
    assert.equal(e.suggestion, 'app.example.com');
    assert.match(e.message, /looks like a URL/);
    assert.equal(err(validateCustomDomain('app.example.com/path')).code, 'url');
    const port = err(validateCustomDomain('app.example.com:8443'));
    assert.equal(port.code, 'url');
    assert.match(port.message, /port/);
  });

  it('explains that an IP address cannot be a custom domain', () => {
    for (const ip of ['192.0.2.10', '2001:db8::1', '[2001:db8::1]', '192.0.2.10:443']) {
      const e = err(validateCustomDomain(ip));
      assert.equal(e.code, 'ip', ip);
      assert.match(e.message, /IP address/);
    }
  });

  it('enforces label and name lengths on the ASCII form', () => {
    assert.equal(err(validateCustomDomain(`${'a'.repeat(64)}.example.com`)).code, 'label-too-long');
    assert.ok(validateCustomDomain(`${'a'.repeat(63)}.example.com`).ok);
    const long = `${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.example.com`;
    assert.equal(err(validateCustomDomain(long)).code, 'too-long');
    // 253 is the limit: 4 labels of 61 + 3 dots = 247, plus ".co.uk" = 253.
    const exact = `${Array.from({ length: 4 }, () => 'c'.repeat(61)).join('.')}.co.uk`;
    assert.equal(exact.length, 253);
    assert.ok(validateCustomDomain(exact).ok);
  });

  it('refuses bad labels with a specific reason', () => {
    assert.equal(err(validateCustomDomain('')).code, 'empty');
    assert.equal(err(validateCustomDomain('app..example.com')).code, 'empty-label');
    assert.equal(err(validateCustomDomain('-app.example.com')).code, 'bad-hyphen');
    assert.equal(err(validateCustomDomain('app_1.example.com')).code, 'invalid-characters');
    assert.equal(err(validateCustomDomain('app.example.123')).code, 'numeric-tld');
    assert.equal(err(validateCustomDomain('localhost')).code, 'single-label');
    assert.equal(err(validateCustomDomain('*.example.com')).code, 'wildcard');
    assert.equal(err(validateCustomDomain('app example.com')).code, 'invalid-characters');
  });
});
