import { strict as assert } from 'node:assert';
import { Redactor } from '../../../src/core/shared/redact';

describe('Redactor', () => {
  it('masks registered secret values anywhere in the text', () => {
    const r = new Redactor();
    r.add('demo-api-key');
    assert.equal(r.redact('GET /apps with key demo-api-key failed'), 'GET /apps with key *** failed');
  });

  it('masks secret headers by name even when the value is unknown', () => {
    const r = new Redactor();
    assert.equal(r.redact('Authorization: MxToken abc123'), 'Authorization: ***');
    assert.equal(r.redact('{"Mendix-ApiKey":"zzz9"}'), '{"Mendix-ApiKey":"***"}');
  });

  it('masks the longer of two overlapping secrets whole', () => {
    const r = new Redactor();
    r.add('demo-pat');
    r.add('demo-pat-read');
    assert.equal(r.redact('token demo-pat-read'), 'token ***');
  });

  it('leaves text without secrets unchanged', () => {
    const r = new Redactor();
    r.add('secret-value');
    assert.equal(r.redact('nothing here'), 'nothing here');
  });
});
