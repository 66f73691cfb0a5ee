/** Two projects: server-side code and tools run under node, the mini-program under jsdom. */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };

module.exports = {
  // every core: on a 2-core machine jest's default (cores - 1) runs the files one at a time
  maxWorkers: '100%',
  // the local stack runs the function bundles: build the stale ones once, before any worker starts
  globalSetup: '<rootDir>/test/build-bundles.js',
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/miniprogram/'],
      transform,
    },
    {
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/test'],
      testMatch: ['<rootDir>/test/miniprogram/**/*.test.ts'],
      transform,
    },
  ],
};
