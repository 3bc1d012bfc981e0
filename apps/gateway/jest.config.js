module.exports = {
  displayName: 'gateway',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
  testTimeout: 60_000,
};
