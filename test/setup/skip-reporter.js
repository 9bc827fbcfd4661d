// Prints, just before jest's summary, which suites were skipped and why (found by the global
// setup), so a run on a machine without PostgreSQL or Redis says what it did not test.
const { existsSync, readFileSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

class SkipReporter {
	onRunComplete() {
		const file = path.join(os.tmpdir(), `lead-handoff-test-skips-${process.env.LH_TEST_RUN_ID ?? 'local'}.json`);
		if (!existsSync(file)) return;
		const skips = JSON.parse(readFileSync(file, 'utf8'));
		if (skips.length) process.stderr.write(`\nSkipped suites, with the reason:\n${skips.map((s) => `- ${s}\n`).join('')}`);
	}
}
module.exports = SkipReporter;
