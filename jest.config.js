/** Jest runs TypeScript through SWC (no type check here: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  // A child process or socket a failed test left open must not hold CI until its time limit (it did once, for 66 minutes).
  forceExit: true,
};
