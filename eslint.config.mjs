// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The import floors of src/, lowest first:
 *   core/shared → core/mendix (api → transfer → the ports) → core/dns, core/tls → core/migration, core/doctor
 *   → core/ui/kit → core/ui/accounts → core/ui/explorer → core/ui/panel → core/ui/migrations
 *   → vscode; cli uses core below ui; the webview page imports only types from the panel protocol.
 * Each entry names the folders a file in `files` must not reach. A relative specifier is matched by
 * the first folder name after its leading `../` run, so `../../migration/plan` names `migration`.
 */
const CORE_FLOORS = ['mendix', 'migration', 'doctor', 'dns', 'tls', 'ui'];
const UI_FLOORS = ['kit', 'accounts', 'explorer', 'panel', 'migrations'];
const OUTSIDE_CORE = ['vscode', 'cli', 'webview'];

/** @param {string} where @param {string[]} names */
function forbid(where, names) {
  return { regex: `^(\\.\\./)+(core/)?(${names.join('|')})(/|$)`, message: `${where} must not import from ${names.join(', ')} (floor order: README "Architecture").` };
}

/** Classic zod is most of a bundle; everything goes through core/shared/zod (zod/mini, English messages). */
const ZOD = { regex: '^zod(/|$)', message: 'Import zod as `import * as z from ".../core/shared/zod"` (zod/mini with English messages; issue 16).' };

/** @param {string[]} files @param {string} where @param {string[]} names @param {object[]} [extra] */
function floor(files, where, names, extra = []) {
  const vscodePath = { name: 'vscode', message: 'src/core must not import vscode: it is tested in plain mocha.' };
  return {
    files,
    rules: { 'no-restricted-imports': ['error', { paths: where.startsWith('src/core') ? [vscodePath] : [], patterns: [forbid(where, names), ZOD, ...extra] }] },
  };
}

function floorRules() {
  const below = (/** @type {string} */ f) => CORE_FLOORS.slice(CORE_FLOORS.indexOf(f) + 1);
  return [
    floor(['src/core/shared/**/*.ts'], 'src/core/shared', [...CORE_FLOORS, ...OUTSIDE_CORE]),
    floor(['src/core/mendix/**/*.ts'], 'src/core/mendix', [...below('mendix'), ...OUTSIDE_CORE]),
    floor(['src/core/mendix/api/**/*.ts'], 'src/core/mendix/api', [...below('mendix'), ...OUTSIDE_CORE, 'transfer']),
    floor(['src/core/dns/**/*.ts'], 'src/core/dns', ['mendix', 'migration', 'doctor', 'tls', 'ui', ...OUTSIDE_CORE]),
    floor(['src/core/tls/**/*.ts'], 'src/core/tls', ['mendix', 'migration', 'doctor', 'dns', 'ui', ...OUTSIDE_CORE]),
    floor(['src/core/migration/**/*.ts'], 'src/core/migration', ['doctor', 'ui', ...OUTSIDE_CORE]),
    // The read-only access check (doctor) stands beside the engine: it reads through the API client only.
    floor(['src/core/doctor/**/*.ts'], 'src/core/doctor', ['migration', 'dns', 'tls', 'ui', ...OUTSIDE_CORE]),
    ...UI_FLOORS.map((f, i) => floor([`src/core/ui/${f}/**/*.ts`], `src/core/ui/${f}`, [...UI_FLOORS.slice(i + 1), ...OUTSIDE_CORE])),
    floor(['src/vscode/**/*.ts', 'src/extension.ts'], 'src/vscode', ['cli', 'webview']),
    floor(['src/cli/**/*.ts'], 'src/cli', ['ui', 'vscode', 'webview']),
    floor(['src/webview/**/*.ts'], 'src/webview', ['cli', 'vscode'], [
      { regex: '^(\\.\\./)+core/(?!ui/panel/protocol$)', message: 'The webview page may import only types from core/ui/panel/protocol.' },
      { regex: '^(\\.\\./)+core/ui/panel/protocol$', allowTypeImports: true, message: 'The webview page may import only types from core/ui/panel/protocol (use `import type`).' },
    ]),
  ];
}

export default tseslint.config(
  { ignores: ['dist/**', 'dist-vsix/**', 'node_modules/**', '.cache/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', '*.mjs', 'scripts/*.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-restricted-imports': 'off',
    },
  },
  // Floors (README "Architecture"): each folder imports only from the floors below it.
  ...floorRules(),
  // Size (issue 12): a file past 400 lines or a function past 80 is asking to be split. Blank lines and
  // comments count, so the limit cannot be met by squeezing.
  {
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
