import assert from 'node:assert/strict';

import { detectDrift, psi, readRows, runLab } from '../../../nodes/engine/lab';
import { compileScorer } from '../../../nodes/engine/scoring';
import { SOURCES, START, SYNTHETIC_TABLE, syntheticRows } from './synthetic';

const specs = [
	{ field: 'source', kind: 'category' as const, label: 'Lead Source' },
	{ field: 'role', kind: 'category' as const },
	{ field: 'minutesOnSite', kind: 'number' as const },
];
const scorer = compileScorer(SYNTHETIC_TABLE);
const read = (rows: ReturnType<typeof syntheticRows>) => readRows(rows, 'UTC');

describe('population stability index', () => {
	it('is 0 for the same distribution and grows with the shift', () => {
		assert.equal(psi([50, 30, 20], [500, 300, 200]), 0);
		const small = psi([50, 30, 20], [45, 33, 22]);
		const large = psi([50, 30, 20], [10, 30, 60]);
		assert.ok(small > 0 && small < 0.1);
		assert.ok(large > 0.25);
	});
});

describe('drift between the training period and the recent leads', () => {
	const before = read(syntheticRows(4000, { seed: 1 }));

	it('stays quiet when the recent leads come from the same market', () => {
		const recent = read(syntheticRows(2000, { seed: 2 }));
		const report = detectDrift(before, recent, specs, scorer, 'UTC');
		assert.deepEqual(report.warnings, []);
		assert.equal(report.drifted, false);
		assert.ok(report.fields.every((f) => f.level !== 'large'));
	});

	it('names the field whose mix moved, with the move, and the base rate that fell', () => {
		// Recent leads come mostly from Ads, and convert less whatever their source.
		const weights = SOURCES.map((s) => (s === 'Ads' ? 12 : 1));
		const recent = read(syntheticRows(2000, { seed: 2, sourceWeights: weights, shift: -1 }));
		const report = detectDrift(before, recent, specs, scorer, 'UTC');
		assert.equal(report.drifted, true);
		const source = report.fields.find((f) => f.field === 'source')!;
		assert.equal(source.level, 'large');
		assert.match(source.largestMove, /^Lead Source = Ads: 1\d% → [5-7]\d%$/);
		assert.equal(report.fields.find((f) => f.field === 'role')!.level, 'stable');
		assert.equal(report.warnings.length, 2);
		assert.match(report.warnings[0], /^The base rate moved from \d+% in the training period to \d+% in the 2,000 most recent leads \(z = -\d+\.\d\)\.$/);
		assert.match(report.warnings[1], /^These fields moved far from the training period \(PSI ≥ 0\.25\): Lead Source \(PSI \d\.\d\d; Lead Source = Ads: /);
		assert.doesNotMatch(report.warnings[1], /role|minutesOnSite/);
	});

	it('sees a shift in how much leads do (activities per lead)', () => {
		const quiet = read(syntheticRows(2000, { seed: 2 }).map((r) => ({ ...r, lead: { ...r.lead, activities: [] } })));
		const report = detectDrift(before, quiet, specs, scorer, 'UTC');
		assert.ok(report.fields.some((f) => f.field === 'activities:email_open' && f.level === 'large'));
	});

	it('keeps the lab from offering a table learned on a market that is gone', () => {
		const weights = SOURCES.map((s) => (s === 'Ads' ? 12 : 1));
		const history = [...syntheticRows(5000, { seed: 1, days: 120 }), ...syntheticRows(2000, { seed: 2, sourceWeights: weights, shift: -1 }).map((r) => ({ ...r, at: (r.at as number) + 120 * 86_400_000 }))];
		const lab = runLab(history, { current: SYNTHETIC_TABLE, asOf: START, resamples: 100, holdoutShare: 2000 / 7000 });
		assert.equal(lab.timeOrdered!.drift.drifted, true);
		assert.equal(lab.offer.better, false);
		assert.match(lab.offer.reasons.join('\n'), /Do not publish yet: the recent market differs from the history\. .*source/);
	});
});
