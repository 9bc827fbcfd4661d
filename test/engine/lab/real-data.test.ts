/**
 * The lab's goals on real leads with real outcomes (the X Education data set beside the
 * project in ../shared/data, without the columns sales fills in after contact): a table of at
 * most 25 rules, AUC at least 0.88 on a random 30 % holdout, every score band's observed
 * conversion within 5 points of its prediction. Prints the figures (figures.ts prints more).
 */
import assert from 'node:assert/strict';

import { runLab, type LabReport } from '../../../nodes/engine/lab';
import { AS_OF, ATTRIBUTES, CURRENT_TABLE, DATA, hasData, outcomeRows } from './xEducation';
import { formatValidation } from './figures';

if (!hasData()) {
	console.log(`Skipping the lab's goals on real leads: no data set at ${DATA} (it sits in shared/data beside the project).`);
}

(hasData() ? describe : describe.skip)('the lab on 9,240 real leads with known outcomes', () => {
	let report: LabReport;
	beforeAll(() => {
		const rows = outcomeRows();
		assert.equal(rows.length, 9240);
		report = runLab(rows, { current: CURRENT_TABLE, asOf: AS_OF, attributes: ATTRIBUTES, seed: 1 });
		console.log(`Random 30 % holdout\n${formatValidation(report.random)}\n\nMost recent 30 % (by lead number)\n${formatValidation(report.timeOrdered!.validation)}\n\n${report.offer.reasons.join('\n')}`);
	});

	it('learns a point table of at most 25 rules that Lead Score reads', () => {
		assert.ok(report.proposal.ruleCount <= 25, `${report.proposal.ruleCount} rules`);
	});

	it('never learns from the columns sales fills in after contact', () => {
		const fields = [...report.proposal.table.fit!, ...report.proposal.table.negative!].map((r) => r.field);
		for (const leak of ['Tags', 'Lead Quality', 'Lead Profile', 'Last Notable Activity']) assert.ok(!fields.includes(leak));
		assert.ok(!fields.some((f) => f.startsWith('Asymmetrique')));
	});

	it('reaches an AUC of at least 0.88 on the random 30 % holdout, with the top 30 % holding most conversions', () => {
		const { proposal, current } = report.random;
		assert.equal(report.random.leads, 2772);
		assert.ok(proposal.auc >= 0.88, `AUC ${proposal.auc.toFixed(3)}`);
		assert.ok(proposal.top30 > current.top30);
	});

	it('predicts every score band within 5 points of what was observed', () => {
		for (const band of report.random.proposal.bands) {
			assert.ok(Math.abs(band.observed - band.predicted) <= 0.05, `band ${band.from}..${band.to}: observed ${band.observed}, predicted ${band.predicted}`);
		}
	});

	it('is better than the current table beyond the bootstrap interval, on the random and the recent holdout', () => {
		assert.ok(report.random.better && report.random.aucGain.low > 0, report.random.verdict);
		assert.ok(report.timeOrdered!.validation.better, report.timeOrdered!.validation.verdict);
	});
});
