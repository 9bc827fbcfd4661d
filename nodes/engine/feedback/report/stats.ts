/**
 * The statistics the Lead Quality Report states its figures and findings with: rates with their
 * Wilson score interval, quantiles by linear interpolation, and a distribution-free interval for a
 * median. Pure functions over plain numbers.
 */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** A share of a count, with its confidence interval. `rate`, `low` and `high` are undefined when `of` is 0. */
export interface Rate {
	count: number;
	of: number;
	rate?: number;
	low?: number;
	high?: number;
}

/**
 * The Wilson score interval of `count` successes in `of` trials: unlike the textbook normal
 * interval it stays inside 0..1 and is honest for small counts and rates near 0 or 1.
 */
export function wilson(count: number, of: number, z = Z95): { low: number; high: number } {
	if (of <= 0) return { low: 0, high: 1 };
	const p = count / of;
	const z2 = z * z;
	const denominator = 1 + z2 / of;
	const centre = (p + z2 / (2 * of)) / denominator;
	const half = (z * Math.sqrt((p * (1 - p)) / of + z2 / (4 * of * of))) / denominator;
	return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

export function rateOf(count: number, of: number, z = Z95): Rate {
	if (of <= 0) return { count, of };
	const { low, high } = wilson(count, of, z);
	return { count, of, rate: count / of, low, high };
}

/** The q-quantile (0..1) of sorted values, interpolating between neighbours (as Excel's PERCENTILE.INC). */
export function quantileSorted(sorted: readonly number[], q: number): number | undefined {
	const n = sorted.length;
	if (n === 0) return undefined;
	const position = (n - 1) * q;
	const below = Math.floor(position);
	const above = Math.ceil(position);
	return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * A distribution-free confidence interval for the median of sorted values: the order statistics
 * at ranks n/2 ± z·√n/2 (the normal approximation to the binomial). Undefined for fewer than 2 values.
 */
export function medianInterval(sorted: readonly number[], z = Z95): { low: number; high: number } | undefined {
	const n = sorted.length;
	if (n < 2) return undefined;
	const spread = (z * Math.sqrt(n)) / 2;
	const lowRank = Math.max(1, Math.floor(n / 2 - spread));
	const highRank = Math.min(n, Math.ceil(n / 2 + 1 + spread));
	return { low: sorted[lowRank - 1], high: sorted[highRank - 1] };
}

/** Summary of a set of durations (minutes or days): how many, median, 90th percentile, median's interval. */
export interface Spread {
	n: number;
	median?: number;
	p90?: number;
	medianLow?: number;
	medianHigh?: number;
}

export function spreadOf(values: number[]): Spread {
	if (values.length === 0) return { n: 0 };
	const sorted = new Float64Array(values).sort() as unknown as number[];
	const interval = medianInterval(sorted);
	return { n: sorted.length, median: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9), medianLow: interval?.low, medianHigh: interval?.high };
}
