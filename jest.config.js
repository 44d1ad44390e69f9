/**
 * Jest runs the TypeScript tests directly through ts-jest; coverage is measured on server/src.
 *
 * Two projects: every test on the fast path (the default), then every test that runs the
 * server end to end (integration/ and cli/) again on the plain path, with NO_CACHE=1 set as a
 * user would set it (server/test/plain-path.js). Test helpers start servers on whichever path
 * the environment says (server/test/support/test-server.ts).
 */
const shared = {
  testEnvironment: 'node',
  // server/src is a root too, so that a source file no test imports still counts (as 0%) in coverage.
  // scripts/test holds the tests of the grader's reports (scripts/grade run against a faulty server).
  roots: ['<rootDir>/server/src', '<rootDir>/server/test', '<rootDir>/scripts/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'fast path',
      testMatch: ['<rootDir>/server/test/**/*.test.ts', '<rootDir>/scripts/test/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'plain path',
      testMatch: ['<rootDir>/server/test/{integration,cli}/**/*.test.ts'],
      setupFiles: ['<rootDir>/server/test/plain-path.js'],
    },
  ],
  globalSetup: '<rootDir>/server/test/global-setup.js',
  reporters: ['default', '<rootDir>/server/test/title-check-reporter.js'],
  collectCoverageFrom: ['server/src/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { global: { lines: 90 } },
};
