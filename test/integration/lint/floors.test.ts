import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * The floor order of src/ is enforced by `no-restricted-imports` in eslint.config.mjs. These tests
 * take the rule exactly as that config resolves it for a path and lint a small text as if it lived
 * there (no type information is needed for this rule, so no TypeScript program is built).
 */
const root = resolve(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function importErrors(filePath: string, text: string): Promise<string[]> {
  const config = (await eslint.calculateConfigForFile(filePath)) as { rules?: Record<string, Linter.RuleEntry> };
  const rule = config.rules?.['no-restricted-imports'];
  assert.ok(rule, `no-restricted-imports is configured for ${filePath}`);
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(
    text,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules: { 'no-restricted-imports': rule } }],
    { filename: resolve(root, filePath) },
  );
  const fatal = messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], 'the probe text parses');
  return messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: import floors', function () {
  this.timeout(20_000);

  it('fails when core/shared imports from the migration engine above it', async () => {
    const errors = await importErrors('src/core/shared/probe.ts', "import { buildPlan } from '../migration/plan';\nexport const p = buildPlan;\n");
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /src\/core\/shared must not import from .*migration/);
  });

  it('lets core/shared import its own files', async () => {
    assert.deepEqual(await importErrors('src/core/shared/probe.ts', "import { Redactor } from './redact';\nexport const r = Redactor;\n"), []);
  });

  it('keeps the core free of vscode', async () => {
    const errors = await importErrors('src/core/migration/probe.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n");
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /must not import vscode/);
  });

  it('fails when the engine imports the UI, and allows it to use dns and mendix', async () => {
    assert.equal((await importErrors('src/core/migration/steps/probe.ts', "import { x } from '../../ui/panel/panelModel';\nexport const y = x;\n")).length, 1);
    const below = "import { a } from '../../dns/domain';\nimport { b } from '../../mendix/services';\nexport const c = [a, b];\n";
    assert.deepEqual(await importErrors('src/core/migration/steps/probe.ts', below), []);
  });

  it('orders the UI folders: kit below panel, panel below migrations', async () => {
    assert.equal((await importErrors('src/core/ui/kit/probe.ts', "import { x } from '../panel/protocol';\nexport const y = x;\n")).length, 1);
    assert.equal((await importErrors('src/core/ui/panel/probe.ts', "import { x } from '../migrations/journalList';\nexport const y = x;\n")).length, 1);
    assert.deepEqual(await importErrors('src/core/ui/migrations/probe.ts', "import { x } from '../panel/protocol';\nexport const y = x;\n"), []);
  });

  it('keeps the API client below transfer, the package upload included', async () => {
    const text = "import { x } from '../transfer/packageUpload';\nexport const y = x;\n";
    assert.equal((await importErrors('src/core/mendix/api/probe.ts', text)).length, 1);
    assert.equal((await importErrors('src/core/mendix/api/deployV2Api.ts', text)).length, 1);
    assert.deepEqual(await importErrors('src/core/mendix/transfer/probe.ts', "import { x } from '../api/deployV2Api';\nexport const y = x;\n"), []);
  });

  it('lets the webview page import only types from the panel protocol', async () => {
    const page = 'src/webview/panel/probe.ts';
    assert.deepEqual(await importErrors(page, "import type { PanelModel } from '../../core/ui/panel/protocol';\nexport type M = PanelModel;\n"), []);
    assert.equal((await importErrors(page, "import { PageMessageSchema } from '../../core/ui/panel/protocol';\nexport const s = PageMessageSchema;\n")).length, 1);
    assert.equal((await importErrors(page, "import { formatBytes } from '../../core/shared/format';\nexport const f = formatBytes;\n")).length, 1);
  });
});
