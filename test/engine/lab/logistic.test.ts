import assert from 'node:assert/strict';

import { calibrate, ElasticNetLogistic, fitPath, seededRandom, type Design } from '../../../nodes/engine/lab';

/** Rows with three binary features and one count; the outcome follows known log-odds. */
function makeDesign(n: number, truth: { intercept: number; weights: number[] }, seed = 1): Design {
	const random = seededRandom(seed);
	const lists = truth.weights.map(() => ({ rows: [] as number[], values: [] as number[] }));
	const y = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		let eta = truth.intercept;
		const x = [random() < 0.3 ? 1 : 0, random() < 0.5 ? 1 : 0, random() < 0.1 ? 1 : 0, Math.floor(random() * 5)];
		x.forEach((value, j) => {
			if (value === 0) return;
			lists[j].rows.push(i);
			lists[j].values.push(value);
			eta += truth.weights[j] * value;
		});
		y[i] = random() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
	}
	return { rowCount: n, y, columns: lists.map((l) => ({ rows: Int32Array.from(l.rows), values: Float64Array.from(l.values) })) };
}

describe('regularized logistic regression (coordinate descent)', () => {
	const truth = { intercept: -1, weights: [1.2, 0, -0.8, 0.3] };
	const design = makeDesign(40_000, truth);

	it('recovers known log-odds when the penalty is negligible', () => {
		const fit = new ElasticNetLogistic(design).fit(1e-7, { alpha: 1, tolerance: 1e-10 });
		assert.ok(Math.abs(fit.intercept - truth.intercept) < 0.08, `intercept ${fit.intercept}`);
		fit.weights.forEach((w, j) => assert.ok(Math.abs(w - truth.weights[j]) < 0.08, `weight ${j}: ${w} against ${truth.weights[j]}`));
	});

	it('has no rule at lambda max, and the path adds them as lambda falls (the useless one last or never)', () => {
		const path = fitPath(design, { alpha: 1, steps: 20, minRatio: 1e-2 });
		assert.ok(path[0].weights.every((w) => w === 0));
		const entered = (j: number) => path.findIndex((fit) => fit.weights[j] !== 0);
		assert.ok(entered(0) >= 0 && entered(2) >= 0 && entered(3) >= 0);
		assert.ok(entered(1) === -1 || entered(1) > Math.max(entered(0), entered(2), entered(3)));
		const nonZero = path.map((fit) => fit.weights.filter((w) => w !== 0).length);
		assert.equal(nonZero[nonZero.length - 1] >= 3, true);
	});

	it('shrinks weights under a larger L2 penalty', () => {
		const small = new ElasticNetLogistic(design).fit(1e-4, { alpha: 0 });
		const large = new ElasticNetLogistic(design).fit(0.5, { alpha: 0 });
		assert.ok(Math.abs(large.weights[0]) < Math.abs(small.weights[0]));
		assert.ok(large.weights.every((w) => w !== 0), 'ridge keeps every weight');
	});

	it('keeps a weight marked non-negative at zero or above', () => {
		const fit = new ElasticNetLogistic({ ...design, nonNegative: [false, false, true, false] }).fit(1e-6, { alpha: 1 });
		assert.equal(fit.weights[2], 0);
		assert.ok(fit.weights[0] > 1);
	});

	it('calibrates a score: recovers intercept and slope of the log-odds', () => {
		const random = seededRandom(9);
		const scores = Array.from({ length: 30_000 }, () => Math.floor(random() * 100));
		const y = Uint8Array.from(scores, (s) => (random() < 1 / (1 + Math.exp(-(-3 + 0.06 * s))) ? 1 : 0));
		const { intercept, slope } = calibrate(scores, y);
		assert.ok(Math.abs(intercept + 3) < 0.1, `intercept ${intercept}`);
		assert.ok(Math.abs(slope - 0.06) < 0.003, `slope ${slope}`);
	});
});
