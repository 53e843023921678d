import * as assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

/**
 * Size limits of src/ (issue 12): `max-lines` 400 per file and `max-lines-per-function` 80, blank
 * lines and comments counted. These tests take the rules exactly as eslint.config.mjs resolves them
 * for a path and lint generated texts just over and just under the limits.
 */
const root = resolve(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });
const SIZE_RULES = ['max-lines', 'max-lines-per-function'] as const;

async function sizeErrors(filePath: string, text: string): Promise<{ rule: string; message: string }[]> {
  const config = (await eslint.calculateConfigForFile(filePath)) as { rules?: Record<string, Linter.RuleEntry> };
  const rules: Partial<Linter.RulesRecord> = {};
  for (const r of SIZE_RULES) {
    const entry = config.rules?.[r];
    assert.ok(entry, `${r} is configured for ${filePath}`);
    rules[r] = entry;
  }
  const linter = new Linter({ configType: 'flat' });
  const messages = linter.verify(text, [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, rules }], { filename: resolve(root, filePath) });
  assert.deepEqual(messages.filter((m) => m.fatal), [], 'the probe text parses');
  return messages.filter((m) => m.ruleId !== null && (SIZE_RULES as readonly string[]).includes(m.ruleId)).map((m) => ({ rule: m.ruleId ?? '', message: m.message }));
}

/** A function spanning exactly `lines` lines (its header and closing brace included), with a blank line and a comment inside. */
function functionOf(lines: number): string {
  const body = Array.from({ length: lines - 6 }, (_, i) => `  total += ${i};`);
  return ['export function probe(): number {', '  let total = 0;', '', '  // a comment counts too', ...body, '  return total;', '}', ''].join('\n');
}

describe('lint: size limits', function () {
  this.timeout(20_000);

  it('fails a function of 81 lines and passes one of 80, counting blank lines and comments', async () => {
    const long = await sizeErrors('src/core/migration/steps/probe.ts', functionOf(81));
    assert.deepEqual(long.map((e) => e.rule), ['max-lines-per-function'], JSON.stringify(long));
    assert.equal(long[0]?.rule, 'max-lines-per-function');
    assert.match(long[0]?.message ?? '', /too many lines \(81\)\. Maximum allowed is 80/);
    assert.deepEqual(await sizeErrors('src/core/migration/steps/probe.ts', functionOf(80)), []);
  });

  it('fails a file of 401 lines and passes one of 400', async () => {
    const lines = (n: number) => Array.from({ length: n }, (_, i) => (i % 10 === 5 ? '' : `export const c${i} = ${i};`)).join('\n');
    const big = await sizeErrors('src/cli/probe.ts', lines(401));
    assert.deepEqual(
      big.map((e) => e.rule),
      ['max-lines'],
    );
    assert.match(big[0]?.message ?? '', /too many lines \(401\)\. Maximum allowed is 400/);
    assert.deepEqual(await sizeErrors('src/cli/probe.ts', lines(400)), []);
  });

  it('holds in every folder of src, the VS Code adapters and the webview page included', async () => {
    for (const where of ['src/core/shared/probe.ts', 'src/core/ui/panel/probe.ts', 'src/vscode/probe.ts', 'src/webview/panel/probe.ts']) {
      assert.deepEqual((await sizeErrors(where, functionOf(81))).map((e) => e.rule), ['max-lines-per-function'], where);
    }
  });
});
