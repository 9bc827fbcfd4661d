/** The report's statistics: Wilson intervals, quantiles and the median's interval, on known answers and for any input. */
import assert from 'node:assert/strict';

import fc from 'fast-check';

import { medianInterval, quantileSorted, rateOf, spreadOf, wilson } from '../../../../nodes/engine/feedback/report';

const close = (actual: number | undefined, expected: number, digits = 4) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 10 ** -digits, `${actual} is not ${expected}`);

describe('Wilson score interval', () => {
	it('matches published values', () => {
		// 5 of 10 at 95 %: 0.2366 to 0.7634 (Newcombe 1998, table I gives the same for p = 0.5, n = 10).
		close(wilson(5, 10).low, 0.2366);
		close(wilson(5, 10).high, 0.7634);
		// 0 of 10: the interval still has width (0 to 0.2775), where the normal interval collapses to 0.
		close(wilson(0, 10).low, 0);
		close(wilson(0, 10).high, 0.2775);
		// 81 of 263 (Newcombe's example 1): 0.2553 to 0.3662.
		close(wilson(81, 263).low, 0.2553);
		close(wilson(81, 263).high, 0.3662);
	});

	it('says nothing of a rate out of nothing', () => {
		assert.deepEqual(rateOf(0, 0), { count: 0, of: 0 });
	});

	it('holds the rate, stays in 0..1, and narrows as the count grows', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (of, share) => {
				const count = Math.round(of * share);
				const r = rateOf(count, of);
				assert.ok(r.low! >= 0 && r.high! <= 1);
				assert.ok(r.low! <= r.rate! + 1e-12 && r.rate! <= r.high! + 1e-12);
				const bigger = rateOf(count * 4, of * 4);
				assert.ok(bigger.high! - bigger.low! < r.high! - r.low! + 1e-12);
			}),
		);
	});
});

describe('quantiles', () => {
	it('interpolate between neighbours', () => {
		assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
		close(quantileSorted([1, 2, 3, 4], 0.9), 3.7);
		assert.equal(quantileSorted([7], 0.9), 7);
		assert.equal(quantileSorted([], 0.5), undefined);
	});

	it('spreadOf sorts numerically, not as text', () => {
		const s = spreadOf([100, 9, 20]);
		assert.equal(s.median, 20);
		assert.equal(s.n, 3);
	});

	it('lie between the smallest and largest value and grow with q', () => {
		fc.assert(
			fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.double({ min: 0, max: 1, noNaN: true }), (values, q) => {
				const sorted = [...values].sort((a, b) => a - b);
				const v = quantileSorted(sorted, q)!;
				assert.ok(v >= sorted[0] - 1e-9 && v <= sorted[sorted.length - 1] + 1e-9);
				assert.ok(quantileSorted(sorted, Math.min(1, q + 0.1))! >= v - 1e-9);
			}),
		);
	});
});

describe("the median's interval", () => {
	it('takes the order statistics at n/2 ± 1.96·√n/2', () => {
		const values = Array.from({ length: 100 }, (_, i) => i + 1);
		// 50 - 9.8 = 40.2 -> rank 40; 51 + 9.8 = 60.8 -> rank 61.
		assert.deepEqual(medianInterval(values), { low: 40, high: 61 });
		assert.equal(medianInterval([3]), undefined);
	});

	it('spreadOf finds by selection what sorting finds, duplicates and all', () => {
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.double({ min: 0, max: 1e5, noNaN: true })), { minLength: 1, maxLength: 400 }), (values) => {
				const sorted = [...values].sort((a, b) => a - b);
				const interval = medianInterval(sorted);
				assert.deepEqual(spreadOf([...values]), {
					n: values.length,
					median: quantileSorted(sorted, 0.5),
					p90: quantileSorted(sorted, 0.9),
					medianLow: interval?.low,
					medianHigh: interval?.high,
				});
			}),
		);
	});

	it('always holds the median', () => {
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 2, maxLength: 300 }), (values) => {
				const s = spreadOf(values);
				assert.ok(s.medianLow! <= s.median! && s.median! <= s.medianHigh!);
			}),
		);
	});
});
