import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assembly/ is AssemblyScript (decorators on functions are not TypeScript): asc and
  // assembly/tsconfig.json check it.
  { ignores: ['build/', 'dist/', 'node_modules/', 'assembly/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Scripts, benchmarks and tests run in Node; the library itself must also run in browsers.
  { files: ['scripts/**', 'bench/**', 'test/**', '*.config.*'], languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
