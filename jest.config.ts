import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 20_000,
  // Every route server a test started is closed after it (spec/support/route-server.ts).
  setupFilesAfterEnv: ['<rootDir>/spec/support/after-each.ts'],
};

export default config;
