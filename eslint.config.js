import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assembly/ and bench/peak/ are AssemblyScript (decorators on functions are not TypeScript): asc
  // and their tsconfig.json check them.
  { ignores: ['build/', 'dist/', 'node_modules/', 'assembly/', 'bench/peak/', 'coverage/', 'test-results/', 'bench/peers/build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Scripts, benchmarks and tests run in Node; the library itself must also run in browsers.
  { files: ['scripts/**', 'bench/**', 'test/**', '*.config.*'], languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Plain JavaScript: the demo page runs in browsers, the scripts and the demo's server in Node.
  { files: ['examples/browser/*.js', 'test/package/app/*.js'], languageOptions: { globals: globals.browser } },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
);
