/** Jest runs the TypeScript tests directly through ts-jest; coverage is measured on server/src. */
module.exports = {
  testEnvironment: 'node',
  // server/src is a root too, so that a source file no test imports still counts (as 0%) in coverage.
  // scripts/test holds the tests of the grader's reports (scripts/grade run against a faulty server).
  roots: ['<rootDir>/server/src', '<rootDir>/server/test', '<rootDir>/scripts/test'],
  testMatch: ['<rootDir>/server/test/**/*.test.ts', '<rootDir>/scripts/test/**/*.test.ts'],
  globalSetup: '<rootDir>/server/test/global-setup.js',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  collectCoverageFrom: ['server/src/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { global: { lines: 90 } },
};
