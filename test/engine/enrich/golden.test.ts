/**
 * Golden renderings of three realistic leads. The files in golden/ were generated once and read
 * by eye; regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { compileEnrichment } from '../../../nodes/engine/enrich';
import { CASES, OPTIONS } from './fixtures';

const DIR = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(file: string, actual: string): void {
	const path = join(DIR, file);
	if (UPDATE || !existsSync(path)) {
		if (!UPDATE) assert.fail(`${file} is missing: run with UPDATE_GOLDEN=1 and review it`);
		writeFileSync(path, actual);
		return;
	}
	assert.equal(actual, readFileSync(path, 'utf8'), `${file} differs from the reviewed golden file`);
}

describe('golden renderings', () => {
	const enrichment = compileEnrichment(OPTIONS);
	for (const c of CASES) {
		describe(c.name, () => {
			const { renderings } = enrichment.enrich(c.lead, c.activities, c.score, c.context);
			it('Slack', () => golden(`${c.name}.slack.json`, `${JSON.stringify(renderings.slack, null, '\t')}\n`));
			it('email HTML', () => golden(`${c.name}.email.html`, renderings.email.html));
			it('email text', () => golden(`${c.name}.email.txt`, `Subject: ${renderings.email.subject}\n\n${renderings.email.text}`));
			it('SMS', () => golden(`${c.name}.sms.txt`, `${renderings.sms}\n`));
			it('CRM note', () => golden(`${c.name}.crm.md`, `${renderings.crmNote}\n`));
		});
	}
});
