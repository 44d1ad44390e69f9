/** Jest runs the TypeScript tests directly through ts-jest; coverage is measured on server/src. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/server/test'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  collectCoverageFrom: ['server/src/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  coverageThreshold: { global: { lines: 90 } },
};
