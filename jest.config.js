/** Tests run on the TypeScript sources through SWC; `tsc -b` type-checks them separately. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] },
  // @clusterspec/nx is plain JavaScript with no src/: its modules by their package names ('@clusterspec/nx/executor').
  moduleNameMapper: {
    '^@clusterspec/nx(/.*)?$': '<rootDir>/packages/nx$1',
    '^@clusterspec/([a-z]+)$': '<rootDir>/packages/$1/src',
    '^@clusterspec/lint/testing$': '<rootDir>/packages/lint/src/testing',
  },
  // 30 s at rest, scaled by the load when each test file starts (tests/support/jest-timeout.ts).
  setupFilesAfterEnv: ['<rootDir>/tests/support/jest-timeout.ts'],
};
