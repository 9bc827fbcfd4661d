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
	const ranks = medianRanks(n, z);
	return { low: sorted[ranks.low - 1], high: sorted[ranks.high - 1] };
}

/** Summary of a set of durations (minutes or days): how many, median, 90th percentile, median's interval. */
export interface Spread {
	n: number;
	median?: number;
	p90?: number;
	medianLow?: number;
	medianHigh?: number;
}

/**
 * The spread of the values, from the few order statistics it needs (found by selection, in linear
 * time, rather than by sorting them all). Reorders `values` in place.
 */
export function spreadOf(values: number[]): Spread {
	const n = values.length;
	if (n === 0) return { n: 0 };
	const positions = [quantilePositions(n, 0.5), quantilePositions(n, 0.9)];
	const ranks = n >= 2 ? medianRanks(n) : undefined;
	const wanted = [...positions.flatMap(([below, above]) => [below, above]), ...(ranks ? [ranks.low - 1, ranks.high - 1] : [])];
	const at = orderStatistics(values, wanted);
	const quantile = ([below, above, weight]: [number, number, number]) => at.get(below)! + (at.get(above)! - at.get(below)!) * weight;
	return {
		n,
		median: quantile(positions[0]),
		p90: quantile(positions[1]),
		medianLow: ranks ? at.get(ranks.low - 1) : undefined,
		medianHigh: ranks ? at.get(ranks.high - 1) : undefined,
	};
}

/** The two neighbouring positions (0-based) of the q-quantile and the weight of the upper one, as quantileSorted reads them. */
function quantilePositions(n: number, q: number): [number, number, number] {
	const position = (n - 1) * q;
	const below = Math.floor(position);
	return [below, Math.ceil(position), position - below];
}

/** The 1-based ranks of the median's interval, as medianInterval takes them. */
function medianRanks(n: number, z = Z95): { low: number; high: number } {
	const spread = (z * Math.sqrt(n)) / 2;
	return { low: Math.max(1, Math.floor(n / 2 - spread)), high: Math.min(n, Math.ceil(n / 2 + 1 + spread)) };
}

/** The k-th smallest values (0-based k) of `values`, by selection: each k from the smallest up, each search to the right of the last. */
export function orderStatistics(values: number[], ks: readonly number[]): Map<number, number> {
	const out = new Map<number, number>();
	let lo = 0;
	for (const k of [...new Set(ks)].sort((a, b) => a - b)) {
		select(values, k, lo, values.length - 1);
		out.set(k, values[k]);
		lo = k + 1;
	}
	return out;
}

/**
 * Puts the k-th smallest of a[l..r] at a[k], the smaller ones before it and the larger after it
 * (quickselect with a median-of-three pivot, as in Numerical Recipes' `select`).
 */
function select(a: number[], k: number, l: number, r: number): void {
	const swap = (i: number, j: number) => {
		const t = a[i];
		a[i] = a[j];
		a[j] = t;
	};
	for (;;) {
		if (r <= l + 1) {
			if (r === l + 1 && a[r] < a[l]) swap(l, r);
			return;
		}
		const mid = (l + r) >>> 1;
		swap(mid, l + 1);
		if (a[l] > a[r]) swap(l, r);
		if (a[l + 1] > a[r]) swap(l + 1, r);
		if (a[l] > a[l + 1]) swap(l, l + 1);
		let i = l + 1;
		let j = r;
		const pivot = a[l + 1];
		for (;;) {
			do i++;
			while (a[i] < pivot);
			do j--;
			while (a[j] > pivot);
			if (j < i) break;
			swap(i, j);
		}
		a[l + 1] = a[j];
		a[j] = pivot;
		if (j >= k) r = j - 1;
		if (j <= k) l = i;
	}
}
