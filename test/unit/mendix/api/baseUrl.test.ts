import { strict as assert } from 'node:assert';
import { baseUrlProblem } from '../../../../src/core/mendix/api/config';

describe('API base URLs (credentials travel with every request)', () => {
  it('accepts https anywhere and plain http to this machine', () => {
    for (const url of ['https://deploy.mendix.com', 'http://127.0.0.1:4010', 'http://localhost:8080/', 'http://[::1]:9000']) {
      assert.equal(baseUrlProblem(url, false), undefined, url);
    }
  });

  it('refuses plain http to another machine unless allowed, and says why', () => {
    const problem = baseUrlProblem('http://deploy.example.net', false);
    assert.match(problem ?? '', /plain http to another machine/);
    assert.match(problem ?? '', /cleartext/);
    assert.equal(baseUrlProblem('http://deploy.example.net', true), undefined);
    assert.match(baseUrlProblem('http://10.0.0.5', false) ?? '', /plain http/);
  });

  it('refuses what is not an http(s) URL even when insecure http is allowed', () => {
    assert.match(baseUrlProblem('deploy.mendix.com', true) ?? '', /is not a URL/);
    assert.match(baseUrlProblem('file:///etc/passwd', true) ?? '', /must be an https:\/\/ URL, got file:/);
    assert.match(baseUrlProblem('javascript:alert(1)', true) ?? '', /must be an https:\/\/ URL/);
  });
});
