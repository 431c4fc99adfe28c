// ESLint with typescript-eslint's type-aware rules over every package and test (flat config), run by the
// test command (`npm run lint:code`). https://typescript-eslint.io/getting-started/typed-linting/
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The globals Node gives every script; a CommonJS module also has require/module/exports (`sourceType: 'commonjs'` declares those).
const NODE_GLOBALS = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  __dirname: 'readonly',
  __filename: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  URL: 'readonly',
};

export default tseslint.config(
  // raw-spec.generated.ts is json-schema-to-typescript's output (npm run types): fixed by changing the schema, not by hand.
  { ignores: ['**/dist/**', 'packages/cli/runtime/**', 'out/**', 'node_modules/**', 'coverage/**', 'tmp/**', 'packages/spec/src/raw-spec.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { project: ['./packages/*/tsconfig.json', './tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // `const { omitted: _omitted, ...rest } = value` is how the code drops a field from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // Tests read what the program wrote (JSON.parse of its output, parsed YAML and TOML, a JSON Schema) and
    // assert its shape with expect(): the value is untyped on purpose, and typing each access would restate
    // the assertion. Every other recommended rule, type-aware or not, stays on for tests.
    files: ['**/*.test.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: NODE_GLOBALS } },
  {
    // The repository's scripts, tools and benchmark are plain CommonJS run by Node: require() is their module system.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
);
