import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // @angular/core ships ES modules only: turned into CommonJS for the specs of h2o-rx/angular.
    '^.+\\.mjs$': '<rootDir>/spec/support/esm-transform.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!@angular/)'],
  testTimeout: 20_000,
  // Every route server a test started is closed after it (spec/support/route-server.ts).
  setupFilesAfterEnv: ['<rootDir>/spec/support/after-each.ts'],
};

export default config;
