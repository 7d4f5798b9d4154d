// @swc/jest compiles our TypeScript and the ESM-only packages (middy, jose) to CommonJS for jest.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }];

const { existsSync } = require('node:fs');

// The browser suite drives Debian's Chromium. On a machine without it, `npm test` still passes and
// says how to get one; CI (CI=true) installs it in .ci/run, so there a missing browser fails.
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const skipBrowser = !existsSync(chromiumPath) && process.env.CI !== 'true';
if (skipBrowser) {
  process.stderr.write(`Skipping the browser suite (test/browser): no Chromium at ${chromiumPath}. Install it with \`apt-get install chromium\` or set CHROMIUM_PATH.\n`);
}

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testPathIgnorePatterns: ['/node_modules/', ...(skipBrowser ? ['<rootDir>/test/browser/'] : [])],
  transform: { '^.+\\.(t|j)sx?$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit)/)'],
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  // Every response and frame a test receives is checked against the published documents.
  setupFilesAfterEnv: ['<rootDir>/test/support/contractHooks.ts'],
  testTimeout: 60000,
};
