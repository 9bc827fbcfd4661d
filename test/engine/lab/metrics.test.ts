import assert from 'node:assert/strict';

import fc from 'fast-check';

import { auc, bootstrapAucDifference, calibrationBands, quantileEdges, seededRandom, topShare } from '../../../nodes/engine/lab';
import { aucOfArrays } from '../../../nodes/engine/lab/metrics';

/** AUC by its definition: over all (converted, other) pairs, 1 when ranked right, 1/2 on a tie. */
function aucByPairs(scores: number[], converted: boolean[]): number {
	let pairs = 0;
	let total = 0;
	scores.forEach((s, i) => {
		if (!converted[i]) return;
		scores.forEach((t, k) => {
			if (converted[k]) return;
			total++;
			pairs += s > t ? 1 : s === t ? 0.5 : 0;
		});
	});
	return pairs / total;
}

describe('AUC', () => {
	it('is 1 for a perfect ranking, 0 for a reversed one and 1/2 when all scores tie', () => {
		const converted = [false, false, true, true];
		assert.equal(auc([1, 2, 3, 4].map((score, i) => ({ score, converted: converted[i] }))), 1);
		assert.equal(auc([4, 3, 2, 1].map((score, i) => ({ score, converted: converted[i] }))), 0);
		assert.equal(auc([5, 5, 5, 5].map((score, i) => ({ score, converted: converted[i] }))), 0.5);
	});

	it('equals the share of correctly ordered pairs, ties counting half (both implementations)', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 2, maxLength: 40 }).filter((rows) => rows.some((r) => r[1]) && rows.some((r) => !r[1])),
				(rows) => {
					const scores = rows.map((r) => r[0]);
					const converted = rows.map((r) => r[1]);
					const expected = aucByPairs(scores, converted);
					assert.ok(Math.abs(auc(rows.map(([score, c]) => ({ score, converted: c }))) - expected) < 1e-12);
					assert.ok(Math.abs(aucOfArrays(scores, converted.map(Number)) - expected) < 1e-12);
				},
			),
		);
	});
});

describe('share of conversions in the top 30 %', () => {
	it('counts the conversions among the highest-scored leads', () => {
		// 10 leads, top 3 hold 2 of the 4 conversions.
		const scored = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((score, i) => ({ score, converted: [0, 2, 5, 9].includes(i) }));
		assert.equal(topShare(scored, 0.3), 0.5);
	});

	it('gives leads tied at the cut their share, whatever order they come in', () => {
		// Top 3 of 6: one clear lead (converted) and two of four tied leads (two of them converted).
		const scored = [
			{ score: 9, converted: true },
			{ score: 5, converted: true },
			{ score: 5, converted: false },
			{ score: 5, converted: true },
			{ score: 5, converted: false },
			{ score: 1, converted: false },
		];
		assert.equal(topShare(scored, 0.5), (1 + 2 * (2 / 4)) / 3);
		assert.equal(topShare([...scored].reverse(), 0.5), (1 + 2 * (2 / 4)) / 3);
	});
});

describe('calibration bands', () => {
	it('compares observed conversion with the mean prediction in each score band', () => {
		const scored = [1, 2, 3, 11, 12, 13].map((score, i) => ({ score, converted: i >= 4 }));
		const bands = calibrationBands(scored, [10], (s) => (s > 10 ? 0.5 : 0.25));
		assert.deepEqual(
			bands.map((b) => [b.leads, b.conversions, b.observed, b.predicted]),
			[
				[3, 0, 0, 0.25],
				[3, 2, 2 / 3, 0.5],
			],
		);
	});

	it('cuts scores into bands of about equal size', () => {
		const scores = Array.from({ length: 100 }, (_, i) => i);
		assert.deepEqual(quantileEdges(scores, 5), [20, 40, 60, 80]);
		// Heavy ties give fewer bands, never empty or repeated edges.
		assert.deepEqual(quantileEdges([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], 5), [1]);
	});
});

describe('bootstrap interval of an AUC gain', () => {
	const random = seededRandom(3);
	const n = 600;
	const converted = Array.from({ length: n }, () => random() < 0.4);
	// b sees the outcome through less noise than a.
	const a = converted.map((c) => (c ? 0.5 : 0) + random());
	const b = converted.map((c) => (c ? 1.5 : 0) + random());

	it('is repeatable with the same seed and brackets the observed gain', () => {
		const first = bootstrapAucDifference(a, b, converted, { seed: 11, resamples: 300 });
		const again = bootstrapAucDifference(a, b, converted, { seed: 11, resamples: 300 });
		assert.deepEqual(first, again);
		assert.ok(first.low <= first.estimate && first.estimate <= first.high);
		assert.ok(first.low > 0, 'a clearly better score shows a gain beyond the interval');
		const other = bootstrapAucDifference(a, b, converted, { seed: 12, resamples: 300 });
		assert.notDeepEqual([other.low, other.high], [first.low, first.high]);
	});

	it('includes zero when two scores rank alike', () => {
		const c = a.map((x) => x + 1e-9 * random());
		const interval = bootstrapAucDifference(a, c, converted, { seed: 5 });
		assert.ok(interval.low <= 0 && interval.high >= 0, `interval ${interval.low}..${interval.high}`);
	});
});
