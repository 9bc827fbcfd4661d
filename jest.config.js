// One jest run for every suite. TypeScript goes through SWC (types are checked separately by
// `tsc -p tsconfig.test.json` in scripts/test.sh), which keeps the engine and node suites in
// seconds. Timeouts differ by kind: the real-n8n suites start n8n processes (tens of seconds).
const swc = ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }];

const project = (displayName, roots, timeoutSetup) => ({
	displayName,
	testEnvironment: 'node',
	roots,
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': swc },
	moduleFileExtensions: ['ts', 'js', 'json'],
	setupFiles: ['<rootDir>/test/setup/realm.js'],
	setupFilesAfterEnv: [timeoutSetup],
});

const realN8n = Boolean(process.env.LEAD_HANDOFF_N8N_BIN);

/** @type {import('jest').Config} */
module.exports = {
	globalSetup: '<rootDir>/test/setup/services.ts',
	reporters: ['<rootDir>/test/setup/skip-reporter.js', 'default'],
	projects: [
		project('engine', ['<rootDir>/test/engine', '<rootDir>/test/package'], '<rootDir>/test/setup/timeout-short.js'),
		project('nodes', ['<rootDir>/test/nodes'], '<rootDir>/test/setup/timeout-short.js'),
		project('store', ['<rootDir>/test/store'], '<rootDir>/test/setup/timeout-store.js'),
		...(realN8n ? [project('real-n8n', ['<rootDir>/test/real-n8n'], '<rootDir>/test/setup/timeout-real-n8n.js')] : []),
		// The package in n8n's editor, in headless Chromium: with the real-n8n suites.
		...(realN8n ? [project('editor', ['<rootDir>/test/editor'], '<rootDir>/test/setup/timeout-real-n8n.js')] : []),
	],
};
