import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cache/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly' },
    },
    rules: {
      'no-undef': 'off', // TypeScript checks names; the fixtures are CommonJS.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // zod's classic API would put all of zod back in the SCF bundles (see src/util/zod.ts). kafkajs comes
    // through src/kafka/kafkajs.ts, which stops its 1 ms timer loop (src/kafka/request-queue-fix.ts).
    files: ['src/**/*.ts', 'functions/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts'],
    ignores: ['src/util/zod.ts', 'src/kafka/kafkajs.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'zod', message: "Use `import * as z from '…/util/zod'`." },
            { name: 'kafkajs', message: "Import from '…/kafka/kafkajs', which fixes kafkajs's timer loop first.", allowTypeImports: true },
          ],
          patterns: [{ group: ['zod/*'], message: "Use `import * as z from '…/util/zod'`." }],
        },
      ],
    },
  },
);
