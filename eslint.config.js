// ESLint flat config: recommended sets of @eslint/js, typescript-eslint and
// eslint-plugin-vue, Prettier owning formatting, and the engine's LAYER RULE.
// Import cycles are checked beside it by dependency-cruiser (.dependency-cruiser.mjs,
// second half of `npm run lint`): ESLint's no-cycle rules skip type-only imports.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Engine layers, bottom up. A layer imports only layers below it:
 * base ← mm ← iommu ← iommufd ← scenario ← worker.
 */
const LAYERS = ['base', 'mm', 'iommu', 'iommufd', 'scenario', 'worker'];
/** Layers that must run unchanged in a Node worker thread and a Web Worker. */
const CORE = ['base', 'mm', 'iommu', 'iommufd', 'scenario'];

const HOST_MESSAGE =
  'The engine core is host-neutral: no node:*, Node built-ins or electron (host glue lives in engine/worker, electron/, cli/).';
const hostImportPattern = { regex: '^(node:|electron($|/))', message: HOST_MESSAGE };
const hostImportPaths = builtinModules.map((name) => ({ name, message: HOST_MESSAGE }));

/** DOM and Node globals the engine core must not touch. */
const hostGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'Worker',
  'self',
  'postMessage',
  'addEventListener',
  'removeEventListener',
  'requestAnimationFrame',
  'HTMLElement',
  'process',
  'Buffer',
  'require',
  'module',
  '__dirname',
  '__filename',
  'global',
  'setImmediate',
].map((name) => ({
  name,
  message: 'The engine core runs in Node and browser workers alike: no host globals.',
}));

function layerRules(layer) {
  const above = LAYERS.slice(LAYERS.indexOf(layer) + 1);
  // A relative import that names a higher layer's folder as a path segment
  // ('../iommufd', '../../scenario/api/x'): the engine has no subfolders named like a layer.
  const layerPatterns = above.map((l) => ({
    regex: `^\\.{1,2}/(.*/)?${l}(/|$)`,
    message: `Layer rule: engine/${layer} must not import engine/${l} (imports only go downward: ${LAYERS.join(' ← ')}).`,
  }));
  const files = [`engine/${layer}/**/*.ts`];
  if (!CORE.includes(layer)) {
    return [{ files, rules: { 'no-restricted-imports': ['error', { patterns: layerPatterns }] } }];
  }
  return [
    {
      files,
      ignores: ['**/*.test.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [...layerPatterns, hostImportPattern], paths: hostImportPaths },
        ],
        'no-restricted-globals': ['error', ...hostGlobals],
      },
    },
    {
      // Tests run in Node only (they may read fixtures); the layer rule still holds.
      files: [`engine/${layer}/**/*.test.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: layerPatterns }] },
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'dist-web/**',
      'dist-cli/**',
      'node_modules/**',
      'test-results/**',
      'coverage/**',
      '.vite/**',
      '.tmp*/**',
      '**/*.d.ts',
      // scenarios the fuzzer wrote (a fixed preamble of helpers, not all used); checked by running them
      'fuzz/found/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.es2021 },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' },
      ],
      // Scenarios and the scenario facade reference the global-script lab.d.ts by path.
      '@typescript-eslint/triple-slash-reference': [
        'error',
        { path: 'always', types: 'prefer-import', lib: 'always' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  { files: ['renderer/**/*.{ts,vue}'], languageOptions: { globals: { ...globals.browser } } },
  {
    files: [
      '**/*.{js,mjs,cjs}',
      'electron/**/*.ts',
      'cli/**/*.ts',
      'oracle/**/*.ts',
      'bench/**/*.ts',
      'scripts/**',
      'tests/**',
      '*.config.ts',
      'build/**/*.ts',
    ],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // Browser-driving tests: callbacks of page.evaluate run in the page.
    files: ['tests/e2e/**', 'tests/electron-smoke/**'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  ...LAYERS.flatMap(layerRules),
  {
    // The engine's hot paths run under SES lockdown, where V8 takes slow paths
    // (10-35x) for a spread into an array, Array.from and new Array(n) filled
    // by index (the frozen Array.prototype); slice() and push do not
    // (docs/STACK.md, "SES lockdown and array growth").
    files: [
      'engine/iommufd/pages/**/*.ts',
      'engine/iommufd/io-pagetable/**/*.ts',
      'engine/iommufd/ds/**/*.ts',
      'engine/iommufd/objects/**/*.ts',
      'engine/iommufd/digest*.ts',
      'engine/iommu/**/*.ts',
      'engine/mm/**/*.ts',
      'engine/scenario/facade/**/*.ts',
      'engine/scenario/digest-store.ts',
      'engine/scenario/timeline.ts',
    ],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ArrayExpression > SpreadElement',
          message: 'Slow under SES lockdown: copy an array with slice(), an iterable with a push loop.',
        },
        {
          selector: "CallExpression[callee.object.name='Array'][callee.property.name='from']",
          message: 'Slow under SES lockdown: build the array with push.',
        },
        {
          selector: "NewExpression[callee.name='Array']",
          message: 'new Array(n) filled by index is slow under SES lockdown: build the array with push.',
        },
      ],
    },
  },
  {
    // The worker runs in Electron's main process but must never load electron.
    files: ['engine/worker/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^electron($|/)', message: 'The engine worker must not import electron.' },
            {
              regex: '^\\.{1,2}/(.*/)?(renderer|electron)(/|$)',
              message: 'The engine does not import the app.',
            },
          ],
        },
      ],
    },
  },
  {
    // Sandboxed preload: electron and bundled shared code only. Renderer: no host modules at all.
    files: ['electron/preload/**/*.ts', 'electron/shared/**/*.ts', 'renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'No Node modules in the preload, shared types or renderer.' },
          ],
          paths: builtinModules.map((name) => ({
            name,
            message: 'No Node modules in the preload, shared types or renderer.',
          })),
        },
      ],
    },
  },
  {
    files: ['electron/shared/**/*.ts', 'renderer/**/*.{ts,vue}'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^node:', message: 'No Node modules in shared types or the renderer.' },
            { regex: '^electron($|/)', message: 'The renderer reaches Electron only through window.lab.' },
          ],
          paths: builtinModules.map((name) => ({
            name,
            message: 'No Node modules in shared types or the renderer.',
          })),
        },
      ],
    },
  },
  prettier,
);
