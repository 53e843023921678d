import { strict as assert } from 'node:assert';
import { checkAccess } from '../../../../src/core/ui/explorer/commands/checkAccess';
import type { AccessCredentials } from '../../../../src/core/doctor/accessChecker';
import { accessReportMarkdown, formatAccessReport } from '../../../../src/core/doctor/accessReportText';
import { accessReportFor, deps, ScriptedInput, world } from '../../../support/uiFakes';

describe('Mendix: Check Access', () => {
  it('asks which account, checks its stored credentials and opens the report with where to grant what is missing', async () => {
    const w = world();
    await w.accounts.save('Keys only', { username: 'demo@example.com', apiKey: 'demo-api-key' });
    await w.accounts.save('Token', { pat: 'pat-bbbb' });
    const seen: AccessCredentials[] = [];
    const d = deps(w, new ScriptedInput(['Keys only']), undefined, (c) => {
      seen.push(c);
      return accessReportFor(c);
    });
    await checkAccess(d);
    assert.deepEqual(seen, [{ username: 'demo@example.com', apiKey: 'demo-api-key' }]);
    assert.equal(d.host.documents.length, 1);
    const doc = d.host.documents[0];
    assert.match(doc, /# Mendix access check/);
    assert.match(doc, /\| ✗ \| Personal Access Token valid \| no token \| Portal: your avatar → Personal Settings → Developer Settings → Personal Access Tokens/);
    assert.match(doc, /\| ✓ \| API key valid \| accepted \| {2}\|/);
    assert.ok(!doc.includes('demo-api-key'));
  });

  it('renders text for the CLI: missing items first, each with where to grant it', () => {
    const text = formatAccessReport(accessReportFor({ username: 'u@x', pat: 'p' }));
    const lines = text.split('\n');
    const bad = lines.findIndex((l) => l.includes('✗ API key valid'));
    assert.ok(bad > 0 && bad < lines.findIndex((l) => l.includes('✓ Personal Access Token valid')));
    assert.match(lines[bad + 1], /→ Portal: .*API Keys/);
    assert.match(text, /1 missing, 0 not determinable, 1 ok/);
    assert.match(accessReportMarkdown(accessReportFor({ apiKey: 'k', pat: 'p' })), /All 2 checks passed/);
  });
});
