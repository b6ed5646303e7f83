import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // assembly/ is AssemblyScript (decorators on functions are not TypeScript): asc and
  // assembly/tsconfig.json check it.
  { ignores: ['build/', 'dist/', 'node_modules/', 'assembly/', 'coverage/', 'bench/peers/build/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
